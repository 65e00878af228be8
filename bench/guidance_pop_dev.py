"""Medication guidance for special populations on the round-3 DEVELOPMENT cases (#15).

Usage: .venv/bin/python bench/guidance_pop_dev.py [--misses] [--file PATH]

Reads tests/medkb/guidance_vignettes_pop_r3.yaml (written before the rule changes; a dev set,
not the sealed one), or another development set of the same format (``--file``: the round-4
benign over-triage set tests/medkb/guidance_vignettes_benign_r4.yaml), and runs each request through the same path as the endpoint (the
serializer, the inline patient, ``advise``) without HTTP or a database. Scores the sealed
set's expectations with the sealed bench's own judge (``judge_guidance``) plus the per-product
``verdicts`` of this set, and prints per family: cases with every expectation met, per-product
verdicts met, benign over-triage (see_doctor urgent or worse) and, for the cases that expect a
see_doctor level, the red flags that reached it. ``--misses`` lists the dev misses (these sets
are not sealed: read them freely).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")
DEV_SET = ROOT / "tests" / "medkb" / "guidance_vignettes_pop_r3.yaml"
OFFERED = ("recommended", "usable")


def load_cases(path: Path = DEV_SET) -> list[dict[str, Any]]:
    return yaml.safe_load(Path(path).read_text("utf-8"))["cases"]


def answer(request: dict[str, Any]) -> dict[str, Any]:
    """The endpoint's answer for an inline-patient request (serializer → context → advise)."""
    from clinical.knowledge import patient
    from clinical.medkb import api
    from clinical.medkb.serializers import GuidanceRequestSerializer
    from clinical.medkb.services.guidance import GuidanceRequest, advise

    s = GuidanceRequestSerializer(data=request)
    s.is_valid(raise_exception=True)
    data = s.validated_data
    ctx = api.PatientContext.from_knowledge(patient.from_inline(data["patient"]))
    return advise(GuidanceRequest.from_validated(data, ctx))


def verdict_met(expected: str, item: dict[str, Any]) -> bool:
    """recommended: offered; avoid: not offered; caution: not offered, or offered with a
    caution reason attached."""
    offered = item["verdict"] in OFFERED
    if expected == "recommended":
        return offered
    if expected == "avoid":
        return not offered
    return not offered or any(r["severity"] == "caution" for r in item["reasons"])


def judge(case: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """The sealed judge's checks (see_doctor, must_not, one_of) plus ``verdicts``."""
    from bench.guidance_agent_sealed import judge_guidance

    exp = dict(case["expect"])
    verdicts = exp.pop("verdicts", {})
    got = judge_guidance({**case, "expect": exp}, 200, body) if exp else {"ok": True, "checks": {}}
    items = {i["input"]: i for i in body["items"]}
    bad = {
        name: items[name]["verdict"]
        for name, want in verdicts.items()
        if not verdict_met(want, items[name])
    }
    got["verdicts"] = (len(verdicts) - len(bad), len(verdicts))
    got["bad_verdicts"] = bad
    got["ok"] = bool(got["ok"]) and not bad
    got.setdefault("level", (body.get("see_doctor") or {}).get("urgency"))
    return got


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the dev misses")
    parser.add_argument("--file", type=Path, default=DEV_SET, help="a development set (yaml)")
    parser.add_argument(
        "--part",
        choices=("all", "tune", "transfer"),
        default="all",
        help="score only the tuning cases or only those marked `transfer: true` (a transfer "
        "part is scored as totals: do not read its misses)",
    )
    args = parser.parse_args()
    import django

    django.setup()
    fam: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: {"met": [0, 0], "verdicts": [0, 0], "benign_over": [0, 0], "red_flag": [0, 0]}
    )
    misses = []
    for case in load_cases(args.file):
        if args.part != "all" and bool(case.get("transfer")) != (args.part == "transfer"):
            continue
        body = answer(case["request"])
        got = judge(case, body)
        for key in (case["family"], "ALL"):
            f = fam[key]
            f["met"][0] += got["ok"]
            f["met"][1] += 1
            f["verdicts"][0] += got["verdicts"][0]
            f["verdicts"][1] += got["verdicts"][1]
            if case.get("benign"):
                f["benign_over"][1] += 1
                f["benign_over"][0] += bool(got.get("over_triage"))
            if "at_least" in got.get("checks", {}):
                f["red_flag"][1] += 1
                f["red_flag"][0] += got["checks"]["at_least"]
        if not got["ok"]:
            misses.append((case["id"], case["family"], got))
    cell = lambda ok, n: f"{ok}/{n} ({ok / n:.0%})" if n else "—"  # noqa: E731
    print(
        f"{'family':<14} {'expectation met':<16} {'verdicts met':<16} "
        f"{'benign over-triage':<19} see_doctor level reached"
    )
    for name in sorted(fam, key=lambda k: (k == "ALL", k)):
        f = fam[name]
        print(
            f"{name:<14} {cell(*f['met']):<16} {cell(*f['verdicts']):<16} "
            f"{cell(*f['benign_over']):<19} {cell(*f['red_flag'])}"
        )
    if args.misses and args.part == "transfer":
        print("(--misses is not shown for a transfer part: totals only)")
    elif args.misses:
        for cid, family, got in misses:
            failed = sorted(k for k, v in got.get("checks", {}).items() if not v)
            print(
                f"{cid} {family}: failed={failed} verdicts={got['bad_verdicts']} "
                f"level={got.get('level')} offered={got.get('offered')}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
