"""The deterministic default: no weights, no network, the same output for the same input.

Phrasing in template mode is done by the callers' own templates (see ``inference.phrasing``);
this backend only has to answer the interface: ``chat`` returns the draft it was given (the
text after the last ``草稿：`` marker), ``structured`` is not supported (callers use their
rule-based understanding instead).
"""

from __future__ import annotations

from typing import Any

from inference.base import LLMBackend, Message
from inference.errors import LLMError

DRAFT_MARKER = "草稿："
FALLBACK_REPLY = "已收到您的消息，您的医生会尽快回复您。"


class TemplateBackend(LLMBackend):
    name = "template"
    generative = False

    def chat(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.2,
        timeout_s: float | None = None,
    ) -> str:
        for message in reversed(messages):
            if message["role"] == "user" and DRAFT_MARKER in message["content"]:
                return message["content"].rsplit(DRAFT_MARKER, 1)[1].strip()
        return FALLBACK_REPLY

    def structured(
        self,
        messages: list[Message],
        schema: dict[str, Any],
        *,
        max_tokens: int | None = None,
        timeout_s: float | None = None,
    ) -> dict[str, Any]:
        raise LLMError("the template backend has no model: use rule-based understanding")

    def describe(self) -> dict[str, Any]:
        return {"backend": self.name, "model": None}
