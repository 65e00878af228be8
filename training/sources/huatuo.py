"""HuaTuo ``llama_data.jsonl`` (``instruction, input, output``; GPT-3.5-generated) -> Q&A.

Apache-2.0 code licence, but the README restricts the data to academic research.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from training.records import Sample
from training.sources import SourceInfo, SourceUnavailable

INFO = SourceInfo(
    name="huatuo",
    licence="Apache-2.0 code; README: data for academic research only, model-generated",
    commercial_use=False,
    origin="SCIR-HI/Huatuo-Llama-Med-Chinese data/llama_data.json",
    shared_path="huatuo-llama-med-chinese/llama_data.jsonl",
)


def load(path: Path | None, limit: int | None = None) -> Iterator[Sample]:
    if path is None or not Path(path).exists():
        raise SourceUnavailable(f"{path} not found")
    with Path(path).open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            if limit and n >= limit:
                return
            if not line.strip():
                continue
            r = json.loads(line)
            q = "\n".join(x for x in (r.get("instruction", ""), r.get("input", "")) if x)
            yield Sample.qa(
                q.strip(),
                (r.get("output") or "").strip(),
                source=INFO.name,
                kind="kg_qa",
                licence=INFO.licence,
                commercial_use=False,
            )
