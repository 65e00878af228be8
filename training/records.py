"""One training example and its two on-disk forms (OpenAI ``messages``, xtuner ``conversation``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SYSTEM_PROMPT = (
    "你是AM-Med出院随访助手。只根据药品说明书、医嘱和临床规则回答；"
    "不编造剂量；遇到危险情况或超出范围的问题，请患者联系医生或立即就医。"
)


@dataclass
class Sample:
    """A single-turn (or multi-turn) chat example with where it came from.

    ``licence`` and ``commercial_use`` travel with every row so the data card can say
    exactly what a build contains; research-only rows never enter a default build.
    """

    messages: list[dict[str, str]]
    source: str
    kind: str
    licence: str
    commercial_use: bool = True
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def qa(cls, question: str, answer: str, **kw: Any) -> Sample:
        return cls(
            messages=[
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": question},
                {"role": "assistant", "content": answer},
            ],
            **kw,
        )

    @property
    def user_text(self) -> str:
        return "\n".join(m["content"] for m in self.messages if m["role"] == "user")

    @property
    def assistant_text(self) -> str:
        return "\n".join(m["content"] for m in self.messages if m["role"] == "assistant")

    def to_openai(self) -> dict[str, Any]:
        """OpenAI-style record; xtuner reads it via ``openai_map_fn``."""
        return {"messages": self.messages, "source": self.source, "kind": self.kind}

    def to_xtuner(self) -> dict[str, Any]:
        """xtuner's native ``conversation`` format (system on the first turn only)."""
        turns: list[dict[str, str]] = []
        system = ""
        pending_user: str | None = None
        for m in self.messages:
            if m["role"] == "system":
                system = m["content"]
            elif m["role"] == "user":
                pending_user = m["content"]
            elif m["role"] == "assistant" and pending_user is not None:
                turn = {"input": pending_user, "output": m["content"]}
                if not turns and system:
                    turn = {"system": system, **turn}
                turns.append(turn)
                pending_user = None
        return {"conversation": turns}
