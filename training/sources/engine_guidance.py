"""Adapter: the medication-guidance engine (``clinical.medkb.services.guidance``, issue 3).

For a vignette it picks (deterministically from the vignette id) symptoms and a home
cabinet of curated OTC products, asks ``advise()``, and returns the patient's question and
the engine's own ``advice`` text. The structured result and the vignette's patient context
go to the output monitor with the answer, as they would for a real message.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from training.sources import SourceUnavailable

SYMPTOM_SETS = [
    (["发烧", "头痛"], 38.5),
    (["发烧", "全身酸痛"], 39.1),
    (["咳嗽", "咳痰"], None),
    (["鼻塞", "流鼻涕", "打喷嚏"], None),
    (["拉肚子"], None),
    (["烧心", "反酸"], None),
    (["嗓子疼"], 37.8),
    (["牙疼"], None),
]
CABINETS = [
    ["泰诺林", "布洛芬缓释胶囊", "感冒灵颗粒"],
    ["必理通", "阿司匹林片"],
    ["布洛芬片", "氨溴索片"],
    ["氯雷他定片", "泰诺林"],
    ["蒙脱石散", "布洛芬片"],
    ["铝碳酸镁咀嚼片", "奥美拉唑肠溶胶囊"],
    ["必理通", "右美沙芬片", "阿莫西林胶囊"],
]


def _pick(vid: str, salt: str, n: int) -> int:
    return int(hashlib.sha256(f"{vid}:{salt}".encode()).hexdigest(), 16) % n


def _question(
    v: dict[str, Any], symptoms: list[str], temp: float | None, cabinet: list[str]
) -> str:
    sex = "男" if v["sex"] == "male" else "女"
    parts = [f"我{v['age']}岁，{sex}，有{'、'.join(v['conditions'])}"]
    meds = [m.split()[0] for m in v["medications"]]
    parts.append(f"正在吃{'、'.join(meds)}")
    allergy = [a for a in v["allergies"] if a != "无"]
    if allergy:
        parts.append(f"对{'、'.join(allergy)}过敏")
    now = f"现在{'、'.join(symptoms)}" + (f"，体温{temp}度" if temp else "")
    parts.append(now)
    parts.append(f"家里有{'、'.join(cabinet)}，我可以吃哪个？")
    return "，".join(parts)


def patient_context(v: dict[str, Any]) -> dict[str, Any]:
    """The vignette as the monitor's inline patient context."""
    return {
        "age": v["age"],
        "sex": v["sex"],
        "allergies": [a for a in v["allergies"] if a != "无"],
        "conditions": list(v["conditions"]),
        "medications": list(v["medications"]),
    }


def pairs(v: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """``[(question, answer, structured)]`` for one vignette."""
    try:
        from clinical.medkb import api
        from clinical.medkb.services.guidance import GuidanceRequest, advise
    except ImportError as exc:  # issue 3 not merged on this branch
        raise SourceUnavailable(f"clinical.medkb guidance not present ({exc})") from exc
    symptoms, temp = SYMPTOM_SETS[_pick(v["id"], "sym", len(SYMPTOM_SETS))]
    cabinet = CABINETS[_pick(v["id"], "cab", len(CABINETS))]
    ctx = api.PatientContext(
        age_years=v["age"],
        sex=v["sex"],
        conditions=list(v["conditions"]),
        allergies=[a for a in v["allergies"] if a != "无"],
        current_medications=list(v["medications"]),
    )
    res = advise(
        GuidanceRequest(patient=ctx, cabinet=cabinet, symptoms=symptoms, temperature_c=temp)
    )
    structured = json.loads(json.dumps(res, ensure_ascii=False, default=str))
    return [(_question(v, symptoms, temp, cabinet), res["advice"], structured)]
