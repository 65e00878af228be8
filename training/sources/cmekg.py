"""CMeKG drug labels (PyPI ``PyCMeKG`` 0.2.5, MIT) -> grounded label Q&A.

Reads ``pyCMeKG/model/cmekg.pkl`` directly (a dict subject -> {predicate: [objects]}).
When the drug KB (``clinical.medkb.api``, issue 3) is on this branch it is the preferred
door to the same graph; until then the pickle is read here. Only entries that look like
drug labels (they have 用法用量) are used; answers quote the label text and add no dose.
"""

from __future__ import annotations

import importlib.util
import pickle
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from training.records import Sample
from training.sources import SourceInfo, SourceUnavailable
from training.sources.labels import label_qas

INFO = SourceInfo(
    name="cmekg_labels",
    licence="MIT (PyPI PyCMeKG 0.2.5)",
    commercial_use=True,
    origin="PyCMeKG==0.2.5 pyCMeKG/model/cmekg.pkl",
)

SECTIONS = ("用法用量", "禁忌", "药物相互作用", "不良反应", "注意事项", "适应症")


def pickle_path() -> Path:
    spec = importlib.util.find_spec("pyCMeKG")
    if spec is None or not spec.submodule_search_locations:
        raise SourceUnavailable("PyCMeKG is not installed (requirements/training.txt)")
    path = Path(next(iter(spec.submodule_search_locations))) / "model" / "cmekg.pkl"
    if not path.exists():
        raise SourceUnavailable(f"{path} missing")
    return path


@lru_cache(maxsize=1)
def graph() -> dict[str, dict[str, Any]]:
    with pickle_path().open("rb") as f:
        return pickle.load(f)  # the package's own data file


def drug_sections(entry: dict[str, Any]) -> dict[str, str]:
    out = {}
    for sec in SECTIONS:
        vals = [v for v in entry.get(sec, []) if isinstance(v, str) and v.strip()]
        if vals:
            out[sec] = "；".join(dict.fromkeys(v.strip() for v in vals))
    return out


def load(path: Path | None = None, limit: int | None = None) -> Iterator[Sample]:
    g = graph()
    n = 0
    for i, (drug, entry) in enumerate(sorted(g.items())):
        if "用法用量" not in entry:
            continue
        for section, q, a in label_qas(drug, drug_sections(entry), i):
            yield Sample.qa(
                q,
                a,
                source=INFO.name,
                kind=f"label:{section}",
                licence=INFO.licence,
                commercial_use=True,
                meta={"drug": drug},
            )
            n += 1
            if limit and n >= limit:
                return
