"""ShenNong-TCM test examples CSV (``问题, LlaMa原始, ShenNong-TCM-LLM``) -> TCM Q&A.

Questions come wrapped as ``<s>问：…答：``; the ShenNong-TCM-LLM column is the answer.
Research only (README 免责声明): never in a default build.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from training.records import Sample
from training.sources import SourceInfo, SourceUnavailable

INFO = SourceInfo(
    name="shennong_tcm",
    licence="no licence file; README: academic research only",
    commercial_use=False,
    origin="michael-wzhu/ShenNong-TCM-LLM src/ShenNong-TCM-LLM - test examples.xls",
    shared_path="shennong-tcm/ShenNong-TCM-LLM_test_examples.csv",
)

_WRAP = re.compile(r"^\s*(?:<s>)?\s*问[:：]\s*|\s*答[:：]\s*$")


def unwrap(q: str) -> str:
    return _WRAP.sub("", q).strip()


def load(path: Path | None, limit: int | None = None) -> Iterator[Sample]:
    if path is None or not Path(path).exists():
        raise SourceUnavailable(f"{path} not found")
    with Path(path).open(encoding="utf-8-sig", newline="") as f:
        for n, row in enumerate(csv.DictReader(f)):
            if limit and n >= limit:
                return
            yield Sample.qa(
                unwrap(row.get("问题", "")),
                (row.get("ShenNong-TCM-LLM") or "").strip(),
                source=INFO.name,
                kind="tcm",
                licence=INFO.licence,
                commercial_use=False,
            )
