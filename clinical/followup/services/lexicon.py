"""Symptom matching for follow-up triage: the shared lexicon (``clinical.knowledge.symptoms``).

Concepts, terms, negation and its scope live in ``clinical/knowledge/data`` (issue #23); this
module keeps only what is the follow-up engine's own: which concepts its rules know, and the
bare yes/no answers (``data/symptoms.yaml``). A concept no follow-up rule names (咽痛, 腹胀) is
not returned, so a message with only such words stays "unrecognised" and goes to a clinician
exactly as before: the engine never silently drops a complaint it has no rule for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from clinical.followup.services.ruledata import DATA_DIR, load
from clinical.knowledge import drugs, readings, symptoms, syndromes
from clinical.knowledge.symptoms import matching_form


@dataclass(frozen=True)
class Mention:
    concept: str
    term: str
    start: int
    negated: bool


def normalise(text: str) -> str:
    """The shared matching form (width, traditional → simplified, zero-width, 疼 = 痛)."""
    return matching_form(text or "")[0]


def _strings(value: object) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return set()


@cache
def known_concepts() -> frozenset[str]:
    """Shared concepts that some follow-up rule file or the shared syndrome table names, plus
    every concept whose red-flag level a ``lexicon_levels`` row of red_flags.yaml judges (#15: a concept the lexicon rates
    routine or worse is never dropped as unknown). A level-``none`` concept no rule names stays
    unknown, so the safety net still sends it to a clinician."""
    # The shared syndrome table (#15): its concepts of level routine or higher. A level-``none``
    # concept only it names (出血: guidance's bleeding on an anticoagulant) stays unknown here, so
    # a bare "出血" still goes to a clinician through the safety net instead of being dropped.
    names: set[str] = {c for c in syndromes.named_concepts() if symptoms.red_flag(c) != "none"}
    for path in DATA_DIR.glob("*.yaml"):
        if path.stem != "symptoms":
            names |= _strings(load(path.stem))
    levels = {lvl for row in load("red_flags") for lvl in row.get("lexicon_levels", {})}
    names |= {k for k, c in symptoms.concepts().items() if c.red_flag in levels}
    return frozenset(names & set(symptoms.concepts()))


def label(concept: str) -> str:
    return symptoms.label(concept)


# A temperature written in words (体温38.5, 烧到38度5, 体温三十八度五), read by the one reader of
# readings (``clinical.knowledge.readings``), at or above the fever threshold is a fever
# statement: 诊断学(第9版) 发热 (腋温 ≥37.3℃); up to 43 (anything higher is not a temperature).
FEVER_FROM = 37.3
FEVER_TO = 43


def _temperatures(text: str) -> list[Mention]:
    out: list[Mention] = []
    form = readings.normalise(text or "")
    for r in readings.readings(text or ""):
        if r.kind == "temperature" and FEVER_FROM <= r.values[0] <= FEVER_TO:
            out.append(Mention("fever", r.text, max(form.find(r.text), 0), False))
    return out


def match(text: str) -> list[Mention]:
    """Concept mentions in ``text`` that follow-up rules know (each with its negation), in
    text order; a temperature in words at or above 37.3 is a fever statement."""
    known = known_concepts()
    found = [
        Mention(m.concept, m.term, m.span[0], m.negated)
        for m in symptoms.find_symptoms(text or "")
        if m.concept in known
    ]
    if not any(m.concept == "fever" and not m.negated for m in found):
        found += _temperatures(text)
    return sorted(found, key=lambda m: m.start)


# Clause boundaries: Chinese/ASCII sentence punctuation and whitespace; a dot only when it is not
# a decimal point (38.5). The enumeration comma 、 is not a boundary (否认胸痛、呼吸困难).
_CLAUSES = re.compile(r"[，,。;；!！?？\s]+|(?<!\d)\.|\.(?!\d)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def unread_clauses(text: str) -> list[str]:
    """The clauses of a free-text answer in which nothing is understood: no symptom concept of
    the follow-up rules and no plain yes/no/all-well answer (issue #15: text the engine does not
    *fully* understand goes to a clinician, also when another clause of it was recognised —
    "右手突然拿不住筷子，没劲" must not be judged on 没劲 alone)."""
    out: list[str] = []
    clauses = [c for c in _CLAUSES.split(normalise(text)) if _CJK.search(c)]
    about = any(
        not symptoms.is_context(m.concept) for c in clauses for m in match(c) if not m.negated
    )
    for clause in clauses:
        found = match(clause)
        if any(not symptoms.is_context(m.concept) for m in found):
            continue
        if found and _only_context(clause):
            continue  # "刚生完孩子", "上周刚做完化疗": a context statement, read in full
        if answer_polarity(clause) is not None:
            continue
        if is_reading(clause):
            # "体温37.9度", "血糖才二点八", "高压150低压90": a reading. The facts builder reads
            # it through clinical.knowledge.readings (an exact value is judged by the vital and
            # glucose rules, an inexact one goes to a clinician); a temperature ≥37.3 is also a
            # fever statement (match).
            continue
        if reassuring(clause) or improving(clause):
            continue  # "其他还好", "谢谢医生", "比前几天好一些了": nothing to read, nothing hidden
        if care_question(clause, about=about):
            continue  # "请问什么时候可以洗澡", "咳嗽，要紧吗": a question (question_clauses)
        out.append(clause)
    return out


def is_reading(clause: str) -> bool:
    """Whether ``clause`` holds a labelled reading (exact or not) that the one reader reads, or
    a number next to a measurement word of a kind it does not read (体重60公斤, 血钾3.1)."""
    found, unreadable = readings.read_vitals(clause)
    if found or unreadable:
        return True
    return bool(_DIGIT.search(clause)) and any(w in clause for w in _measurement_words())


def _strip_run(rest: str, words: tuple[str, ...]) -> str:
    """``rest`` with leading words of ``words`` (longest first) and particles taken away
    repeatedly; what is left."""
    while rest:
        hit = next((w for w in words if rest.startswith(w)), None)
        if hit is not None:
            rest = rest[len(hit) :]
        elif rest[0] in _PARTICLES:
            rest = rest[1:]
        else:
            return rest
    return rest


@cache
def _question_vocabulary() -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = load("symptoms")
    markers = tuple(sorted((normalise(w) for w in data["question_words"]), key=len, reverse=True))
    words = {
        normalise(w) for k in ("question_words", "care_topics", "question_filler") for w in data[k]
    } | set(_subjects())
    return markers, tuple(sorted(words, key=len, reverse=True))


def care_question(clause: str, *, about: bool = False) -> bool:
    """Whether ``clause`` asks the care team something and holds nothing but question words,
    care topics (symptoms.yaml ``care_topics``: 洗澡, 复查, 拆线 …) and filler: "请问什么时候
    可以洗澡", "伤口能不能碰水". A symptom concept or any other word in it → False (it is read or
    stays unread as before): a question never hides a complaint. With ``about`` (another clause
    of the answer holds a symptom the engine reads) a question about it ("要紧吗", "怎么回事")
    counts too; alone it stays unread."""
    form = normalise(clause)
    if not form or any(not symptoms.is_context(m.concept) for m in symptoms.find_symptoms(form)):
        return False
    markers, words = _question_vocabulary()
    if about:
        markers = markers + _concern_words()
        words = tuple(sorted(words + _concern_words(), key=len, reverse=True))
    for lead in ("就是", "但是", "另外", "还有", "还想", "顺便"):
        if form.startswith(lead):
            form = form[len(lead) :]
            break
    if len(form) > 2 and form.endswith(_FINAL_QUESTION):
        form = form[: -len(_FINAL_QUESTION)] + "吗"  # "可以洗澡不", "要紧不": a yes/no question
    if not any(m in form for m in markers):
        return False
    # A medicine named in the question is a care topic ("阿莫西林饭前吃还是饭后吃"): the one drug
    # vocabulary (clinical.knowledge.drugs) names it; any other word still leaves it unread.
    for name in sorted(drugs.names_in(form), key=len, reverse=True):
        form = form.replace(name, "药")
    return not _CJK.search(_strip_run(form, words))


# A sentence-final 不 makes a yes/no question in everyday speech ("可以洗澡不", "要紧不"); only
# at the very end of a clause ("不吃药" is a statement and stays as it is).
_FINAL_QUESTION = "不"


@cache
def _concern_words() -> tuple[str, ...]:
    words = (normalise(w) for w in load("symptoms")["concern_questions"])
    return tuple(sorted(words, key=len, reverse=True))


def only_questions(text: str) -> bool:
    """Whether ``text`` asks the care team something and says nothing else the engine cannot
    read (its other clauses are reassurance, courtesy, readings): "请问下周复查要空腹吗？谢谢"."""
    return bool(question_clauses(text)) and not unread_clauses(text)


def question_clauses(text: str) -> list[str]:
    """The clauses of ``text`` that are questions for the care team (``care_question``), for a
    clinician to answer (quoted in a note, not a reason of their own)."""
    clauses = [c for c in _CLAUSES.split(normalise(text)) if _CJK.search(c)]
    about = any(
        not symptoms.is_context(m.concept) for c in clauses for m in match(c) if not m.negated
    )
    return [c for c in clauses if care_question(c, about=about)]


@cache
def _improving_vocabulary() -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = load("symptoms")

    def longest(key: str) -> tuple[str, ...]:
        return tuple(sorted((normalise(w) for w in data[key]), key=len, reverse=True))

    return longest("improving_compared_to"), longest("improving_words")


_IMPROVING_LEAD = (
    "有时候",
    "有时",
    "已经",
    "感觉",
    "明显",
    "稍微",
    "都",
    "也",
    "还",
    "会",
    "就",
    "略",
)


def improving(clause: str) -> bool:
    """Whether ``clause`` only says that things are getting better: leading time or subject words,
    an optional comparison (比前几天), an improvement word (好一些了, 减轻了), nothing else and no
    symptom ("比前几天好一些了", "伤口比刚出院时好多了"). A symptom in it → False: the symptom is
    read and keeps its own level."""
    form = normalise(clause)
    if not form or symptoms.find_symptoms(form):
        return False
    rest = form
    for lead in _LEADING:
        if rest.startswith(lead):
            rest = rest[len(lead) :]
            break
    subject = next((w for w in _subjects() if rest.startswith(w)), None)
    if subject:
        rest = rest[len(subject) :]
    compared, better = _improving_vocabulary()
    rest = _strip_run(rest, _IMPROVING_LEAD)
    cmp = next((w for w in compared if rest.startswith(w)), None)
    if cmp:
        rest = rest[len(cmp) :]
    rest = _strip_run(rest, _IMPROVING_LEAD)
    word = next((w for w in better if rest.startswith(w)), None)
    if word is None:
        return False
    return not _CJK.search(_strip_run(rest[len(word) :], ("很多", "不少", "一些", "些")))


_PARTICLES = frozenset("的了啊呢吧呀哈都也还就嘛㗎啦喔哦嘞咯")
_PHRASE_KINDS = ("reassuring_phrases", "courtesy_phrases", "qualifier_phrases")


@cache
def _phrases() -> tuple[tuple[str, str], ...]:
    """(phrase, kind) of symptoms.yaml's phrase lists and resolving courses, longest first."""
    data = load("symptoms")
    rows = [(normalise(w), kind) for kind in _PHRASE_KINDS for w in data.get(kind, [])]
    rows += [  # a resolving course: "睡一觉就好了", "一会儿就止住了" (symptoms.yaml)
        (normalise(lead + end), "qualifier_phrases")
        for lead in data.get("resolving_leads", [])
        for end in data.get("resolving_endings", [])
    ]
    rows += [  # a relative writing for the patient: "我是他女儿" (symptoms.yaml, #15 r3)
        (normalise(lead + who), "courtesy_phrases")
        for lead in data.get("relative_leads", [])
        for who in data.get("relatives", [])
    ]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def phrase_kinds(clause: str) -> set[str] | None:
    """The kinds of phrase ``clause`` is made of (symptoms.yaml ``reassuring_phrases``,
    ``courtesy_phrases``, ``qualifier_phrases``, with leading time words and particles), or
    None when anything else is left in it."""
    rest = normalise(clause)
    for lead in _LEADING:
        if rest.startswith(lead):
            rest = rest[len(lead) :]
            break
    found = _phrase_run(rest)
    if found is None:
        for own in _POSSESSIVE:
            if rest.startswith(own):
                rest = rest[len(own) :]
                break
        subject = next((w for w in _subjects() if rest.startswith(w) and rest != w), None)
        found = _phrase_run(rest[len(subject) :]) if subject else None
    return found


