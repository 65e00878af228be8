"""The label-maximum dose check, behind one function.

Invariant (fail closed): an order is scheduled without a clinician only when its dose was
checked against the label maximum and found within it. Until the drug-KB API
(``clinical.medkb.api``, issue 3) is on this branch, doses cannot be checked, so every order
is flagged for review and waits for a clinician's approval of exactly that dosage.
"""

from __future__ import annotations

from typing import Any

UNCHECKED = "剂量未能与说明书最大剂量核对(药品知识库未接入), 需医生审核"


def check_dose(medication: str, codes: list[str], dosage: dict[str, Any]) -> list[str]:
    """Issues blocking automatic scheduling; ``[]`` means checked and within label maxima.

    TODO(issue 3): once ``clinical.medkb.api`` lands on main (``git merge main``), resolve the
    medication there, compute the per-dose and per-day amount from ``dosage`` and compare
    with the label maxima; return an issue naming the limit and its source when exceeded.
    """
    try:
        from clinical.medkb import api  # noqa: F401
    except ImportError:
        return [UNCHECKED]
    return [UNCHECKED]  # the API's contract is not known here yet: stay conservative
