"""Compare the follow-up safety-net policies on every development vignette set (planning).

Usage: .venv/bin/python bench/policy_compare.py [--policies A,B-bodily,...] [--sets r3,bodily,...]
       [--chart docs/img/policy_compare.svg]

The choice (docs/policy_choices.md): words the follow-up engine cannot read go to the care team
(``review``, within 24 h) unless they name a body part (``bodily_disposition``) or are the residue
of a clause read through a complaint (``residue_disposition``); both are ``urgent`` today
(clinical/followup/data/red_flags.yaml, row ``symptom-unrecognised``). Each policy below sets
those two values by overriding the loaded rule row in this process only (no file is edited), then
scores every non-sealed set tests/followup/followup_vignettes*.yaml with bench/followup_sets.py's
``score_set`` (tuning part and transfer check added: totals only). Per set and policy:

- emergencies at emergency: dangers whose reference is ``emergency`` that got it;
- dangers at urgent+: dangers whose reference is urgent or emergency that got urgent or worse;
- benign at urgent+: benign controls sent to hospital within 24 h or sooner (over-triage);
- benign at review+: benign controls the care team must read (review or worse).

The guidance engine's counterpart (clinical/medkb/services/red_flags.py: unread words give an
``urgent`` flag) has no review level to switch to (its levels are emergency, urgent, routine),
so it is not compared. A table goes to stdout, progress to stderr, and a grouped-bar chart (a
small hand-written SVG: matplotlib is not a dependency) to ``--chart``. Never reads
tests/**/sealed/.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from followup_sets import ROOT, SETS_DIR, Part, score_set

from clinical.followup.services.ruledata import RANK, rules

SAFETY_NET = "symptom-unrecognised"
KEYS = ("bodily_disposition", "residue_disposition")


@dataclass(frozen=True)
class Policy:
    """One value of the safety-net choice: the levels of partly understood words."""

    name: str
    label: str
    bodily: str
    residue: str


POLICIES: tuple[Policy, ...] = (
    Policy("A", "today: bodily urgent, residue urgent", "urgent", "urgent"),
    Policy("B-bodily", "bodily review, residue urgent", "review", "urgent"),
    Policy("B-residue", "bodily urgent, residue review", "urgent", "review"),
    Policy("B-both", "bodily review, residue review", "review", "review"),
)
# (column title, numerator field, denominator field of bench/followup_sets.Part)
METRICS: tuple[tuple[str, str, str], ...] = (
    ("emergencies at emergency", "emergencies_hit", "emergencies"),
    ("dangers at urgent+", "urgent_refs_up", "urgent_refs"),
    ("benign at urgent+", "benign_urgent", "benign"),
    ("benign at review+", "benign_review_up", "benign"),
)
COLOURS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52")


def development_sets() -> dict[str, Path]:
    """Every non-sealed follow-up vignette set by short name (``base`` for the first one)."""
    out = {}
    for path in sorted(SETS_DIR.glob("followup_vignettes*.yaml")):  # not recursive: no sealed/
        assert "sealed" not in path.parts
        out[path.stem.removeprefix("followup_vignettes").lstrip("_") or "base"] = path
    return out


@contextmanager
def policy(p: Policy) -> Iterator[None]:
    """The loaded safety-net row with the policy's levels, restored afterwards."""
    (row,) = [r for r in rules("red_flags") if r["code"] == SAFETY_NET]
    before = {k: row.get(k) for k in KEYS}
    for key, level in zip(KEYS, (p.bodily, p.residue), strict=True):
        assert level in RANK, level
        row[key] = level
    try:
        yield
    finally:
        for key, level in before.items():
            if level is None:
                row.pop(key, None)
            else:
                row[key] = level


def _frac(part: Part, num: str, den: str) -> str:
    d = getattr(part, den)
    return f"{getattr(part, num)}/{d}" if d else "-"


