"""An Ollama server through the official ``ollama`` Python client.

``structured`` passes the JSON schema as Ollama's ``format`` (server-side constrained
decoding) and validates the answer again here (fail closed). The model runs with the
chat template Ollama stores for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from inference.base import LLMBackend, LLMConfig, Message, parse_json_object
from inference.errors import (
    BackendNotInstalled,
    LLMConfigError,
    LLMError,
    LLMTimeout,
    LLMUnavailable,
    ModelNotFound,
)


class OllamaBackend(LLMBackend):
    name = "ollama"

    def __init__(self, config: LLMConfig) -> None:
        super().__init__(config)
        if not config.model:
            raise LLMConfigError("AMMED_LLM_MODEL must name an Ollama model (e.g. internlm2:7b)")
        try:
            import ollama
        except ImportError as exc:
            raise BackendNotInstalled(
                "the ollama client is not installed: pip install -r requirements/inference.txt"
            ) from exc
        self._ollama = ollama
        self.client = ollama.Client(host=config.ollama_host, timeout=config.timeout_s)

    def _call(self, **kwargs: Any) -> Any:
        import httpx

        try:
            return self.client.chat(model=self.config.model, **kwargs)
        except self._ollama.ResponseError as exc:
            if exc.status_code == 404:
                raise ModelNotFound(
                    f"Ollama at {self.config.ollama_host} has no model {self.config.model!r} "
                    f"(`ollama pull {self.config.model}` on that server)"
                ) from exc
            raise LLMError(f"Ollama error {exc.status_code}: {exc.error}") from exc
        except httpx.TimeoutException as exc:
            raise LLMTimeout(f"Ollama did not answer within {self.config.timeout_s:.3g}s") from exc
        except (ConnectionError, httpx.TransportError) as exc:
            raise LLMUnavailable(f"cannot reach Ollama at {self.config.ollama_host}") from exc

    def _options(self, max_tokens: int | None, temperature: float) -> dict[str, Any]:
        return {
            "temperature": temperature,
            "num_predict": max_tokens or self.config.max_tokens,
            "num_ctx": self.config.ctx,
        }

    def chat(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.2,
        timeout_s: float | None = None,
    ) -> str:
        response = self._call(
            messages=list(messages), options=self._options(max_tokens, temperature)
        )
        return (response.message.content or "").strip()

    def structured(
        self,
        messages: list[Message],
        schema: dict[str, Any],
        *,
        max_tokens: int | None = None,
        timeout_s: float | None = None,
    ) -> dict[str, Any]:
        response = self._call(
            messages=list(messages), format=schema, options=self._options(max_tokens, 0.0)
        )
        return parse_json_object(response.message.content or "", schema)

    def stream(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.2,
        timeout_s: float | None = None,
    ) -> Iterator[str]:
        for part in self._call(
            messages=list(messages), stream=True, options=self._options(max_tokens, temperature)
        ):
            if part.message.content:
                yield part.message.content

    def describe(self) -> dict[str, Any]:
        return {"backend": self.name, "model": self.config.model, "host": self.config.ollama_host}
