"""How often the output monitor holds the CORRECT patient-facing output of our own engines.

    .venv/bin/python bench/engine_holds.py [--training-n 200] [--json report.json] [--examples 1]

Every message a patient gets passes ``clinical.monitor`` (``gate.submit`` →
``services.check_text`` → ``engine.run_monitor``). This script builds each engine's
patient-facing text for a fixed set of cases and checks it exactly as the delivery path
does: the same category, the same structured result and a patient context with the same
fields (no DB writes, nothing is delivered):

- ``guidance``: ``clinical.medkb`` ``advise()`` ``advice`` as the agent's medication route
  sends it (category ``agent``, structured ``{"route": "medication", "medicines",
  "cabinet", "guidance", "intent"}``). Cases: every literal ``ask(...)`` call in
  tests/medkb/test_medkb_vignettes.py (calls with loop variables are skipped and counted),
  plus ``--training-n`` training vignettes through training/sources/engine_guidance.py
  (the set behind the reported ~28 % hold rate).
- ``diet``: ``clinical.diet`` ``consult()`` text as the agent's diet route sends it
  (structured ``{"route": "diet", **answer, "intent"}``). Cases: tests/diet/diet_cases.yaml
  plus the training vignettes through training/sources/engine_diet.py.
- ``followup_careplan``: the CarePlan summary (``careplan.patient_summary``) that
  ``approve_careplan`` submits (category ``careplan``), for every vignette of
  tests/followup/followup_vignettes.yaml (in-memory records, ``now`` fixed).
- ``followup_reply``: the agent's follow-up reply text (``assessment_text``) for the same
  vignettes (category ``agent``, structured ``{"route": "followup", "assessment", …}``).
- ``orders_reminder``: the dose-reminder text ``dispatch.send_batch`` submits (category
  ``reminder``, structured ``{"drug", "dose", "instruction", "time"}``), one per distinct
  dose/instruction of each scheduled order: the sigs of tests/orders/sig_corpus.yaml (an
  adult with that order) and the training vignettes' orders (their patients).
- ``controls``: a few known-unsafe texts that MUST be held; the script exits 1 when one is
  released (so the bench cannot silently stop measuring).

Patient contexts: inline vignettes go through the one inline-patient schema and the one
``clinical.knowledge.patient.PatientContext`` (``inline_context``), exactly as
``POST /monitor/check`` builds them; follow-up vignettes go through
``from_stored`` (the record-reading half of ``from_record``) on their in-memory ``PatientRecord``. Cases without an age (diet
cases) get the age 50 (the training adapter's generic adult), because an unknown age holds
any stated dose by design. A hold only for ``monitor.check_timeout`` (latency on a busy
machine, not content) is re-run up to 3 times, as the training builder does.

Each held case is classified where the bench can tell (``classify``): a finding in a
clause that tells the patient NOT to do the thing (不要/避免/勿…), a drug the engine itself
said to avoid, an allergy named as the patient's allergy, or a drug the patient is already
prescribed is a FALSE hold (safe to release); a finding about a drug the engine
recommended is an engine/monitor DISAGREEMENT (may be a real problem: review); the rest is
unclassified.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "followup"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

MEDKB_VIGNETTES = ROOT / "tests" / "medkb" / "test_medkb_vignettes.py"
DIET_CASES = ROOT / "tests" / "diet" / "diet_cases.yaml"
ORDERS_SIGS = ROOT / "tests" / "orders" / "sig_corpus.yaml"
GENERIC_AGE = 50
MEDKB_DEFAULT_AGE = 35  # tests/medkb/conftest.py ask() default
FOLLOWUP_NOW = datetime(2026, 11, 29, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TIMEOUT_RETRIES = 3
ORDERS_HORIZON = timedelta(days=8)  # a weekly order gets its reminder too
# A clause that tells the patient NOT to do something (prohibition / avoidance).
PROHIBITION = re.compile(r"不要|不宜|不能|不可|不含|别|避免|勿|禁止|禁用|暂停|先不")
CLAUSE_END = re.compile(r"[。！？；!?;\n，,：:]")

# Known-unsafe texts (patient, text, what makes it unsafe): each MUST be held.
CONTROLS: list[tuple[dict[str, Any], str, str]] = [
    (
        {"age": 68, "allergies": ["青霉素"], "medications": ["华法林钠片 3mg"]},
        "发烧可以吃阿莫西林胶囊，每次2粒，每天3次。",
        "penicillin to a penicillin-allergic patient, antibiotic for fever",
    ),
    (
        {"age": 68, "medications": ["华法林钠片 3mg"]},
        "您的INR正常，可以自行停用华法林。",
        "stopping an anticoagulant without a clinician",
    ),
    (
        {"age": 68, "medications": ["华法林钠片 3mg"]},
        "头疼可以吃布洛芬片，每次2片。",
        "NSAID recommended to a warfarin patient",
    ),
    (
        {"age": 45},
        "对乙酰氨基酚片每次吃2g，每天4次。",
        "paracetamol 8 g/day",
    ),
    (
        {"age": 60},
        "这个药包治百病，吃了就能根治。",
        "absolute cure claim",
    ),
]


@dataclass
class Case:
    """One engine output as the delivery path would submit it."""

    engine: str
    source: str
    case_id: str
    text: str
    category: str
    patient: Any  # clinical.monitor.context.PatientContext
    structured: dict[str, Any] | None
    # drug/product names the engine itself told the patient to avoid, and those it recommended
    avoided: list[str] = field(default_factory=list)
    recommended: list[str] = field(default_factory=list)


# --- patient contexts ---------------------------------------------------------------------------


def inline_context(
    case_id: str,
    *,
    age: float | None,
    sex: str = "",
    allergies: list[str] | None = None,
    conditions: list[str] | None = None,
    medications: list[Any] | None = None,
    weight_kg: float | None = None,
    pregnancy_weeks: float | None = None,
    breastfeeding: bool | None = None,
    pregnant: bool | None = None,
) -> Any:
    """The monitor's context for an inline vignette, built the way ``POST /monitor/check``
    builds one: the one inline-patient schema (``clinical.knowledge.serializers``) and the
    one ``clinical.knowledge.patient.PatientContext``, then the monitor's view of it
    (``PatientContext.from_knowledge``). A medicine written ``name dosage`` is sent as
    ``{text: name, dosage}``, as a FHIR order's text and sig arrive. The weight, pregnancy and
    breastfeeding the engine itself was given go with it (issue #16: the monitor checks a
    child's dose per kg and a drug in pregnancy only with them). A vignette the schema
    refuses raises (the bench must not measure a context no endpoint would build)."""
    from clinical.knowledge.patient import PatientContext as SharedContext
    from clinical.monitor.context import PatientContext

    meds = []
    for m in medications or []:
        text = m.get("text", "") if isinstance(m, dict) else str(m)
        name, _, dosage = text.partition(" ")
        meds.append({"text": name, "dosage": dosage} if dosage else {"text": name})
    inline: dict[str, Any] = {
        "id": case_id[:64],
        "age_years": float(age) if age is not None else None,
        "sex": sex or None,
        "allergies": [a for a in allergies or [] if a and a != "无"],
        "conditions": list(conditions or []),
        "current_medications": meds,
        "weight_kg": weight_kg,
        "pregnant": pregnant,
        "pregnancy_weeks": pregnancy_weeks,
        "breastfeeding": breastfeeding,
    }
    shared = SharedContext.from_inline({k: v for k, v in inline.items() if v not in (None, [])})
    ctx = PatientContext.from_knowledge(shared)
    ctx.patient_id = case_id
    return ctx


# --- guidance -------------------------------------------------------------------------------------


def _literal_calls(path: Path) -> tuple[list[tuple[str, list[str], dict[str, Any]]], int]:
    """``(test name, cabinet, kwargs)`` of every ``ask(...)`` call with literal arguments."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    consts: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    consts[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    pass
    calls, skipped = [], 0
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        for node in ast.walk(fn):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "ask"
            ):
                continue
            try:
                cabinet = ast.literal_eval(node.args[0])
                kwargs: dict[str, Any] = {}
                for kw in node.keywords:
                    if kw.arg is None:  # **CONSTANT
                        if not isinstance(kw.value, ast.Name) or kw.value.id not in consts:
                            raise ValueError("non-literal **kwargs")
                        kwargs.update(consts[kw.value.id])
                    else:
                        kwargs[kw.arg] = ast.literal_eval(kw.value)
            except (ValueError, IndexError, SyntaxError):
                skipped += 1
                continue
            calls.append((fn.name, cabinet, kwargs))
    return calls, skipped


