"""Metamorphic families for follow-up triage (issue #15).

Every red-flag development vignette (reference ``urgent`` or ``emergency``) is rewritten in ways
a patient or a device could write the same thing: colloquial synonyms, 疼/痛, clause order, a
negated other symptom added, traditional characters, full-width and zero-width characters,
numbers as digits and as Chinese numerals, and the vital signs in other units (°F, mg/dL, lb).
Each variant must get the same or a more urgent disposition than the original, and an emergency
stays an emergency. The text rewrites of the output monitor's families are reused
(``tests/monitor/paraphrase.py``), not copied.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from copy import deepcopy
from pathlib import Path

import pytest
from django.utils import timezone
from followup_vignette_builder import assess_vignette, load_vignettes

from clinical.followup.services.ruledata import rank

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "monitor"))
from paraphrase import chinese_numerals, full_width, traditional, zero_width

# Same meaning, other words (each pair both ways; first match only).
SYNONYMS = [
    ("胸口", "心口"),
    ("喘不上气", "喘不过气"),
    ("头疼", "脑袋疼"),
    ("发烧", "发热"),
    ("摔倒", "跌倒"),
    ("摔了一跤", "跌了一跤"),
    ("大便", "便便"),
    ("嘴歪", "嘴巴歪"),
    ("说话不清楚", "说话含糊"),
    ("出冷汗", "冒冷汗"),
    ("刀口", "伤口"),
    ("小腿", "腿肚子"),
    ("晕倒", "昏倒"),
    ("吐血", "呕血"),
    ("拉黑屎", "拉黑便"),
    ("刷牙出血", "刷牙时牙龈出血"),
]
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NEGATED_OTHERS = ("咳嗽", "腹泻", "牙痛")


def _synonym(text: str) -> str:
    for a, b in SYNONYMS:
        if a in text:
            return text.replace(a, b, 1)
        if b in text:
            return text.replace(b, a, 1)
    return text


def _pain_swap(text: str) -> str:
    return text.translate(str.maketrans({"疼": "痛", "痛": "疼"}))


def _reorder(text: str) -> str:
    clauses = [c for c in re.split("[，,]", text) if c]
    return "，".join(reversed(clauses))


def _negation_elsewhere(text: str) -> str:
    other = next(o for o in NEGATED_OTHERS if o not in text)
    return f"没有{other}，{text}"


def _digits(text: str) -> str:
    """Chinese numerals before a measure word → digits (吐了两次 → 吐了2次)."""
    return re.sub(
        r"([一二两三四五六七八九])(?=[次天周个小分下])", lambda m: str(_CN[m.group(1)]), text
    )


def _courtesy(text: str) -> str:
    return f"谢谢医生，{text}，其他还好"


def _time_prefix(text: str) -> str:
    return f"今天早上{text}"


TEXT_REWRITES: dict[str, Callable[[str], str]] = {
    "courtesy_around": _courtesy,
    "time_prefix": _time_prefix,
    "synonym": _synonym,
    "pain_swap": _pain_swap,
    "clause_order": _reorder,
    "negation_elsewhere": _negation_elsewhere,
    "traditional": traditional,
    "full_width": full_width,
    "zero_width": zero_width,
    "chinese_numerals": chinese_numerals,
    "digits": _digits,
}


def _units(v: dict) -> dict:
    """The same readings in other units: temperature °F, glucose mg/dL, weight lb."""
    out = deepcopy(v)
    rows = []
    for row in out.get("obs", []):
        kind, value, hours = row[0], row[1], row[2]
        if kind == "temp" and len(row) == 3:
            rows.append(["temp", round(value * 9 / 5 + 32, 1), hours, "[degF]"])
        elif kind == "glucose":
            rows.append(["glucose_mgdl", round(value * 18.016, 1), hours])
        elif kind == "weight" and len(row) == 3:
            rows.append(["weight", round(value / 0.45359237, 2), hours, "[lb_av]"])
        else:
            rows.append(row)
    out["obs"] = rows
    return out


def _variants(v: dict) -> list[tuple[str, dict]]:
    out: list[tuple[str, dict]] = []
    for kind, rewrite in TEXT_REWRITES.items():
        new = deepcopy(v)
        changed = False
        for row in new.get("survey", []):
            if isinstance(row[1], str):
                text = rewrite(row[1])
                changed |= text != row[1]
                row[1] = text
        if changed:
            out.append((kind, new))
    units = _units(v)
    if units["obs"] != v.get("obs", []):
        out.append(("units", units))
    return out


RED_FLAG = [
    v
    for v in load_vignettes()
    if rank(v["expect"]) >= rank("urgent")
    and any(isinstance(row[1], str) for row in v.get("survey", []))
    or (rank(v["expect"]) >= rank("urgent") and v.get("obs"))
]


def _disposition(v: dict) -> str:
    now = timezone.now()
    return assess_vignette(v, now)["disposition"]


def test_every_family_has_variants() -> None:
    assert len(RED_FLAG) >= 80
    with_text = [v for v in RED_FLAG if any(isinstance(r[1], str) for r in v.get("survey", []))]
    assert all(len(_variants(v)) >= 5 for v in with_text)


@pytest.mark.parametrize("vignette", RED_FLAG, ids=[v["id"] for v in RED_FLAG])
def test_paraphrase_family_never_lowers_the_disposition(vignette: dict) -> None:
    base = _disposition(vignette)
    assert rank(base) >= rank(vignette["expect"])
    lowered = []
    for kind, variant in _variants(vignette):
        got = _disposition(variant)
        if rank(got) < rank(base) or (base == "emergency" and got != "emergency"):
            texts = [r[1] for r in variant.get("survey", [])]
            lowered.append(f"{kind}: {base} → {got} {texts}")
    assert not lowered, lowered
