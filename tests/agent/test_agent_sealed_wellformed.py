"""The sealed agent set (tests/agent/sealed/messages.yaml) parses and every message is
well-formed: a valid message body for a demo patient and one expected handling. No outcome is
asserted here (bench/guidance_agent_sealed.py scores it; never tune rules to it)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from clinical.agent.serializers import PatientMessageIn

SET = Path(__file__).parent / "sealed" / "messages.yaml"
PATIENTS = {"demo-surgery", "demo-htn-dm"}
EXPECT = {"crisis", "emergency", "clinician", "answer"}
MESSAGES: list[dict[str, Any]] = yaml.safe_load(SET.read_text("utf-8"))["messages"]


def test_the_set_is_large_enough_and_ids_are_unique() -> None:
    ids = [m["id"] for m in MESSAGES]
    assert len(ids) >= 70 and len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"A-\d{3}", i) for i in ids)
    counts = Counter(m["expect"] for m in MESSAGES)
    assert counts["answer"] >= 20 and set(counts) == EXPECT


def test_the_patients_are_the_demo_records(demo_bundles: list[dict]) -> None:
    ids = {
        e["resource"]["id"]
        for b in demo_bundles
        for e in b["entry"]
        if e["resource"]["resourceType"] == "Patient"
    }
    assert {m["patient"] for m in MESSAGES} <= ids


@pytest.mark.parametrize("msg", MESSAGES, ids=[m["id"] for m in MESSAGES])
def test_message_is_well_formed(msg: dict[str, Any]) -> None:
    assert set(msg) <= {"id", "family", "patient", "expect", "text", "source", "medicines"}
    assert msg["patient"] in PATIENTS and msg["expect"] in EXPECT
    assert isinstance(msg["family"], str) and msg["family"]
    assert isinstance(msg["source"], str) and msg["source"]
    body = PatientMessageIn(data={"text": msg["text"]})
    assert body.is_valid(), body.errors
    for name in msg.get("medicines", []):
        assert name in msg["text"]
    if msg["family"] == "benign":
        assert msg["expect"] == "answer"