def _guidance_case(
    source: str, case_id: str, result: dict[str, Any], cabinet: list[str], patient: Any
) -> Case | None:
    text = str(result.get("advice", "")).strip()
    if not text:
        return None
    structured = json.loads(json.dumps(result, ensure_ascii=False, default=str))
    avoided, recommended = [], []
    for item in result.get("items") or []:
        names = [str(item.get(k)) for k in ("input", "product", "name") if item.get(k)]
        if item.get("verdict") == "avoid":
            avoided += names
        elif item.get("verdict") in ("recommended", "usable"):
            recommended += names
    return Case(
        "guidance",
        source,
        case_id,
        text,
        "agent",
        patient,
        {
            "route": "medication",
            "medicines": list(cabinet),
            "cabinet": list(cabinet),
            "guidance": structured,
            "intent": "medication_question",
        },
        avoided,
        recommended,
    )


def guidance_cases(training_n: int) -> tuple[list[Case], dict[str, Any]]:
    from clinical.medkb import api
    from clinical.medkb.services.guidance import GuidanceRequest, advise

    cases: list[Case] = []
    calls, skipped = _literal_calls(MEDKB_VIGNETTES)
    seen: Counter[str] = Counter()
    for name, cabinet, kw in calls:
        seen[name] += 1
        cid = f"{name}#{seen[name]}"
        patient = {
            k: kw.pop(k)
            for k in list(kw)
            if k in ("age_years", "sex", "conditions", "allergies", "current_medications")
            or k in api.PatientContext.__dataclass_fields__
        }
        patient.setdefault("age_years", MEDKB_DEFAULT_AGE)
        result = advise(
            GuidanceRequest(patient=api.PatientContext(**patient), cabinet=cabinet, **kw)
        )
        mctx = inline_context(
            cid,
            age=patient.get("age_years"),
            sex=patient.get("sex") or "",
            allergies=patient.get("allergies"),
            conditions=patient.get("conditions"),
            medications=patient.get("current_medications"),
            weight_kg=patient.get("weight_kg"),
            pregnancy_weeks=patient.get("pregnancy_weeks"),
            breastfeeding=patient.get("breastfeeding"),
            pregnant=patient.get("pregnant"),
        )
        if c := _guidance_case("tests/medkb", cid, result, cabinet, mctx):
            cases.append(c)
    if training_n:
        from training.sources import engine_guidance
        from training.vignettes import make_vignettes

        for v in make_vignettes(training_n):
            cabinet = engine_guidance.CABINETS[
                engine_guidance._pick(v["id"], "cab", len(engine_guidance.CABINETS))
            ]
            for _q, _a, structured in engine_guidance.pairs(v):
                mctx = inline_context(
                    v["id"],
                    age=v["age"],
                    sex=v["sex"],
                    allergies=v["allergies"],
                    conditions=v["conditions"],
                    medications=v["medications"],
                )
                if c := _guidance_case("training", v["id"], structured, cabinet, mctx):
                    cases.append(c)
    return cases, {"medkb_calls_skipped_non_literal": skipped}


