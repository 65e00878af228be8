"""The agent reads drug names, class words and symptoms as the other consumers do (#23).

One knowledge layer (``clinical/knowledge``): a class word (头孢, 降压药, 安眠药), an ingredient
or product name and a symptom term reach the same class, ingredients or concept in the agent's
understanding as in guidance (medkb), the output monitor, diet and follow-up. The agent keeps no
vocabulary of its own for any of them.
"""

from __future__ import annotations

import csv
import re

import pytest

from clinical.knowledge import drugs as kd
from clinical.knowledge import symptoms

pytestmark = pytest.mark.django_db

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _layer_classes(word: str) -> set[str]:
    """Every class of the shared class table that lists ``word`` as a Chinese term."""
    return {c.key for c in kd.classes().values() if word in c.terms}


def _class_words() -> list[str]:
    """Every Chinese class term of classes.csv that is not itself a drug name (then it is
    that drug, ``test_every_drug_name_reaches_the_same_drugs_in_the_agent``) nor a context
    statement of the shared symptom lexicon (化疗: recent chemotherapy, what follow-up reads)."""
    words = {t for c in kd.classes().values() for t in c.terms if len(t) >= 2}
    return sorted(w for w in words if not kd.resolve(w) and not _context(w))


def _context(word: str) -> bool:
    return any(
        symptoms.is_context(m.concept) and m.span == (0, len(word))
        for m in symptoms.find_symptoms(word)
    )


def _agent_classes(text: str) -> set[str]:
    """The classes the agent's medicines in ``text`` name, read back through the layer."""
    from clinical.agent.understanding.rules import understand

    out: set[str] = set()
    for name in understand(text).medicines:
        for m in kd.find_names(name, class_words=True):
            out |= set(m.classes)
    return out


def test_every_class_word_reaches_the_same_class_in_every_consumer() -> None:
    """A class word of classes.csv asked about (他汀能吃吗) is that class to the agent, to diet
    (``resolve_medicine``) and to guidance's reader of a patient's medicines
    (``classes_named_in``, medkb's red flags); a word listed by two classes (地特: insulin and
    antidiabetic) is both."""
    from clinical.diet.medicines import resolve_medicine

    words = _class_words()
    assert {"头孢", "安眠药", "他汀", "降糖药"} <= set(words)
    bad: list[tuple[str, str, object]] = []
    for word in words:
        want = _layer_classes(word)
        agent = _agent_classes(f"{word}能吃吗")
        if not want <= agent:
            bad.append((word, "agent", agent))
        diet = resolve_medicine(word)
        if diet is None or not want <= set(diet.classes):
            bad.append((word, "diet", diet and sorted(diet.classes)))
        if not want <= set(kd.classes_named_in(word)):
            bad.append((word, "guidance", sorted(kd.classes_named_in(word))))
    assert bad == []


@pytest.mark.parametrize(
    ("word", "cls"),
    [
        ("降压药", "antihypertensive"),
        ("降糖药", "antidiabetic"),
        ("止痛药", "analgesic"),
        ("抗生素", "antibiotic"),
        ("消炎药", "antibiotic"),
        ("消炎药", "nsaid"),
        ("头孢", "cephalosporin"),
    ],
)
def test_the_colloquial_class_words_are_classes_of_the_layer(word: str, cls: str) -> None:
    """The words patients use for a class (the agent's own rows before #23) are aliases of
    classes.csv, read by every consumer: 消炎药 is said of antibiotics and of anti-inflammatory
    painkillers alike, so it names both (a rule on either class still applies)."""
    from clinical.diet.medicines import resolve_medicine

    assert cls in _layer_classes(word)
    assert cls in _agent_classes(f"{word}能吃吗")
    resolved = resolve_medicine(word)
    assert resolved is not None and cls in resolved.classes


def test_the_agent_keeps_no_class_words_of_its_own() -> None:
    """data/lexicon.csv holds no medicine rows: drug names and class words are the layer's."""
    from clinical.agent.understanding import lexicon

    assert [t.term for t in lexicon.terms() if t.kind == "medicine"] == []


