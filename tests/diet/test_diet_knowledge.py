"""The knowledge base itself: sourced rows, no dangling references, alias resolution."""

from __future__ import annotations

import csv

import pytest

from clinical.diet import knowledge
from clinical.diet.foods import resolve_food
from clinical.diet.knowledge import DATA_DIR, KnowledgeError, get_kb
from clinical.diet.medicines import resolve_medicine
from clinical.diet.question import parse_question


def test_every_row_of_every_data_file_has_a_source() -> None:
    for path in DATA_DIR.glob("*.csv"):
        with path.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert rows, path.name
        assert all(r["source"].strip() for r in rows), path.name


def test_the_issue_pairs_are_all_in_the_rules() -> None:
    codes = {r.code for r in get_kb().rules}
    for code in (
        "cephalosporin.ethanol",
        "nitroimidazole.ethanol",
        "cephalosporin.ethanol_medicine",
        "metformin.ethanol",
        "nsaid.ethanol",
        "paracetamol.ethanol",
        "cns_depressant.ethanol",
        "warfarin.ethanol",
        "dhp_ccb.grapefruit",
        "simvastatin.grapefruit",
        "lovastatin.grapefruit",
        "atorvastatin.grapefruit",
        "warfarin.vitamin_k",
        "tetracycline.dairy",
        "fluoroquinolone.dairy",
        "levothyroxine.calcium",
        "levothyroxine.soy",
        "levothyroxine.caffeine",
        "k_sparing.potassium_salt",
        "acei.potassium_salt",
        "arb.potassium_salt",
        "ckd.potassium_salt",
        "maoi.tyramine",
        "maoi_like.tyramine",
    ):
        assert code in codes, code


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("海鲜", "high_purine_seafood"),
        ("虾", "high_purine_seafood"),
        ("蟹", "high_purine_seafood"),
        ("贝", "high_purine_seafood"),
        ("啤酒", "ethanol"),
        ("白酒", "ethanol"),
        ("红酒", "ethanol"),
        ("黄酒", "ethanol"),
        ("米酒", "ethanol"),
        ("料酒", "ethanol"),
        ("藿香正气水", "ethanol"),
        ("西柚", "grapefruit_like"),
        ("葡萄柚", "grapefruit_like"),
        ("低钠盐", "potassium_salt"),
        ("菠菜", "vitamin_k_rich"),
        ("西兰花", "vitamin_k_rich"),
        ("羽衣甘蓝", "vitamin_k_rich"),
        ("牛奶", "calcium_rich"),
        ("酸奶", "dairy"),
        ("奶酪", "tyramine_rich"),
        ("豆浆", "soy"),
        ("咖啡", "caffeine"),
        ("腌肉", "tyramine_rich"),
        ("腐乳", "tyramine_rich"),
        ("动物内脏", "high_purine"),
        ("香蕉", "potassium_rich"),
        ("橙子", "potassium_rich"),
        ("浓茶", "tannin"),
        ("冰镇啤酒", "ethanol"),
        ("一杯西柚汁", "grapefruit_like"),
    ],
)
def test_food_aliases_resolve_to_categories(name: str, category: str) -> None:
    food = resolve_food(name, get_kb())
    assert food.complete, name
    assert category in food.categories


def test_a_food_the_lexicon_does_not_know_is_not_resolved() -> None:
    food = resolve_food("龙舌兰日出配方", get_kb())
    assert not food.complete


@pytest.mark.parametrize(
    ("name", "codes", "ingredient", "klass"),
    [
        ("头孢呋辛酯片 0.25g", None, "cefuroxime", "cephalosporin"),
        ("头孢", None, None, "cephalosporin"),
        ("立普妥", None, "atorvastatin", "statin"),
        ("Warfarin", None, "warfarin", "vitamin_k_antagonist"),
        ("某降糖片", ["A10BA02"], "metformin", "biguanide"),
        ("某头孢", ["J01DD99"], None, "cephalosporin"),
    ],
)
def test_medicines_resolve_by_name_brand_and_atc(
    name: str, codes: list[str] | None, ingredient: str | None, klass: str
) -> None:
    med = resolve_medicine(name, codes)
    assert med is not None
    if ingredient:
        assert ingredient in med.ingredients
    assert klass in med.classes


