"""Prepare the data the H200 run carries (``python -m training.gpu_data OUT``).

- ``pretrain_*.jsonl.gz``: general medical Chinese for the short full pre-train: Toyhom
  dialogues (MIT) and CMeKG disease/symptom entries rendered as descriptions (MIT).
- ``train/val.jsonl.gz``: the fine-tuning task (our generated data): CMeKG drug-label Q&A
  and monitor-approved safety refusals, split by ``training.builder``.
- ``tokenizer.model``: a sentencepiece BPE tokenizer trained on all of it.
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
from pathlib import Path

from training import cleaning, tokenizer
from training.builder import BuildConfig, build
from training.records import Sample
from training.sources import cmekg

DESCRIBE = (
    "常见症状",
    "常见病因",
    "就诊科室",
    "多发群体",
    "并发症",
    "治疗",
    "检查",
    "常见发病部位",
    "传染性",
)


def cmekg_descriptions() -> list[Sample]:
    out = []
    for name, entry in sorted(cmekg.graph().items()):
        if "用法用量" in entry:
            continue
        parts = []
        for pred in DESCRIBE:
            vals = [v for v in entry.get(pred, []) if isinstance(v, str)]
            if vals:
                parts.append(f"{pred}：{'、'.join(vals[:8])}")
        if len(parts) >= 2:
            out.append(
                Sample.qa(
                    f"介绍一下{name}。",
                    f"{name}的{'；'.join(parts)}。",
                    source="cmekg_entities",
                    kind="describe",
                    licence=cmekg.INFO.licence,
                )
            )
    return out


def write_gz(path: Path, rows: list[dict]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main(out: Path, shared: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="ammed_gpu_data_"))
    build(
        BuildConfig(out_dir=tmp / "ft", sources=("cmekg_labels", "safety_refusals"), val_ratio=0.05)
    )
    build(
        BuildConfig(
            out_dir=tmp / "pre", sources=("toyhom_dialogue",), shared_dir=shared, val_ratio=0.03
        )
    )
    pre_train = [json.loads(x) for x in (tmp / "pre" / "train.jsonl").read_text().splitlines()]
    pre_val = [json.loads(x) for x in (tmp / "pre" / "val.jsonl").read_text().splitlines()]
    for s in cmekg_descriptions():
        cleaning.scrub_sample(s)
        (pre_val if cleaning.is_validation(s, 1, 0.03) else pre_train).append(s.to_openai())
    ft_train = [json.loads(x) for x in (tmp / "ft" / "train.jsonl").read_text().splitlines()]
    ft_val = [json.loads(x) for x in (tmp / "ft" / "val.jsonl").read_text().splitlines()]
    write_gz(out / "pretrain_train.jsonl.gz", pre_train)
    write_gz(out / "pretrain_val.jsonl.gz", pre_val)
    write_gz(out / "train.jsonl.gz", ft_train)
    write_gz(out / "val.jsonl.gz", ft_val)
    (out / "data_card.json").write_text((tmp / "ft" / "data_card.json").read_text())
    texts = [m["content"] for r in pre_train + ft_train for m in r["messages"]]
    tokenizer.train_sentencepiece(texts, out / "tokenizer.model", vocab_size=8000)
    counts = {
        "pretrain_train": len(pre_train),
        "pretrain_val": len(pre_val),
        "train": len(ft_train),
        "val": len(ft_val),
    }
    (out / "counts.json").write_text(json.dumps(counts))
    print(counts)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2] if len(sys.argv) > 2 else "../shared/data"))