def test_every_drug_name_reaches_the_same_drugs_in_the_agent() -> None:
    """Every name of the shared name index (ingredients, aliases, brands, products; not drinks)
    asked about in a message is one medicine to the agent, and that medicine resolves to the
    ingredients ``drugs.resolve`` gives, which guidance (``medkb.api.resolve``) and the monitor
    (a mention in a sentence) reach too (``test_knowledge_consumers``)."""
    from clinical.agent.understanding.rules import understand
    from clinical.knowledge.text import fold
    from clinical.medkb import api
    from clinical.monitor import kb
    from tests.knowledge.test_knowledge_consumers import MONITOR_MISSES, _same_drugs

    bad: list[tuple[str, str, object]] = []
    for name, keys in kd.name_index().items():
        if not keys or set(keys) <= kd.DRINKS:
            continue
        meds = understand(f"{name}，可以吃吗").medicines
        if len(meds) != 1 or set(kd.resolve(meds[0])) != set(keys):
            bad.append((name, "agent", meds))
        product = api.resolve(name)
        if product is None or not _same_drugs(product.ingredient_keys, keys):
            bad.append((name, "guidance", product and product.ingredient_keys))
        mentions = kb.find_mentions(fold(f"请按时吃{name}，每次1片"))
        if name not in MONITOR_MISSES and (
            not mentions or not _same_drugs(mentions[0].all_keys, keys)
        ):
            bad.append((name, "monitor", mentions and mentions[0].all_keys))
    assert bad == []


def test_symptom_terms_reach_the_same_concept_in_the_agent_and_follow_up() -> None:
    """Every 5th term of symptom_terms.csv, as a message: the agent reports (as labels) the
    concepts follow-up's reader (``followup.services.lexicon.match``) finds present, for the
    concepts follow-up knows."""
    from clinical.agent.understanding.rules import understand
    from clinical.followup.services import lexicon as followup

    with (symptoms.DATA / "symptom_terms.csv").open(encoding="utf-8", newline="") as fh:
        terms = [r["term"] for r in csv.DictReader(fh)][::5]
    assert len(terms) > 150
    bad = []
    for term in terms:
        if not _CJK.search(term):
            continue
        want = {symptoms.label(m.concept) for m in followup.match(term) if not m.negated}
        got = set(understand(term).symptoms)
        if not want <= got:
            bad.append((term, sorted(want - got)))
    assert bad == []


# ------------------------------------------------------------------ foods (diet's one table)


def _diet_food_words() -> list[str]:
    """Every name and alias of diet's food table (clinical/diet/data/foods.csv) except those
    the shared drug vocabulary names as a medicine (藿香正气水, 碳酸钙, 钙片: the agent reads a
    medicine there, the medication route's; drinks such as 白酒 are no medicine)."""
    from clinical.diet.knowledge import get_kb

    words = {n for f in get_kb().foods for n in (f.name, *f.aliases) if n}
    return sorted(w for w in words if not _medicine_word(w))


def _medicine_word(word: str) -> bool:
    keys = kd.name_index().get(kd.fold(word))
    return bool(keys and not set(keys) <= kd.DRINKS) or bool(kd.word_classes(word))


def test_every_diet_food_word_is_an_agent_food_of_the_same_diet_food() -> None:
    """A food name or alias of diet's table, said alone, is a food to the agent, and the
    agent's canonical name is one diet resolves to the same food (白酒 → 白酒, not 酒)."""
    from clinical.agent.understanding import lexicon
    from clinical.diet.knowledge import get_kb, normalise
    from clinical.knowledge.text import fold_visible

    index = get_kb().food_index
    missing: list[str] = []
    for word in _diet_food_words():
        found = lexicon.find(fold_visible(word))["food"]  # the agent reads folded text (RIO)
        if len(found) != 1 or index.get(normalise(found[0])) is not index[normalise(word)]:
            missing.append(f"{word}→{found}")
    assert not missing, f"{len(missing)} of {len(_diet_food_words())}: {missing[:40]}"


def test_the_agent_keeps_no_food_rows_diet_has() -> None:
    """No food row of the agent's lexicon.csv names a word of diet's table (one table)."""
    from clinical.diet.knowledge import get_kb, normalise

    index = get_kb().food_index
    with open("clinical/agent/data/lexicon.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["kind"] == "food"]
    copies = [r["term"] for r in rows if normalise(r["term"]) in index]
    assert not copies, copies
