"""Patient-safety checks, one module per rule family; ``run_all`` applies them in order.

Each check takes the ingredient keys under consideration and a resolved patient profile
and returns ``Reason`` objects; all rules come from ``clinical/medkb/data/*.csv``.
"""

from __future__ import annotations

from clinical.medkb.checks import (
    age,
    age_restrictions,
    allergy,
    contraindication,
    duplicate,
    interaction,
    pregnancy,
)
from clinical.medkb.checks.profile import Profile
from clinical.medkb.entities import Reason
from clinical.medkb.kb import KnowledgeBase

CHECKS = (allergy, contraindication, interaction, duplicate, age, age_restrictions, pregnancy)


def run_all(kb: KnowledgeBase, keys: list[str], profile: Profile) -> list[Reason]:
    out: list[Reason] = []
    for check in CHECKS:
        out.extend(check.check(kb, keys, profile))
    return out
