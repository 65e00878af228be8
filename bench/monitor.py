"""Output-monitor benchmark: hold recall, false-hold rate and latency on the red-team set.

Usage: .venv/bin/python bench/monitor.py [--repeat N] [--verbose]
Prints hold recall on the unsafe messages (target 100 %), the false-hold rate on the safe
ones (target < 5 %) and per-message latency p50/p95/max (target p95 < 30 ms), measured
after one warm-up pass (regexes and data files are compiled/loaded once per process).

Per check (issue #16: p95 per check under 30 ms): each configured check is timed on its own
over every message, ``--repeat`` times, twice: *warm* (the memoised text analysis of an
earlier pass reused, as at the morning peak when one reminder text goes to many patients)
and *cold* (every per-text memo cleared before each message — the mention look-up, the dose
parser, the clause helpers — so each check analyses the text from scratch; the loaded tables
and compiled patterns stay, as in a warmed worker).
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


def _clear_text_memos() -> None:
    """Forget every per-text memo of the monitor (not the loaded tables)."""
    from clinical.monitor import kb
    from clinical.monitor.checks import _text, frequency_consistency, structured_consistency

    kb._MEMO.clear()
    for fn in (
        _text.enclosing,
        _text.negated,
        _text.parse_dose,
        _text.amount_value,
        _text.self_medication_wording,
        _text.advised_against,
        _text.while_on,
        structured_consistency._doses,
        frequency_consistency.period,
        frequency_consistency.sig_period,
    ):
        fn.cache_clear()


def per_check_times(cases, profiles, repeat: int, cold: bool) -> dict[str, list[float]]:
    """Milliseconds of each configured check on its own, per message."""
    import time

    from clinical.knowledge.text import normalize
    from clinical.monitor import checks as registry
    from clinical.monitor.types import CheckContext

    out: dict[str, list[float]] = {name: [] for name in registry.configured_order()}
    for _ in range(repeat):
        for case in cases:
            if cold:
                _clear_text_memos()
            profile = profiles[case["profile"]]
            for name in registry.configured_order():
                module = registry.load(name)
                ctx = CheckContext(
                    norm=normalize(case["text"]),
                    patient=profile,
                    structured=case.get("structured"),
                    category=case.get("category", ""),
                )
                profile.memo.clear() if cold else None
                t0 = time.perf_counter()
                module.check(ctx)
                out[name].append((time.perf_counter() - t0) * 1000)
    return out


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
    for label, cold_run in (("warm", False), ("cold", True)):
        for check, ms in sorted(per_check_times(cases, profiles, args.repeat, cold_run).items()):
            ms.sort()
            print(
                f"check {check:<24} {label}: p50 {statistics.median(ms):.3f} ms, "
                f"p95 {ms[int(0.95 * (len(ms) - 1))]:.3f} ms, max {ms[-1]:.2f} ms"
            )
    if args.verbose or missed or false_holds:
        for r in missed:
            print(f"  MISSED {r.id}: {r.text}")
        for r in false_holds:
            print(f"  FALSE HOLD {r.id}: {r.text} -> {r.codes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
