"""A table that fails validation stops the deploy, not a patient's request.

Every knowledge table is validated when first read, and a malformed one raises. Read lazily,
that surfaced as a 500 on the first request that needed it (a syndrome rule merged in an old
shape once made every guidance request fail). This Django system check reads them all: every
management command that runs system checks (``check``, ``migrate``, ``runserver``,
``makemigrations`` in CI's lint step) refuses to go on with a bad table, naming the table and
the error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core import checks


def _loaders() -> list[tuple[str, Callable[[], object]]]:
    from clinical.knowledge import (
        conditions,
        discourse,
        drugs,
        observations,
        patient,
        sigs,
        symptoms,
        syndromes,
        wording,
    )

    return [
        ("drugs (classes, ingredients, products)", drugs.require_tables),
        ("drug interactions", drugs.interaction_rules),
        ("drug contraindications", drugs.contraindication_rules),
        ("allergy cross-reactivity", drugs.cross_reactivity_rules),
        ("conditions", conditions.conditions),
        ("lab-derived conditions", conditions.lab_conditions),
        ("washout windows", patient.washouts),
        ("observation kinds, units and LOINC codes", observations.table),
        ("symptom lexicon", symptoms.lexicon),
        ("symptom lexicon (duplicate rows)", symptoms.require_unique_rows),
        ("crisis grammar", symptoms.crisis_grammar),
        ("discourse vocabulary", discourse.table),
        ("syndrome table", syndromes.table),
        ("sig lexicon", sigs.lexicon),
        ("care-team wording", wording.patterns),
    ]


@checks.register()
def knowledge_tables(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for name, load in _loaders():
        try:
            load()
        except Exception as exc:  # any failure to load is a deploy error, named
            errors.append(
                checks.Error(
                    f"knowledge table '{name}' does not load: {type(exc).__name__}: {exc}"[:500],
                    hint="Fix the data file (docs/knowledge.md); every row needs its source.",
                    id="knowledge.E001",
                )
            )
    return errors
