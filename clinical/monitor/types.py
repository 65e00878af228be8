"""Value types of the output monitor: findings, the check context, the monitor result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from clinical.knowledge.text import Normalized
    from clinical.monitor.context import PatientContext
    from clinical.monitor.kb import DrugMention

Severity = Literal["high", "medium", "low"]
HOLDING_SEVERITIES = ("high", "medium")


@dataclass
class Finding:
    """One problem a check found. ``span`` indexes the ORIGINAL text (start, end)."""

    check: str
    code: str
    severity: Severity
    explanation: str
    span: tuple[int, int] | None = None
    excerpt: str = ""
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["span"] = list(self.span) if self.span else None
        return out


@dataclass
class CheckContext:
    """What a check sees: the normalised text, the patient, the structured engine result."""

    norm: Normalized
    patient: PatientContext | None
    structured: dict[str, Any] | None
    category: str = ""
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.norm.text

    def mentions(self) -> tuple[DrugMention, ...]:
        """Drug mentions in the normalised text (computed once, through the KB adapter)."""
        if "mentions" not in self._cache:
            from clinical.monitor import kb

            self._cache["mentions"] = kb.find_mentions(self.norm.text)
        return self._cache["mentions"]

    def finding(
        self,
        check: str,
        code: str,
        severity: Severity,
        explanation: str,
        span: tuple[int, int] | None = None,
        source: str = "",
    ) -> Finding:
        """A finding whose ``span`` (given on the normalised text) is mapped to the original."""
        orig = self.norm.original_span(*span) if span else None
        excerpt = self.norm.original[orig[0] : orig[1]][:200] if orig else ""
        return Finding(check, code, severity, explanation, orig, excerpt, source)


@dataclass
class MonitorResult:
    """The monitor's verdict. Invariant: ``action`` is "hold" whenever any finding holds."""

    action: Literal["release", "hold"]
    findings: list[Finding]
    checks_run: list[str]
    elapsed_ms: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "findings": [f.as_dict() for f in self.findings],
            "checks_run": self.checks_run,
            "elapsed_ms": round(self.elapsed_ms, 2),
        }
