"""Any server speaking the OpenAI chat-completions API: vLLM, LMDeploy, llama-server.

This is the path for many simultaneous conversations: those servers batch requests on
the GPU (continuous batching), which one in-process llama.cpp context cannot. Structured
output uses ``response_format`` ``json_schema`` (supported by vLLM, LMDeploy and
llama-server); the answer is validated here again (fail closed).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from inference.base import LLMBackend, LLMConfig, Message, parse_json_object
from inference.errors import LLMConfigError, LLMError, LLMTimeout, LLMUnavailable, ModelNotFound


class OpenAICompatBackend(LLMBackend):
    name = "openai"

    def __init__(self, config: LLMConfig) -> None:
        super().__init__(config)
        if not config.base_url:
            raise LLMConfigError(
                "AMMED_LLM_BASE_URL must point at the server (e.g. http://gpu-1:23333/v1)"
            )
        if not config.model:
            raise LLMConfigError("AMMED_LLM_MODEL must name the served model")
        import httpx

        headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
        self.client = httpx.Client(
            base_url=config.base_url.rstrip("/"), headers=headers, timeout=config.timeout_s
        )

    def _body(self, messages: list[Message], max_tokens: int | None, temperature: float) -> dict:
        return {
            "model": self.config.model,
            "messages": list(messages),
            "max_tokens": max_tokens or self.config.max_tokens,
            "temperature": temperature,
        }

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        import httpx

        try:
            response = self.client.post("/chat/completions", json=body)
        except httpx.TimeoutException as exc:
            raise LLMTimeout(f"{self.config.base_url} did not answer in time") from exc
        except httpx.TransportError as exc:
            raise LLMUnavailable(f"cannot reach {self.config.base_url}") from exc
        if response.status_code == 404:
            raise ModelNotFound(f"{self.config.base_url} does not serve {self.config.model!r}")
        if response.status_code >= 400:
            raise LLMError(f"{self.config.base_url} answered HTTP {response.status_code}")
        try:
            return response.json()
        except json.JSONDecodeError as exc:
            raise LLMError("the server's answer is not JSON") from exc

    def chat(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.2,
        timeout_s: float | None = None,
    ) -> str:
        data = self._post(self._body(messages, max_tokens, temperature))
        return (data["choices"][0]["message"].get("content") or "").strip()

    def structured(
        self,
        messages: list[Message],
        schema: dict[str, Any],
        *,
        max_tokens: int | None = None,
        timeout_s: float | None = None,
    ) -> dict[str, Any]:
        body = self._body(messages, max_tokens, 0.0)
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "ammed", "schema": schema, "strict": True},
        }
        data = self._post(body)
        return parse_json_object(data["choices"][0]["message"].get("content") or "", schema)

    def stream(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.2,
        timeout_s: float | None = None,
    ) -> Iterator[str]:
        import httpx

        body = self._body(messages, max_tokens, temperature) | {"stream": True}
        try:
            with self.client.stream("POST", "/chat/completions", json=body) as response:
                if response.status_code >= 400:
                    raise LLMError(f"{self.config.base_url} answered HTTP {response.status_code}")
                for line in response.iter_lines():
                    if not line.startswith("data:") or line.strip() == "data: [DONE]":
                        continue
                    delta = json.loads(line[5:])["choices"][0].get("delta", {})
                    if delta.get("content"):
                        yield delta["content"]
        except httpx.TimeoutException as exc:
            raise LLMTimeout(f"{self.config.base_url} did not answer in time") from exc
        except httpx.TransportError as exc:
            raise LLMUnavailable(f"cannot reach {self.config.base_url}") from exc

    def describe(self) -> dict[str, Any]:
        return {"backend": self.name, "model": self.config.model, "base_url": self.config.base_url}

    def close(self) -> None:
        self.client.close()
