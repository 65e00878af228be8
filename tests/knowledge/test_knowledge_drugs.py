"""The one drug/condition layer (#23): each disagreement the issue lists has its clinically
right answer here, and every consumer reaches the same concept, class and maximum."""

from __future__ import annotations

import csv

import pytest

from clinical.knowledge import conditions as kc
from clinical.knowledge import drugs as kd


@pytest.mark.parametrize(
    ("key", "single_mg", "per_day"),
    [("omeprazole", 40, 1), ("ibuprofen", 600, 3), ("paracetamol", 1000, 4)],
)
def test_it_does_not_call_ordinary_prescriptions_over_the_maximum(key, single_mg, per_day):
    rx = kd.max_dose(key, "rx")
    assert rx is not None and rx.setting == "rx"
    assert single_mg <= rx.max_single_mg and single_mg * per_day <= rx.max_daily_mg


def test_it_keeps_the_otc_maxima_for_self_care():
    assert kd.max_dose("paracetamol", "otc").max_daily_mg == 2000
    assert kd.max_dose("omeprazole", "otc").max_single_mg == 20
    assert kd.max_dose("ibuprofen", "otc").max_single_mg == 400


def test_a_maximum_without_a_source_stays_unknown():
    assert not kd.max_dose("warfarin", "rx").known
    assert not kd.max_dose("heparin", "rx").known


def test_a_child_gets_no_adult_maximum():
    limit = kd.max_dose("paracetamol", "otc", age_years=6)
    assert limit.max_single_mg is None and limit.max_daily_mg is None
    assert kd.max_dose("paracetamol", "otc", age_years=6, weight_kg=20).max_daily_mg == 800


def test_one_spelling_per_class():
    for spelling in ("acei", "ace_inhibitor", "ace-inhibitor"):
        assert kd.canonical_class(spelling) == "acei"
    assert kd.canonical_class("calcium-channel-blocker") == "ccb"
    assert kd.canonical_class("vitamin-k-antagonist") == "vitamin_k_antagonist"


def test_classes_imply_their_parents():
    assert kd.is_a("amlodipine", "dihydropyridine_ccb") and kd.is_a("amlodipine", "ccb")
    assert kd.is_a("levofloxacin", "quinolone") and kd.is_a("levofloxacin", "fluoroquinolone")


@pytest.mark.parametrize(
    "key", ["heparin", "enoxaparin", "rivaroxaban", "dabigatran", "apixaban", "warfarin"]
)
def test_every_anticoagulant_is_one(key):
    assert kd.is_a(key, "anticoagulant")


def test_warfarin_plus_quinolone_is_caution_everywhere():
    rules = kd.interactions("warfarin", "levofloxacin")
    assert [r.severity for r in rules] == ["caution"]


def test_tainuo_is_the_four_ingredient_cold_remedy_and_tainuolin_plain_paracetamol():
    assert set(kd.resolve("泰诺")) == {
        "paracetamol",
        "pseudoephedrine",
        "dextromethorphan",
        "chlorphenamine",
    }
    assert kd.resolve("泰诺林") == ("paracetamol",)


@pytest.mark.parametrize("text", ["消化性溃疡", "胃溃疡", "十二指肠溃疡"])
def test_peptic_ulcer_contraindicates_nsaids(text):
    keys = kc.keys_for_text(text)
    assert "peptic_ulcer" in keys
    assert [r.severity for r in kd.contraindications("ibuprofen", keys)] == ["avoid"]


def test_hypertension_has_one_code_set():
    assert set(kc.conditions()["hypertension"].snomed) == {"38341003", "59621000", "1201005"}
    for code in ("38341003", "59621000", "1201005"):
        assert kc.keys_for_code(kc.SNOMED, code) >= {"hypertension"}


def test_every_row_has_a_source_and_known_classes():
    for ing in kd.ingredients().values():
        assert ing.source, ing.key
        assert ing.classes <= set(kd.classes()), ing.key
    for c in kd.classes().values():
        assert c.source, c.key


@pytest.fixture
def reloaded_tables(monkeypatch):
    """The drug tables read afresh from wherever ``kd.DATA`` points (caches cleared before
    and after, so the shipped tables are read again by the next test)."""
    loaders = (kd.classes, kd.ingredients, kd.products)
    for load in loaders:
        load.cache_clear()
    yield monkeypatch
    for load in loaders:
        load.cache_clear()


def test_the_shipped_tables_answer(reloaded_tables):
    kd.require_tables()  # no exception: classes, ingredients and products load and validate
    assert kd.max_dose("amlodipine", "rx").max_single_mg == 10


def test_missing_tables_cannot_answer(reloaded_tables, tmp_path):
    reloaded_tables.setattr(kd, "DATA", tmp_path)
    with pytest.raises(kd.KnowledgeUnavailable):
        kd.require_tables()


def test_a_row_without_its_source_makes_the_tables_unavailable(reloaded_tables, tmp_path):
    for table in kd.DATA.glob("*.csv"):
        (tmp_path / table.name).write_bytes(table.read_bytes())
    with open(kd.DATA / "ingredients.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["source"] = ""
    with open(tmp_path / "ingredients.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    reloaded_tables.setattr(kd, "DATA", tmp_path)
    with pytest.raises(kd.KnowledgeUnavailable):
        kd.require_tables()
