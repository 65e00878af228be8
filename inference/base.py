"""The one small interface every language-model backend implements.

Three operations: ``chat`` (free text), ``structured`` (a JSON object that validates
against a JSON schema; backends constrain decoding to the schema where they can) and
``stream`` (chat, chunk by chunk). Models only *phrase* and *understand* in AM-Med: no
clinical decision depends on free model text, so every caller must cope with an
``LLMError`` by falling back to deterministic templates.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypedDict

from inference.errors import LLMOutputError

Role = Literal["system", "user", "assistant"]


class Message(TypedDict):
    role: Role
    content: str


@dataclass(frozen=True)
class LLMConfig:
    """Everything a backend needs; built from Django settings by ``from_settings``."""

    backend: str = "template"
    model: str = ""
    gpu_layers: int = 0
    ctx: int = 4096
    timeout_s: float = 30.0
    max_tokens: int = 512
    model_dir: Path = Path("var/models")
    ollama_host: str = "http://127.0.0.1:11434"
    base_url: str = ""
    api_key: str = ""
    flash_attn: bool = True
    threads: int = 0

    @classmethod
    def from_settings(cls, **overrides: Any) -> LLMConfig:
        from django.conf import settings

        values: dict[str, Any] = {
            "backend": settings.AMMED_LLM_BACKEND,
            "model": settings.AMMED_LLM_MODEL,
            "gpu_layers": settings.AMMED_LLM_GPU_LAYERS,
            "ctx": settings.AMMED_LLM_CTX,
            "timeout_s": settings.AMMED_LLM_TIMEOUT_S,
            "max_tokens": settings.AMMED_LLM_MAX_TOKENS,
            "model_dir": Path(settings.AMMED_MODEL_DIR),
            "ollama_host": settings.OLLAMA_HOST,
            "base_url": settings.AMMED_LLM_BASE_URL,
            "api_key": settings.AMMED_LLM_API_KEY,
            "flash_attn": settings.AMMED_LLM_FLASH_ATTN,
            "threads": settings.AMMED_LLM_THREADS,
        }
        values.update(overrides)
        return cls(**values)


class LLMBackend:
    """Base class. Subclasses set ``name`` and implement ``chat`` and ``structured``.

    ``generative`` is False only for the template backend, which has no model: callers
    (the phrasing service, the agent's understanding step) then use their deterministic
    path directly instead of asking it to rephrase or to parse.
    """

    name = "base"
    generative = True

    def __init__(self, config: LLMConfig) -> None:
        self.config = config

    def chat(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.2,
        timeout_s: float | None = None,
    ) -> str:
        raise NotImplementedError

    def structured(
        self,
        messages: list[Message],
        schema: dict[str, Any],
        *,
        max_tokens: int | None = None,
        timeout_s: float | None = None,
    ) -> dict[str, Any]:
        raise NotImplementedError

    def stream(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.2,
        timeout_s: float | None = None,
    ) -> Iterator[str]:
        """Chat, chunk by chunk. Default: one chunk (backends override when they can)."""
        yield self.chat(
            messages, max_tokens=max_tokens, temperature=temperature, timeout_s=timeout_s
        )

    def describe(self) -> dict[str, Any]:
        """What is loaded (for ``manage.py llm check`` and logs; never patient data)."""
        return {"backend": self.name, "model": self.config.model}

    def close(self) -> None:
        """Release weights/connections (idempotent)."""


def parse_json_object(text: str, schema: dict[str, Any]) -> dict[str, Any]:
    """Parse ``text`` as one JSON object and validate it against ``schema`` (fail closed)."""
    import jsonschema

    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LLMOutputError(f"model output is not JSON: {exc.msg} at {exc.pos}") from exc
    if not isinstance(value, dict):
        raise LLMOutputError("model output is not a JSON object")
    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError as exc:
        path = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise LLMOutputError(f"model output violates the schema at {path}: {exc.message}") from exc
    return value
