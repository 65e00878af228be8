"""The phrasing service: templates by default, a model only re-words, guarded fail-closed."""

from __future__ import annotations

from typing import Any

import pytest

from inference import registry
from inference.base import LLMBackend, LLMConfig
from inference.errors import LLMTimeout
from inference.phrasing import phrase

PLAN = {"medicine": "华法林", "dose": "3mg", "time": "20:00"}
DRAFT = "请在20:00服用华法林3mg。"


class Scripted(LLMBackend):
    """A fake model that answers one scripted text (or raises), and records its prompts."""

    name = "scripted"

    def __init__(self, answer: str | Exception) -> None:
        super().__init__(LLMConfig())
        self.answer = answer
        self.prompts: list[list[dict[str, Any]]] = []

    def chat(self, messages, **_kw):  # type: ignore[no-untyped-def]
        self.prompts.append(messages)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_template_backend_returns_the_draft_unchanged() -> None:
    backend = registry.build_backend(LLMConfig(backend="template"))
    p = phrase("reminder", PLAN, DRAFT, backend=backend)
    assert (p.text, p.source) == (DRAFT, "template")


def test_model_rewording_is_used_when_it_adds_nothing() -> None:
    be = Scripted("晚上20:00记得吃华法林3mg哦。")
    p = phrase("reminder", PLAN, DRAFT, backend=be)
    assert (p.text, p.source) == ("晚上20:00记得吃华法林3mg哦。", "model")
    prompt = be.prompts[0][1]["content"]
    assert "草稿：" + DRAFT in prompt and '"dose": "3mg"' in prompt


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("请在20:00服用华法林6mg。", "adds numbers ['6']"),
        ("请在20:00服用华法林3mg，再加阿司匹林。", "adds drug names"),
        ("", "empty"),
    ],
)
def test_model_rewording_that_adds_content_falls_back_to_the_draft(
    answer: str, reason: str
) -> None:
    p = phrase("reminder", PLAN, DRAFT, backend=Scripted(answer))
    assert (p.text, p.source) == (DRAFT, "template-fallback")
    assert p.reason.startswith(reason)


def test_backend_errors_fall_back_to_the_draft() -> None:
    p = phrase("careplan", PLAN, DRAFT, backend=Scripted(LLMTimeout("slow")))
    assert (p.text, p.source, p.reason) == (DRAFT, "template-fallback", "LLMTimeout")


def test_get_backend_follows_settings_and_caches(settings) -> None:  # type: ignore[no-untyped-def]
    settings.AMMED_LLM_BACKEND = "template"
    registry.reset_backends()
    a = registry.get_backend()
    assert a is registry.get_backend() and a.name == "template"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("记得吃华法林哦。", "drops numbers"),
        ("请在20:00服用3mg。", "drops drug names"),
        ("消息类型：reminder 草稿：请在20:00服用华法林3mg。", "echoes the prompt"),
    ],
)
def test_model_rewording_that_drops_content_or_echoes_the_prompt_falls_back(
    answer: str, reason: str
) -> None:
    p = phrase("reminder", PLAN, DRAFT, backend=Scripted(answer))
    assert (p.text, p.source) == (DRAFT, "template-fallback")
    assert p.reason.startswith(reason)


def test_model_rewording_must_keep_the_advice_to_seek_care() -> None:
    draft = "如果出血不止，请及时就医。"
    p = phrase("agent", {}, draft, backend=Scripted("如果出血不止，请多休息。"))
    assert (p.text, p.reason) == (draft, "drops advice to seek care ['就医']")
