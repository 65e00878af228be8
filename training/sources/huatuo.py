"""HuaTuo ``llama_data.jsonl`` (``instruction, input, output``; GPT-3.5-generated) -> Q&A.

Apache-2.0 code licence, but the README restricts the data to academic research.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from training.records import Sample
from training.sources import SourceInfo, jsonl_rows

INFO = SourceInfo(
    name="huatuo",
    licence="Apache-2.0 code; README: data for academic research only, model-generated",
    commercial_use=False,
    origin="SCIR-HI/Huatuo-Llama-Med-Chinese data/llama_data.json",
    shared_path="huatuo-llama-med-chinese/llama_data.jsonl",
)


def load(path: Path | None, limit: int | None = None) -> Iterator[Sample]:
    for r in jsonl_rows(path, limit):
        q = "\n".join(x for x in (r.get("instruction", ""), r.get("input", "")) if x)
        yield Sample.qa(
            q.strip(),
            (r.get("output") or "").strip(),
            source=INFO.name,
            kind="kg_qa",
            licence=INFO.licence,
            commercial_use=False,
        )
