"""The `make demo` section of clinical.diet."""

from __future__ import annotations

from ammed_fhir.demo import DemoContext


def run(ctx: DemoContext) -> None:
    """Print this function's part of the demo (filled in by its issue)."""
