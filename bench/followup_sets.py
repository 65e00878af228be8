"""Score one follow-up vignette set (tests/followup/followup_vignettes*.yaml), tuning part and
transfer check apart.

Usage: .venv/bin/python bench/followup_sets.py [--file YAML] [--misses]

``--file`` names the set (default: the benign over-triage set r3,
tests/followup/followup_vignettes_benign_r3.yaml); every development set of the follow-up
vignette format is scored the same way (benign_r5, missing_r7, bodily, residue, emergency_r5/6/7,
gaps, noticed, misread, hypothetical, …). The engine runs in memory (the same records the tests
push through /fhir). Never point it at tests/**/sealed/ (bench/followup_sealed.py scores those).

A vignette is a **benign control** when it says ``benign: true``; a vignette without the key is
one when its ``expect`` is self-care or routine. Every other vignette is a **danger** whose
reference is its ``expect``, or, without one (the hypothetical set), what its ``plain``
complaint alone gives in the same record. Printed:

- per family (tuning part only): cases right (a benign control below urgent, a danger exactly
  its reference) and benign controls at urgent or worse;
- benign over-triage: benign controls at ``urgent`` or worse (#15 target <= 15 %); how many got
  ``review`` (the care team reads their words within 24 h: the safety net, not over-triage);
- look-alike under-triage: dangers below their reference;
- when the set's dangers are referenced by ``plain`` (the hypothetical set, whose benign controls
  are all questions about a symptom that may come): benign controls without a
  ``patient-question`` note for the care team;
- when the set has ``expect: emergency`` cases: emergency sensitivity per family (tuning part) and
  in all, and for the tuning part and the transfer check apart; urgent look-alikes raised to
  emergency (over-triage of ``expect: urgent``);
- per part (the tuning part, and the transfer check when the set has ``transfer: true`` cases,
  never looked at when rules are tuned, as totals only): right; benign controls at urgent+ and at
  review+ (review or worse: the r5 set's stricter over-triage); dangers below their reference.

``--misses`` lists the tuning part's misses (ids, level, the reasons that fired); transfer cases
are never listed. ``score_set`` is the same count as data (bench/policy_compare.py uses it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "followup"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402
from followup_vignette_builder import load_vignettes, vignette_record  # noqa: E402

from clinical.followup.services.engine import assess_record  # noqa: E402
from clinical.followup.services.ruledata import rank  # noqa: E402

BENIGN_R3 = ROOT / "tests" / "followup" / "followup_vignettes_benign_r3.yaml"
SETS_DIR = ROOT / "tests" / "followup"


@dataclass
class Part:
    """Counts of one part of a set (the tuning part or the transfer check)."""

    n: int = 0
    right: int = 0  # a benign control below urgent, a danger exactly its reference
    benign: int = 0
    benign_urgent: int = 0  # benign controls at urgent or worse (over-triage)
    benign_review: int = 0  # benign controls exactly at review (the safety net)
    benign_review_up: int = 0  # benign controls at review or worse
    benign_unnoted: int = 0  # benign questions without a patient-question note (question sets)
    dangers: int = 0
    under: int = 0  # dangers below their reference
    urgent_refs: int = 0  # dangers whose reference is urgent or emergency
    urgent_refs_up: int = 0  # … that got urgent or worse
    emergencies: int = 0  # dangers whose reference is emergency
    emergencies_hit: int = 0  # … that got emergency
    urgents: int = 0  # dangers whose reference is urgent
    urgents_raised: int = 0  # … raised to emergency


@dataclass
class SetScore:
    """One set scored: its parts (key: is the transfer check), per-family counts of the tuning
    part, and the tuning part's misses as printable lines."""

    parts: dict[bool, Part] = field(default_factory=lambda: {False: Part(), True: Part()})
    # family -> [right, n, benign at urgent+, benign, emergency hit, emergencies]
    families: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0] * 6))
    misses: list[str] = field(default_factory=list)
    raised: list[str] = field(default_factory=list)  # urgent look-alikes raised (tuning part)
    questions: bool = False  # a question set: its dangers are referenced by ``plain``

    def total(self) -> Part:
        """Both parts added (totals only)."""
        a, b = self.parts[False], self.parts[True]
        return Part(**{k: getattr(a, k) + getattr(b, k) for k in a.__dataclass_fields__})


def is_benign(v: dict[str, Any]) -> bool:
    """A benign control: ``benign: true``, or, without the key, a self-care/routine reference."""
    if "benign" in v:
        return bool(v["benign"])
    return rank(v["expect"]) < rank("review")


def _plain(v: dict[str, Any]) -> dict[str, Any]:
    """``v`` with its (single) survey answer replaced by its ``plain`` complaint alone."""
    (question, _, days) = v["survey"][0]
    return {**v, "id": v["id"] + "-plain", "survey": [[question, v["plain"], days]]}


def reference(v: dict[str, Any], now: datetime) -> str | None:
    """A vignette's reference level: its ``expect``; without one, what its ``plain`` complaint
    alone gives (the hypothetical set's look-alikes); None for a benign control without one."""
    if v.get("expect"):
        return v["expect"]
    if v.get("plain"):
        return assess_record(vignette_record(_plain(v), now), now)["disposition"]
    if is_benign(v):
        return None
    raise ValueError(f"{v['id']}: a danger without expect or plain")


