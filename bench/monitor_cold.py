"""Cold pool children: per-check monitor time of a fresh worker process's first messages.

A Celery prefork pool child starts, runs ``warm_process()`` (``worker_process_init``) and
then checks the reminders the orders app sends. A check over its budget
(``AMMED_MONITOR_CHECK_TIMEOUT_MS`` CPU, or ten times that on the wall) holds its message
(fail closed), so a first-use load the warm-up missed holds a correct reminder.

Usage (offline: no database query, no network):

    .venv/bin/python bench/monitor_cold.py [--procs 8] [--load 2] [--profile]

The bench's own process builds the messages with the orders code (``plan_order`` →
``planned_doses`` → ``dispatch.reminder_message``: the real reminder text and structured payload,
several drugs and critical classes, plus the missed-dose guidance text from its sourced
rules) for the demo fixtures' patients; planning parses the sigs, which a sending worker
never does, so it is kept out of the measured processes. Each of ``--procs`` fresh
processes then does what a worker does (Django set-up, the Celery app and its task
modules), forks a pool child as prefork does, which runs ``warm_process()``, builds its
patients' contexts (as ``gate.submit_many`` does, before any check) and checks its messages
through ``services.check_text``. Each process starts at another message, so first messages
cover every drug. For the 1st, 2nd and 10th message it prints the slowest check's own CPU
and wall ms (median and max over processes), the message's CPU up to its last check (what
the engine charged a check slow on the wall before it measured each check's own CPU), and
how many messages the engine held for a time-out. ``--load K`` runs K busy-loop processes
meanwhile (the failure shows on a busy box). ``--profile``: one more process whose first
message runs under cProfile, with the per-process tables (``lru_cache``/``cache`` of
``clinical.*``) and the modules that the first message loaded first (what warm-up missed).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

# The orders each message is built from (MedicationRequest text and sig, as hospitals send
# them; the demo fixtures' own orders are added): statin, anticoagulant, antiplatelet,
# antidiabetic, antibiotic course, PPI before breakfast, antihypertensive, aspirin.
EXTRA_ORDERS = [
    ("阿托伐他汀钙片 20mg", "阿托伐他汀钙片 20mg qn 口服"),
    ("华法林钠片 3mg", "华法林钠片 3mg qd 晚饭后"),
    ("氯吡格雷片 75mg", "氯吡格雷 75mg 每日1次"),
    ("盐酸二甲双胍缓释片 0.5g", "二甲双胍缓释片 0.5g 每日两次 随餐服用"),
    ("头孢呋辛酯片 0.25g", "头孢呋辛酯片 0.25g 口服 bid 饭后 连用5天"),
    ("泮托拉唑钠肠溶片 40mg", "泮托拉唑钠肠溶片 40mg qd 早餐前半小时口服 疗程14天"),
    ("苯磺酸氨氯地平片 5mg", "苯磺酸氨氯地平片 5mg 每日1次 晨起口服"),
    ("阿司匹林肠溶片 100mg", "阿司匹林肠溶片 100mg qd 口服"),
]
N_MESSAGES = 10
SAMPLED = (1, 2, 10)  # which messages of a process are reported


def _records() -> list:
    """The demo fixtures' patient records, moved to today, each with the extra orders."""
    from ammed_fhir import store
    from ammed_fhir.demo_fixtures import load_demo_bundles

    records = []
    for demo in load_demo_bundles():
        res = [e["resource"] for e in demo.bundle["entry"]]
        patient = next(r for r in res if r["resourceType"] == "Patient")
        rec = store.PatientRecord(patient=patient)
        for r in res:
            attr = store._RECORD_TYPES.get(r["resourceType"])
            if attr:
                getattr(rec, attr).append(r)
        for i, (name, sig) in enumerate(EXTRA_ORDERS):
            if any(name in json.dumps(m, ensure_ascii=False) for m in rec.medication_requests):
                continue
            rec.medication_requests.append(
                {
                    "resourceType": "MedicationRequest",
                    "id": f"bench-{patient['id']}-{i}",
                    "status": "active",
                    "intent": "order",
                    "medicationCodeableConcept": {"text": name},
                    "subject": {"reference": f"Patient/{patient['id']}"},
                    "authoredOn": rec.medication_requests[0].get("authoredOn", "2026-11-28")
                    if rec.medication_requests
                    else "2026-11-28",
                    "dosageInstruction": [{"text": sig}],
                }
            )
        records.append(rec)
    return records


