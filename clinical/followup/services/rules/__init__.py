"""Rule families of the follow-up assessment, one module each; the order is the run order.

Each family exposes ``evaluate(facts) -> list[Reason]``; ``modifiers.apply`` runs last and may
only raise dispositions.
"""

from __future__ import annotations

from clinical.followup.services.rules import (
    adherence,
    chemo,
    heart_failure,
    hypoglycemia,
    labs,
    missing,
    postop,
    red_flags,
    scores,
    syndromes,
    trends,
    vitals,
)

FAMILIES = (
    red_flags,
    vitals,
    scores,
    labs,
    hypoglycemia,
    syndromes,
    trends,
    postop,
    chemo,
    heart_failure,
    adherence,
    missing,
)
