"""What a guidance request says, read through the shared symptom lexicon
(``clinical.knowledge.symptoms``: the same concepts follow-up, the monitor and the agent
reach; traditional characters, full-width and zero-width characters, 疼/痛 are one).

Invariant: every clause of the patient's words is either understood (a concept, present or
denied; discourse; a measurement — a temperature at fever level is the fever concept) or returned in
``unrecognised`` with the words as written, so the red-flag gate can quote it and send it to a
clinician; so is the residue of a clause read through a concept ("咳嗽带咖啡色的渣子"). The one
reader of what is not understood is the knowledge layer's (``clinical.knowledge.unread``), the
same as follow-up's; guidance reads every concept of the shared lexicon.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clinical.knowledge import readings, unread
from clinical.knowledge import symptoms as lexicon
from clinical.medkb.kb import KnowledgeBase, treatment_keys


@dataclass
class SymptomReading:
    """Concepts present (not denied), in order; their body sites; treatment keys; the
    clauses nothing was understood in (as the patient wrote them)."""

    concepts: list[str] = field(default_factory=list)
    sites: dict[str, set[str]] = field(default_factory=dict)  # concept -> sites mentioned
    keys: set[str] = field(default_factory=set)  # treatment keys (products' indications)
    unrecognised: list[str] = field(default_factory=list)


def read(kb: KnowledgeBase, texts: list[str]) -> SymptomReading:
    out = SymptomReading()
    for text in texts:
        if not text or not text.strip():
            continue
        mentions = lexicon.find_symptoms(text)
        if not any(m.concept == "fever" and not m.negated for m in mentions):
            # a temperature in words at fever level (昨晚三十八度五, 体温38.5) is the fever
            # statement, as follow-up reads it (``readings.fever_readings``: one threshold)
            at = readings.normalise(text)
            mentions += [
                lexicon.Mention("fever", r.text, (max(at.find(r.text), 0),) * 2, False)
                for r in readings.fever_readings(text)[:1]
            ]
        for m in mentions:
            if m.negated:
                continue
            if m.concept not in out.concepts:
                out.concepts.append(m.concept)
            out.sites.setdefault(m.concept, set()).add(m.site)
        out.keys |= treatment_keys(kb.symptoms, mentions)
    # The request's texts are one message of one patient: read together, so that a question or a
    # circumstance in one text stands beside the complaint of another (``unread``'s ``about``);
    # each clause is still read on its own.
    said = [t for t in texts if t and t.strip()]
    out.unrecognised.extend(u.words for u in unread.unread("。".join(said)))
    return out
