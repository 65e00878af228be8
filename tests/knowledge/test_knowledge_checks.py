"""A knowledge table that does not load is a deploy error (``knowledge.E001``), not a 500 on
the first request that reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinical.knowledge import checks, syndromes


def test_the_shipped_tables_pass_and_the_check_runs_with_django_checks() -> None:
    from django.core.checks import registry

    assert checks.knowledge_tables in registry.registry.get_checks()
    assert checks.knowledge_tables() == []


def test_a_rule_in_the_wrong_shape_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = syndromes.DATA.read_text("utf-8").replace(
        "    level: urgent\n", "    disposition: urgent\n", 1
    )
    path = tmp_path / "syndromes.yaml"
    path.write_text(bad, "utf-8")
    monkeypatch.setattr(syndromes, "DATA", path)
    syndromes.table.cache_clear()
    try:
        errors = checks.knowledge_tables()
    finally:
        syndromes.table.cache_clear()
    assert [e.id for e in errors] == ["knowledge.E001"]
    assert "syndrome table" in errors[0].msg and "lacks level" in errors[0].msg