def table(results: dict[str, dict[str, Part]], policies: tuple[Policy, ...]) -> list[str]:
    """One line per set and policy, the four counts; a line of totals per policy last."""
    head = f"{'set':<16} {'policy':<10}" + "".join(f" {m[0]:>25}" for m in METRICS)
    lines = [head, "-" * len(head)]
    totals = {p.name: Part() for p in policies}
    for name, by_policy in results.items():
        for i, p in enumerate(policies):
            part = by_policy[p.name]
            cells = "".join(f" {_frac(part, num, den):>25}" for _, num, den in METRICS)
            lines.append(f"{name if i == 0 else '':<16} {p.name:<10}{cells}")
            t = totals[p.name]
            for key in t.__dataclass_fields__:
                setattr(t, key, getattr(t, key) + getattr(part, key))
    lines.append("-" * len(head))
    for i, p in enumerate(policies):
        part = totals[p.name]
        cells = "".join(f" {_frac(part, num, den):>25}" for _, num, den in METRICS)
        lines.append(f"{'all sets' if i == 0 else '':<16} {p.name:<10}{cells}")
    lines.append("")
    lines.extend(f"{p.name:<10} {p.label}" for p in policies)
    return lines


def chart(results: dict[str, dict[str, Part]], policies: tuple[Policy, ...]) -> str:
    """Grouped bars as SVG: one panel per measure, a group per set, a bar per policy (%)."""
    bar, gap, panel_h, left = 7, 10, 170, 48
    top = 30 + 14 * len(policies)  # below the title and the legend (a line per policy)
    group_w = bar * len(policies) + gap
    width = max(640, left + group_w * len(results) + 20)
    height = top + len(METRICS) * (panel_h + 90) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="10">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        '<text x="10" y="16" font-size="13">Follow-up safety-net policies per development set'
        " (tuning + transfer totals; % of each set's cases)</text>",
    ]
    for i, p in enumerate(policies):
        y = 24 + 14 * i
        out.append(f'<rect x="10" y="{y}" width="10" height="10" fill="{COLOURS[i]}"/>')
        out.append(f'<text x="24" y="{y + 9}">{escape(p.name)}: {escape(p.label)}</text>')
    for m, (title, num, den) in enumerate(METRICS):
        y0 = top + m * (panel_h + 90) + 20  # the panel's top
        base = y0 + panel_h
        out.append(f'<text x="{left}" y="{y0 - 4}" font-size="12">{escape(title)}</text>')
        for pct in (0, 50, 100):
            y = base - panel_h * pct / 100
            out.append(
                f'<line x1="{left}" x2="{width - 20}" y1="{y:.1f}" y2="{y:.1f}" '
                'stroke="#ccc" stroke-width="0.5"/>'
            )
            out.append(f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{pct}%</text>')
        for g, (name, by_policy) in enumerate(results.items()):
            gx = left + g * group_w + gap / 2
            for i, p in enumerate(policies):
                part = by_policy[p.name]
                d = getattr(part, den)
                if not d:
                    continue
                share = getattr(part, num) / d
                h = panel_h * share
                out.append(
                    f'<rect x="{gx + i * bar:.1f}" y="{base - h:.1f}" width="{bar - 1}" '
                    f'height="{max(h, 0.5):.1f}" fill="{COLOURS[i]}">'
                    f"<title>{escape(name)} {escape(p.name)}: {getattr(part, num)}/{d}</title>"
                    "</rect>"
                )
            cx = gx + bar * len(policies) / 2
            out.append(
                f'<text x="{cx:.1f}" y="{base + 8}" text-anchor="end" '
                f'transform="rotate(-45 {cx:.1f} {base + 8})">{escape(name)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--policies", help="comma-separated policy names (default: all)")
    parser.add_argument("--sets", help="comma-separated set names (default: every dev set)")
    parser.add_argument("--chart", type=Path, default=ROOT / "docs" / "img" / "policy_compare.svg")
    args = parser.parse_args()
    chosen = tuple(p for p in POLICIES if not args.policies or p.name in args.policies.split(","))
    sets = development_sets()
    if args.sets:
        sets = {k: v for k, v in sets.items() if k in args.sets.split(",")}
    results: dict[str, dict[str, Part]] = {name: {} for name in sets}
    step, steps = 0, len(sets) * len(chosen)
    for p in chosen:
        with policy(p):
            for name, path in sets.items():
                step += 1
                start = time.monotonic()
                results[name][p.name] = score_set(path).total()
                took = time.monotonic() - start
                print(f"[{step}/{steps}] {p.name} {name}: {took:.1f}s", file=sys.stderr)
    print("\n".join(table(results, chosen)))
    args.chart.parent.mkdir(parents=True, exist_ok=True)
    args.chart.write_text(chart(results, chosen), encoding="utf-8")
    print(
        f"chart: {args.chart.relative_to(ROOT) if args.chart.is_relative_to(ROOT) else args.chart}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
