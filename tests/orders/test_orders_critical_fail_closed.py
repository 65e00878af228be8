"""Critical-medicine membership fails closed: when the tables that decide it cannot be read
(the orders' critical_medicines.yaml or the shared drug tables), a medicine is treated as
critical and its order is held for a clinician, never silently scheduled as ordinary; the log
says why without patient data."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from orders_support import med_request

from clinical.knowledge import drugs as knowledge_drugs
from clinical.orders.models import OrderStatus
from clinical.orders.services import schedule


@pytest.fixture
def unreadable_critical_table(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    bad = tmp_path / "critical_medicines.yaml"
    bad.write_text("classes: [ {id: anticoagulant, class: \n", "utf-8")  # broken YAML
    monkeypatch.setattr(schedule, "CRITICAL_PATH", bad)
    schedule.critical_classes.cache_clear()
    yield
    schedule.critical_classes.cache_clear()


@pytest.fixture
def unreadable_drug_tables(monkeypatch: pytest.MonkeyPatch):
    def broken(*args: object, **kwargs: object) -> bool:
        raise OSError("classes.csv: permission denied")

    monkeypatch.setattr(knowledge_drugs, "medication_in_class", broken)


def test_readable_tables_still_answer_as_before() -> None:
    assert schedule.critical_class_of("华法林钠片 3mg", [])["id"] == "anticoagulant"
    assert schedule.critical_class_of("苯磺酸氨氯地平片 5mg", []) is None


@pytest.mark.usefixtures("unreadable_critical_table")
def test_an_unreadable_critical_table_treats_the_medicine_as_critical(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="clinical.orders.services.schedule"):
        row = schedule.critical_class_of("苯磺酸氨氯地平片 5mg", [])
    assert row is not None and row["id"] == schedule.UNVERIFIED_CLASS["id"] == "unverified"
    assert row["double_dose_alert"] is True and row["consecutive_missed"] == 1
    assert row["source"].startswith("AM-Med")
    text = caplog.text
    assert "critical" in text and "held for a clinician" in text
    assert "氨氯地平" not in text  # no patient data in the log


@pytest.mark.usefixtures("unreadable_drug_tables")
def test_unreadable_drug_tables_treat_the_medicine_as_critical(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="clinical.orders.services.schedule"):
        row = schedule.critical_class_of("华法林钠片 3mg", [])
    assert row is not None and row["id"] == "unverified"
    assert "OSError" in caplog.text and "华法林" not in caplog.text


@pytest.mark.usefixtures("unreadable_drug_tables")
def test_an_order_whose_class_cannot_be_checked_is_held_for_a_clinician() -> None:
    plan = schedule.plan_order(med_request("mr-crit-unreadable", "每日1次 每次1片 口服"))
    assert plan.critical_class == "unverified"
    assert plan.status == OrderStatus.NEEDS_REVIEW
    assert any("重点药物" in issue and "医生" in issue for issue in plan.issues)
