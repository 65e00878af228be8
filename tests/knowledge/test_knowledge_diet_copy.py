"""Diet still keeps its own medicine table (clinical/diet/data/medicines.csv) and the class map
from medkb's vocabulary to its rules' (medkb_classes.csv): its rules are written in their own
class spellings (ace_inhibitor, oral_iron, cns_depressant …), so switching diet to
clinical.knowledge.drugs means rewriting those rules; until then every row of the copy must
agree with the shared knowledge (#23)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from clinical.knowledge import drugs as kd

DIET = Path(__file__).resolve().parents[2] / "clinical" / "diet" / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with open(DIET / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


MEDICINES = _rows("medicines.csv")
CLASS_MAP = _rows("medkb_classes.csv")


@pytest.mark.parametrize("row", MEDICINES, ids=[r["name"] for r in MEDICINES])
def test_every_diet_medicine_row_agrees_with_the_shared_knowledge(row):
    classes = kd.split(row["classes"])
    for c in classes:
        assert kd.canonical_class(c), f"{row['name']}: class {c} unknown to clinical.knowledge"
    ing = row["ingredient"]
    if not ing:
        return  # a class word (头孢): its classes are checked above
    if kd.ingredient(ing) is None:
        # a product diet knows by a name of its own: the shared knowledge must know the name and
        # agree on what matters to diet (藿香正气水 → ethanol)
        keys = kd.resolve(row["name"])
        assert keys, f"{row['name']}: unknown to clinical.knowledge"
        got = set().union(*(kd.classes_of(k) for k in keys))
        assert {kd.canonical_class(c) for c in classes} <= got, row["name"]
        return
    got = kd.classes_of(ing)
    for c in classes:
        assert kd.canonical_class(c) in got, f"{row['name']}: {c} not a class of {ing} in knowledge"
    for code in kd.split(row["atc"]):
        assert code in kd.ingredient(ing).atc, f"{row['name']}: ATC {code}"
    for name in (row["name"], *kd.split(row["aliases"])):
        assert ing in kd.resolve(name), f"{name}: knowledge resolves {kd.resolve(name)}"


@pytest.mark.parametrize("row", CLASS_MAP, ids=[r["medkb_class"] for r in CLASS_MAP])
def test_every_class_mapping_holds_for_every_member_in_the_shared_knowledge(row):
    src = row["medkb_class"]
    assert kd.canonical_class(src) == src, f"{src} is not a knowledge class key"
    assert kd.members(src), src
    for target in kd.split(row["diet_classes"]):
        canon = kd.canonical_class(target)
        assert canon, f"{target} unknown to clinical.knowledge"
        wrong = sorted(k for k in kd.members(src) if canon not in kd.classes_of(k))
        assert not wrong, f"{src} → {target}: not {canon} in knowledge: {wrong}"