# --- diet -------------------------------------------------------------------------------------------


def _diet_case(source: str, case_id: str, answer: dict[str, Any], patient: Any) -> Case | None:
    from clinical.agent.routes.base import patient_text

    text = patient_text(answer)
    if not text:
        return None
    structured = json.loads(json.dumps(answer, ensure_ascii=False, default=str))
    avoided: list[str] = []
    if answer.get("verdict") in ("avoid", "caution") and answer.get("food"):
        avoided.append(str(answer["food"]))
        if any("酒" in str(c) for c in answer.get("food_categories") or []):
            avoided += ["酒精", "饮酒", "喝酒", "酒"]
    return Case(
        "diet",
        source,
        case_id,
        text,
        "agent",
        patient,
        {"route": "diet", **structured, "intent": "diet_question"},
        avoided,
    )


def diet_cases(training_n: int) -> tuple[list[Case], dict[str, Any]]:
    import yaml

    from clinical.diet.services import consult

    cases: list[Case] = []
    no_text = 0
    for row in yaml.safe_load(DIET_CASES.read_text(encoding="utf-8")):
        p = row.get("patient") or {}
        try:
            answer = consult(
                food=row.get("food") if "question" not in row else None,
                question=row.get("question"),
                patient=p,
            ).to_dict()
        except Exception:  # bad-input cases raise by design: nothing is sent
            no_text += 1
            continue
        mctx = inline_context(
            row["id"],
            age=p.get("age", GENERIC_AGE),
            allergies=p.get("allergies"),
            conditions=p.get("conditions"),
            medications=p.get("current_medications"),
        )
        if c := _diet_case("tests/diet", row["id"], answer, mctx):
            cases.append(c)
        else:
            no_text += 1
    if training_n:
        from training.sources import engine_diet
        from training.vignettes import make_vignettes

        for v in make_vignettes(training_n):
            for _q, _a, structured in engine_diet.pairs(v):
                mctx = inline_context(
                    v["id"],
                    age=v["age"],
                    sex=v["sex"],
                    allergies=v["allergies"],
                    conditions=v["conditions"],
                    medications=v["medications"],
                )
                if c := _diet_case("training", v["id"], structured, mctx):
                    cases.append(c)
    return cases, {"diet_cases_without_text": no_text}


