"""Phrasing service: turn an engine's structured result into warm, plain Chinese.

The *content* is always the engine's structured result and the deterministic draft
rendered from it; a language model may only re-word the draft. Any callers (the agent,
the orders app's reminders, the follow-up app's CarePlan summaries) use ``phrase()``.

Fail-closed guard before anything reaches the output monitor: a model phrasing that
contains a number absent from the draft (a dose, a time, a value the engine never gave)
or a drug name absent from it, that drops one the draft gives or drops its advice to seek
care, or that echoes the prompt, is discarded and the draft is used instead. The monitor
(issue 7) then checks the chosen text against the structured result again.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Literal

from inference.base import LLMBackend, Message
from inference.errors import LLMError
from inference.registry import get_backend

log = logging.getLogger(__name__)

Kind = Literal["agent", "reminder", "careplan", "guidance", "diet", "followup"]

SYSTEM_PROMPT = (
    "你是 AM-Med 随访系统的文字润色助手。你只把给定的草稿改写成温和、简洁、通俗的简体中文。"
    "规则：不得增加草稿中没有的药名、剂量、数字、时间或保证（例如“没关系”“不用担心”）；"
    "不得删除草稿中的提醒或就医建议；不给出新的医疗建议；只输出改写后的文字。"
)

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Drug-name shapes in Chinese (…片/胶囊/注射液, …霉素/…沙坦/…地平/…洛尔/…他汀/…拉唑).
_DRUGISH = re.compile(
    r"[\u4e00-\u9fff]{1,6}(?:片|胶囊|注射液|颗粒|霉素|沙星|沙坦|地平|洛尔|他汀|拉唑|格列\w|双胍|华法林|阿司匹林)"
)


@dataclass(frozen=True)
class Phrasing:
    text: str
    source: Literal["template", "model", "template-fallback"]
    reason: str = ""


def _novel(pattern: re.Pattern[str], candidate: str, allowed: str) -> list[str]:
    return [m for m in pattern.findall(candidate) if m not in allowed]


def _novel_drugs(candidate: str, allowed: str) -> list[str]:
    """Drug-shaped words of ``candidate`` none of whose 3+-character endings is in ``allowed``
    (the pattern's prefix may swallow neighbouring words: 记得吃华法林 ends in 华法林)."""
    novel = []
    for word in _DRUGISH.findall(candidate):
        if not any(word[i:] in allowed for i in range(max(len(word) - 2, 1))):
            novel.append(word)
    return novel


# Words of our own prompt scaffolding: a model that repeats them is echoing the prompt
# (small base models do), not phrasing the draft.
_PROMPT_ECHO = ("润色助手", "消息类型：", "草稿：", "结构化结果", "唯一的内容来源")
# Advice to seek care that a phrasing must keep when the draft gives it.
_CARE_WORDS = ("就医", "急诊", "120", "医生", "复诊", "医院")


def guard(candidate: str, draft: str, structured: dict[str, Any]) -> str:
    """Why ``candidate`` may not replace ``draft`` ('' when it may).

    Fail closed, in order: empty; echoes the prompt; adds a number or a drug name absent from
    the draft and the structured result; drops a number, a drug name or advice to seek care
    that the draft gives (the system prompt forbids removing reminders); too long.
    """
    allowed = draft + json.dumps(structured, ensure_ascii=False)
    if not candidate.strip():
        return "empty"
    if echoed := [w for w in _PROMPT_ECHO if w in candidate and w not in draft]:
        return f"echoes the prompt {echoed}"
    if nums := _novel(_NUMBER, candidate, allowed):
        return f"adds numbers {nums}"
    if drugs := _novel_drugs(candidate, allowed):
        return f"adds drug names {drugs}"
    if nums := [n for n in _NUMBER.findall(draft) if n not in _NUMBER.findall(candidate)]:
        return f"drops numbers {nums}"
    if drugs := _novel_drugs(draft, candidate):
        return f"drops drug names {drugs}"
    if care := [w for w in _CARE_WORDS if w in draft and w not in candidate]:
        return f"drops advice to seek care {care}"
    if len(candidate) > 3 * len(draft) + 80:
        return "too long"
    return ""


def phrasing_messages(kind: Kind, structured: dict[str, Any], draft: str) -> list[Message]:
    facts = json.dumps(structured, ensure_ascii=False, sort_keys=True, default=str)
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {
            "role": "user",
            "content": f"消息类型：{kind}\n结构化结果（唯一的内容来源）：{facts}\n草稿：{draft}",
        },
    ]


def phrase(
    kind: Kind,
    structured: dict[str, Any],
    draft: str,
    *,
    backend: LLMBackend | None = None,
) -> Phrasing:
    """Phrase ``draft`` (rendered from ``structured``) through the configured backend."""
    backend = backend or get_backend()
    if not backend.generative:
        return Phrasing(text=draft, source="template")
    try:
        text = backend.chat(phrasing_messages(kind, structured, draft), temperature=0.3)
    except LLMError as exc:
        log.warning("phrasing fell back to the template: %s", exc.__class__.__name__)
        return Phrasing(text=draft, source="template-fallback", reason=exc.__class__.__name__)
    problem = guard(text, draft, structured)
    if problem:
        log.info("phrasing rejected (%s); using the template", problem)
        return Phrasing(text=draft, source="template-fallback", reason=problem)
    return Phrasing(text=text.strip(), source="model")
