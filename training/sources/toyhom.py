"""Toyhom Chinese medical dialogue CSV (``department,title,ask,answer``) -> consult turns.

Upstream files are GB18030; the shared sample was re-encoded to UTF-8. Both are read:
UTF-8 (with or without BOM) first, GB18030 on a decode error.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from training.records import Sample
from training.sources import SourceInfo, SourceUnavailable

INFO = SourceInfo(
    name="toyhom_dialogue",
    licence="MIT (Toyhom/Chinese-medical-dialogue-data)",
    commercial_use=True,
    origin="Toyhom/Chinese-medical-dialogue-data 样例_内科5000-6000.csv",
    shared_path="toyhom-chinese-medical-dialogue/IM_internal_medicine_sample_5000-6000.utf8.csv",
)


def read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def load(path: Path | None, limit: int | None = None) -> Iterator[Sample]:
    if path is None or not Path(path).exists():
        raise SourceUnavailable(f"{path} not found")
    reader = csv.DictReader(io.StringIO(read_text(Path(path)), newline=""))
    for n, row in enumerate(reader):
        if limit and n >= limit:
            return
        title, ask, answer = (row.get(k, "").strip() for k in ("title", "ask", "answer"))
        question = ask if title and title in ask else f"{title}\n{ask}".strip()
        yield Sample.qa(
            question,
            answer,
            source=INFO.name,
            kind="consult",
            licence=INFO.licence,
            commercial_use=True,
            meta={"department": row.get("department", "")},
        )
