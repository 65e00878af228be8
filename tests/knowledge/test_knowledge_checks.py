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


def _with_symptom_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, extra: str
) -> list:
    from clinical.knowledge import symptoms

    data = tmp_path / "data"
    data.mkdir()
    for f in symptoms.DATA.iterdir():
        if f.is_file():
            (data / f.name).write_bytes(f.read_bytes())
    path = data / name
    path.write_text(path.read_text("utf-8") + extra, "utf-8")
    monkeypatch.setattr(symptoms, "DATA", data)
    return checks.knowledge_tables()


def test_the_shipped_symptom_terms_have_no_duplicate_rows() -> None:
    from clinical.knowledge import symptoms

    assert symptoms.duplicate_rows() == []


def test_a_duplicate_term_concept_row_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The same (term, concept) twice, even written in traditional characters, full width or
    another case, is a deploy error naming both lines (the second row can never take effect)."""
    errors = _with_symptom_file(
        monkeypatch, tmp_path, "symptom_terms.csv", "headache,頭痛,,test source\n"
    )
    assert [e.id for e in errors] == ["knowledge.E001"]
    assert "symptom_terms.csv" in errors[0].msg and "头痛" in errors[0].msg
    assert "headache" in errors[0].msg


def test_the_same_term_under_another_concept_is_not_a_duplicate(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    errors = _with_symptom_file(
        monkeypatch, tmp_path, "symptom_terms.csv", "dizziness,头痛,,test source\n"
    )
    assert errors == []


def test_a_concept_defined_twice_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    errors = _with_symptom_file(
        monkeypatch, tmp_path, "symptom_concepts.csv", "headache,头痛,routine,symptom,,test\n"
    )
    assert [e.id for e in errors] == ["knowledge.E001"]
    assert "symptom_concepts.csv" in errors[0].msg and "headache" in errors[0].msg
