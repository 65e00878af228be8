"""Adapter: the diet-consultation engine (``clinical.diet.services.consult``, issue 6).

For a vignette it picks a food or drink (deterministically from the vignette id), asks the
engine with the vignette's medicines, conditions and allergies, and returns the patient's
question with the engine's own ``advice``. Answers whose verdict is ``unknown`` are skipped:
the engine knows nothing to say, which teaches the model nothing.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from training.sources import SourceUnavailable

FOODS = [
    "西柚汁",
    "白酒",
    "啤酒",
    "牛奶",
    "咖啡",
    "菠菜",
    "香蕉",
    "浓茶",
    "海鲜",
    "动物内脏",
    "蜂蜜",
    "红枣",
]


def pairs(v: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    try:
        from clinical.diet.services import consult
    except ImportError as exc:
        raise SourceUnavailable(f"clinical.diet not present ({exc})") from exc
    food = FOODS[int(hashlib.sha256(f"{v['id']}:food".encode()).hexdigest(), 16) % len(FOODS)]
    patient = {
        "current_medications": list(v["medications"]),
        "conditions": list(v["conditions"]),
        "allergies": [a for a in v["allergies"] if a != "无"],
    }
    try:
        ans = consult(food=food, patient=patient)
    except Exception as exc:  # e.g. the knowledge-graph table is not migrated in this DB
        raise SourceUnavailable(f"clinical.diet.consult failed here: {exc!r:.160}") from exc
    if ans.verdict == "unknown" or not ans.advice.strip():
        return []
    meds = "、".join(m.split()[0] for m in v["medications"])
    verb = "喝" if any(h in food for h in ("酒", "汁", "茶", "奶", "咖啡")) else "吃"
    q = f"我有{'、'.join(v['conditions'])}，正在吃{meds}，可以{verb}{food}吗？"
    structured = json.loads(json.dumps(ans.to_dict(), ensure_ascii=False, default=str))
    return [(q, ans.advice, structured)]
