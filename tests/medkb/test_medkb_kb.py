"""The knowledge base itself: build, curated data integrity, names, mentions."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from clinical.medkb import api
from clinical.medkb.kb import DATA, KnowledgeBase, fingerprint


def test_every_curated_row_has_a_source(kb: KnowledgeBase) -> None:
    for path in DATA.glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as f:
            for i, row in enumerate(csv.DictReader(f), start=2):
                assert row.get("source", "").strip(), f"{path.name}:{i} has no source"


def test_safety_table_size_and_shape(kb: KnowledgeBase) -> None:
    assert len(kb.ingredients) >= 150
    for ing in kb.ingredients.values():
        assert all(v in ("ok", "caution", "avoid") for v in ing.pregnancy), ing.key
        assert ing.breastfeeding in ("ok", "caution", "avoid"), ing.key
        if ing.adult_max_daily_mg:
            assert ing.adult_max_single_mg and ing.adult_max_single_mg <= ing.adult_max_daily_mg
            assert ing.adult_dose_mg is None or ing.adult_dose_mg <= ing.adult_max_single_mg
        if ing.rx_only:
            assert ing.adult_max_daily_mg is None, f"{ing.key}: Rx ingredient with an OTC dose"


def test_graph_is_read_from_the_installed_package(kb: KnowledgeBase) -> None:
    assert kb.stats["graph_products"] > 15000
    assert kb.fingerprint == fingerprint()


def test_name_resolution_bench_meets_97_percent(kb: KnowledgeBase) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import name_resolution

    correct, total, failures = name_resolution.evaluate()
    assert total >= 300
    assert correct / total >= 0.97, failures


def test_graph_noise_is_corrected_by_the_product_name(kb: KnowledgeBase) -> None:
    # CMeKG lists multivitamins as the 成份 of 甲氨蝶呤片 and marks it OTC
    p = api.resolve("甲氨蝶呤片")
    assert p is not None and p.ingredient_keys == ["methotrexate"] and p.rx_only
    # 麻黄 is a fragment of 伪麻黄碱, not a herbal ingredient
    p = api.resolve("酚麻美敏胶囊")
    assert p is not None and "ephedra_herb" not in p.ingredient_keys
    # ethanol is a process solvent in capsules, an ingredient of 藿香正气水
    assert "ethanol" not in api.ingredients_of("布洛芬缓释胶囊")
    assert "ethanol" in api.ingredients_of("藿香正气水")


def test_resolution_variants(kb: KnowledgeBase) -> None:
    assert api.ingredients_of("盐酸二甲双胍缓释片 0.5g") == ["metformin"]
    assert api.ingredients_of("華法林鈉片") == ["warfarin"]
    assert api.ingredients_of("ＩＢＵＰＲＯＦＥＮ") == ["ibuprofen"]  # full-width
    assert api.resolve("感冒灵颗粒 10g*9袋").name == "感冒灵颗粒"  # package descriptions
    assert api.resolve("泰诺林 0.65g×18片/盒").name == "泰诺林"
    assert api.resolve("芬必得 24粒装").name == "芬必得"
    assert api.resolve("完全不存在的药") is None
    assert api.ingredients_of("完全不存在的药") == []
    assert "泰诺林" in api.candidates("泰诺琳")
    assert api.candidates("") == []


def test_ingredient_lookup(kb: KnowledgeBase) -> None:
    ibu = api.ingredient("布洛芬")
    assert ibu is not None and ibu.key == "ibuprofen" and "nsaid" in ibu.classes
    assert ibu.adult_max_daily_mg == 1200 and ibu.min_age_years == 0.5
    assert api.ingredient("Cefuroxime").classes >= {"cephalosporin", "antibiotic"}
    assert api.ingredient("nonsense") is None


def test_find_mentions_offsets_index_the_original_text(kb: KnowledgeBase) -> None:
    text = "患者每天服用華法林3mg，昨晚自行吃了芬必得和感冒灵颗粒。"
    ms = api.find_mentions(text)
    assert [(m.surface, m.kind, m.key) for m in ms] == [
        ("華法林", "ingredient", "warfarin"),
        ("芬必得", "product", "芬必得"),
        ("感冒灵颗粒", "product", "感冒灵颗粒"),
    ]
    assert all(text[m.start : m.end] == m.surface for m in ms)
    assert api.find_mentions("请您定期复查，可定时服药") == []  # brand 可定 is a stopword here


def test_free_text_medication_line(kb: KnowledgeBase) -> None:
    assert api.ingredients_of("华法林钠片 3mg 口服 每日一次 晚饭后") == ["warfarin"]


def test_check_text_flags_an_unsafe_suggestion(kb: KnowledgeBase) -> None:
    ctx = api.PatientContext(age_years=68, current_medications=["华法林钠片 3mg"])
    found = api.check_text("发热时可以吃芬必得或者泰诺林。", ctx)
    by_surface = {m.surface: reasons for m, reasons in found}
    assert [r.code for r in by_surface["芬必得"] if r.severity == "avoid"] == ["interaction"]
    assert all(r.severity == "caution" for r in by_surface["泰诺林"])


def test_no_known_allergy_is_not_an_unresolved_allergy(kb: KnowledgeBase) -> None:
    notes = api.profile_notes(
        api.PatientContext(age_years=30, allergies=["否认药物过敏史", "猫毛"])
    )
    assert notes["allergies"] == ["猫毛"]


def test_curated_label_doses_respect_the_safety_table(kb: KnowledgeBase) -> None:
    for p in kb.products.values():
        if not p.curated or p.rx_only or not p.units_per_dose:
            continue
        for a in p.ingredients:
            ing = kb.ingredients[a.key]
            if a.strength_mg is None or not ing.adult_max_single_mg:
                continue
            assert p.units_per_dose * a.strength_mg <= ing.adult_max_single_mg, p.name
            if p.max_units_per_day and ing.adult_max_daily_mg:
                assert p.max_units_per_day * a.strength_mg <= ing.adult_max_daily_mg, p.name


def test_build_command_is_idempotent(kb: KnowledgeBase) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("build_drug_kb", stdout=out)
    assert "is current" in out.getvalue()


def test_lovastatin_is_known_with_its_label_contraindications(kb: KnowledgeBase) -> None:
    """A common statin the diet engine already knew: the drug KB (and so the monitor) knows it
    too, with the clarithromycin contraindication from its label."""
    lova = api.ingredient("洛伐他汀")
    assert lova is not None and lova.key == "lovastatin" and "statin" in lova.classes
    assert lova.rx_only and lova.adult_max_daily_mg is None  # no dose invented
    ctx = api.PatientContext(age_years=60, current_medications=["洛伐他汀片 20mg"])
    reasons = api.check_patient(["clarithromycin"], ctx)
    assert [(r.code, r.severity) for r in reasons if r.code == "interaction"] == [
        ("interaction", "avoid")
    ]
