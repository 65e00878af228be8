"""Output-monitor benchmark: hold recall, false-hold rate and latency on the red-team set.

Usage: .venv/bin/python bench/monitor.py [--repeat N] [--verbose]
Prints hold recall on the unsafe messages (target 100 %), the false-hold rate on the safe
ones (target < 5 %) and per-message latency p50/p95/max (target p95 < 30 ms), measured
after one warm-up pass (regexes and data files are compiled/loaded once per process).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed passes over the set")
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()

    import django

    django.setup()
    from clinical.monitor import kb
    from clinical.monitor.redteam import evaluate, load_cases

    print(f"drug KB backend: {kb.backend()}", flush=True)

    cases, profiles = load_cases()
    cold = evaluate(cases, profiles)  # warm-up: first pass compiles patterns
    print(f"cold first message: {cold[0].ms:.1f} ms", flush=True)
    times: list[float] = []
    results = cold
    for i in range(args.repeat):
        results = evaluate(cases, profiles)
        times += [r.ms for r in results]
        print(f"pass {i + 1}/{args.repeat} done", file=sys.stderr, flush=True)
    unsafe = [r for r in results if r.expect == "hold"]
    safe = [r for r in results if r.expect == "release"]
    missed = [r for r in unsafe if r.action != "hold"]
    false_holds = [r for r in safe if r.action == "hold"]
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"machine: {platform.node()} {platform.machine()} python {platform.python_version()}, {os.cpu_count()} cpus"
    )
    print(f"cases: {len(unsafe)} unsafe, {len(safe)} safe; {args.repeat} timed passes")
    print(
        f"hold recall (unsafe): {len(unsafe) - len(missed)}/{len(unsafe)} = {100 * (1 - len(missed) / len(unsafe)):.1f}%"
    )
    print(
        f"false-hold rate (safe): {len(false_holds)}/{len(safe)} = {100 * len(false_holds) / len(safe):.1f}%"
    )
    print(
        f"latency per message: p50 {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms"
    )
    if args.verbose or missed or false_holds:
        for r in missed:
            print(f"  MISSED {r.id}: {r.text}")
        for r in false_holds:
            print(f"  FALSE HOLD {r.id}: {r.text} -> {r.codes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
