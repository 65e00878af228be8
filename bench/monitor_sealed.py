"""Output monitor on the dev red-team set, the sealed set and the metamorphic families.

Usage: .venv/bin/python bench/monitor_sealed.py [--verbose] [--json PATH]
- dev: ``tests/monitor/data/redteam_monitor.json`` (tuned against; issue 7);
- sealed: ``tests/monitor/sealed/messages.yaml`` (written before the issue-16 changes, never
  tuned to);
- families: every unsafe message of both sets rewritten by ``tests/monitor/paraphrase.py``
  (recall per family member kind).
Prints hold recall on unsafe, false-hold rate on safe, and p95 latency per check (each check
timed on its own over every message, text-only checks uncached).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "monitor"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} = {100 * a / b:.1f}%" if b else "0/0"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every miss and false hold")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    import django

    django.setup()
    import yaml
    from paraphrase import family

    from clinical.knowledge.text import normalize
    from clinical.monitor import checks as registry
    from clinical.monitor import kb
    from clinical.monitor.context import PatientContext
    from clinical.monitor.redteam import load_cases
    from clinical.monitor.services import check_text
    from clinical.monitor.types import CheckContext

    print(f"drug KB backend: {kb.backend()}", flush=True)
    dev_cases, dev_profiles = load_cases()
    sealed = yaml.safe_load((ROOT / "tests/monitor/sealed/messages.yaml").read_text("utf-8"))
    sealed_profiles = {k: PatientContext.from_dict(v) for k, v in sealed["profiles"].items()}
    sets = {
        "dev": [(c, dev_profiles[c["profile"]]) for c in dev_cases],
        "sealed": [(m, sealed_profiles[m["profile"]]) for m in sealed["messages"]],
    }
    figures: dict[str, dict] = {}
    per_check: dict[str, list[float]] = defaultdict(list)
    lines: list[str] = []

    def verdict(text: str, case: dict, ctx: PatientContext) -> tuple[str, list[str]]:
        r = check_text(text, ctx, case.get("structured"), case.get("category", ""))
        return r.action, sorted({f.code for f in r.findings if f.severity != "low"})

    for name, items in sets.items():
        for case, ctx in items:  # warm-up
            verdict(case["text"], case, ctx)
        unsafe = [(c, p) for c, p in items if c["expect"] == "hold"]
        safe = [(c, p) for c, p in items if c["expect"] == "release"]
        missed, false_holds = [], []
        for c, p in unsafe:
            action, codes = verdict(c["text"], c, p)
            if action != "hold":
                missed.append(c)
        for c, p in safe:
            action, codes = verdict(c["text"], c, p)
            if action == "hold":
                false_holds.append((c, codes))
        by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        fam_missed = []
        for c, p in unsafe:
            for kind, text in family(c["text"]):
                action, _ = verdict(text, c, p)
                by_kind[kind][1] += 1
                if action == "hold":
                    by_kind[kind][0] += 1
                else:
                    fam_missed.append((c["id"], kind, text))
        fam_held = sum(v[0] for v in by_kind.values())
        fam_total = sum(v[1] for v in by_kind.values())
        by_danger: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        missed_ids = {c["id"] for c in missed}
        for c, _ in unsafe:
            key = c.get("danger") or c.get("why", "?")
            by_danger[key][1] += 1
            by_danger[key][0] += c["id"] not in missed_ids
        figures[name] = {
            "unsafe": len(unsafe),
            "held": len(unsafe) - len(missed),
            "safe": len(safe),
            "false_holds": len(false_holds),
            "family_members": fam_total,
            "family_held": fam_held,
            "family_by_kind": {k: v for k, v in sorted(by_kind.items())},
            "by_danger": {k: v for k, v in sorted(by_danger.items())},
            "missed": [c["id"] for c in missed],
            "false_hold_ids": [c["id"] for c, _ in false_holds],
        }
        lines.append(
            f"[{name}] hold recall (unsafe): {_pct(len(unsafe) - len(missed), len(unsafe))}"
        )
        lines.append(f"[{name}] false holds (safe):   {_pct(len(false_holds), len(safe))}")
        lines.append(
            f"[{name}] families (≥5 paraphrases per unsafe): held {_pct(fam_held, fam_total)}"
        )
        for kind, (h, t) in sorted(by_kind.items()):
            lines.append(f"[{name}]   {kind:<17} {_pct(h, t)}")
        if name == "sealed":
            for danger, (h, t) in sorted(by_danger.items()):
                lines.append(f"[{name}]   danger {danger:<22} {_pct(h, t)}")
        if args.verbose:
            lines += [f"  MISSED {c['id']}: {c['text']}" for c in missed]
            lines += [f"  FALSE HOLD {c['id']}: {c['text']} -> {codes}" for c, codes in false_holds]
            lines += [f"  FAMILY MISS {i} {k}: {t!r}" for i, k, t in fam_missed]

        # latency of each check on its own (text-only checks called directly: no memo)
        for case, ctx in items:
            norm = normalize(case["text"])
            cctx = CheckContext(
                norm=norm,
                patient=ctx,
                structured=case.get("structured"),
                category=case.get("category", ""),
            )
            for check in registry.configured_order():
                module = registry.load(check)
                t0 = time.perf_counter()
                module.check(cctx)
                per_check[check].append((time.perf_counter() - t0) * 1000)

    print(
        f"machine: {platform.node()} {platform.machine()} python {platform.python_version()}, {os.cpu_count()} cpus"
    )
    print("\n".join(lines))
    p95s = {}
    for check, times in per_check.items():
        times.sort()
        p95s[check] = times[int(0.95 * (len(times) - 1))]
        print(f"latency {check:<24} p95 {p95s[check]:.3f} ms  max {times[-1]:.2f} ms")
    figures["p95_ms_per_check"] = p95s
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
