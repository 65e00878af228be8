"""What a guidance request says, read through the shared symptom lexicon
(``clinical.knowledge.symptoms``: the same concepts follow-up, the monitor and the agent
reach; traditional characters, full-width and zero-width characters, 疼/痛 are one).

Invariant: every clause of the patient's words is either understood (a concept, present or
denied) or returned in ``unrecognised`` with the words as written, so the red-flag gate can
quote it and send it to a clinician. A clause is cut at sentence punctuation and whitespace;
the enumeration comma 、 keeps a list together (否认胸痛、呼吸困难). A clause that is only a
measurement (体温38.5度) is read by the temperature field, not as words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clinical.knowledge import discourse
from clinical.knowledge import symptoms as lexicon
from clinical.knowledge.text import normalize
from clinical.medkb.kb import KnowledgeBase, treatment_keys

_CLAUSES = re.compile(r"[，,。;；!！?？:：\s]+|(?<!\d)\.|\.(?!\d)")
_CJK_OR_WORD = re.compile(r"[\u4e00-\u9fff]|[a-z]{3,}")
_MEASUREMENT = re.compile(r"\d")
_MEASURE_WORDS = ("体温", "温度", "度", "℃", "°")


@dataclass
class SymptomReading:
    """Concepts present (not denied), in order; their body sites; treatment keys; the
    clauses nothing was understood in (as the patient wrote them)."""

    concepts: list[str] = field(default_factory=list)
    sites: dict[str, set[str]] = field(default_factory=dict)  # concept -> sites mentioned
    keys: set[str] = field(default_factory=set)  # treatment keys (products' indications)
    unrecognised: list[str] = field(default_factory=list)


def _measurement(clause: str) -> bool:
    return bool(_MEASUREMENT.search(clause)) and any(w in clause for w in _MEASURE_WORDS)


def read(kb: KnowledgeBase, texts: list[str]) -> SymptomReading:
    out = SymptomReading()
    for text in texts:
        if not text or not text.strip():
            continue
        mentions = lexicon.find_symptoms(text)
        for m in mentions:
            if m.negated:
                continue
            if m.concept not in out.concepts:
                out.concepts.append(m.concept)
            out.sites.setdefault(m.concept, set()).add(m.site)
        out.keys |= treatment_keys(kb.symptoms, mentions)
        out.unrecognised.extend(unrecognised_clauses(text, mentions))
    return out


def unrecognised_clauses(text: str, mentions: list[lexicon.Mention]) -> list[str]:
    """Clauses of ``text`` (as written) that hold no symptom mention and are not discourse
    (``clinical.knowledge.discourse``: courtesy, reassurance, qualifiers, questions)."""
    n = normalize(text)
    covered = [False] * len(text)
    for m in mentions:
        for i in range(m.span[0], min(m.span[1], len(text))):
            covered[i] = True
    out: list[str] = []
    about = any(not m.negated and not lexicon.is_context(m.concept) for m in mentions)
    norm_text = n.text
    bounds = [(m.start(), m.end()) for m in _CLAUSES.finditer(norm_text)]
    starts = [0, *(e for _, e in bounds)]
    ends = [*(s for s, _ in bounds), len(norm_text)]
    for start, end in zip(starts, ends, strict=True):
        clause = norm_text[start:end]
        if not _CJK_OR_WORD.search(clause) or _measurement(clause):
            continue
        o_start, o_end = n.original_span(start, end)
        if any(covered[o_start:o_end]):
            continue
        # Courtesy, reassurance, a qualifier or a question for the care team (the shared
        # discourse reader, #15 r3): read, not unrecognised; with a symptom elsewhere in the
        # text a question about it (要紧吗) counts too. Any other word leaves the clause unread.
        if discourse.is_discourse(text[o_start:o_end], about=about):
            continue
        out.append(text[o_start:o_end].strip())
    return [c for c in out if c]
