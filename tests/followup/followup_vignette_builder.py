"""Turn compact follow-up vignettes (followup_vignettes.yaml) into FHIR R4 transaction Bundles.

Shared by tests/followup/test_followup_sets.py and bench/followup.py (accuracy report).
Every resource gets an explicit id and a PUT request, so the bundle needs no reference
resolution; times are relative to ``now``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from ammed_fhir.store import PatientRecord
from clinical.followup.services.engine import assess_record

VIGNETTES = Path(__file__).with_name("followup_vignettes.yaml")
# third development set (#15 round 3), written before its rules; scored by the tests and the bench
VIGNETTES_R3 = Path(__file__).with_name("followup_vignettes_r3.yaml")
# fourth development set (#15 round 4): paraphrased from how real patients write (the research
# corpora of ../shared/data, never copied), written before its rules
VIGNETTES_R4 = Path(__file__).with_name("followup_vignettes_r4.yaml")
# clinical windows opened by a Condition or an Encounter, not a Procedure (#15 task E): delivery,
# an inpatient stay, post-operative hypoparathyroidism, and their look-alikes
VIGNETTES_WINDOWS = Path(__file__).with_name("followup_vignettes_windows.yaml")
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
# as Chinese EMRs send them (#15 r4): diagnoses in ICD-10 (国家临床版 2.0), operations in
# ICD-9-CM-3 (国家临床版 3.0), medicines under a hospital's own code
ICD10 = "http://hl7.org/fhir/sid/icd-10"
ICD9CM = "http://hl7.org/fhir/sid/icd-9-cm"
LOCAL = "http://his.example-hospital.cn/codes/local"

OBS = {
    "temp": ("8310-5", "体温", "Cel", "vital-signs"),
    "hr": ("8867-4", "心率", "/min", "vital-signs"),
    "rr": ("9279-1", "呼吸频率", "/min", "vital-signs"),
    "spo2": ("59408-5", "血氧饱和度", "%", "vital-signs"),
    "weight": ("29463-7", "体重", "kg", "vital-signs"),
    "glucose": ("15074-8", "血糖", "mmol/L", "laboratory"),
    "glucose_mgdl": ("2339-0", "血糖", "mg/dL", "laboratory"),
    "fglu": ("1558-6", "空腹血糖", "mmol/L", "laboratory"),
    "hba1c": ("4548-4", "糖化血红蛋白", "%", "laboratory"),
    "inr": ("6301-6", "INR", "{INR}", "laboratory"),
    "k": ("2823-3", "血钾", "mmol/L", "laboratory"),
    "cr": ("14682-9", "血肌酐", "umol/L", "laboratory"),
    "hb": ("718-7", "血红蛋白", "g/L", "laboratory"),
    "anc": ("751-8", "中性粒细胞绝对值", "10*9/L", "laboratory"),
    "unknown": ("99999-9", "未知检验", "U/L", "laboratory"),
    # emergency set r6 (#15): total serum calcium and the corrected QT interval of an ECG
    "calcium": ("2000-8", "血钙", "mmol/L", "laboratory"),
    "qtc": ("8636-3", "QTc间期", "ms", "procedure"),
}
CONDITIONS = {
    "hypertension": ("38341003", "原发性高血压"),
    "diabetes": ("44054006", "2型糖尿病"),
    "af": ("49436004", "心房颤动"),
    "hf": ("84114007", "慢性心力衰竭"),
    "copd": ("13645005", "慢性阻塞性肺疾病"),
    "cancer": ("363358000", "肺癌"),
    "ckd": ("709044004", "慢性肾脏病"),
    "oa": ("239873007", "膝骨关节炎"),
    "chd": ("53741008", "冠状动脉粥样硬化性心脏病"),
    # emergency set r6 (#15): the shared syndrome cases of tests/knowledge
    "long_qt": ("9651007", "长QT综合征"),
    "addison": ("363732003", "原发性肾上腺皮质功能减退症"),
}
MEDS = {
    "warfarin": ("B01AA03", "华法林钠片 3mg"),
    "rivaroxaban": ("B01AF01", "利伐沙班片 20mg"),
    "insulin": ("A10AE04", "甘精胰岛素注射液"),
    "metformin": ("A10BA02", "二甲双胍缓释片 0.5g"),
    "gliclazide": ("A10BB09", "格列齐特缓释片 30mg"),
    "amlodipine": ("C08CA01", "苯磺酸氨氯地平片 5mg"),
    "capecitabine": ("L01BC06", "卡培他滨片 500mg"),
    "furosemide": ("C03CA01", "呋塞米片 20mg"),
    "levetiracetam": ("N03AX14", "左乙拉西坦片 500mg"),
    "paracetamol": ("N02BE01", "对乙酰氨基酚片 0.5g"),
    "aspirin": ("B01AC06", "阿司匹林肠溶片 100mg"),
    "clopidogrel": ("B01AC04", "硫酸氢氯吡格雷片 75mg"),
    "amoxicillin": ("J01CA04", "阿莫西林胶囊 0.5g"),
    "methotrexate": ("L04AX03", "甲氨蝶呤片 2.5mg"),
    "dapagliflozin": ("A10BK01", "达格列净片 10mg"),
    "oxycodone": ("N02AA05", "盐酸羟考酮缓释片 10mg"),
    # emergency set r6 (#15)
    "sotalol": ("C07AA07", "盐酸索他洛尔片 80mg"),
    "digoxin": ("C01AA05", "地高辛片 0.125mg"),
    "lithium": ("N05AN01", "碳酸锂缓释片 0.3g"),
    # the lead's probes (#15, 2026-12-07 sixth)
    "methimazole": ("H03BB02", "甲巯咪唑片 10mg"),
    # the lead's probes (#15, 2026-12-07 seventh)
    "prednisone": ("H02AB07", "醋酸泼尼松片 5mg"),
}


SEALED = Path(__file__).with_name("sealed") / "vignettes.yaml"
# second sealed set (#15, written blind after the first round of rule changes)
SEALED_R2 = Path(__file__).with_name("sealed") / "vignettes_r2.yaml"


def load_vignettes(path: Path = VIGNETTES) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _ref(pid: str) -> dict[str, str]:
    return {"reference": f"Patient/{pid}"}


def _when(now: datetime, hours_ago: float) -> str:
    return (now - timedelta(hours=hours_ago)).isoformat(timespec="seconds")


CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ENCOUNTER_CLASS = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def _days(now: datetime, days_ago: float) -> str:
    return _when(now, days_ago * 24)


def _condition(key: Any, pid: str, cid: str, now: datetime) -> dict[str, Any]:
    """A Condition: a key of CONDITIONS, or inline {snomed, text} (the sealed set), {icd10, text}
    (r4) or {text} (words only); the windows set (#15 task E) may add its dates
    (``onset_days_ago``, ``recorded_days_ago``, ``abatement_days_ago``), its ``clinical`` and
    ``verification`` status. Without them the resource is the one earlier sets always built."""
    if isinstance(key, dict) and "icd10" in key:
        csystem, code, text = ICD10, str(key["icd10"]), key["text"]
    elif isinstance(key, dict) and "snomed" in key:
        csystem, code, text = SNOMED, str(key["snomed"]), key["text"]
    elif isinstance(key, dict):
        csystem, code, text = "", "", key["text"]
    else:
        csystem, (code, text) = SNOMED, CONDITIONS[key]
    spec = key if isinstance(key, dict) else {}
    concept: dict[str, Any] = {"coding": [{"system": csystem, "code": code}], "text": text}
    if not code:
        concept = {"text": text}
    cond: dict[str, Any] = {
        "resourceType": "Condition",
        "id": cid,
        "clinicalStatus": {
            "coding": [{"system": CONDITION_CLINICAL, "code": spec.get("clinical", "active")}]
        },
        "code": concept,
        "subject": _ref(pid),
    }
    if "verification" in spec:
        cond["verificationStatus"] = {
            "coding": [{"system": CONDITION_VERIFICATION, "code": spec["verification"]}]
        }
    if "onset_days_ago" in spec:
        cond["onsetDateTime"] = _days(now, spec["onset_days_ago"])
    if "recorded_days_ago" in spec:
        cond["recordedDate"] = _days(now, spec["recorded_days_ago"])
    if "abatement_days_ago" in spec:
        cond["abatementDateTime"] = _days(now, spec["abatement_days_ago"])
    return cond


def _encounter(spec: dict[str, Any], pid: str, nid: Any, now: datetime) -> list[dict[str, Any]]:
    """An Encounter (#15 task E): ``class`` (v3 ActCode: IMP, ACUTE, AMB, EMER…), ``status``
    (finished), ``end_days_ago`` / ``start_days_ago`` (none: no period), a ``reason``
    ({icd10, text} or {text}) as reasonCode, and ``diagnoses``: Conditions of their own (no
    date) that the Encounter names in ``diagnosis`` and that name it back in ``encounter``."""
    eid = nid()
    enc: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": eid,
        "status": spec.get("status", "finished"),
        "class": {"system": ENCOUNTER_CLASS, "code": spec.get("class", "IMP")},
        "subject": _ref(pid),
    }
    period = {}
    if "start_days_ago" in spec or "end_days_ago" in spec:
        start = spec.get("start_days_ago", spec.get("end_days_ago", 0) + 4)
        period["start"] = _days(now, start)
    if "end_days_ago" in spec:
        period["end"] = _days(now, spec["end_days_ago"])
    if period:
        enc["period"] = period
    if "reason" in spec:
        r = spec["reason"]
        coding = [{"system": ICD10, "code": str(r["icd10"])}] if "icd10" in r else []
        enc["reasonCode"] = [
            {"coding": coding, "text": r["text"]} if coding else {"text": r["text"]}
        ]
    out = [enc]
    for d in spec.get("diagnoses", []):
        cond = _condition(d, pid, nid(), now)
        cond["encounter"] = {"reference": f"Encounter/{eid}"}
        enc.setdefault("diagnosis", []).append(
            {"condition": {"reference": f"Condition/{cond['id']}"}}
        )
        out.append(cond)
    return out


def vignette_resources(v: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    pid = f"vg-{v['id']}"[:64]
    age = v.get("age", 60)
    res: list[dict[str, Any]] = [
        {
            "resourceType": "Patient",
            "id": pid,
            "active": True,
            "name": [{"text": v.get("name", "测试患者")}],
            "gender": v.get("sex", "female"),
            "birthDate": f"{now.year - age - 1}-{now.month:02d}-01"
            if now.month > 1
            else f"{now.year - age - 1}-01-01",
        }
    ]
    if "age_months" in v:  # an infant: born on the 1st of the month ``age_months`` months ago
        year, month = divmod(now.year * 12 + now.month - 1 - int(v["age_months"]), 12)
        res[0]["birthDate"] = f"{year}-{month + 1:02d}-01"
    n = 0

    def nid() -> str:
        nonlocal n
        n += 1
        return f"{pid}-{n}"[:64]

    for key in v.get("conditions", []):
        res.append(_condition(key, pid, nid(), now))
    for key in v.get("meds", []):
        # a key of MEDS, or inline {atc, text} (the sealed set), {local, text} or {text} (r4: a
        # hospital's own code, or the name alone)
        if isinstance(key, dict) and "atc" not in key:
            codings = [{"system": LOCAL, "code": key["local"]}] if "local" in key else []
            med = {"coding": codings, "text": key["text"]} if codings else {"text": key["text"]}
        else:
            atc, text = (key["atc"], key["text"]) if isinstance(key, dict) else MEDS[key]
            med = {"coding": [{"system": ATC, "code": atc}], "text": text}
        res.append(
            {
                "resourceType": "MedicationRequest",
                "id": nid(),
                "status": "active",
                "intent": "order",
                "medicationCodeableConcept": med,
                "subject": _ref(pid),
            }
        )
    if "surgery" in v:
        s = v["surgery"]
        res.append(
            {
                "resourceType": "Procedure",
                "id": nid(),
                "status": "completed",
                # SNOMED CT (default: laparoscopic cholecystectomy) or ICD-9-CM-3 (r4)
                "code": {
                    "coding": [
                        {"system": ICD9CM, "code": str(s["icd9cm3"])}
                        if "icd9cm3" in s
                        else {"system": SNOMED, "code": str(s.get("snomed", "387713003"))}
                    ],
                    "text": s.get("text", "腹腔镜胆囊切除术"),
                },
                "subject": _ref(pid),
                # ``days_ago: null``: a surgery the EMR sent without a date (noticed bugs, item 1)
                **(
                    {"performedDateTime": _when(now, s["days_ago"] * 24)}
                    if s.get("days_ago") is not None
                    else {}
                ),
            }
        )
    if "discharge_days_ago" in v:
        d = v["discharge_days_ago"]
        res.append(
            {
                "resourceType": "Encounter",
                "id": nid(),
                "status": "finished",
                "class": {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "IMP",
                },
                "subject": _ref(pid),
                "period": {"start": _when(now, (d + 5) * 24), "end": _when(now, d * 24)},
            }
        )
    for enc in v.get("encounters", []):
        res += _encounter(enc, pid, nid, now)
    for row in v.get("obs", []):
        kind, value, hours = row[0], row[1], row[2]
        if kind == "bp":
            res.append(
                {
                    "resourceType": "Observation",
                    "id": nid(),
                    "status": "final",
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                    "code": "vital-signs",
                                }
                            ]
                        }
                    ],
                    "code": {"coding": [{"system": LOINC, "code": "85354-9"}], "text": "血压"},
                    "subject": _ref(pid),
                    "effectiveDateTime": _when(now, hours),
                    "component": [
                        {
                            "code": {"coding": [{"system": LOINC, "code": "8480-6"}]},
                            "valueQuantity": {
                                "value": value[0],
                                "unit": "mmHg",
                                "system": "http://unitsofmeasure.org",
                                "code": "mm[Hg]",
                            },
                        },
                        {
                            "code": {"coding": [{"system": LOINC, "code": "8462-4"}]},
                            "valueQuantity": {
                                "value": value[1],
                                "unit": "mmHg",
                                "system": "http://unitsofmeasure.org",
                                "code": "mm[Hg]",
                            },
                        },
                    ],
                }
            )
            continue
        code, text, unit, cat = OBS[kind]
        if len(row) > 3:
            unit = row[3]
        res.append(
            {
                "resourceType": "Observation",
                "id": nid(),
                "status": "final",
                "category": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                "code": cat,
                            }
                        ]
                    }
                ],
                "code": {"coding": [{"system": LOINC, "code": code}], "text": text},
                "subject": _ref(pid),
                "effectiveDateTime": _when(now, hours),
                "valueQuantity": {
                    "value": value,
                    "unit": unit,
                    "system": "http://unitsofmeasure.org",
                    "code": unit,
                },
            }
        )
    for row in v.get("survey", []):
        text, value, hours = row
        obs = {
            "resourceType": "Observation",
            "id": nid(),
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "survey",
                        }
                    ]
                }
            ],
            "code": {"text": text},
            "subject": _ref(pid),
            "effectiveDateTime": _when(now, hours),
        }
        obs["valueBoolean" if isinstance(value, bool) else "valueString"] = value
        res.append(obs)
    return res


def vignette_bundle(v: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"{r['resourceType']}/{r['id']}",
                "resource": r,
                "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"},
            }
            for r in vignette_resources(v, now)
        ],
    }


def vignette_record(v: dict[str, Any], now: datetime) -> PatientRecord:
    """The same vignette as an in-memory PatientRecord (engine-only accuracy runs)."""
    res = vignette_resources(v, now)
    by: dict[str, list] = {}
    for r in res[1:]:
        by.setdefault(r["resourceType"], []).append(r)
    return PatientRecord(
        patient=res[0],
        conditions=by.get("Condition", []),
        medication_requests=by.get("MedicationRequest", []),
        observations=by.get("Observation", []),
        procedures=by.get("Procedure", []),
        encounters=by.get("Encounter", []),
    )


def assess_vignette(v: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The follow-up engine's assessment of vignette ``v`` at ``now``: the one helper every
    follow-up test calls (no copy per test file)."""
    return assess_record(vignette_record(v, now), now)


def assess_words(
    words: str, now: datetime, *, label: str = "患者自述", hours_ago: float = 2, **record: Any
) -> dict[str, Any]:
    """The assessment of one survey answer (``label``: ``words``, ``hours_ago``) on a record given
    as vignette keys (age, sex, conditions, meds, surgery …): the mechanism tests' one helper."""
    v: dict[str, Any] = {"id": "words", **record}
    v["survey"] = [[label, words, hours_ago]]
    return assess_vignette(v, now)


def reason_codes(out: dict[str, Any]) -> set[str]:
    """The codes of an assessment's reasons."""
    return {r["code"] for r in out["reasons"]}
