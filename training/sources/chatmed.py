"""ChatMed-Consult test examples (``query, response`` JSON lines) -> consult turns.

``query`` is wrapped as ``<s>问：\\n…\\n答：\\n``; responses are model outputs. Research only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from training.records import Sample
from training.sources import SourceInfo, jsonl_rows
from training.sources.shennong import unwrap

INFO = SourceInfo(
    name="chatmed_consult",
    licence="no licence file; README: academic research only; responses are model outputs",
    commercial_use=False,
    origin="michael-wzhu/ChatMed src/web_services/test_examples/ChatMed-Consult_test.json",
    shared_path="chatmed-consult/ChatMed-Consult_test.jsonl",
)


def load(path: Path | None, limit: int | None = None) -> Iterator[Sample]:
    for r in jsonl_rows(path, limit):
        yield Sample.qa(
            unwrap(r.get("query", "")),
            (r.get("response") or "").strip(),
            source=INFO.name,
            kind="consult",
            licence=INFO.licence,
            commercial_use=False,
        )
