"""Every consumer reaches the same concept, class and maximum as clinical.knowledge (#23)."""

from __future__ import annotations

import pytest

from clinical.knowledge import conditions as kc
from clinical.knowledge import drugs as kd

pytestmark = pytest.mark.django_db


def test_the_monitor_sees_the_knowledge_maxima_and_classes():
    from clinical.monitor import kb

    for key in kd.ingredients():
        mon = kb.ingredient(key)
        assert mon is not None, key
        assert mon.classes == kd.classes_of(key), key
        otc, rx = kd.max_dose(key, "otc"), kd.max_dose(key, "rx")
        assert mon.limits("otc")[:2] == (otc.max_single_mg, otc.max_daily_mg), key
        assert mon.limits("rx")[:2] == (rx.max_single_mg, rx.max_daily_mg), key


def test_medkb_sees_the_same_ingredients_classes_and_otc_maxima():
    from clinical.medkb import api

    for key in kd.ingredients():
        ing = api.ingredient(key)
        assert ing is not None, key
        assert ing.classes == kd.classes_of(key), key
        otc = kd.ingredients()[key]
        assert (ing.adult_max_single_mg, ing.adult_max_daily_mg) == (
            otc.otc_max_single_mg,
            otc.otc_max_daily_mg,
        ), key


@pytest.mark.parametrize("name", ["泰诺", "泰诺林", "芬必得", "肝素钠注射液", "对乙酰氨基酚"])
def test_guidance_and_monitor_resolve_a_name_to_the_same_ingredients(name):
    from clinical.medkb import api
    from clinical.monitor import kb

    keys = set(kd.resolve(name))
    product = api.resolve(name)
    assert product is not None and set(product.ingredient_keys) == keys
    mentions = kb.find_mentions(name)
    assert mentions and set(mentions[0].all_keys) == keys


@pytest.mark.parametrize("name", ["肝素钠注射液", "依诺肝素钠注射液", "利伐沙班片", "华法林钠片"])
def test_heparin_and_friends_are_anticoagulants_to_orders_and_follow_up(name):
    from clinical.followup.services.facts import classify_medication
    from clinical.orders.services.schedule import critical_class_of

    assert critical_class_of(name, [])["id"] == "anticoagulant"
    mr = {"medicationCodeableConcept": {"text": name}}
    assert "anticoagulant" in classify_medication(mr)


@pytest.mark.parametrize("code", ["38341003", "59621000", "1201005"])
def test_hypertension_codes_are_the_same_for_follow_up_diet_and_medkb(code):
    from clinical.diet.knowledge import get_kb
    from clinical.followup.services.facts import classify_condition
    from clinical.medkb import api

    cond = {"code": {"coding": [{"system": kc.SNOMED, "code": code}]}}
    assert "hypertension" in classify_condition(cond)
    assert code in get_kb().conditions["hypertension"].snomed
    assert code.lower() in api.kb().conditions["hypertension"]["ncodes"]


def test_the_agent_keeps_tainuo_the_cold_remedy_not_paracetamol():
    """The agent reads drug names through clinical.knowledge.drugs: 泰诺 stays the product
    (four ingredients to medkb and the monitor), 泰诺林 is paracetamol's brand, a synonym of
    one ingredient becomes its name (扑热息痛 → 对乙酰氨基酚, 华法令 → 华法林)."""
    from clinical.agent.understanding import lexicon
    from clinical.agent.understanding.rules import understand

    assert understand("能吃泰诺吗").medicines == ["泰诺"]
    assert set(kd.resolve("泰诺")) == {
        "paracetamol",
        "pseudoephedrine",
        "dextromethorphan",
        "chlorphenamine",
    }
    assert understand("泰诺林能吃吗").medicines == ["泰诺林"]
    assert understand("扑热息痛和华法令能一起吃吗").medicines == ["对乙酰氨基酚", "华法林"]
    # no drug dictionary of its own: its rows name no drug of the shared vocabulary, and the
    # drug names it reports are the shared finder's (drugs.find_names), Latin ones included
    assert [t.term for t in lexicon.terms() if t.kind == "medicine" and kd.resolve(t.term)] == []
    text = "泰诺和warfarin、MTX能一起吃吗"
    assert [(s, e) for s, e, t in lexicon.hits(text) if t.kind == "medicine"] == [
        (m.start, m.end) for m in kd.find_names(text)
    ]
    assert understand(text).medicines == ["泰诺", "华法林", "甲氨蝶呤"]
    with lexicon.DATA.open(encoding="utf-8") as fh:
        own = [line for line in fh if line.startswith("medicine,")]
    assert own == [], "drug names and class words belong in clinical/knowledge"


