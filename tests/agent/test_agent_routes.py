"""Route adapters against stand-in engines shaped like the ones being built on issues 5 and 6
(``clinical.diet.services.consult`` → an object with ``to_dict()``/``advice``;
``clinical.followup.services.runs.assess`` → a dict with reasons and a timeframe).
The stand-ins are injected as modules, so these tests hold before and after those merges."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field
from typing import Any

import pytest

from clinical.agent.routes import diet, followup
from clinical.agent.routes.base import RouteContext
from clinical.agent.understanding.rules import understand


def ctx(text: str, patient_id: str = "demo-htn-dm") -> RouteContext:
    return RouteContext(
        patient_id=patient_id, text=text, understanding=understand(text), message_id=1
    )


def install(monkeypatch: pytest.MonkeyPatch, name: str, **attrs: Any) -> None:
    module = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, name, module)


@dataclass
class FakeDietAnswer:
    food: str | None
    verdict: str
    advice: str
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "food": self.food,
            "verdict": self.verdict,
            "advice": self.advice,
            "sources": self.sources,
        }


@pytest.mark.django_db
def test_diet_route_uses_the_engines_advice_as_the_draft(demo_patients, monkeypatch) -> None:
    calls: list[dict] = []

    def consult(**kw: Any) -> FakeDietAnswer:
        calls.append(kw)
        return FakeDietAnswer("柚子", "avoid", "服用阿托伐他汀期间不宜吃柚子。", ["label"])

    install(monkeypatch, "clinical.diet.services", consult=consult)
    result = diet.answer(ctx("我能吃柚子吗"))
    assert (result.outcome, result.draft) == ("answered", "服用阿托伐他汀期间不宜吃柚子。")
    assert result.structured["verdict"] == "avoid" and result.structured["route"] == "diet"
    assert calls[0]["food"] == "柚子" and calls[0]["record"].patient["id"] == "demo-htn-dm"


@pytest.mark.django_db
def test_diet_engine_error_escalates(demo_patients, monkeypatch) -> None:
    def consult(**_kw: Any) -> None:
        raise KeyError("kb not loaded")

    install(monkeypatch, "clinical.diet.services", consult=consult)
    result = diet.answer(ctx("我能吃柚子吗"))
    assert result.outcome == "escalated" and result.structured["reason"] == "engine_error"
    assert result.alert_reason == "agent-escalation:diet:engine_error"


ASSESSMENT = {
    "disposition": "urgent",
    "reasons": [
        {"text": "血压160/100，高于随访阈值", "disposition": "urgent"},
        {"text": "伴有头晕", "disposition": "urgent"},
    ],
    "timeframe": {"code": "urgent", "within": "24h", "text": "请在24小时内到医院复诊。"},
}


@pytest.mark.django_db
def test_followup_route_drafts_from_reasons_and_timeframe(demo_patients, monkeypatch) -> None:
    seen: list[Any] = []

    def assess_record(record: Any, now: Any) -> dict[str, Any]:
        seen.append(record)
        return ASSESSMENT

    install(monkeypatch, "clinical.followup.services.runs", assess=assess_record)
    result = followup.answer(ctx("血压160/100，有点头晕"))
    assert result.outcome == "answered"
    assert (
        result.draft
        == "根据您反映的情况：血压160/100，高于随访阈值；伴有头晕。请在24小时内到医院复诊。"
    )
    assert result.alert_reason == "agent-followup:urgent"
    # The engine saw the reading the agent had just stored (its last call; the first one
    # assessed the record before the message, against which a routine finding counts as new).
    codes = [o["code"].get("coding", [{}])[0].get("code") for o in seen[-1].observations]
    assert codes.count("85354-9") == 3
    assert len(result.about) == 2  # the reading and the symptom statement


@pytest.mark.django_db
def test_followup_self_care_needs_no_alert(demo_patients, monkeypatch) -> None:
    calm = {
        "disposition": "self-care",
        "reasons": [{"text": "依据现有记录未发现需要就医的异常"}],
        "timeframe": {"text": "继续按计划随访。"},
    }
    install(monkeypatch, "clinical.followup.services.runs", assess=lambda r, n: calm)
    result = followup.answer(ctx("空腹血糖6.1"))
    assert (result.outcome, result.alert_reason) == ("answered", "")