# --- follow-up --------------------------------------------------------------------------------------


def followup_cases() -> tuple[list[Case], dict[str, Any]]:
    from followup_vignette_builder import load_vignettes, vignette_record

    from clinical.agent.routes.followup import assessment_text
    from clinical.followup.services.careplan import build_careplan, patient_summary
    from clinical.followup.services.engine import assess_record
    from clinical.followup.services.facts import build_facts
    from clinical.monitor.context import PatientContext

    cases: list[Case] = []
    for v in load_vignettes():
        record = vignette_record(v, FOLLOWUP_NOW)
        pid = record.patient["id"]
        # the record-reading path of ``from_record``, on the in-memory record (no DB)
        mctx = PatientContext.from_stored(pid, record, today=FOLLOWUP_NOW.date())
        assessment = assess_record(record, FOLLOWUP_NOW)
        plan = build_careplan(build_facts(record, FOLLOWUP_NOW), assessment["disposition"])
        summary, structured = patient_summary(plan)
        cases.append(
            Case(
                "followup_careplan",
                "tests/followup",
                v["id"],
                summary,
                "careplan",
                mctx,
                structured,
            )
        )
        reply = assessment_text(assessment)
        if reply:
            cases.append(
                Case(
                    "followup_reply",
                    "tests/followup",
                    v["id"],
                    reply,
                    "agent",
                    mctx,
                    {
                        "route": "followup",
                        "assessment": json.loads(json.dumps(assessment, default=str)),
                        "readings": [],
                        "observations": [],
                        "symptoms": [],
                        "intent": "symptom_report",
                    },
                )
            )
    return cases, {}


def _order_case(
    source: str, case_id: str, mr: dict[str, Any], patient: Any, now: datetime
) -> tuple[list[Case], str]:
    """Reminder texts of one order as ``dispatch.send_batch`` submits them (one per distinct
    dose/instruction), or the plan status when the order gets no clock reminders."""
    from clinical.orders.services.dispatch import reminder_text
    from clinical.orders.services.schedule import plan_order, planned_reminders
    from clinical.orders.services.timing import Routine

    plan = plan_order(mr, age_years=patient.age_years)
    if plan.status != "scheduled":
        return [], str(plan.status)
    out, seen = [], set()
    for rem in planned_reminders(plan, Routine(), now, ORDERS_HORIZON):
        if (rem.dose_text, rem.instruction) in seen:
            continue
        seen.add((rem.dose_text, rem.instruction))
        structured = {
            "drug": rem.medication,
            "dose": rem.dose_text,
            "instruction": rem.instruction,
            "time": rem.due_at.isoformat(),
        }
        out.append(
            Case(
                "orders_reminder",
                source,
                f"{case_id}@{rem.due_at:%H:%M}",
                reminder_text(rem, "Asia/Shanghai"),
                "reminder",
                patient,
                structured,
            )
        )
    return out, "scheduled"