# The same drugs in another representation: the knowledge layer keeps co-trimoxazole as one key
# (BNF maxima per combined mg, DECISIONS.md), medkb's curated product as its two ingredients.
SPLIT = {"co_trimoxazole": {"sulfamethoxazole", "trimethoprim"}}
# Names the monitor does not find inside a sentence although ``drugs.resolve`` knows them:
# curated brands/aliases that medkb's mention automaton leaves out (``MENTION_TIERS`` excludes
# brands, many being everyday words). A known gap (docs/knowledge.md, "Acceptance (#23)"):
# this list may only shrink.
MONITOR_MISSES = {"施慧达", "舒弗美", "甲状腺素", "氯硝安定", "卡左双多巴", "息宁"}


def _same_drugs(got: tuple[str, ...] | list[str], keys: tuple[str, ...]) -> bool:
    """The drugs of ``keys`` (the knowledge layer's), or the same drugs split (``SPLIT``)."""
    split = set().union(*(SPLIT.get(k, {k}) for k in keys))
    return set(got) in (set(keys), split)


def _guidance_resolves(name: str, keys: tuple[str, ...]) -> bool:
    from clinical.medkb import api

    product = api.resolve(name)
    return product is not None and _same_drugs(product.ingredient_keys, keys)


def test_every_chinese_drug_name_reaches_the_same_drugs_in_every_consumer():
    """Every CJK name of the shared name index: guidance (``medkb.api.resolve``), the monitor
    (a mention in a sentence), the agent (a medicine it understands), follow-up and orders
    (anticoagulant membership) reach the drugs ``clinical.knowledge.drugs.resolve`` gives."""
    import re

    from clinical.agent.understanding.rules import understand
    from clinical.followup.services.facts import classify_medication
    from clinical.medkb import api
    from clinical.monitor import kb
    from clinical.orders.services.schedule import critical_class_of

    cjk = re.compile(r"[\u4e00-\u9fff]")
    bad: list[tuple[str, str]] = []
    monitor_missed = set()
    for name, keys in kd.name_index().items():
        if not cjk.search(name) or not keys:
            continue
        want = set(keys)
        split = set().union(*(SPLIT.get(k, {k}) for k in keys))
        product = api.resolve(name)
        got = set(product.ingredient_keys) if product else set()
        if got not in (want, split):
            bad.append((name, "guidance"))
        mentions = kb.find_mentions(f"请按时吃{name}，每次1片")
        if not mentions:
            monitor_missed.add(name)
        if not understand(f"{name}能吃吗").medicines:
            bad.append((name, "agent"))
        if any(kd.is_a(k, "anticoagulant") for k in keys):
            if (critical_class_of(name, []) or {}).get("id") != "anticoagulant":
                bad.append((name, "orders"))
            mr = {"medicationCodeableConcept": {"text": name}}
            if "anticoagulant" not in classify_medication(mr):
                bad.append((name, "follow-up"))
    assert bad == []
    assert monitor_missed <= MONITOR_MISSES, monitor_missed - MONITOR_MISSES


def test_every_latin_drug_name_reaches_the_same_drugs_in_every_consumer():
    """Every Latin name of the shared name index (English names and the abbreviations doctors
    write: MTX, SMZ-TMP, APAP, 5-FU; #23 task h6): guidance (``medkb.api.resolve``), medkb's
    mention finder in a sentence (orders, the agent) and the monitor reach the drugs
    ``clinical.knowledge.drugs.resolve`` gives, and the agent understands a medicine. Before:
    SMZ, TMP, ORS and MTX were unknown to guidance, and no Latin name was found in a sentence
    by medkb, the monitor or the agent."""
    from clinical.agent.understanding.rules import understand
    from clinical.knowledge.text import fold
    from clinical.medkb import api
    from clinical.monitor import kb

    bad: list[tuple[str, str]] = []
    for name, keys in kd.name_index().items():
        if not name.isascii() or not keys or set(keys) <= kd.DRINKS:
            continue
        if not _guidance_resolves(name, keys):
            bad.append((name, "guidance"))
        sentence = f"请按时吃{name}，每次1片"
        found = api.find_mentions(sentence)
        if [sentence[m.start : m.end] for m in found] != [name]:
            bad.append((name, "medkb mentions"))
        mentions = kb.find_mentions(fold(sentence))
        if not mentions or not _same_drugs(mentions[0].all_keys, keys):
            bad.append((name, "monitor"))
        if not understand(f"{name}能吃吗").medicines:
            bad.append((name, "agent"))
    assert bad == []


