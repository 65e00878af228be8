"""am-med-agent ``medicine_instructions.csv`` (the seed project's drug labels) -> label Q&A.

16 columns; the category column is headed ``43`` upstream. All rows are Chinese patent
medicines. Licence: repo Apache-2.0, text derived from the Tianchi NER data set.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from training.records import Sample
from training.sources import SourceInfo, SourceUnavailable
from training.sources.labels import label_qas

INFO = SourceInfo(
    name="am_med_agent_labels",
    licence="Apache-2.0 (AM-Med-Agent repo); texts from Tianchi dataset 86819 (Tianchi terms)",
    commercial_use=False,
    origin="lzl-am/AM-Med-Agent data_process/medicine_instructions.csv",
    shared_path="am-med-agent/medicine_instructions.csv",
)

COLUMNS = ("用法用量", "不良反应", "注意事项", "相互作用", "功能主治")


def load(path: Path | None, limit: int | None = None) -> Iterator[Sample]:
    if path is None or not Path(path).exists():
        raise SourceUnavailable(f"{path} not found")
    n = 0
    with Path(path).open(encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            drug = (row.get("药品名称") or row.get("药品商品名称") or "").strip()
            if not drug:
                continue
            sections = {c: (row.get(c) or "").replace("\u3000", "") for c in COLUMNS}
            for section, q, a in label_qas(drug, sections, i):
                yield Sample.qa(
                    q,
                    a,
                    source=INFO.name,
                    kind=f"label:{section}",
                    licence=INFO.licence,
                    commercial_use=INFO.commercial_use,
                    meta={"drug": drug},
                )
                n += 1
                if limit and n >= limit:
                    return