def _phrase_run(rest: str) -> set[str] | None:
    kinds: set[str] = set()
    while rest:
        count = _COUNT.match(rest) or _COURSE.match(rest)
        if count:  # "1天2次", "2-3天1次", "出院第10天了": how often or how long, a qualifier
            rest = rest[count.end() :]
            kinds.add("qualifier_phrases")
            continue
        # a phrase before a particle: "还行" is a phrase, not the particle 还 and then 行
        hit = next(((p, k) for p, k in _phrases() if rest.startswith(p)), None)
        if hit is not None:
            rest = rest[len(hit[0]) :]
            kinds.add(hit[1])
            continue
        if rest[0] in _PARTICLES:
            rest = rest[1:]
            continue
        introduction = _INTRODUCTION.match(rest)
        if introduction:  # "我是上周做胆囊手术的那个": who is writing, courtesy
            rest = rest[introduction.end() :]
            kinds.add("courtesy_phrases")
            continue
        return None
    return kinds or None


_COUNT = re.compile(
    r"(?:(?:这|那|前|最近|头)?\d+(?:\.\d+)?(?:-\d+)?(?:个)?[天次周个回遍顿日]|每天|一天)+"
)
# How long since discharge or the operation (#15 r3): "出院第10天了", "术后2周", "回家3天了".
_COURSE = re.compile(
    r"(?:出院|手术|术后|做完手术|回家|回来)(?:后|以后)?第?\d+(?:个)?[天周月](?:了)?"
)
# Who is writing (#15 r3): "我是上周做胆囊手术的那个(病人)": a surgery and when, nothing else.
_INTRODUCTION = re.compile(
    r"我是(?:上周|上个月|前几天|昨天|前天|\d+号|\d+床)?(?:刚)?(?:做|动)完?"
    r"[\u4e00-\u9fff]{0,6}?手术的那个(?:病人|患者)?"
)