@pytest.mark.parametrize(
    ("sig", "scheduled"),
    [("625mg tid 口服 疗程7天", True), ("1250mg tid 口服 疗程7天", False)],
)
def test_co_amoxiclav_has_one_key_with_its_maximum_for_orders(sig, scheduled):
    """阿莫西林克拉维酸钾 had two knowledge keys (medkb's without a maximum, the monitor's with
    BNF's): every order of it waited for review as "no label maximum". One key now: the usual
    625 mg tid is scheduled, twice that is over the maximum."""
    from clinical.orders.services.schedule import plan_order

    assert kd.resolve("阿莫西林克拉维酸钾") == ("amoxicillin_clavulanate",)
    assert kd.ingredient("amoxiclav") is None
    name = "阿莫西林克拉维酸钾片 625mg"
    mr = {
        "resourceType": "MedicationRequest",
        "id": "co-amoxiclav",
        "status": "active",
        "subject": {"reference": "Patient/p"},
        "medicationCodeableConcept": {"text": name},
        "dosageInstruction": [{"text": f"阿莫西林克拉维酸钾片 {sig}"}],
    }
    plan = plan_order(mr, "", 50.0)
    assert (plan.status == "scheduled") is scheduled, plan.issues
    assert not any("没有说明书最大剂量" in i for i in plan.issues)


@pytest.mark.parametrize("name", sorted(kd.EVERYDAY_WORD_NAMES))
def test_everyday_word_drug_names_are_one_list_for_medkb_and_the_monitor(name):
    """The layer's one list of drug names that are also everyday words: medkb's mention finder
    skips them alone, ``resolve`` still knows them, and the output monitor finds them in a drug
    context (a taking verb and an amount before them)."""
    from clinical.knowledge.text import fold
    from clinical.medkb import api
    from clinical.monitor import kb

    keys = kd.resolve(name)
    assert keys, name
    assert api.resolve(name) is not None
    assert not any(m.surface == name for m in api.find_mentions(f"今天{name}了"))
    mentions = kb.find_mentions(fold(f"每天吃1片{name}"))
    assert any(m.name == fold(name) and set(m.all_keys) == set(keys) for m in mentions), mentions


def _diet_keys(sentence: str) -> tuple[list[str], set[str]]:
    """What diet reads in a question: the medicines it names and their ingredient keys."""
    from clinical.diet.knowledge import get_kb
    from clinical.diet.medicines import resolve_medicine
    from clinical.diet.question import parse_question

    named = parse_question(sentence, get_kb()).medicines
    keys: set[str] = set()
    for text in named:
        resolved = resolve_medicine(text)
        if resolved is not None:
            keys |= set(resolved.ingredients)
    return named, keys


def test_every_drug_name_is_found_by_diet_as_by_guidance():
    """Every name of the shared name index (Chinese and Latin: ingredients, aliases, brands,
    products) asked about in a diet question reaches the drugs ``drugs.resolve`` gives, which
    are the drugs guidance resolves (``medkb.api.resolve``) and, for Chinese names, the
    monitor finds (``test_every_chinese_drug_name_reaches_the_same_drugs_in_every_consumer``).
    Drinks (白酒, 酒精: ethanol's names) are foods to diet, not medicines."""

    bad: list[tuple[str, object]] = []
    for name, keys in kd.name_index().items():
        if not keys or set(keys) <= kd.DRINKS:
            continue
        want = set(keys)
        if not _guidance_resolves(name, keys):
            bad.append((name, "guidance"))
        for sentence in (
            f"吃{name}能喝酒吗",
            f"我在吃{name}，能吃柚子吗",
            f"{name} 和牛奶能一起吃吗",
        ):
            named, got = _diet_keys(sentence)
            if got != want:
                bad.append((sentence, named))
    assert bad == []


@pytest.mark.parametrize(
    ("sentence", "keys"),
    [
        ("吃華法林能吃菠菜嗎", {"warfarin"}),  # traditional characters
        ("吃ｗａｒｆａｒｉｎ能吃菠菜吗", {"warfarin"}),  # full width
        ("吃华\u200b法林能吃菠菜吗", {"warfarin"}),  # zero width inside the name
        ("吃华\u2060法林能吃菠菜吗", {"warfarin"}),  # word joiner
        ("吃华\u200e法林能吃菠菜吗", {"warfarin"}),  # a bidi mark (Unicode Cf)
        ("吃华\u202e法林能吃菠菜吗", {"warfarin"}),  # right-to-left override
        ("吃Warfarin能吃菠菜吗", {"warfarin"}),  # Latin name next to Chinese
        ("吃安定能喝酒吗", {"diazepam"}),  # an everyday-word name in a drug question
    ],
)
def test_diet_finds_a_drug_name_written_another_way(sentence, keys):
    assert _diet_keys(sentence)[1] == keys


