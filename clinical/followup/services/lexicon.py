"""Symptom matching over Chinese free text: synonyms, colloquial phrasing and negation.

The lexicon is data (``data/symptoms.yaml``). ``match(text)`` finds every concept term (longest
first, no overlaps) and marks it negated only when a negation cue precedes it in the same clause
with nothing but filler between ("无明显胸痛", "没有再发烧"). When in doubt a symptom stands:
a missed negation over-triages, a false negation would under-triage.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from clinical.followup.services.ruledata import load


@dataclass(frozen=True)
class Mention:
    concept: str
    term: str
    start: int
    negated: bool


@dataclass(frozen=True)
class _Lexicon:
    terms: list[tuple[str, str]]  # (term, concept), longest first
    cues: list[str]
    not_cues: list[str]
    fillers: list[str]
    breaks: frozenset[str]
    clause_words: list[str]
    affirmative: frozenset[str]
    negative: frozenset[str]
    labels: dict[str, str]


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower-case, whitespace removed."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if not ch.isspace())


@cache
def lexicon() -> _Lexicon:
    data = load("symptoms")
    neg = data["negation"]
    terms = [
        (normalise(t), concept) for concept, spec in data["concepts"].items() for t in spec["terms"]
    ]
    terms.sort(key=lambda tc: -len(tc[0]))
    return _Lexicon(
        terms=terms,
        cues=sorted((normalise(c) for c in neg["cues"]), key=len, reverse=True),
        not_cues=[normalise(c) for c in neg["not_cues"]],
        fillers=sorted((normalise(f) for f in neg["fillers"]), key=len, reverse=True),
        breaks=frozenset(neg["clause_breaks"]),
        clause_words=[normalise(w) for w in neg["clause_words"]],
        affirmative=frozenset(normalise(a) for a in data["affirmative_answers"]),
        negative=frozenset(normalise(a) for a in data["negative_answers"]),
        labels={c: spec["label"] for c, spec in data["concepts"].items()},
    )


def label(concept: str) -> str:
    return lexicon().labels.get(concept, concept)


def _clause_start(text: str, pos: int, lex: _Lexicon) -> int:
    start = 0
    for i in range(pos - 1, -1, -1):
        if text[i] in lex.breaks:
            start = i + 1
            break
    for word in lex.clause_words:
        idx = text.rfind(word, start, pos)
        if idx != -1:
            start = max(start, idx + len(word))
    return start


def _only_filler(gap: str, lex: _Lexicon) -> bool:
    while gap:
        for f in lex.fillers:
            if gap.startswith(f):
                gap = gap[len(f) :]
                break
        else:
            return False
    return True


def _is_negated(text: str, start: int, lex: _Lexicon) -> bool:
    clause_start = _clause_start(text, start, lex)
    prefix = text[clause_start:start]
    for i in range(len(prefix)):
        for cue in lex.cues:
            if not prefix.startswith(cue, i):
                continue
            if any(text.startswith(nc, clause_start + i) for nc in lex.not_cues):
                continue
            if _only_filler(prefix[i + len(cue) :], lex):
                return True
    return False


def match(text: str) -> list[Mention]:
    """Concept mentions in ``text`` (each with its negation), in text order."""
    lex = lexicon()
    norm = normalise(text)
    taken = [False] * len(norm)
    found: list[Mention] = []
    for term, concept in lex.terms:
        if not term:
            continue
        pos = norm.find(term)
        while pos != -1:
            end = pos + len(term)
            if not any(taken[pos:end]):
                for i in range(pos, end):
                    taken[i] = True
                found.append(Mention(concept, term, pos, _is_negated(norm, pos, lex)))
            pos = norm.find(term, pos + 1)
    found.sort(key=lambda m: m.start)
    # "否认胸痛、呼吸困难": negation distributes over an enumeration.
    out: list[Mention] = []
    for m in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.negated
            and not m.negated
            and (
                prev.start + len(prev.term) == m.start  # "无胸闷气短"
                or (norm[m.start - 1] == "、" and prev.start + len(prev.term) == m.start - 1)
            )
        ):
            m = Mention(m.concept, m.term, m.start, True)
        out.append(m)
    return out


_LEADING = ("这几天", "今天", "目前", "现在", "暂时", "最近", "一切", "感觉")


def answer_polarity(text: str) -> bool | None:
    """A bare yes/no answer ("有", "没有") → True/False; anything else → None."""
    norm = normalise(text).rstrip("。.!！~～了")
    for lead in _LEADING:
        if norm.startswith(lead) and len(norm) > len(lead):
            norm = norm[len(lead) :]
            break
    lex = lexicon()
    if norm in lex.affirmative:
        return True
    if norm in lex.negative:
        return False
    return None
