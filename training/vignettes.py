"""Deterministic synthetic patient vignettes for the engine-grounded builders.

Each vignette is a small dict shaped like the parts of ``ammed_fhir.store.PatientRecord``
the engines read (age, sex, conditions, medications with sigs, allergies, observations).
Nothing here is a real patient; values are drawn from fixed lists with a seeded RNG.
"""

from __future__ import annotations

import random
from typing import Any

CONDITIONS = [
    ("高血压", ["苯磺酸氨氯地平片 5mg 每日一次", "缬沙坦胶囊 80mg 每日一次"]),
    ("2型糖尿病", ["盐酸二甲双胍缓释片 0.5g 每日两次 随餐", "阿卡波糖片 50mg 每日三次"]),
    ("心房颤动", ["华法林钠片 3mg 每日一次"]),
    ("高脂血症", ["阿托伐他汀钙片 20mg 每晚一次"]),
    ("膝关节置换术后", ["对乙酰氨基酚片 0.5g 必要时", "头孢呋辛酯片 0.25g 每日两次 共5天"]),
    ("慢性胃炎", ["泮托拉唑钠肠溶片 40mg 早餐前"]),
]
ALLERGIES = ["青霉素", "磺胺类", "无"]
OBS = {
    "高血压": ("血压", ["138/86 mmHg", "162/98 mmHg", "118/76 mmHg"]),
    "2型糖尿病": ("空腹血糖", ["6.1 mmol/L", "8.6 mmol/L", "11.2 mmol/L"]),
    "心房颤动": ("INR", ["2.4", "1.6", "3.8"]),
}


def make_vignettes(n: int, seed: int = 20261129) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        conds = rng.sample(CONDITIONS, k=rng.choice([1, 2]))
        v: dict[str, Any] = {
            "id": f"vignette-{i:05d}",
            "age": rng.randint(35, 88),
            "sex": rng.choice(["male", "female"]),
            "conditions": [c for c, _ in conds],
            "medications": [m for _, meds in conds for m in meds],
            "allergies": [rng.choice(ALLERGIES)],
            "observations": {},
        }
        for c, _ in conds:
            if c in OBS:
                name, values = OBS[c]
                v["observations"][name] = rng.choice(values)
        out.append(v)
    return out