@pytest.mark.parametrize("cls", sorted(k for k, c in kd.classes().items() if c.terms))
def test_every_class_word_is_a_medicine_to_diet(cls):
    """A Chinese class word of the shared class table (头孢, 安眠药, 他汀) in a diet question is
    a medicine of that class to diet (a rule on any member's class may apply), unless it is
    also a drug name (then it is that drug)."""
    from clinical.diet.medicines import resolve_medicine

    for term in kd.classes()[cls].terms:
        if kd.resolve(term) or kd.canonical_class(term):
            continue
        named, _ = _diet_keys(f"吃{term}能喝酒吗")
        assert named, term
        resolved = [resolve_medicine(t) for t in named]
        assert any(r is not None and cls in r.classes for r in resolved), (term, named)


def test_drinks_are_foods_to_diet_not_medicines():
    from clinical.diet.knowledge import get_kb
    from clinical.diet.question import parse_question

    parsed = parse_question("吃头孢能喝白酒吗", get_kb())
    assert parsed.foods == ["白酒"]
    assert parsed.medicines == ["头孢"]


@pytest.mark.parametrize("ch", ["\u200b", "\u2060", "\u00ad", "\u200e", "\u202e", "\ufeff"])
def test_the_drug_vocabulary_reads_through_every_invisible_character(ch):
    """The text normaliser's ``invisible`` characters (zero width, soft hyphen, Unicode Cf
    format controls) are skipped by the drug vocabulary and by diet alike; diet's medicine
    names carry none of them."""
    from clinical.knowledge.text import invisible

    assert invisible(ch)
    assert kd.resolve(f"华{ch}法林") == ("warfarin",)
    (found,) = kd.find_names(f"我在吃华{ch}法林")
    assert found.keys == ("warfarin",) and (found.start, found.end) == (3, 7)
    named, keys = _diet_keys(f"吃华{ch}法林能吃菠菜吗")
    assert keys == {"warfarin"} and named == ["华法林"]


def test_diet_reads_every_condition_code_as_the_layer_does():
    """Every SNOMED CT code and ICD-10 prefix of the shared condition table reaches the same
    condition in diet as in ``conditions.keys_for_code`` (one code matcher); a coding of
    another system, or of none, is no condition to either (the text still is)."""
    from clinical.diet.context import resolve_condition
    from clinical.diet.knowledge import get_kb

    kb = get_kb()
    bad = []
    for cond in kc.conditions().values():
        codings = [(kc.SNOMED, c) for c in cond.snomed]
        codings += [(kc.ICD10_SYSTEMS[0], f"{p}.9" if "." not in p else p) for p in cond.icd10]
        for system, code in codings:
            entry = resolve_condition("", [(system, code)], kb)
            keys = kc.keys_for_code(system, code)
            if entry is None or entry.key not in keys:
                bad.append((cond.key, code, entry and entry.key, keys))
    assert bad == []
    for system in ("", "http://loinc.org", "urn:oid:2.16.840.1.113883.6.42"):
        assert resolve_condition("", [(system, "38341003")], kb) is None
        assert kc.keys_for_code(system, "38341003") == set()
    assert resolve_condition("高血压", [("", "38341003")], kb).key == "hypertension"


@pytest.mark.parametrize("code", ["N18.4", "N184", "n18.40"])
def test_an_icd10_code_is_read_with_or_without_its_dot(code):
    """ICD-10 codes are written with and without the dot (N18.4, N184): the one code matcher
    reads both against the table's prefixes, for every consumer."""
    assert "ckd_severe" in kc.keys_for_code(kc.ICD10_SYSTEMS[0], code)


def test_the_monitor_knows_every_alcoholic_drink_of_diet():
    """The output monitor's alcohol check reads the drinks through diet's public
    ``food_names`` (no second reading of diet's food table): every food diet files under
    ``ethanol`` is alcohol to it, a medicine filed there only as containing ethanol is not."""
    from clinical.diet.knowledge import food_names, get_kb
    from clinical.knowledge.text import normalize
    from clinical.monitor.checks.alcohol import _alcohol_re

    drinks = food_names("ethanol", except_under="ethanol_medicine")
    assert {"啤酒", "红酒", "黄酒"} <= drinks
    pattern = _alcohol_re()
    # RIO (a cocktail brand) is left out on purpose: as a Latin word it is too often no drink.
    readable = [n for n in drinks if len(n) >= 2 and normalize(n).text != "rio"]
    missed = [n for n in readable if not pattern.search(normalize(n).text)]
    assert missed == []
    medicines_only = {
        f.name
        for f in get_kb().foods
        if f.categories and all(c == "ethanol_medicine" for c in f.categories)
    }
    assert medicines_only and not medicines_only & drinks
