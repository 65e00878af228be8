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
from clinical.knowledge import conditions, readings, symptoms, syndromes
from clinical.knowledge.discourse import (  # noqa: F401  (the discourse reader, re-exported)
    _LEADING,
    acknowledgement,
    care_question,
    improving,
    normal_reading,
    phrase_kinds,
    reassuring,
)
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


def _temperatures(text: str) -> list[Mention]:
    """A temperature written in words (体温38.5, 烧到38度5, 体温三十八度五) at fever level
    (``readings.fever_readings``: 诊断学(第9版) 发热, ≥37.3℃) is a fever statement."""
    form = readings.normalise(text or "")
    return [
        Mention("fever", r.text, max(form.find(r.text), 0), False)
        for r in readings.fever_readings(text or "")
    ]


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


def history_mentions(text: str) -> list[tuple[str, str]]:
    """(concept, its clause as the patient wrote it) for each mention the shared lexicon reads
    as past history (去年胸痛过, 以前有过黑便: ``Mention.past``), in text order. Such a mention
    is absent now (it never reaches triage); the clause is quoted for the clinician."""
    text = text or ""
    bounds = [0]
    for sep in _CLAUSES.finditer(text):
        bounds += [sep.start(), sep.end()]
    bounds.append(len(text))
    spans = list(zip(bounds[::2], bounds[1::2], strict=True))
    out: list[tuple[str, str]] = []
    for m in symptoms.find_symptoms(text):
        if not m.past:
            continue
        clause = next((text[a:b] for a, b in spans if a <= m.span[0] < b), "")
        if clause.strip() and (m.concept, clause) not in out:
            out.append((m.concept, clause.strip()))
    return out


def condition_history(text: str) -> list[tuple[str, str]]:
    """(condition name, its clause as the patient wrote it) for each known disease the shared
    condition reader (``clinical.knowledge.conditions``) reads as past history (以前得过脑梗,
    有糖尿病史, 前年得过心梗), not denied, in text order: context for the clinician, never a
    complaint now (review h5; ConText: Harkema et al. 2009)."""
    text = text or ""
    spans = _clause_spans(text)
    out: list[tuple[str, str]] = []
    for m in conditions.read_conditions(text):
        if not m.past or m.negated:
            continue
        name = conditions.conditions()[m.key].name_zh
        clause = next((text[a:b] for a, b in spans if a <= m.span[0] < b), "").strip()
        if clause and (name, clause) not in out:
            out.append((name, clause))
    return out


def _clause_spans(text: str) -> list[tuple[int, int]]:
    bounds = [0]
    for sep in _CLAUSES.finditer(text):
        bounds += [sep.start(), sep.end()]
    bounds.append(len(text))
    return list(zip(bounds[::2], bounds[1::2], strict=True))


def _read_as_denial_or_history(clause: str) -> bool:
    """Whether ``clause`` names something, of any shared concept or known disease, and every
    such mention is denied or past (没有出血, 无出血, 以前胃出血过, 以前得过脑梗): a denial is
    understood and a history is noted for the clinician (``history_mentions``,
    ``condition_history``); what is stated now, known or not, stays for the other checks."""
    mentions = symptoms.find_symptoms(clause)
    diseases = conditions.read_conditions(clause)
    if not mentions and not diseases:
        return False
    if not all(m.negated or m.past for m in [*mentions, *diseases]):
        return False
    # Nothing else may stand in the clause but the shared cue, filler, time and body words
    # (伤口没有出血, 以前得过脑梗): "不出血了但是鼓了个大包" says more than a denial.
    rest = list(clause)
    for a, b in [m.span for m in mentions] + [m.span for m in diseases]:
        rest[a:b] = [" "] * (b - a)
    left = "".join(rest)
    for word in _context_words():
        left = left.replace(word, " ")
    return len(_CJK.findall(left)) <= 1


@cache
def _context_words() -> tuple[str, ...]:
    """Words a denial or a history may hold besides what it denies or recalls: the shared
    negation, filler, history and time cues and the body-site words (symptom_negation.csv,
    symptom_sites.csv), longest first."""
    lex = symptoms.lexicon()
    words = {
        *lex.cues,
        *lex.fillers,
        *lex.past_cues,
        *lex.past_start,
        *lex.past_subjects,
        *lex.past_after,
        *lex.now_words,
        *lex.family_before,
        *lex.site_of,
        "病史",
        "患病",
    }
    return tuple(sorted((w for w in words if w.strip()), key=len, reverse=True))


def denial_or_history(text: str) -> bool:
    """Whether some clause of ``text`` is only a denial or a history (``_read_as_denial_or_history``)."""
    return any(
        _read_as_denial_or_history(c) for c in _CLAUSES.split(normalise(text)) if _CJK.search(c)
    )


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
        if _read_as_denial_or_history(clause):
            continue  # "没有出血", "以前得过脑梗": a denial or a history, understood
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
