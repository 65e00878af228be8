"""Inline SVG chart of a patient's readings against the rule thresholds (for the admin)."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from ammed_fhir.store import PatientRecord
from clinical.followup.services.facts import build_facts
from clinical.followup.services.ruledata import load, rules

CHART_KINDS = ("sbp", "dbp", "glucose", "spo2", "temp", "hr", "weight", "inr", "potassium")
COLOURS = {"emergency": "#c0392b", "urgent": "#e67e22", "routine": "#2980b9"}
W, H, PAD = 560, 120, 34


def _thresholds(kind: str) -> list[tuple[float, str]]:
    seen: dict[float, str] = {}
    for row in [*rules("vitals"), *rules("labs")]:
        if row["kind"] == kind and not row.get("symptoms_any"):
            seen.setdefault(float(row["value"]), row["disposition"])
    return sorted(seen.items())


def svg_for(record: PatientRecord, now: datetime, days: int = 30) -> str:
    """One small panel per reading kind present in the last ``days`` days."""
    facts = build_facts(record, now)
    start = now - timedelta(days=days)
    panels = []
    labels = load("observations")["kinds"]
    for kind in CHART_KINDS:
        pts = [r for r in facts.readings.get(kind, []) if r.at >= start]
        if not pts:
            continue
        lines = _thresholds(kind)
        values = [p.value for p in pts] + [v for v, _ in lines]
        lo, hi = min(values), max(values)
        span = (hi - lo) or 1.0

        def x(t: datetime) -> float:
            return PAD + (W - 2 * PAD) * (t - start).total_seconds() / (days * 86400)

        def y(v: float) -> float:
            return H - 14 - (H - 28) * (v - lo) / span  # noqa: B023

        parts = [f'<text x="4" y="14" font-size="12">{escape(labels[kind]["label"])}</text>']
        for value, disp in lines:
            parts.append(
                f'<line x1="{PAD}" x2="{W - PAD}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                f'stroke="{COLOURS.get(disp, "#999")}" stroke-dasharray="4 3"/>'
                f'<text x="{W - PAD + 2}" y="{y(value) + 4:.1f}" font-size="9" '
                f'fill="{COLOURS.get(disp, "#999")}">{value:g}</text>'
            )
        poly = " ".join(f"{x(p.at):.1f},{y(p.value):.1f}" for p in pts)
        parts.append(f'<polyline fill="none" stroke="#333" stroke-width="1.5" points="{poly}"/>')
        parts += [
            f'<circle cx="{x(p.at):.1f}" cy="{y(p.value):.1f}" r="2.5" fill="#333">'
            f"<title>{escape(p.at.strftime('%m-%d %H:%M'))} {p.value:g}</title></circle>"
            for p in pts
        ]
        panels.append(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
            f'style="display:block;border:1px solid #eee;margin:2px 0">{"".join(parts)}</svg>'
        )
    return "".join(panels) or "<p>最近30天没有可绘制的测量数据</p>"