def score_set(path: Path, now: datetime | None = None) -> SetScore:
    """Assess every vignette of the set at ``path`` and count it (see the module docstring)."""
    now = now or timezone.now()
    vignettes = load_vignettes(path)
    score = SetScore(questions=any(v.get("plain") for v in vignettes))
    for v in vignettes:
        out = assess_record(vignette_record(v, now), now)
        got = out["disposition"]
        transfer = bool(v.get("transfer"))
        p = score.parts[transfer]
        expect = reference(v, now)
        p.n += 1
        if is_benign(v):
            ok = rank(got) < rank("urgent")
            bad = not ok
            p.benign += 1
            p.benign_urgent += bad
            p.benign_review += got == "review"
            p.benign_review_up += rank(got) >= rank("review")
            if score.questions and not any(n["code"] == "patient-question" for n in out["notes"]):
                p.benign_unnoted += 1
                if not transfer:
                    score.misses.append(f"  {v['id']}: no patient-question note")
        else:
            assert expect is not None
            ok = got == expect
            bad = rank(got) < rank(expect)
            p.dangers += 1
            p.under += bad
            if rank(expect) >= rank("urgent"):
                p.urgent_refs += 1
                p.urgent_refs_up += rank(got) >= rank("urgent")
            if expect == "emergency":
                p.emergencies += 1
                p.emergencies_hit += got == "emergency"
            elif expect == "urgent":
                p.urgents += 1
                if got == "emergency":
                    p.urgents_raised += 1
                    if not transfer:
                        top = [r["code"] for r in out["reasons"] if r["disposition"] == "emergency"]
                        score.raised.append(f"{v['id']}: {', '.join(top)}")
        p.right += ok
        if transfer:  # the transfer check: totals only, never per family nor case by case
            continue
        fam = score.families[v["family"]]
        fam[0] += ok
        fam[1] += 1
        if is_benign(v):
            fam[2] += bad
            fam[3] += 1
        elif expect == "emergency":
            fam[4] += got == "emergency"
            fam[5] += 1
        if not ok:
            why = "; ".join(f"{r['code']}: {r['text'][:60]}" for r in out["reasons"])
            misses = f"  {v['id']}: {got} (expected {expect or 'below urgent'}) {why}"
            score.misses.append(misses)
    return score


def _pct(k: int, n: int) -> str:
    return f"{k}/{n} = {k / n:.1%}" if n else f"{k}/0"


def report(score: SetScore, misses: bool = False) -> list[str]:
    """The printed lines of a scored set."""
    lines: list[str] = []
    for name, (right, n, over, nb, hit, ne) in sorted(score.families.items()):
        line = f"{name:<18} tuning right {right:>3}/{n:<3}"
        if nb:
            line += f"; benign over-triage {over:>3}/{nb:<3} = {over / nb:6.1%}"
        if ne:
            line += f"; emergency sensitivity {hit:>3}/{ne:<3} = {hit / ne:6.1%}"
        lines.append(line.rstrip())
    t = score.total()
    if t.benign:
        lines.append(f"benign over-triage: {_pct(t.benign_urgent, t.benign)}")
        lines.append(
            "benign at review (care team reads within 24 h, not over-triage): "
            f"{t.benign_review}/{t.benign}"
        )
    if score.questions and t.benign:
        lines.append(
            f"benign questions without a patient-question note: {_pct(t.benign_unnoted, t.benign)}"
        )
    if t.dangers:
        lines.append(f"look-alike under-triage: {_pct(t.under, t.dangers)}")
    if t.emergencies:
        lines.append(f"emergency sensitivity: {_pct(t.emergencies_hit, t.emergencies)}")
        if score.parts[True].emergencies:
            for label, is_transfer in (("tuning part", False), ("transfer check", True)):
                p = score.parts[is_transfer]
                lines.append(
                    f"emergency sensitivity, {label}: {_pct(p.emergencies_hit, p.emergencies)}"
                )
    if t.urgents:
        lines.append(f"urgent look-alikes raised to emergency: {t.urgents_raised}/{t.urgents}")
        if misses and score.raised:
            lines.append("raised (tuning part):\n" + "\n".join(f"  {i}" for i in score.raised))
    has_transfer = score.parts[True].n > 0
    for label, is_transfer in (("tuning part", False), ("transfer check", True)):
        p = score.parts[is_transfer]
        if is_transfer and not has_transfer:
            continue
        lines.append(
            f"{label if has_transfer else 'all':<15} right {p.right}/{p.n}; "
            f"benign urgent+ {p.benign_urgent}/{p.benign}; "
            f"benign review+ {p.benign_review_up}/{p.benign}; "
            f"dangers below reference {p.under}/{p.dangers}"
        )
    if misses:
        lines.append("misses (tuning part):")
        lines.extend(score.misses)
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="list the tuning part's misses")
    parser.add_argument("--file", type=Path, default=BENIGN_R3, help="development vignettes")
    args = parser.parse_args()
    if "sealed" in args.file.resolve().parts:
        parser.error("sealed sets are scored by bench/followup_sealed.py only")
    print("\n".join(report(score_set(args.file), misses=args.misses)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
