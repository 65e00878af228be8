"""Adherence problems: those the patient reports (missed doses, self-stopped medicines) and
those the orders' dose records show (``Facts.recorded_adherence``, issue #15)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from clinical.followup.services.facts import Facts
from clinical.followup.services.ruledata import RuleDataError, check_rows, load, rules
from clinical.followup.services.rules.base import Reason

if TYPE_CHECKING:
    from clinical.orders.services.adherence import RecordedAdherence


def evaluate(facts: Facts) -> list[Reason]:
    critical_flags = load("adherence")["critical"]
    critical_refs = sorted({r for f in critical_flags for r in facts.meds.get(f, [])})
    fired: dict[str, Reason] = {}
    for row in rules("adherence"):
        hits = [s for c in row["symptoms_any"] if (s := facts.present(c))]
        if not hits:
            continue
        concept = hits[0].concept
        if concept in fired:  # the critical-medicine row (listed first) wins
            continue
        if row.get("critical") and not critical_refs:
            continue
        names = "、".join(facts.med_names.get(r, r) for r in critical_refs)
        fired[concept] = Reason(
            code=row["code"],
            text=row["text"].format(meds=names),
            disposition=row["disposition"],
            family="adherence",
            source=row["source"],
            evidence=[s.ref for s in hits] + (critical_refs if row.get("critical") else []),
        )
    return list(fired.values()) + evaluate_recorded(facts)


# -- the dose records (orders) ------------------------------------------------------------
# Named conditions of ``adherence.yaml`` ``recorded`` rows: each reads the orders' own limits
# from the summary, so no threshold is copied into follow-up data.
def _none_taken(m: RecordedAdherence) -> bool:
    return m.missed == m.answered and m.missed >= m.minimum_doses


def _missed_run_at_limit(m: RecordedAdherence) -> bool:
    return m.consecutive_limit is not None and m.longest_missed_run >= m.consecutive_limit


def _ratio_below(m: RecordedAdherence) -> bool:
    return m.answered >= m.minimum_doses and m.ratio is not None and m.ratio < m.ratio_threshold


RECORDED_CONDITIONS: dict[str, Callable[[RecordedAdherence], bool]] = {
    "none_taken": _none_taken,
    "missed_run_at_limit": _missed_run_at_limit,
    "ratio_below": _ratio_below,
}


@cache
def recorded_rules() -> list[dict[str, Any]]:
    """The checked ``recorded`` rows; a row naming an unknown condition is refused."""
    rows = check_rows("adherence", load("adherence").get("recorded") or [])
    for row in rows:
        unknown = set(row["when"]) - set(RECORDED_CONDITIONS)
        if unknown:
            raise RuleDataError(f"adherence.yaml: {row['code']}: unknown condition {unknown}")
    return rows


def _counts(m: RecordedAdherence, named: bool) -> str:
    """One medicine's counts; ``named`` when the reason lists several (the brackets before
    the counts already name a single one)."""
    text = (
        f"{m.medication + ' ' if named else ''}近{m.window_days}天应服{m.expected}次，"
        f"已服{m.taken}次、跳过{m.skipped}次、漏服{m.missed}次"
    )
    if m.pending:
        text += f"、待回复{m.pending}次"
    return f"{text}，最长连续漏服{m.longest_missed_run}次"


def evaluate_recorded(facts: Facts) -> list[Reason]:
    """Reasons from the orders' dose records: per medicine the first ``recorded`` row whose
    conditions (any of ``when``) hold; one reason per row naming each medicine and its counts,
    with the MedicationRequests as evidence. No records, no reasons."""
    hits: dict[str, list[RecordedAdherence]] = {}
    for med in facts.recorded_adherence:
        for row in recorded_rules():
            if bool(row["critical"]) != med.critical:
                continue
            if any(RECORDED_CONDITIONS[name](med) for name in row["when"]):
                hits.setdefault(row["code"], []).append(med)
                break
    reasons = []
    for row in recorded_rules():
        meds = hits.get(row["code"])
        if not meds:
            continue
        sources = [row["source"]]
        for m in meds:
            for extra in (m.class_source, m.threshold_source):
                if extra and extra not in sources:
                    sources.append(extra)
        reasons.append(
            Reason(
                code=row["code"],
                text=row["text"].format(
                    meds="、".join(dict.fromkeys(m.medication for m in meds)),
                    counts="；".join(_counts(m, named=len(meds) > 1) for m in meds),
                ),
                disposition=row["disposition"],
                family="adherence",
                source="; ".join(sources),
                evidence=[f"MedicationRequest/{m.medication_request}" for m in meds],
            )
        )
    return reasons
