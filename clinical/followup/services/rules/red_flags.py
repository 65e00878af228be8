"""Red-flag and other patient-reported symptoms (survey Observations, last 72 hours)."""

from __future__ import annotations

from clinical.followup.services import lexicon
from clinical.followup.services.facts import SYMPTOM_WINDOW, Facts
from clinical.followup.services.ruledata import rank, rules
from clinical.followup.services.rules.base import Reason
from clinical.knowledge import symptoms

_LEVELS = ("routine", "urgent", "emergency")


def _lexicon_level(facts: Facts, row: dict) -> Reason | None:
    """Concepts no other red-flag row names, judged at the shared lexicon's red-flag level."""
    named = {c for r in rules("red_flags") for c in r.get("symptoms", [])}
    skip = named | set(row.get("except", []))
    hits = [
        s
        for c in facts.symptoms
        if c not in skip
        and symptoms.red_flag(c) in row["lexicon_levels"]
        and (s := facts.present(c))
    ]
    if not hits:
        return None
    levels = [row["lexicon_levels"][symptoms.red_flag(s.concept)] for s in hits]
    top = max(levels, key=_LEVELS.index)
    return Reason(
        code=row["code"],
        text=row["text"].format(labels="、".join(lexicon.label(s.concept) for s in hits)),
        disposition=top,
        family="red_flags",
        source=row["source"],
        evidence=[s.ref for s in hits],
    )


def _without(text: str, spec: dict) -> str:
    """``text`` less the words that hold an unless word but name no bleeding (``not_bleeding_words``:
    补血 is the iron tablets' "blood tonic", 贫血 the anaemia they treat, 血糖 a reading)."""
    for w in sorted(spec.get("not_bleeding_words", []), key=len, reverse=True):
        text = text.replace(w, "")
    return text


def _explained(facts: Facts, spec: dict | None, hits: list) -> dict | None:
    """A benign explanation of a red-flag row (black stools on oral iron) that holds only when
    nothing in the record speaks against it; else None and the row keeps its disposition."""
    if not spec or not facts.has_med(*spec["meds_any"]):
        return None
    if facts.has_med(*spec.get("unless_meds", [])):
        return None
    if any(facts.present(c) for c in spec.get("unless_symptoms", [])):
        return None
    words = spec.get("unless_words", [])
    if any(w in _without(lexicon.normalise(s.text), spec) for s in hits for w in words):
        return None
    return spec


def evaluate(facts: Facts) -> list[Reason]:
    out: list[Reason] = []
    for row in rules("red_flags"):
        if row.get("lexicon_levels"):
            reason = _lexicon_level(facts, row)
            if reason:
                out.append(reason)
            continue
        if row.get("unrecognised"):
            refs = [ref for at, ref in facts.unrecognised if facts.now - at <= SYMPTOM_WINDOW]
            if refs:
                # Safety net (#15): the words are quoted so the clinician reads what the
                # patient wrote; words in which nothing was read are for clinician review
                # within 24 h (the row's disposition), a residue of a read complaint (its
                # qualifier may be the red flag) stays urgent (``residue_disposition``), and
                # words that name the body are partly understood (``bodily_disposition``).
                words = [facts.unrecognised_words.get(r, "") for r in refs]
                quoted = "；".join(dict.fromkeys(f"“{w}”" for w in words if w))
                levels = [row["disposition"]]
                if any(r in facts.unrecognised_urgent for r in refs):
                    levels.append(row["residue_disposition"])
                if any(r in facts.unrecognised_bodily for r in refs):
                    levels.append(row.get("bodily_disposition", row["disposition"]))
                out.append(
                    Reason(
                        code=row["code"],
                        text=row["text"].format(words=quoted or "（原文见记录）"),
                        disposition=max(levels, key=rank),
                        family="red_flags",
                        source=row["source"],
                        evidence=refs,
                    )
                )
            continue
        present = [facts.present(c) for c in row["symptoms"]]
        hits = [s for s in present if s]
        if not hits:
            continue
        labels = "、".join(lexicon.label(s.concept) for s in hits)
        explained = _explained(facts, row.get("explained_by"), hits)
        if explained:
            out.append(
                Reason(
                    code=row["code"],
                    text=explained["text"],
                    disposition=explained["disposition"],
                    family="red_flags",
                    source=f"{row['source']}; {explained['source']}",
                    evidence=[s.ref for s in hits] + facts.meds.get(explained["meds_any"][0], []),
                )
            )
            continue
        out.append(
            Reason(
                code=row["code"],
                text=row["text"] if len(row["symptoms"]) == 1 else f"{row['text']}（{labels}）",
                disposition=row["disposition"],
                family="red_flags",
                source=row["source"],
                evidence=[s.ref for s in hits],
            )
        )
    return out