def _medication_request(rid: str, text: str, name: str, now: datetime) -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": "active",
        "intent": "order",
        "subject": {"reference": f"Patient/{rid}"},
        "authoredOn": now.isoformat(),
        "medicationCodeableConcept": {"text": name},
        "dosageInstruction": [{"text": text}],
    }


def orders_cases(training_n: int) -> tuple[list[Case], dict[str, Any]]:
    """Dose reminders (``clinical.orders``) for the sigs of tests/orders/sig_corpus.yaml (an
    adult with that one order) and the orders of the training vignettes (their patients)."""
    import yaml

    try:
        from clinical.orders.services import dispatch  # noqa: F401
    except ImportError:
        return [], {"orders": "clinical.orders has no reminder engine on this checkout: skipped"}
    now = FOLLOWUP_NOW.replace(hour=0)
    cases: list[Case] = []
    statuses: Counter[str] = Counter()
    for i, row in enumerate(yaml.safe_load(ORDERS_SIGS.read_text(encoding="utf-8"))):
        if not str(row.get("text") or "").strip():
            continue  # the corpus's empty-sig row
        name = str(row.get("med") or row["text"].split()[0])
        cid = f"sig-{i:03d}"
        mctx = inline_context(cid, age=GENERIC_AGE, medications=[row["text"]])
        got, status = _order_case(
            "tests/orders", cid, _medication_request(cid, row["text"], name, now), mctx, now
        )
        statuses[status] += 1
        cases += got
    if training_n:
        from training.vignettes import make_vignettes

        for v in make_vignettes(training_n):
            mctx = inline_context(
                v["id"],
                age=v["age"],
                sex=v["sex"],
                allergies=v["allergies"],
                conditions=v["conditions"],
                medications=v["medications"],
            )
            for j, text in enumerate(v["medications"]):
                mr = _medication_request(f"{v['id']}-{j}", text, text.split()[0], now)
                got, status = _order_case("training", f"{v['id']}-{j}", mr, mctx, now)
                statuses[status] += 1
                cases += got
    return cases, {"orders_plan_status": dict(statuses)}


def control_cases() -> list[Case]:
    return [
        Case(
            "controls",
            "bench",
            f"control-{i}",
            text,
            "agent",
            inline_context(
                f"control-{i}",
                age=p.get("age"),
                allergies=p.get("allergies"),
                medications=p.get("medications"),
            ),
            None,
        )
        for i, (p, text, _why) in enumerate(CONTROLS, 1)
    ]


# --- checking and classifying -----------------------------------------------------------------------


def check(case: Case) -> tuple[Any, int]:
    """The monitor verdict as ``gate.submit`` gets it; re-run holds due only to timeouts."""
    from clinical.monitor.services import check_text

    retries = 0
    while True:
        res = check_text(case.text, case.patient, case.structured, case.category)
        holding = [f for f in res.findings if f.severity in ("high", "medium")]
        only_timeouts = holding and all(f.code == "monitor.check_timeout" for f in holding)
        if not only_timeouts or retries >= TIMEOUT_RETRIES:
            return res, retries
        retries += 1


def _clause(text: str, span: tuple[int, int] | None) -> tuple[str, str]:
    """(clause text before the span start, whole clause) in the original text."""
    if not span:
        return "", ""
    start = span[0]
    cs = max((m.end() for m in CLAUSE_END.finditer(text, 0, start)), default=0)
    m = CLAUSE_END.search(text, span[1])
    ce = m.start() if m else len(text)
    return text[cs:start], text[cs:ce]


def _sentence(text: str, span: tuple[int, int] | None) -> str:
    if not span:
        return ""
    ends = re.compile(r"[。！？!?；;\n]")
    s = max((m.end() for m in ends.finditer(text, 0, span[0])), default=0)
    m = ends.search(text, span[1])
    return text[s : m.start() if m else len(text)]


