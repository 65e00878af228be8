"""Template-mode understanding: dictionary and pattern matching, fully deterministic.

Patient text is data, never instructions: injection phrases are *detected* (and recorded
for the care team) but change nothing about intent, routing or rules.
"""

from __future__ import annotations

import logging
import re
from functools import cache

from clinical.agent.understanding import lexicon
from clinical.agent.understanding.schema import Reading, Understanding, UnreadableReading
from clinical.knowledge import discourse, symptoms
from clinical.knowledge import readings as readings_reader
from clinical.knowledge.numbers import Amount, find_amounts
from clinical.knowledge.text import fold_visible

log = logging.getLogger(__name__)

_ACK = re.compile(
    r"(吃过了|已经吃了|已吃|吃了药|药吃了|服过了|已服用|已经服用|按时吃了|打过了|打了胰岛素|已经打了)"
)
_QUESTION = re.compile(r"[吗？?]|能不能|可不可以|要不要|怎么|为什么|多少")
# The object must be a word, not the question particle itself ("复方新诺明能吃吗").
_CAN_EAT = re.compile(
    r"(?:能|可以|能不能|可不可以)(?:吃|喝)(?![吗么呢？?])(.{1,8}?)(?:吗|么|呢|？|\?|$)"
)
# 药 of a place (药房, 药店: 烦死了，药房又排长队) names no medicine.
_MED_WORDS = re.compile(
    r"药(?![房店])|剂量|副作用|漏服|忘了吃|忘记吃|少吃了|多吃了|停药|减量|加量|一天几次"
)

INJECTION = re.compile(
    r"忽略(?:之前|以上|前面|所有)|无视(?:之前|以上)|你现在是|扮演|角色扮演|假装你|不受限制|没有限制|"
    r"开发者模式|系统提示|system\s*prompt|ignore\s+(?:all\s+|the\s+)?(?:previous|above)|"
    r"jailbreak|DAN\b|新的指令|忘掉(?:规则|设定)",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- readings
#
# Readings are read by the one reader in the knowledge layer (``clinical.knowledge.readings``,
# shared with follow-up triage): exact values or ``UnreadableReading``, never guessed. The agent
# stores what it reads as Observations in the units its follow-up route knows; a glucose written
# in mg/dL is asked for again in mmol/L here (the reply asks for the number on the meter).


def read_vitals(text: str) -> tuple[list[Reading], list[UnreadableReading]]:
    """The readings in ``text`` read exactly, and the labelled readings that cannot be."""
    found, unreadable = readings_reader.read_vitals(text)
    kept: list[Reading] = []
    for r in found:
        if r.unit == "mg/dL":
            unreadable.append(UnreadableReading(r.kind, r.text, "单位不是常用单位"))
        else:
            kept.append(r)
    return kept, unreadable


def readings(text: str) -> list[Reading]:
    return read_vitals(text)[0]


def kb_medicines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name as written) of every drug name the medication KB (clinical.medkb)
    knows in ``text``: products and brands (泰诺林, 感冒灵, 复方新诺明), generics, ingredients."""
    try:
        from clinical.medkb.api import find_mentions
    except ImportError:  # the KB app is not installed: the dictionary alone
        return []
    try:
        return [(m.start, m.end, m.surface) for m in find_mentions(text)]
    except Exception as exc:  # an unreadable KB must not stop the conversation
        log.warning("medkb name lookup failed: %s", exc.__class__.__name__)
        return []


def medicines(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Medicines named in ``text`` and their spans: the shared vocabulary's drug names and
    class words (降压药, 头孢; ``lexicon.hits``) and KB names. A longer KB name wins over a
    name inside it (泰诺林 is a product of its own, not the 泰诺 brand's generic). A class word
    inside a context statement of the shared lexicon (化疗, 化疗后, 刚做完化疗: recent
    chemotherapy) is that statement, not a medicine asked about."""
    kb = kb_medicines(text)
    names: list[tuple[int, int, str]] = list(kb)
    hits = [(s, e, t) for s, e, t in lexicon.hits(text) if t.kind == "medicine"]
    context = (
        [m.span for m in symptoms.find_symptoms(text) if symptoms.is_context(m.concept)]
        if any(t.classes for _, _, t in hits)
        else []
    )
    for start, end, t in hits:
        if t.classes and any(cs <= start and end <= ce for cs, ce in context):
            continue
        if any(ks <= start and end <= ke and ke - ks > end - start for ks, ke, _ in kb):
            continue
        names = [n for n in names if not (start <= n[0] and n[1] <= end)]
        names.append((start, end, t.canonical))
    out: list[str] = []
    for _, _, name in sorted(names):
        if name not in out:
            out.append(name)
    return out, [(s, e) for s, e, _ in names]


_DOSE_KINDS = ("count", "mass", "volume")
_PUNCT = re.compile(r"[\s\W_]+")


def dose_amount(text: str) -> bool:
    """The message names an amount to take (两片, 半片, 500mg, 10ml): a dose question."""
    return any(
        isinstance(a, Amount) and a.kind in _DOSE_KINDS and a.unit_text for a in find_amounts(text)
    )


def greeting_only(text: str) -> bool:
    """Only pleasantries and punctuation: nothing that could be a complaint. The words are the
    shared pleasantries (``discourse.pleasantry_words``: 你好, 谢谢, 好的, 挺好 …) and the
    agent's own (data/lexicon.csv ``greeting``: 在吗, 再见, 请问, hello), longest first; a Latin
    one only as a whole word (the lexicon's one word-boundary check: hi is no greeting inside
    this, ok none inside book or okay)."""
    form = discourse.normalise(text)
    taken = [False] * len(form)
    for word in _greeting_words():
        at = form.find(word)
        while at != -1:
            whole = symptoms.latin_word(text, at, at + len(word), endings=False)
            if whole and not any(taken[at : at + len(word)]):
                taken[at : at + len(word)] = [True] * len(word)
            at = form.find(word, at + 1)
    rest = "".join(ch for ch, t in zip(form, taken, strict=True) if not t)
    return any(taken) and not _PUNCT.sub("", rest)


