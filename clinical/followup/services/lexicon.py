"""Symptom matching for follow-up triage: the shared lexicon (``clinical.knowledge.symptoms``).

Concepts, terms, negation and its scope live in ``clinical/knowledge/data`` (issue #23); this
module keeps only what is the follow-up engine's own: which concepts its rules know, and the
bare yes/no answers (``data/symptoms.yaml``). A concept no follow-up rule names (咽痛, 腹胀) is
not returned, so a message with only such words stays "unrecognised" and goes to a clinician
exactly as before: the engine never silently drops a complaint it has no rule for.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from clinical.followup.services.ruledata import DATA_DIR, load
from clinical.knowledge import conditions, discourse, readings, symptoms, syndromes, unread
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


def match(text: str, *, asked: bool = False) -> list[Mention]:
    """Concept mentions in ``text`` that follow-up rules know (each with its negation), in
    text order; a temperature in words at or above 37.3 is a fever statement.

    A hypothetical mention (如果伤口流脓怎么办: ``symptoms.Mention.hypothetical``) is neither
    present nor denied: in a patient's words it is left out (the question is noted for the care
    team, ``question_clauses``); in a question put to the patient (``asked``: "如有胸痛请选是")
    it is what is asked, and the answer gives its polarity."""
    known = known_concepts()
    found = [
        Mention(m.concept, m.term, m.span[0], m.negated and not m.hypothetical)
        for m in symptoms.find_symptoms(text or "")
        if m.concept in known and (asked or not m.hypothetical)
    ]
    if not any(m.concept == "fever" and not m.negated for m in found):
        found += _temperatures(text)
    return sorted(found, key=lambda m: m.start)


def history_mentions(text: str) -> list[tuple[str, str]]:
    """(concept, its clause as the patient wrote it) for each mention the shared lexicon reads
    as past history (去年胸痛过, 以前有过黑便: ``Mention.past``), in text order. Such a mention
    is absent now (it never reaches triage); the clause is quoted for the clinician."""
    text = text or ""
    spans = discourse.clause_spans(text)
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
    spans = discourse.clause_spans(text)
    out: list[tuple[str, str]] = []
    for m in conditions.read_conditions(text):
        if not m.past or m.negated:
            continue
        name = conditions.conditions()[m.key].name_zh
        clause = next((text[a:b] for a, b in spans if a <= m.span[0] < b), "").strip()
        if clause and (name, clause) not in out:
            out.append((name, clause))
    return out


def denial_or_history(text: str) -> bool:
    """Whether some clause of ``text`` is only a denial or a history (没有出血, 以前得过脑梗:
    ``clinical.knowledge.unread.denial_or_history``)."""
    return any(unread.denial_or_history(c) for c in discourse.clauses(text))


def unread_clauses(text: str) -> list[str]:
    """What of a free-text answer nothing understands, as the patient wrote it: whole clauses,
    and the residue of a clause read through a concept ("咳嗽带咖啡色的渣子" → 带咖啡色的渣子).
    The one reader is the knowledge layer's (``clinical.knowledge.unread``, issue #15: text the
    engine does not *fully* understand goes to a clinician, also when another clause of it was
    recognised — "右手突然拿不住筷子，没劲" is not judged on 没劲 alone). Follow-up's own knobs:
    only the concepts its rules name are read (``known_concepts``), and a bare yes/no answer
    (``answer_polarity``) is read."""
    return [u.words for u in unread_parts(text)]


def unread_parts(text: str) -> list[unread.Unread]:
    """``unread_clauses`` with each part's kind: ``partial`` for the residue of a clause read
    through a concept, else a whole clause nothing reads (#15: the residue stays urgent, a
    whole unread clause goes to clinician review)."""
    return unread.unread(
        text, known=known_concepts(), also_read=lambda c: answer_polarity(c) is not None
    )


def only_questions(text: str) -> bool:
    """Whether ``text`` asks the care team something and says nothing else the engine cannot
    read (its other clauses are reassurance, courtesy, readings): "请问下周复查要空腹吗？谢谢"."""
    return bool(question_clauses(text)) and not unread_clauses(text)


def question_clauses(text: str) -> list[str]:
    """The clauses of ``text`` that are questions for the care team (``care_question``), for a
    clinician to answer (quoted in a note, not a reason of their own)."""
    clauses = discourse.clauses(text)
    about = any(
        not symptoms.is_context(m.concept) for c in clauses for m in match(c) if not m.negated
    ) or any(m.hypothetical for m in symptoms.find_symptoms(text or ""))
    return [c for c in clauses if care_question(c, about=about)]


def _all_well(text: str) -> bool:
    """Every clause reassurance, courtesy or a normal reading, at least one reassurance or
    normal reading ("谢谢医生，都挺好的", "体温37.2")."""
    kinds: set[str] = set()
    for clause in discourse.clauses(text):
        if normal_reading(clause) or improving(clause):
            kinds.add("reassuring_phrases")
            continue
        found = phrase_kinds(clause)
        if found is None or "qualifier_phrases" in found:
            return False
        kinds |= found
    return "reassuring_phrases" in kinds


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