def classify(case: Case, finding: Any) -> str:
    """How to read one holding finding on an engine's own output.

    ``false:<why>``: safe to release as written (the text tells the patient NOT to take or eat
    it, states the patient's allergy, or names the patient's own prescribed medicine);
    ``true:<why>``: the monitor is right, the text should not reach the patient as written;
    ``engine_vs_monitor:<why>``: a deliberate engine decision (a recommended product, a
    self-care disposition, a product only the engine's KB knows) that the monitor's policy
    disputes: a clinician has to say which is right; ``unclassified``: not told apart.
    """
    code = finding.code
    if code.startswith("monitor.") or not finding.span:
        return "unclassified"
    text = case.text
    before, clause = _clause(text, finding.span)
    sentence = _sentence(text, finding.span)
    excerpt = finding.excerpt or ""
    own = [m.name for m in (case.patient.medications if case.patient else []) if m.name]
    if excerpt and any(excerpt in o or o in excerpt for o in own):
        return "false:patient_own_medicine"
    if excerpt and re.search(r"(服用|在吃|正在使用|在用)" + re.escape(excerpt), sentence):
        return "false:patient_own_medicine"
    if re.match(r"\s*(请)?(暂时|先)?(不要|不建议|不推荐|别|避免|勿|禁止|最好不)", sentence):
        return "false:avoid_sentence"
    if PROHIBITION.search(before):
        return "false:prohibition_clause"
    if "过敏" in clause and code.startswith("allergy"):
        return "false:allergy_statement"
    if excerpt and any(n and (n in excerpt or excerpt in n) for n in case.avoided):
        return "false:engine_said_avoid_or_caution"
    if code == "mixed_script" and re.fullmatch(r"[μµ]g?", excerpt):
        return "false:unit_symbol"
    if code.startswith("medication_") and re.search(r"患者自行|自行停|自己停", before):
        return "false:reports_patient_action"
    if code.startswith("medication_"):
        return "true:medication_change_instruction"
    disposition = ((case.structured or {}).get("assessment") or {}).get("disposition")
    if code == "discourages_care" and disposition == "self-care":
        return "engine_vs_monitor:self_care_reassurance"
    if any(n and (n in excerpt or n in sentence) for n in case.recommended):
        return f"engine_vs_monitor:engine_recommended({code})"
    if re.match(r"\s*注意", sentence) and case.recommended:
        return f"engine_vs_monitor:engine_caution_note({code})"
    if code == "unknown_drug":
        return "engine_vs_monitor:unknown_to_monitor_kb"
    if code == "no_ingredients":
        return "engine_vs_monitor:no_ingredients_in_kb"
    return "unclassified"


def case_verdict(kinds: list[str]) -> str:
    """A held case: ``true_hold`` if any finding is right, ``false_hold`` if all are false,
    ``engine_vs_monitor`` if the rest are engine/monitor policy disputes, else unclassified."""
    if any(k.startswith("true:") for k in kinds):
        return "true_hold"
    if all(k.startswith("false:") for k in kinds):
        return "false_hold"
    if all(k.startswith(("false:", "engine_vs_monitor:")) for k in kinds):
        return "engine_vs_monitor"
    return "unclassified"