def test_an_unknown_medicine_does_not_resolve() -> None:
    assert resolve_medicine("某某神药胶囊") is None
    assert resolve_medicine("") is None


def test_medicines_resolve_through_the_shared_drug_knowledge() -> None:
    """#23: diet keeps no medicine table of its own (medicines.csv, medkb_classes.csv gone)."""
    assert not (DATA_DIR / "medicines.csv").exists()
    assert not (DATA_DIR / "medkb_classes.csv").exists()
    linezolid = resolve_medicine("利奈唑胺片")
    assert linezolid is not None and linezolid.ingredients == ("linezolid",)
    # a weak reversible MAO inhibitor (label: avoid large amounts of tyramine), not an
    # irreversible MAOI (DECISIONS.md)
    assert "maoi_like" in linezolid.classes and "maoi" not in linezolid.classes
    tylenol = resolve_medicine("泰诺林")
    assert tylenol is not None and tylenol.ingredients == ("paracetamol",)
    # class words name the class and every class below it (no particular member)
    cephalosporin = resolve_medicine("头孢")
    assert cephalosporin is not None and cephalosporin.via == "class-word"
    assert "cephalosporin" in cephalosporin.classes and cephalosporin.ingredients == ()
    assert {"quinolone", "fluoroquinolone"} <= resolve_medicine("喹诺酮类").classes
    assert "cns_depressant" in resolve_medicine("安眠药").classes
    assert "acei" in resolve_medicine("ACEI").classes
    # classes are the shared vocabulary, closed upwards
    assert {"dihydropyridine_ccb", "ccb", "antihypertensive"} <= resolve_medicine(
        "氨氯地平"
    ).classes
    # 藿香正气水 contains ethanol (the shared spelling of diet's ethanol_containing_medicine)
    assert "ethanol" in resolve_medicine("藿香正气水").classes
    # drinks are foods, not medicines: ethanol's own names are not in diet's medicine list
    assert parse_question("吃头孢能喝白酒吗", get_kb()).foods == ["白酒"]


def test_every_drug_rule_names_a_shared_ingredient_or_class() -> None:
    from clinical.knowledge import drugs as kd

    for rule in get_kb().rules:
        if rule.family != "drug":
            continue
        (subject,) = rule.subjects
        if rule.subject_kind == "ingredient":
            assert kd.ingredient(subject) is not None, rule.code
        else:
            assert kd.canonical_class(subject) == subject, rule.code


def test_a_rule_naming_an_unknown_category_fails_loading(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in DATA_DIR.glob("*.csv"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with (tmp_path / "drug_food.csv").open("a", encoding="utf-8") as fh:
        fh.write("typo.rule,ingredient:warfarin,vitamin_kk_rich,avoid,t,a,src\n")
    monkeypatch.setattr(knowledge, "DATA_DIR", tmp_path)
    with pytest.raises(KnowledgeError, match="vitamin_kk_rich"):
        knowledge.load()


def test_a_row_without_a_source_fails_loading(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in DATA_DIR.glob("*.csv"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with (tmp_path / "foods.csv").open("a", encoding="utf-8") as fh:
        fh.write("神秘果,,fruit,\n")
    monkeypatch.setattr(knowledge, "DATA_DIR", tmp_path)
    with pytest.raises(KnowledgeError, match="source"):
        knowledge.load()


def test_diet_reads_text_through_the_shared_fold() -> None:
    """Traditional characters and full-width letters reach the same medicines and foods (#23)."""
    from clinical.diet.services import consult

    assert knowledge.normalise("華法林，能吃 菠菜嗎？") == "华法林能吃菠菜吗"
    assert resolve_medicine("頭孢呋辛酯片").ingredients == ("cefuroxime",)
    assert resolve_medicine("ＷＡＲＦＡＲＩＮ").ingredients == ("warfarin",)
    answer = consult(question="吃頭孢能喝酒嗎")
    assert answer.verdict == "avoid"
    assert "cephalosporin.ethanol" in {r.code for r in answer.reasons}
