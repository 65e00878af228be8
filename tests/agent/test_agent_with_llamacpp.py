"""The conversation with the real llama.cpp backend (CPU, a tiny random-weight model the
test writes itself). Its words are gibberish by design; what must hold whatever a model
says: understanding is schema-valid and grounded in the patient's text, readings are the
rules' numbers, and a phrasing can add no number the engine did not give."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clinical.agent.models import AgentMessage
from clinical.agent.understanding.schema import INTENTS
from inference import registry
from inference.random_gguf import TINY, write_random_gguf


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_random_gguf(tmp_path_factory.mktemp("agent-models") / "tiny.gguf", TINY)


@pytest.fixture
def llamacpp(settings, tiny_model: Path, template_backend) -> None:  # type: ignore[no-untyped-def]
    settings.AMMED_LLM_BACKEND = "llamacpp"
    settings.AMMED_LLM_MODEL = str(tiny_model)
    settings.AMMED_LLM_CTX = 1024
    settings.AMMED_LLM_THREADS = 2
    settings.AMMED_LLM_MAX_TOKENS = 24
    registry.reset_backends()
    yield
    registry.reset_backends()


@pytest.mark.django_db
def test_conversation_through_a_real_model(nurse_client, llamacpp) -> None:
    for text in ("我能吃柚子吗？", "血压160/100，有点头晕"):
        r = nurse_client.post(
            "/api/v1/patients/demo-htn-dm/messages", {"text": text}, format="json"
        )
        assert r.status_code == 200, r.content
        out = r.json()
        inbound = AgentMessage.objects.get(pk=out["message_id"])
        u = inbound.understanding
        assert u["source"] == "model" and u["intent"] in INTENTS
        for kind in ("medicines", "foods", "symptoms"):
            assert all(name in text or name in {"西柚"} for name in u[kind])
        reply = AgentMessage.objects.get(pk=out["reply_id"])
        assert reply.phrasing_source in {"model", "template-fallback"}
        allowed = reply.draft + str(reply.structured)
        assert all(n in allowed for n in re.findall(r"\d+(?:\.\d+)?", reply.text))
    assert out["intent"] == "reading_report" and out["route"] == "followup"
    assert out["entities"]["readings"][0]["values"] == [160.0, 100.0]