@cache
def _subjects() -> tuple[str, ...]:
    words = (normalise(w) for w in load("symptoms").get("subject_words", []))
    return tuple(sorted(words, key=len, reverse=True))


_UNIT_TAIL = re.compile(r"℃|度|mmol/L|mmHg|次/分|次|%|正常|左右|[。.]")
_READING = re.compile(r"(\d+(?:\.\d+)?)(?:[度点](\d)?)?多?(?:/(\d+))?")


@cache
def _normal_readings() -> tuple[tuple[tuple[str, ...], dict], ...]:
    rows = load("symptoms").get("normal_readings", [])
    return tuple((tuple(normalise(w) for w in r["words"]), r) for r in rows)


def normal_reading(clause: str) -> bool:
    """Whether ``clause`` states a reading (体温37.2, 血压128/76, 空腹血糖6.1) of a kind in
    symptoms.yaml ``normal_readings`` with every value in its normal range, and nothing else."""
    rest = normalise(clause)
    for lead in _LEADING + ("早上", "晚上", "中午", "刚才", "刚测", "测的", "测了"):
        if rest.startswith(lead):
            rest = rest[len(lead) :]
    for words, spec in _normal_readings():
        word = next((w for w in words if rest.startswith(w)), None)
        if word is None:
            continue
        tail = rest[len(word) :].lstrip("是为:：")
        m = _READING.match(tail)
        if not m:
            return False
        leftover = _UNIT_TAIL.sub("", tail[m.end() :])
        if _CJK.search(leftover):
            return False
        value = float(m.group(1)) + (float(m.group(2)) / 10 if m.group(2) else 0)
        top = value + (0.99 if "多" in m.group(0) else 0)  # "10点多": anything up to 10.99
        if not (spec["low"] <= value and top <= spec["high"]):
            return False
        if m.group(3):
            second = float(m.group(3))
            return "low2" in spec and spec["low2"] <= second <= spec["high2"]
        return "low2" not in spec
    return False


