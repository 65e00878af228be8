"""Review h5 item 4: the patient's reply says each instruction once (120, 24 h, the emergency
department) and never asks for a value the patient already gave (请测量体温 after 体温37.9).
Over every development vignette and a few direct cases; the demo story is checked in
tests/knowledge/test_patient_facing_wording.py. None of these texts comes from a sealed set."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from clinical.agent.routes.followup import assessment_text
from clinical.followup.services.wording import instruction_kinds, repeated_instructions
from tests.followup.followup_vignette_builder import (
    assess_vignette,
    load_vignettes,
)

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # fixed: no today


def _assess(v: dict[str, Any]) -> dict[str, Any]:
    return assess_vignette(v, NOW)


def _has_temperature(v: dict[str, Any]) -> bool:
    words = " ".join(str(s[1]) for s in v.get("survey") or [])
    return any(o[0] == "temp" for o in v.get("obs") or []) or bool(
        re.search(r"体温|\d(?:\.\d)?\s*(?:度|℃)", words)
    )


VIGNETTES = [v for v in load_vignettes() if v.get("obs") or v.get("survey")]


def test_every_vignette_reply_says_each_instruction_once() -> None:
    bad = []
    for v in VIGNETTES:
        reply = assessment_text(_assess(v))
        if repeated_instructions(reply):
            bad.append((v["id"], repeated_instructions(reply), reply))
    assert bad == [], bad[:5]
    assert len(VIGNETTES) > 100


def test_no_vignette_reply_asks_for_a_temperature_it_was_given() -> None:
    bad = []
    for v in VIGNETTES:
        if not _has_temperature(v):
            continue
        reply = assessment_text(_assess(v))
        if "测量体温" in reply:
            bad.append((v["id"], reply))
    assert bad == [], bad[:5]


def _survey(words: str, obs: list[list[Any]] | None = None) -> dict[str, Any]:
    return {
        "id": "once",
        "age": 61,
        "obs": obs or [["hr", 74, 2]],
        "survey": [["今日感受", words, 2]],
    }


@pytest.mark.parametrize(
    ("words", "obs"),
    [
        ("伤口红肿，发烧了，体温37.9度", None),
        ("伤口红肿，发烧", [["temp", 37.9, 2], ["hr", 88, 2]]),
        ("有点发烧 38.2℃", None),
    ],
)
def test_a_given_temperature_is_not_asked_for(words: str, obs: list[list[Any]] | None) -> None:
    reply = assessment_text(_assess(_survey(words, obs)))
    assert "测量体温" not in reply, reply


def test_a_fever_without_a_temperature_is_asked_for() -> None:
    reply = assessment_text(_assess(_survey("有点发烧")))
    assert "测量体温" in reply, reply


@pytest.mark.parametrize(
    "words",
    [
        "伤口红肿，发烧了，体温37.9度",
        "胸口疼得厉害，喘不上气",
        "出冷汗手抖心慌，叫不醒",
        "说不清楚话，嘴歪了，还有点看不懂的东西在眼前晃",
        "头晕，肚子里咕咚咕咚",
        "右边腿肿了，小腿肚子硬邦邦的",
    ],
)
def test_direct_replies_say_each_instruction_once(words: str) -> None:
    reply = assessment_text(_assess(_survey(words)))
    assert repeated_instructions(reply) == [], reply
    assert reply.count("120") <= 1, reply


def test_instruction_kinds_are_read() -> None:
    assert {"call-120"} <= instruction_kinds("请立即拨打120")
    assert {"within-24h"} <= instruction_kinds("请在24小时内就诊查看伤口")
    assert repeated_instructions("请在24小时内就诊查看伤口。请在24小时内就诊") == ["within-24h"]
    assert repeated_instructions("请立即拨打120。情况紧急请立即拨打120。") == ["call-120"]


# Review h5 item 5: the engine version names the shape of what it returns; a reason gaining a
# key (patient_text did, in version 5) without a new version fails here.
_KEYS_5 = {"code", "text", "patient_text", "disposition", "family", "source", "evidence"}
# 6: the review disposition, 7: recorded doses as facts; the reason shape is unchanged
REASON_KEYS = {"5": _KEYS_5, "6": _KEYS_5, "7": _KEYS_5}


def test_the_engine_version_names_the_reason_shape() -> None:
    from clinical.followup.services.engine import ENGINE_VERSION

    a = _assess(_survey("伤口红肿，有点发烧"))
    assert a["engine_version"] == ENGINE_VERSION == "7"
    keys = set().union(*(set(r) - {"clinician"} for r in a["reasons"]))
    assert keys == REASON_KEYS[ENGINE_VERSION]
