"""Registry of the monitor's checks: one module each, run in the configured order.

A check module defines ``NAME`` (str), ``NEEDS_KB`` (bool) and
``check(ctx: CheckContext) -> list[Finding]``. A module may set ``TEXT_ONLY = True`` when
its findings depend on the message text alone (and the KB when ``NEEDS_KB``): the engine
then runs it WITHOUT the patient, the structured result and the category, so it cannot
depend on them, and reuses its findings for the same text (see ``engine``). The order comes from
``settings.AMMED_MONITOR_CHECKS`` (env ``AMMED_MONITOR_CHECKS``, comma-separated names);
``DEFAULT_ORDER`` is used when it is empty. An unknown name is a configuration error that
holds every message (fail closed), it never silently drops a check.
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

from django.conf import settings

DEFAULT_ORDER = [
    "injection",
    "mixed_script",
    "dismissal",
    "med_change",
    "dose_limit",
    "rx_self_medication",
    "allergy_interaction",
    "unknown_drug",
    "diagnosis",
    "absolute_claims",
    "leftover_antibiotics",
    "impersonation",
    "structured_consistency",
    "frequency_consistency",
    "alcohol",
    "duplicate_ingredient",
    "source_drug",
]


def configured_order() -> list[str]:
    return list(getattr(settings, "AMMED_MONITOR_CHECKS", None) or DEFAULT_ORDER)


@cache
def load(name: str) -> ModuleType:
    """Import ``clinical.monitor.checks.<name>`` (raises ImportError/ValueError when invalid;
    a failure is not cached, a loaded module is)."""
    if not name.isidentifier() or name.startswith("_"):
        raise ValueError(f"invalid check name {name!r}")
    module = importlib.import_module(f"{__name__}.{name}")
    if not callable(getattr(module, "check", None)):
        raise ValueError(f"check module {name!r} has no check()")
    return module


_WARMED: set[str] = set()


def warm() -> None:
    """Call each configured check module's optional ``warm()`` once per process (a one-off
    load, such as the shared sig lexicon, is not charged to a check's time budget; a check
    that cannot warm is left to fail closed when it runs)."""
    for name in configured_order():
        if name in _WARMED:
            continue
        _WARMED.add(name)
        try:
            module = load(name)
            if callable(getattr(module, "warm", None)):
                module.warm()
        except Exception:  # the check itself holds the message when it runs
            continue