def acknowledgement(text: str) -> bool:
    """Whether ``text`` says nothing the engine needs to judge: every clause is courtesy,
    reassurance, an acknowledgement ("好的，知道了", "谢谢你们护士，照顾得很周到"), a normal
    reading, an improving course or a question for the care team, and at least one clause is
    not a bare qualifier ("一会儿就好了" alone refers to something unnamed: it stays unread).
    A symptom anywhere → False (it is read by its own rule)."""
    clauses = [c for c in _CLAUSES.split(normalise(text)) if _CJK.search(c)]
    if not clauses or any(symptoms.find_symptoms(c) for c in clauses):
        return False
    said = False
    for clause in clauses:
        if normal_reading(clause) or improving(clause) or care_question(clause):
            said = True
            continue
        kinds = phrase_kinds(clause)
        if kinds is None:
            return False
        said = said or bool(kinds - {"qualifier_phrases"})
    return said


def reassuring(clause: str) -> bool:
    """Whether ``clause`` holds nothing but reassurance, courtesy or a qualifier."""
    return phrase_kinds(clause) is not None


def _all_well(text: str) -> bool:
    """Every clause reassurance, courtesy or a normal reading, at least one reassurance or
    normal reading ("谢谢医生，都挺好的", "体温37.2")."""
    kinds: set[str] = set()
    for clause in _CLAUSES.split(normalise(text)):
        if not _CJK.search(clause):
            continue
        if normal_reading(clause) or improving(clause):
            kinds.add("reassuring_phrases")
            continue
        found = phrase_kinds(clause)
        if found is None or "qualifier_phrases" in found:
            return False
        kinds |= found
    return "reassuring_phrases" in kinds