def build_messages() -> list[dict]:
    """The messages a worker sends, built by the orders code in THIS process (the bench's
    parent; planning parses each sig, which a pool child never does when it sends):
    reminders of every order of every demo patient (two doses each), and after every third
    reminder the missed-dose guidance of that drug (its sourced rule, as sent)."""
    import datetime as dt

    from django.utils import timezone

    from clinical.knowledge import patient as knowledge_patient
    from clinical.orders.services import adherence, dispatch, schedule
    from clinical.orders.services.timing import Routine

    now = timezone.now()
    rules = adherence.missed_rules()
    out = []
    for rec in _records():
        pid = rec.patient["id"]
        age = knowledge_patient.build(rec).age_years
        for mr in rec.medication_requests:
            # the order as a clinician approved it (its review status aside)
            plan = schedule.plan_order(mr, age_years=age)
            if plan.status in ("prn", "inactive") or not plan.repeat:
                continue
            rows = schedule.planned_doses(plan, Routine(), now, dt.timedelta(days=2))
            for n, (key, _pid, rid, med, dose, instr, due) in enumerate(rows[:2]):
                msg = dispatch.reminder_message(
                    dispatch.Dose(n, key, pid, rid, med, dose, instr, due), None
                )
                out.append(
                    {
                        "patient": pid,
                        "text": msg.text,
                        "structured": msg.structured,
                        "category": msg.category,
                        "critical_class": plan.critical_class,
                    }
                )
                if len(out) % 4 == 3:
                    rule = dict(rules["default"])
                    for row in rules["drugs"]:
                        if any(nm in med for nm in row.get("names", [])):
                            rule = {**rule, **row}
                            break
                    text = f"{rule['take']}{rule['never_double']}"
                    out.append(
                        {
                            "patient": pid,
                            "text": text,
                            "structured": None,
                            "category": "guidance",
                            "critical_class": plan.critical_class,
                        }
                    )
    return out


class CheckTimer:
    """Wraps every configured check's ``check``: its own CPU (thread time) and wall ms, and
    the CPU the engine charges it (the message's CPU since its first check)."""

    def __init__(self) -> None:
        from clinical.monitor import checks as registry

        self.rows: list[tuple[str, float, float, float]] = []
        self.msg_cpu0 = 0.0
        for name in registry.configured_order():
            module = registry.load(name)
            module.check = self._wrap(name, module.check)

    def _wrap(self, name, fn):
        def timed(ctx):
            c0, w0 = time.thread_time(), time.perf_counter()
            try:
                return fn(ctx)
            finally:
                c1 = time.thread_time()
                self.rows.append(
                    (
                        name,
                        (c1 - c0) * 1e3,
                        (time.perf_counter() - w0) * 1e3,
                        (c1 - self.msg_cpu0) * 1e3,
                    )
                )

        return timed

    def start(self) -> None:
        self.rows = []
        self.msg_cpu0 = time.thread_time()


def _cache_sizes() -> dict[str, int]:
    """currsize of every lru_cache/cache of the clinical.* modules (per-process tables)."""
    out = {}
    for modname, mod in list(sys.modules.items()):
        if not modname.startswith(("clinical.", "ammed_fhir.")) or mod is None:
            continue
        for attr, value in list(vars(mod).items()):
            # type(), not getattr or isinstance: they evaluate a Celery task proxy (an import)
            if type(value) is functools._lru_cache_wrapper and value.__module__ == modname:
                out[f"{modname}.{attr}"] = value.cache_info().currsize
    return out


def child(args: argparse.Namespace) -> None:
    """The worker's parent process (Django, the Celery app, its task modules), then a forked
    pool child that warms up and checks the messages (JSON on stdin), as prefork does."""
    import django

    pool = json.loads(sys.stdin.read())
    django.setup()
    from ammed_fhir.celery import app

    app.loader.import_default_modules()  # the worker parent imports the task modules
    sys.stdout.flush()
    pid = os.fork()
    if pid:
        _, status = os.waitpid(pid, 0)
        sys.exit(os.waitstatus_to_exitcode(status))
    try:
        pool_child(args, pool)
    except BaseException:
        import traceback

        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    sys.stdout.flush()
    os._exit(0)


def pool_child(args: argparse.Namespace, pool: list[dict]) -> None:
    from django.conf import settings

    from clinical.monitor.warmup import warm_process

    t0 = time.perf_counter()
    warm_process()
    warm_ms = (time.perf_counter() - t0) * 1e3
    # The task code's part, not in a check's budget: the patient contexts (gate.submit_many
    # builds them from the stored records; here from the same records in memory).
    from clinical.monitor import services
    from clinical.monitor.context import PatientContext

    contexts = {
        rec.patient["id"]: PatientContext.from_stored(rec.patient["id"], rec) for rec in _records()
    }
    n = len(pool)
    messages = [
        (m["text"], contexts[m["patient"]], m["structured"], m["category"], m["critical_class"])
        for m in (pool[(args.start + i) % n] for i in range(min(N_MESSAGES, n)))
    ]

    timer = CheckTimer()
    budget = settings.AMMED_MONITOR_CHECK_TIMEOUT_MS
    result = {"warm_ms": warm_ms, "budget_ms": budget, "messages": []}
    before_caches, before_mods = _cache_sizes(), set(sys.modules)
    for i, (text, ctx, structured, category, crit) in enumerate(messages, start=1):
        timer.start()
        if args.profile and i == 1:
            import cProfile
            import io
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            res = services.check_text(text, ctx, structured, category)
            prof.disable()
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(35)
            result["profile"] = buf.getvalue()
        else:
            res = services.check_text(text, ctx, structured, category)
        if i == 1:
            after = _cache_sizes()
            result["first_use_tables"] = sorted(
                k for k, v in after.items() if v and not before_caches.get(k)
            )
            result["first_use_modules"] = sorted(set(sys.modules) - before_mods)
        slow = max(timer.rows, key=lambda r: r[1]) if timer.rows else ("", 0, 0, 0)
        slow_wall = max(timer.rows, key=lambda r: r[2]) if timer.rows else ("", 0, 0, 0)
        timeouts = [f.check for f in res.findings if f.code == "monitor.check_timeout"]
        result["messages"].append(
            {
                "i": i,
                "category": category,
                "critical_class": crit,
                "max_cpu_ms": slow[1],
                "max_cpu_check": slow[0],
                "max_wall_ms": slow_wall[2],
                "max_wall_check": slow_wall[0],
                "charged_cpu_ms": max(r[3] for r in timer.rows) if timer.rows else 0.0,
                "total_cpu_ms": sum(r[1] for r in timer.rows),
                "would_hold": slow[1] > budget or slow_wall[2] > 10 * budget,
                "timeouts": timeouts,
                "action": res.action,
                "checks": [(n, round(c, 2), round(w, 2)) for n, c, w, _ in timer.rows],
            }
        )
    print(json.dumps(result, ensure_ascii=False))


