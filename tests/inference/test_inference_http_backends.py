"""Ollama (official ``ollama`` client) and OpenAI-compatible backends against LOCAL STUB
servers: no Ollama, vLLM or LMDeploy server exists on this machine, so
``inference_stubs.StubServer`` speaks their HTTP APIs on a free local port."""

from __future__ import annotations

import pytest
from inference_stubs import KNOWN_MODEL, STRUCTURED_ANSWER, StubServer, closed_port_url

from clinical.agent.understanding.schema import UNDERSTANDING_SCHEMA
from inference.backends.ollama import OllamaBackend
from inference.backends.openai_compat import OpenAICompatBackend
from inference.base import LLMConfig
from inference.errors import LLMConfigError, LLMTimeout, LLMUnavailable, ModelNotFound

MSG = [{"role": "user", "content": "能吃柚子吗"}]


@pytest.fixture
def stub() -> StubServer:
    with StubServer(0) as server:
        yield server


@pytest.fixture
def down_url() -> str:
    """A port bound but not listening for the test's duration: surely closed (no fixed port)."""
    with closed_port_url() as url:
        yield url


def ollama(url: str, model: str = KNOWN_MODEL, timeout: float = 5.0) -> OllamaBackend:
    return OllamaBackend(
        LLMConfig(backend="ollama", model=model, ollama_host=url, timeout_s=timeout)
    )


def openai(url: str, model: str = KNOWN_MODEL, timeout: float = 5.0) -> OpenAICompatBackend:
    cfg = LLMConfig(backend="openai", model=model, base_url=url + "/v1", timeout_s=timeout)
    return OpenAICompatBackend(cfg)


def test_ollama_chat(stub: StubServer) -> None:
    assert ollama(stub.url).chat(MSG, max_tokens=32) == "好的，已收到。"
    path, body = stub.requests[-1]
    assert path == "/api/chat"
    assert body["model"] == KNOWN_MODEL and body["stream"] is False
    assert body["options"]["num_predict"] == 32


def test_ollama_structured_sends_the_schema_as_format_and_validates(stub: StubServer) -> None:
    value = ollama(stub.url).structured(MSG, UNDERSTANDING_SCHEMA)
    assert value == STRUCTURED_ANSWER
    assert stub.requests[-1][1]["format"] == UNDERSTANDING_SCHEMA
    assert stub.requests[-1][1]["options"]["temperature"] == 0.0


def test_ollama_stream(stub: StubServer) -> None:
    assert "".join(ollama(stub.url).stream(MSG)) == "好的，已收到。"


def test_ollama_unknown_model_is_model_not_found(stub: StubServer) -> None:
    with pytest.raises(ModelNotFound, match="ollama pull nope"):
        ollama(stub.url, model="nope").chat(MSG)


def test_ollama_timeout(stub: StubServer) -> None:
    with pytest.raises(LLMTimeout):
        ollama(stub.url, timeout=0.2).chat([{"role": "user", "content": "slow"}])


def test_ollama_server_down_is_unavailable(down_url: str) -> None:
    with pytest.raises(LLMUnavailable):
        ollama(down_url).chat(MSG)


def test_ollama_needs_a_model_name(down_url: str) -> None:
    with pytest.raises(LLMConfigError):
        ollama(down_url, model="")


def test_openai_compatible_chat_structured_and_stream(stub: StubServer) -> None:
    be = openai(stub.url)
    assert be.chat(MSG) == "好的，已收到。"
    assert be.structured(MSG, UNDERSTANDING_SCHEMA) == STRUCTURED_ANSWER
    fmt = stub.requests[-1][1]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["schema"] == UNDERSTANDING_SCHEMA
    assert "".join(be.stream(MSG)) == "好的，已收到。"
    assert [p for p, _ in stub.requests] == ["/v1/chat/completions"] * 3


def test_openai_unknown_model_and_down_server(stub: StubServer, down_url: str) -> None:
    with pytest.raises(ModelNotFound):
        openai(stub.url, model="nope").chat(MSG)
    with pytest.raises(LLMUnavailable):
        openai(down_url).chat(MSG)