_DIGIT = re.compile(r"\d")
# What may stand around a context statement's term: time words, numbers, particles.
_CONTEXT_FILLER = re.compile(
    r"[\d一二两三四五六七八九十几半上下这前本刚已经才的了是在后个天周月年多昨今早晚]+"
)


def _only_context(clause: str) -> bool:
    """A clause whose words are context statements (产后, 化疗后, 卧床) and time words only;
    a context word never makes other words of its clause read ("突然右边腰上一跳一跳的")."""
    form, _ = symptoms.matching_form(clause)
    rest = form
    for m in symptoms.find_symptoms(clause):
        rest = rest.replace(m.term, " ", 1)
    rest = _CONTEXT_FILLER.sub("", rest.replace(" ", ""))
    return not _CJK.search(rest)


@cache
def _measurement_words() -> tuple[str, ...]:
    return tuple(normalise(w) for w in load("symptoms").get("measurement_words", []))


_LEADING = (
    "这几天",
    "今天",
    "目前",
    "现在",
    "暂时",
    "最近",
    "一切",
    "感觉",
    "就是",
    "但是",
    "另外",
    "还有",
)
# A possessive before a subject word ("俺家老头子", "我家老伴"): read with the subject (#15 r3).
_POSSESSIVE = ("我们家", "我家", "俺家", "咱家", "家里")


@cache
def _answers() -> tuple[frozenset[str], frozenset[str]]:
    data = load("symptoms")
    return (
        frozenset(normalise(a) for a in data["affirmative_answers"]),
        frozenset(normalise(a) for a in data["negative_answers"]),
    )


def answer_polarity(text: str) -> bool | None:
    """A bare yes/no answer ("有", "没有") → True/False; anything else → None."""
    norm = normalise(text).rstrip("。.!！~～了")
    for lead in _LEADING:
        if norm.startswith(lead) and len(norm) > len(lead):
            norm = norm[len(lead) :]
            break
    affirmative, negative = _answers()
    if norm in affirmative:
        return True
    if norm in negative or _all_well(text):
        return False
    return None
