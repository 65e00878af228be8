"""Latin drug-name abbreviations reach the same ingredients in every consumer (#23, task h6).

Doctors and patients write SMZ, TMP, SMZ-TMP, ORS, MTX, APAP, HCTZ, NTG, INH, 5-FU …; the one
drug vocabulary (``clinical/knowledge/data/ingredients.csv``/``products.csv`` aliases, each row
sourced) names them, and guidance (``medkb.api.resolve``), medkb's mention finder (orders,
the agent, the monitor), the shared finder (diet), follow-up and orders reach the same drugs.
An abbreviation is a whole token: never inside a Latin word (colors, inhaler) or a file path.
"""

from __future__ import annotations

import pytest

from clinical.knowledge import drugs as kd

pytestmark = pytest.mark.django_db

SMZ_TMP = {"sulfamethoxazole", "trimethoprim"}
# written as doctors and patients write them → the ingredients meant (by hand, not from the KB)
ABBREVIATIONS: dict[str, set[str]] = {
    "SMZ": {"sulfamethoxazole"},
    "SMX": {"sulfamethoxazole"},
    "TMP": {"trimethoprim"},
    "SMZ-TMP": SMZ_TMP,
    "SMZ/TMP": SMZ_TMP,
    "TMP-SMX": SMZ_TMP,
    "SMX-TMP": SMZ_TMP,
    "SMZco": SMZ_TMP,
    "ORS": {"oral_rehydration_salts"},
    "MTX": {"methotrexate"},
    "ASA": {"aspirin"},
    "APAP": {"paracetamol"},
    "HCTZ": {"hydrochlorothiazide"},
    "NTG": {"nitroglycerin"},
    "GTN": {"nitroglycerin"},
    "INH": {"isoniazid"},
    "5-FU": {"fluorouracil"},
    "5FU": {"fluorouracil"},
    "KCl": {"potassium_chloride"},
    "ISMN": {"isosorbide_mononitrate"},
    "NAC": {"acetylcysteine"},
    "HCQ": {"hydroxychloroquine"},
    "MMI": {"methimazole"},
    "CsA": {"ciclosporin"},
    "FK506": {"tacrolimus"},
    "UFH": {"heparin"},
}
# the layer keeps co-trimoxazole as one key (BNF combined-mg maxima); medkb its two ingredients
SPLIT = {"co_trimoxazole": SMZ_TMP}


def _same(got: set[str], want: set[str]) -> bool:
    return got == want or set().union(*(SPLIT.get(k, {k}) for k in got)) == want


WRITTEN = [
    (written, form)
    for written in ABBREVIATIONS
    for form in {written, written.lower(), written.upper()}
]


@pytest.mark.parametrize(("written", "form"), WRITTEN)
def test_the_shared_vocabulary_resolves_the_abbreviation(written, form):
    want = ABBREVIATIONS[written]
    assert _same(set(kd.resolve(form)), want), kd.resolve(form)
    found = kd.find_names(f"我在吃{form}，每天1片")
    assert found and _same(set().union(*(m.keys for m in found)), want), found


@pytest.mark.parametrize("written", sorted(ABBREVIATIONS))
def test_guidance_resolves_the_abbreviation(written):
    from clinical.medkb import api

    product = api.resolve(written)
    assert product is not None, written
    assert _same(set(product.ingredient_keys), ABBREVIATIONS[written])


@pytest.mark.parametrize("written", sorted(ABBREVIATIONS))
def test_medkb_mentions_and_the_monitor_find_the_abbreviation_in_a_sentence(written):
    """medkb's mention finder is what orders (``dose_check.sig_drug_issues``), the agent and
    the monitor read running text with."""
    from clinical.knowledge.text import fold
    from clinical.medkb import api
    from clinical.monitor import kb

    want = ABBREVIATIONS[written]
    sentence = f"请按时吃{written}，每次1片"
    mentions = api.find_mentions(sentence)
    assert mentions, sentence
    assert _same(set(api.ingredients_of(mentions[0].surface)), want)
    assert sentence[mentions[0].start : mentions[0].end].lower().startswith(written[:3].lower())
    found = kb.find_mentions(fold(sentence))
    assert found and _same(set(found[0].all_keys), want), found


@pytest.mark.parametrize("written", sorted(ABBREVIATIONS))
def test_the_agent_understands_the_abbreviation_as_the_medicine(written):
    from clinical.agent.understanding.rules import understand
    from clinical.medkb import api

    medicines = understand(f"{written}能吃吗").medicines
    assert len(medicines) == 1, medicines
    product = api.resolve(medicines[0])
    assert product is not None and _same(set(product.ingredient_keys), ABBREVIATIONS[written])


@pytest.mark.parametrize("written", sorted(ABBREVIATIONS))
def test_diet_reads_the_abbreviation_as_the_medicine(written):
    from clinical.diet.knowledge import get_kb
    from clinical.diet.medicines import resolve_medicine
    from clinical.diet.question import parse_question

    named = parse_question(f"吃{written}能喝酒吗", get_kb()).medicines
    keys: set[str] = set()
    for text in named:
        resolved = resolve_medicine(text)
        if resolved is not None:
            keys |= set(resolved.ingredients)
    assert _same(keys, ABBREVIATIONS[written]), named


def test_orders_and_follow_up_read_an_abbreviated_order():
    """An order written with an abbreviation is in its class for orders' critical-medicine
    check and follow-up's medication flags (UFH is an anticoagulant)."""
    from clinical.followup.services.facts import classify_medication
    from clinical.orders.services.schedule import critical_class_of

    assert (critical_class_of("UFH 5000单位 皮下注射", []) or {}).get("id") == "anticoagulant"
    mr = {"medicationCodeableConcept": {"text": "UFH 5000单位"}}
    assert "anticoagulant" in classify_medication(mr)
    assert kd.is_a(kd.resolve("MTX")[0], "antimetabolite")
    assert kd.is_a(kd.resolve("5-FU")[0], "antimetabolite")


@pytest.mark.parametrize(
    "text",
    [
        "colors and doors",  # ORS inside English words
        "motors",
        "inhaler 2 puffs",  # INH inside a word
        "文件在/tmp/report.txt",  # TMP as a file path
        "保存为 report.tmp 了",  # TMP as a file extension
        "smzs",  # a longer Latin word is not the abbreviation
        "NASA",  # ASA inside a word
        "ORSK",
    ],
)
def test_an_abbreviation_is_a_whole_token(text):
    from clinical.medkb import api

    assert kd.find_names(text) == []
    assert api.find_mentions(text) == []


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("每周吃MTX10mg", {"methotrexate"}),  # a number after it ends the token
        ("口服ORS补液", {"oral_rehydration_salts"}),
        ("复方新诺明就是SMZ-TMP", SMZ_TMP),
        ("ＭＴＸ", {"methotrexate"}),  # full width
        ("M\u200bTX", {"methotrexate"}),  # a zero-width character inside
    ],
)
def test_abbreviations_in_running_text(text, want):
    found = kd.find_names(text)
    assert found and _same(set().union(*(m.keys for m in found)), want), found
