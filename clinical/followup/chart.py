"""Inline SVG chart of a patient's readings against the rule thresholds (for the admin)."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from ammed_fhir.store import PatientRecord
from clinical.followup.services.facts import build_facts
from clinical.followup.services.ruledata import rules
from clinical.knowledge import observations

CHART_KINDS = ("sbp", "dbp", "glucose", "spo2", "temp", "hr", "weight", "inr", "potassium")
COLOURS = {"emergency": "#c0392b", "urgent": "#e67e22", "routine": "#2980b9"}
W, H, PAD, LEFT = 600, 150, 34, 44
UNIT_ZH = {"Cel": "℃", "mm[Hg]": "mmHg", "/min": "次/分", "{INR}": "", "{beats}/min": "次/分"}


def _thresholds(kind: str) -> list[tuple[float, str, str]]:
    """(value, disposition, op) of each rule line for ``kind`` (op ``lt``/``le`` = below)."""
    seen: dict[float, tuple[str, str]] = {}
    for row in [*rules("vitals"), *rules("labs")]:
        if row["kind"] == kind and not row.get("symptoms_any"):
            seen.setdefault(float(row["value"]), (row["disposition"], str(row.get("op", "ge"))))
    return [(v, d, op) for v, (d, op) in sorted(seen.items())]


def svg_for(record: PatientRecord, now: datetime, days: int = 30) -> str:
    """One panel per reading kind present in the last ``days`` days: dated x axis (local
    dates), a value axis, the readings, and each threshold as a dashed line with a shaded
    band on its abnormal side (colour = the disposition it triggers)."""
    from django.utils import timezone

    facts = build_facts(record, now)
    start = now - timedelta(days=days)
    panels = []
    labels = observations.table()["kinds"]
    for kind in CHART_KINDS:
        pts = [r for r in facts.readings.get(kind, []) if r.at >= start]
        if not pts:
            continue
        lines = _thresholds(kind)
        values = [p.value for p in pts] + [v for v, _, _ in lines]
        lo, hi = min(values), max(values)
        pad = ((hi - lo) or 1.0) * 0.08
        lo, hi = lo - pad, hi + pad
        span = hi - lo
        top, bottom = 18, H - 22

        def x(t: datetime) -> float:
            return LEFT + (W - LEFT - PAD) * (t - start).total_seconds() / (days * 86400)

        def y(v: float) -> float:
            return bottom - (bottom - top) * (v - lo) / span  # noqa: B023

        unit = UNIT_ZH.get(labels[kind].get("unit", ""), labels[kind].get("unit", ""))
        parts = [
            f'<text x="4" y="13" font-size="12">{escape(labels[kind]["label"])}'
            f"{escape(f'（{unit}）' if unit else '')}</text>"
        ]
        for value, disp, op in lines:
            colour = COLOURS.get(disp, "#999")
            band_top, band_bottom = (y(value), bottom) if op in ("lt", "le") else (top, y(value))
            parts.append(
                f'<rect x="{LEFT}" y="{band_top:.1f}" width="{W - LEFT - PAD}" '
                f'height="{max(0.0, band_bottom - band_top):.1f}" fill="{colour}" '
                f'fill-opacity="0.07"/>'
                f'<line x1="{LEFT}" x2="{W - PAD}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                f'stroke="{colour}" stroke-dasharray="4 3"/>'
                f'<text x="{W - PAD + 2}" y="{y(value) + 4:.1f}" font-size="9" '
                f'fill="{colour}">{value:g}</text>'
            )
        # axes: value ticks (min, middle, max) and a dated tick every 5 days
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT}" y1="{top}" y2="{bottom}" stroke="#666"/>'
            f'<line x1="{LEFT}" x2="{W - PAD}" y1="{bottom}" y2="{bottom}" stroke="#666"/>'
        )
        for v in (lo + pad, (lo + hi) / 2, hi - pad):
            parts.append(
                f'<text class="y-tick" x="{LEFT - 3}" y="{y(v) + 3:.1f}" font-size="9" '
                f'text-anchor="end">{v:.4g}</text>'
            )
        for d in range(0, days + 1, 5):
            t = start + timedelta(days=d)
            parts.append(
                f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{bottom}" y2="{bottom + 3}" '
                f'stroke="#666"/><text class="x-tick" x="{x(t):.1f}" y="{bottom + 13}" '
                f'font-size="9" text-anchor="middle">'
                f"{timezone.localtime(t):%m-%d}</text>"
            )
        poly = " ".join(f"{x(p.at):.1f},{y(p.value):.1f}" for p in pts)
        parts.append(f'<polyline fill="none" stroke="#333" stroke-width="1.5" points="{poly}"/>')
        parts += [
            f'<circle cx="{x(p.at):.1f}" cy="{y(p.value):.1f}" r="2.5" fill="#333">'
            f"<title>{escape(f'{timezone.localtime(p.at):%m-%d %H:%M}')} {p.value:g}</title>"
            "</circle>"
            for p in pts
        ]
        last = pts[-1]
        parts.append(
            f'<text x="{x(last.at) + 4:.1f}" y="{y(last.value) - 4:.1f}" font-size="10" '
            f'font-weight="bold">{last.value:g}</text>'
        )
        panels.append(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
            f'class="reading-chart" style="display:block;border:1px solid #eee;margin:2px 0">'
            f"{''.join(parts)}</svg>"
        )
    return "".join(panels) or "<p>最近30天没有可绘制的测量数据</p>"