def _busy_loops(k: int) -> list[subprocess.Popen]:
    code = "import time\nend = time.time() + 3600\nwhile time.time() < end: pass\n"
    return [subprocess.Popen([sys.executable, "-c", code]) for _ in range(k)]


def _summary(runs: list[dict], budget: float) -> None:
    print(f"  warm_process: median {statistics.median(r['warm_ms'] for r in runs):.0f} ms")
    print(
        "  msg  slowest-check CPU ms   slowest-check wall ms  message CPU so far ms  held(timeout)"
    )
    print("       median    max           median    max          median    max")
    for i in SAMPLED:
        ms = [r["messages"][i - 1] for r in runs if len(r["messages"]) >= i]
        cpu = [m["max_cpu_ms"] for m in ms]
        wall = [m["max_wall_ms"] for m in ms]
        charged = [m["charged_cpu_ms"] for m in ms]
        held = sum(1 for m in ms if m["timeouts"])
        print(
            f"  {i:>3}  {statistics.median(cpu):7.1f} {max(cpu):7.1f}       "
            f"{statistics.median(wall):7.1f} {max(wall):7.1f}      "
            f"{statistics.median(charged):7.1f} {max(charged):7.1f}   {held}/{len(ms)}"
        )
    first = [r["messages"][0] for r in runs]
    would = sum(1 for m in first if m["would_hold"])
    print(
        f"  first messages over {budget:.0f} ms on a check's own CPU (or 10x on the wall): "
        f"{would}/{len(first)}; held by the engine for a time-out: "
        f"{sum(1 for m in first if m['timeouts'])}/{len(first)}"
    )
    worst = max(first, key=lambda m: m["max_cpu_ms"])
    print(
        f"  worst first message: {worst['max_cpu_check']} {worst['max_cpu_ms']:.1f} ms CPU "
        f"({worst['category']}, {worst['critical_class'] or '-'}); its checks: {worst['checks']}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procs", type=int, default=8, help="fresh processes (default 8)")
    parser.add_argument("--load", type=int, default=0, help="busy-loop processes meanwhile")
    parser.add_argument("--profile", action="store_true", help="cProfile one first message")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    print(f"cpus={os.cpu_count()} load={args.load} procs={args.procs}", flush=True)
    import django

    django.setup()
    pool = json.dumps(build_messages(), ensure_ascii=False)
    print(f"{len(json.loads(pool))} messages built with the orders code", flush=True)
    loads = _busy_loops(args.load)
    runs = []
    try:
        for p in range(args.procs + (1 if args.profile else 0)):
            profile = args.profile and p == args.procs
            cmd = [sys.executable, __file__, "--child", "--start", str(p * 3)]
            cmd += ["--profile"] if profile else []
            t0 = time.perf_counter()
            out = subprocess.run(
                cmd, input=pool, capture_output=True, text=True, cwd=ROOT, check=False
            )
            if out.returncode != 0:
                print(out.stderr[-3000:], file=sys.stderr)
                return 1
            run = json.loads(out.stdout.strip().splitlines()[-1])
            first = run["messages"][0]
            print(
                f"process {p + 1}: {time.perf_counter() - t0:.1f} s; first message "
                f"{first['max_cpu_check']} {first['max_cpu_ms']:.1f} ms CPU, "
                f"{first['max_wall_ms']:.1f} ms wall, charged {first['charged_cpu_ms']:.1f}"
                f"{' HELD ' + ','.join(first['timeouts']) if first['timeouts'] else ''}",
                flush=True,
            )
            if profile:
                print("first-use tables filled by the first message:", run["first_use_tables"])
                print("modules first imported by the first message:", run["first_use_modules"])
                print(run["profile"])
            else:
                runs.append(run)
    finally:
        for proc in loads:
            proc.kill()
            proc.wait()
    if runs:
        _summary(runs, runs[0]["budget_ms"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
