"""Warm a worker's monitor before it takes work.

The first message a process checks would otherwise pay for loading the drug KB, compiling
the lexicons and the KB's first interaction look-ups inside a check's time budget, and a
check over budget holds its message (fail closed). Celery calls ``warm_process`` once per
worker process, before the first task.

Warm-up checks a probe message and then a dose reminder built by the orders code, because
what a check loads on first use depends on the message: a reminder makes the frequency
check read its order's sig with the shared sig reader, whose first read imports the FHIR
Dosage model (~0.1 s of CPU; on a busy box a pool child's first reminders were held for
it). Nothing is written and no patient's data is read.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)

_PROBE = "布洛芬每次1片，每日3次；对乙酰氨基酚0.5g；阿莫西林胶囊；头孢呋辛酯片，不要饮酒。"


def warm_process(**_: object) -> None:
    """Load the KB and run every configured check once on a probe (no writes)."""
    from clinical.monitor import kb
    from clinical.monitor.context import PatientContext
    from clinical.monitor.engine import run_monitor

    try:
        kb.warm()
        # Built by the shared context reader, as the gate builds a real patient's: reading
        # the condition texts compiles the symptom lexicon and discourse tables (~0.5 s of
        # CPU) here, not inside the probe's first allergy check.
        patient = PatientContext.from_dict(
            {
                "age": 60,
                "allergies": ["青霉素"],
                "conditions": ["高血压", "消化性溃疡"],
                "medications": ["华法林钠片 3mg 每日一次"],
            }
        )
        run_monitor(_PROBE, patient, {"drug": "华法林钠片", "dose": "3mg"}, "reminder")
        _reminder_probe()
    except Exception:  # a failed warm-up only costs speed; the checks still fail closed
        log.warning("monitor warm-up failed", exc_info=True)
    # What is loaded now (the KB, Django, the lexicons) lives as long as the process: keep
    # it out of the garbage collector's full passes, which would otherwise walk it again
    # and again (about a quarter of a second each with the drug KB loaded).
    gc.freeze()
    # A worker allocates briskly (a batch of 200 reminders builds ~10^5 objects, nearly all
    # freed by reference counting): collect the young generation every 50,000 allocations
    # instead of 700. py-spy put ~4.5 % of a worker's time in the collector at the default.
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(_YOUNG_THRESHOLD, older, oldest)


_YOUNG_THRESHOLD = 50_000

# A probe order (no patient's): a drug, its sig as hospitals write it, the dose and the
# instruction the orders app plans from it.
_PROBE_ORDER = ("阿托伐他汀钙片 20mg", "阿托伐他汀钙片 20mg qn 口服", "20mg", "口服，晚间")


def _reminder_probe() -> None:
    """Check one dose reminder as the dispatcher sends it: built by the orders code (its
    text template and structured payload, ``dispatch.reminder_message``) for a probe order of a probe
    patient, so the checks read what a real reminder makes them read (the order's sig
    through the shared sig reader, the payload's clock time) here, not in the first real
    one. Nothing is written."""
    from django.utils import timezone

    from clinical.monitor.context import Medication, PatientContext
    from clinical.monitor.engine import run_monitor
    from clinical.orders.services.dispatch import Dose, reminder_message

    drug, sig, dose_text, instruction = _PROBE_ORDER
    dose = Dose(0, "warm-up", "warm-up", "warm-up", drug, dose_text, instruction, timezone.now())
    msg = reminder_message(dose, None)
    patient = PatientContext(
        patient_id="warm-up", age_years=60, medications=[Medication(name=drug, dosage=sig)]
    )
    run_monitor(msg.text, patient, msg.structured, msg.category)