@cache
def _greeting_words() -> tuple[str, ...]:
    own = {discourse.normalise(t.term) for t in lexicon.terms() if t.kind == "greeting"}
    words = {w for w in own | discourse.pleasantry_words() if w}
    return tuple(sorted(words, key=len, reverse=True))


def crisis_concepts(mentions: list[symptoms.Mention]) -> list[str]:
    """Crisis concepts (the crisis route's data names them) said and not denied."""
    from clinical.agent.routes.crisis import data

    wanted = data().concepts
    out: list[str] = []
    for m in mentions:
        if m.concept in wanted and not m.negated and m.concept not in out:
            out.append(m.concept)
    return out


def understand(text: str) -> Understanding:
    """Intent and entities of one patient message (deterministic). Everything is read on the
    shared fold of the text (traditional → simplified, full-width → ASCII, zero-width dropped,
    lower case), so 華法林可以吃兩片嗎 is 华法林可以吃两片吗."""
    text = fold_visible(text)
    meds, med_spans = medicines(text)
    # Foods, less a word inside a medicine's name (藿香正气水, 钙片 of the KB: a medicine).
    foods: list[str] = []
    for start, end, t in lexicon.hits(text):
        inside = any(s <= start and end <= e for s, e in med_spans)
        if t.kind == "food" and not inside and t.canonical not in foods:
            foods.append(t.canonical)
    # Symptoms through the shared lexicon (clinical.knowledge.symptoms, #23): the same concepts
    # follow-up and the monitor reach, as their Chinese labels; negated ones are not reported.
    # A symptom word inside a medicine name is no symptom (感冒灵 is not 感冒).
    mentions = [
        m
        for m in symptoms.find_symptoms(text)
        if not any(s <= m.span[0] and m.span[1] <= e for s, e in med_spans)
    ]
    said: list[str] = []
    for m in mentions:
        if not m.negated and symptoms.label(m.concept) not in said:
            said.append(symptoms.label(m.concept))
    # A symptom said with a food (喝水很多，口渴; 吃肉后恶心) is a symptom report for the
    # follow-up engine, not a food question: diet reads no symptoms. A context statement
    # (吃了海鲜: an allergen exposure) is no complaint.
    complaints = [m for m in mentions if not m.negated and not symptoms.is_context(m.concept)]
    vitals, unreadable = read_vitals(text)
    u = Understanding(
        intent="other",
        medicines=meds,
        foods=foods,
        symptoms=said,
        readings=vitals,
        unreadable_readings=unreadable,
        injection=bool(INJECTION.search(text)),
        crisis_concepts=crisis_concepts(mentions),
        dose_amount=dose_amount(text),
        # Only courtesy and reassurance (谢谢医生，我挺好的; the shared discourse reader, #15 r3):
        # a pleasantry, not words nobody understood. A question or any other word is not.
        greeting=greeting_only(text) or (not mentions and discourse.pleasantry(text)),
    )
    u.ack = bool(_ACK.search(text)) and not _QUESTION.search(text)
    can_eat = _CAN_EAT.search(text)
    if u.readings or any(r.has_number for r in u.unreadable_readings):
        u.intent = "reading_report"  # a number we cannot read is still a reading report
    elif u.ack:
        # "吃了药有点恶心，吐了好几次": a symptom after taking a medicine is a symptom report for
        # the follow-up engine, never only "dose taken" (#15 r3 look-alike).
        u.intent = "symptom_report" if said else "dose_ack"
    elif u.medicines and u.dose_amount:
        u.intent = "medication_question"  # 华法林可以吃两片吗: how much of a medicine
    elif (
        can_eat
        and not any(m.span[0] >= can_eat.end() for m in complaints)
        and not any(s < can_eat.end(1) and can_eat.start(1) < e for s, e in med_spans)
        and (u.foods or not u.medicines)
        and not any(symptoms.at_least(m.concept, "urgent") for m in complaints)
    ):
        # 能吃X吗 asks about food unless X is a medicine (能吃布洛芬吗 is a medicine question) or
        # a complaint follows the question (能喝牛奶吗？喝了肚子胀: what the food did): then it is
        # a symptom report, since diet reads no symptoms and follow-up must read the complaint
        # (noticed bugs, item 7). A complaint before it is the question's premise (我血压很高，
        # 能吃柚子吗) and stays with diet, unless it is a red flag (urgent or worse: 突然喘不上气，
        # 能喝点止咳糖浆吗), which follow-up triages (#15 agent r10). A medicine named with no
        # food of the tables is asked about (对乙酰氨基酚一天最多能吃多少: 多少 is no food): the
        # drug name wins the medication route.
        object_text = can_eat.group(1)
        u.intent = "diet_question"
        if not u.foods and object_text and lexicon.kind_of(object_text) is None:
            u.foods = [object_text]
    elif u.medicines or _MED_WORDS.search(text):
        u.intent = "medication_question"
    elif u.foods and _QUESTION.search(text) and not complaints:
        u.intent = "diet_question"  # 柚子能吃吗
    elif mentions:  # 没有手抖: a denied symptom is still an answer about symptoms
        u.intent = "symptom_report"
    if u.unreadable_readings and u.intent in ("other", "symptom_report"):
        u.intent = "reading_report"  # 血糖很高: the follow-up route asks for the number
    return u
