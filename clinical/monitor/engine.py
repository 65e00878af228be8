"""The output monitor: run every configured check on a message, fail closed.

Invariants:
- a check that raises, exceeds its time budget (its own CPU time, measured around that
  check alone, over ``AMMED_MONITOR_CHECK_TIMEOUT_MS``, or ten times that in wall time;
  garbage-collector pauses not counted), or cannot be loaded yields a ``high`` finding
  (``monitor.check_error`` / ``monitor.check_timeout``) so the message is HELD;
- text longer than ``AMMED_MONITOR_MAX_CHARS`` is held without running the checks on it;
- the action is "release" only when every configured check ran and none found anything at
  ``medium`` or ``high`` severity;
- a ``TEXT_ONLY`` check sees the text alone (no patient, structured result or category), so
  its findings are a function of the text and the KB content: they are reused for the same
  text and KB fingerprint (the morning peak sends one reminder text to many patients).
  Only a check that returned normally is remembered; an error is never cached.
No message text is logged (patient data).
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from types import ModuleType
from typing import Any

from django.conf import settings

from clinical.knowledge.text import normalize
from clinical.monitor import checks as registry
from clinical.monitor import kb
from clinical.monitor.context import PatientContext
from clinical.monitor.kb import KBUnavailable
from clinical.monitor.types import HOLDING_SEVERITIES, CheckContext, Finding, MonitorResult

log = logging.getLogger(__name__)
# The budget is the check's own CPU time: on a busy worker (more processes than cores) the
# wall clock also counts time the process waited for a core, which would hold good messages.
# A check blocked that long off the CPU (waiting on I/O) still holds past this many budgets.
_WALL_FACTOR = 10
# Time this process spent in the garbage collector (CPU and wall seconds): a collection is
# the interpreter's work, not the check's, and a full one over a worker's heap (the drug KB)
# takes ~0.25 s. It is not charged to the check it interrupts.
_GC = {"cpu": 0.0, "wall": 0.0, "cpu0": 0.0, "wall0": 0.0}


def _gc_timer(phase: str, _info: dict[str, Any]) -> None:
    if phase == "start":
        _GC["cpu0"], _GC["wall0"] = time.thread_time(), time.perf_counter()
    else:
        _GC["cpu"] += time.thread_time() - _GC["cpu0"]
        _GC["wall"] += time.perf_counter() - _GC["wall0"]


gc.callbacks.append(_gc_timer)


def _text_only(module: ModuleType, text: str) -> list[Finding]:
    """A TEXT_ONLY check's findings for ``text``: run on the text alone, once per text."""
    fingerprint = kb.fingerprint() if module.NEEDS_KB else ""
    found = _text_findings(module.check, text, fingerprint)
    return [replace(f) for f in found]  # callers own their findings


# By (check function, text, KB fingerprint): the function itself is in the key, so a replaced
# check is never answered from the findings of the one it replaced; a check that raises is
# not remembered (lru_cache keeps returned values only).
@lru_cache(maxsize=50_000)
def _text_findings(
    check: Callable[[CheckContext], Any], text: str, _fingerprint: str
) -> tuple[Finding, ...]:
    return tuple(check(CheckContext(norm=normalize(text), patient=None, structured=None)))


def run_monitor(
    text: str,
    patient: PatientContext | None,
    structured: dict[str, Any] | None = None,
    category: str = "",
) -> MonitorResult:
    """Check ``text`` for ``patient`` and return the verdict (pure: no writes)."""
    started = time.perf_counter()
    findings: list[Finding] = []
    ran: list[str] = []
    max_chars = settings.AMMED_MONITOR_MAX_CHARS
    if not isinstance(text, str) or not text.strip():
        findings.append(Finding("monitor", "empty_text", "high", "消息为空，不能发送"))
    elif len(text) > max_chars:
        findings.append(
            Finding(
                "monitor",
                "text_too_long",
                "high",
                f"消息长度 {len(text)} 超过上限 {max_chars} 字，需人工审核",
                (max_chars, len(text)),
            )
        )
    else:
        kb.warm()  # a first-use KB load is not a check timing out
        registry.warm()  # nor is a check's first-use load of a shared table
        norm = normalize(text)
        ctx = CheckContext(norm=norm, patient=patient, structured=structured, category=category)
        budget_s = settings.AMMED_MONITOR_CHECK_TIMEOUT_MS / 1000.0
        for name in registry.configured_order():
            # The check's own CPU time: not the message's so far, which would charge a check
            # slow on the wall (waiting for a core) with every earlier check's CPU.
            t0, gc_wall = time.perf_counter(), _GC["wall"]
            cpu0, gc_cpu = time.thread_time(), _GC["cpu"]
            try:
                module = registry.load(name)
                if getattr(module, "TEXT_ONLY", False):
                    found = _text_only(module, text)
                else:
                    found = list(module.check(ctx))
            except KBUnavailable as exc:
                log.warning("monitor check %s: drug KB unavailable: %s", name, exc)
                found = [
                    Finding(
                        name,
                        "monitor.kb_unavailable",
                        "high",
                        "药品知识库不可用，无法核对，需人工审核",
                    )
                ]
            except Exception as exc:  # fail closed on ANY error of a check
                log.exception("monitor check %s failed (%s)", name, type(exc).__name__)
                found = [
                    Finding(name, "monitor.check_error", "high", f"检查“{name}”出错，需人工审核")
                ]
            elapsed = time.perf_counter() - t0 - (_GC["wall"] - gc_wall)
            # Only a check over budget on the wall clock can be over it in CPU time.
            cpu = 0.0
            if elapsed > budget_s:
                cpu = time.thread_time() - cpu0 - (_GC["cpu"] - gc_cpu)
            if cpu > budget_s or elapsed > _WALL_FACTOR * budget_s:
                log.warning(
                    "monitor check %s took %.1f ms CPU, %.1f ms wall (budget %.1f)",
                    name,
                    cpu * 1000,
                    elapsed * 1000,
                    budget_s * 1000,
                )
                found.append(
                    Finding(name, "monitor.check_timeout", "high", f"检查“{name}”超时，需人工审核")
                )
            ran.append(name)
            findings.extend(found)
    action = "hold" if any(f.severity in HOLDING_SEVERITIES for f in findings) else "release"
    if not ran and action == "release":  # nothing checked is never a release
        action = "hold"
        findings.append(Finding("monitor", "no_checks", "high", "未配置任何检查，需人工审核"))
    return MonitorResult(action, findings, ran, (time.perf_counter() - started) * 1000)