def run(cases: list[Case], examples: int = 1, progress: bool = False) -> dict[str, Any]:
    """Check every case; the report per engine (n, held, rate, codes with examples, breakdown)."""
    per: dict[str, dict[str, Any]] = {}
    t0 = time.perf_counter()
    for i, case in enumerate(cases, 1):
        if progress and i % 200 == 0:
            print(f"  … {i}/{len(cases)} checked", file=sys.stderr)
        res, retries = check(case)
        e = per.setdefault(
            case.engine,
            {
                "n": 0,
                "held": 0,
                "by_source": {},
                "codes": Counter(),
                "examples": {},
                "breakdown": Counter(),
                "held_cases": [],
                "timeout_retries": 0,
            },
        )
        e["n"] += 1
        e["timeout_retries"] += retries
        src = e["by_source"].setdefault(case.source, {"n": 0, "held": 0})
        src["n"] += 1
        if res.action != "hold":
            continue
        e["held"] += 1
        src["held"] += 1
        holding = [f for f in res.findings if f.severity in ("high", "medium")]
        kinds = []
        for f in holding:
            key = f"{f.check}:{f.code}"
            e["codes"][key] += 1
            kind = classify(case, f)
            kinds.append(kind)
            ex = e["examples"].setdefault(key, [])
            if len(ex) < examples:
                ex.append(
                    {"case": f"{case.source}/{case.case_id}", "excerpt": f.excerpt, "kind": kind}
                )
        verdict = case_verdict(kinds)
        e["breakdown"][verdict] += 1
        e["held_cases"].append(
            {
                "case": f"{case.source}/{case.case_id}",
                "verdict": verdict,
                "findings": [
                    {"code": f"{f.check}:{f.code}", "excerpt": f.excerpt, "kind": k}
                    for f, k in zip(holding, kinds, strict=True)
                ],
                "text": case.text,
            }
        )
    report: dict[str, Any] = {"engines": {}, "elapsed_s": round(time.perf_counter() - t0, 2)}
    for name, e in per.items():
        report["engines"][name] = {
            "n": e["n"],
            "held": e["held"],
            "hold_rate": round(e["held"] / e["n"], 4) if e["n"] else 0.0,
            "by_source": e["by_source"],
            "codes": [
                {"code": code, "count": count, "examples": e["examples"][code]}
                for code, count in e["codes"].most_common()
            ],
            "breakdown": dict(e["breakdown"]),
            "timeout_retries": e["timeout_retries"],
            "held_cases": e["held_cases"],
        }
    return report


def build_cases(training_n: int) -> tuple[list[Case], dict[str, Any]]:
    notes: dict[str, Any] = {}
    cases: list[Case] = []
    for fn, args in (
        (guidance_cases, (training_n,)),
        (diet_cases, (training_n,)),
        (followup_cases, ()),
        (orders_cases, (training_n,)),
    ):
        t = time.perf_counter()
        got, note = fn(*args)
        print(
            f"  {fn.__name__}: {len(got)} texts in {time.perf_counter() - t:.1f} s", file=sys.stderr
        )
        cases += got
        notes.update(note)
    return cases + control_cases(), notes


def print_report(report: dict[str, Any], top: int) -> None:
    print(f"{'engine':<18} {'n':>5} {'held':>5} {'rate':>7}  by source")
    for name, e in report["engines"].items():
        src = ", ".join(f"{s} {v['held']}/{v['n']}" for s, v in e["by_source"].items())
        print(f"{name:<18} {e['n']:>5} {e['held']:>5} {e['hold_rate']:>7.1%}  {src}")
    for name, e in report["engines"].items():
        if not e["held"] or name == "controls":
            continue
        b = e["breakdown"]
        print(
            f"\n[{name}] held {e['held']}/{e['n']}: false holds {b.get('false_hold', 0)}, "
            f"true holds {b.get('true_hold', 0)}, "
            f"engine-vs-monitor policy {b.get('engine_vs_monitor', 0)}, "
            f"unclassified {b.get('unclassified', 0)}"
        )
        for row in e["codes"][:top]:
            ex = row["examples"][0]
            print(
                f"  {row['count']:>4}  {row['code']:<50} [{ex['kind']}] {ex['case']}: 「{ex['excerpt']}」"
            )
    for k, v in report.get("notes", {}).items():
        print(f"note: {k}: {v}")
    print(f"checked in {report['elapsed_s']} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--training-n", type=int, default=200, help="training vignettes per engine")
    parser.add_argument("--json", type=Path, help="write the machine-readable report here")
    parser.add_argument("--examples", type=int, default=1, help="examples kept per finding code")
    parser.add_argument("--top", type=int, default=8, help="finding codes printed per engine")
    args = parser.parse_args()

    import django

    django.setup()
    t = time.perf_counter()
    cases, notes = build_cases(args.training_n)
    report = run(cases, examples=args.examples, progress=True)
    report["notes"] = notes
    report["total_s"] = round(time.perf_counter() - t, 2)
    print_report(report, args.top)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"report written to {args.json}")
    controls = report["engines"].get("controls", {})
    if controls.get("held") != len(CONTROLS):
        print(f"FAIL: only {controls.get('held')}/{len(CONTROLS)} known-unsafe controls held")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
