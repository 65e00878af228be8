"""Issue #15 invariants (hypothesis): more danger never lowers the disposition, and self-care
never coexists with words the engine could not read.

Derandomised (same examples every run) and without a deadline, so CI is reproducible.
"""

from __future__ import annotations

import copy

from django.utils import timezone
from followup_vignette_builder import assess_vignette
from hypothesis import given, settings
from hypothesis import strategies as st

from clinical.followup.services.ruledata import rank

SETTINGS = settings(derandomize=True, deadline=None, max_examples=100, database=None)

RED_FLAGS = [
    "胸口疼",
    "突然喘不上气",
    "说话不清楚，嘴歪",
    "吐血了",
    "大便发黑",
    "晕倒了",
    "抽风了",
    "看东西重影，走路不稳",
    "嘴唇肿起来了，嗓子发紧",
    "胸口发紧，左胳膊发麻",
    "摔了一跤，站不起来",
    "嘴唇周围发麻",
]
MINOR = [
    "有点咳嗽",
    "头疼",
    "有点累",
    "伤口有点疼",
    "头晕",
    "今天挺好",
    "没有不舒服",
    "胃口一般",
    "有点便秘",
    "刀口有点痒",
    "谢谢医生，其他还好",
]
UNRECOGNISED = ["右边腰上一跳一跳的怪怪的", "脚趾头发凉变白", "肚子里好像有东西往下坠"]
# vitals: (kind, low, high, normal centre) in the builder's units
VITALS = {
    "temp": (34.5, 40.5, 37.0),
    "hr": (35, 160, 75),
    "rr": (6, 35, 16),
    "spo2": (80, 100, 98),
    "sbp": (70, 200, 120),
}


@st.composite
def vignettes(draw) -> dict:
    v: dict = {"id": "inv", "age": draw(st.integers(20, 90)), "obs": [], "survey": []}
    v["conditions"] = draw(
        st.lists(
            st.sampled_from(["hypertension", "diabetes", "af", "copd"]), unique=True, max_size=2
        )
    )
    v["meds"] = draw(
        st.lists(
            st.sampled_from(["amlodipine", "metformin", "paracetamol"]), unique=True, max_size=2
        )
    )
    if draw(st.booleans()):
        v["surgery"] = {"days_ago": draw(st.integers(1, 60))}
    for kind, (lo, hi, _) in VITALS.items():
        if draw(st.booleans()):
            value = round(draw(st.floats(lo, hi)), 1)
            v["obs"].append(
                ["bp", [int(value), int(value * 0.6)], 1] if kind == "sbp" else [kind, value, 1]
            )
    for text in draw(st.lists(st.sampled_from(MINOR), unique=True, max_size=2)):
        v["survey"].append(["症状描述", text, 2])
    return v


def _disposition(v: dict) -> dict:
    now = timezone.now()
    return assess_vignette(v, now)


def _worse(value: float, centre: float, step: float) -> float:
    return value + step if value >= centre else value - step


@SETTINGS
@given(vignettes(), st.sampled_from(RED_FLAGS))
def test_adding_a_red_flag_never_lowers(v: dict, flag: str) -> None:
    before = _disposition(v)["disposition"]
    w = copy.deepcopy(v)
    w["survey"].append(["症状描述", flag, 1])
    assert rank(_disposition(w)["disposition"]) >= rank(before)


@SETTINGS
@given(vignettes(), st.sampled_from(UNRECOGNISED))
def test_adding_unrecognised_words_never_lowers_and_is_at_least_review(v: dict, words: str) -> None:
    before = _disposition(v)["disposition"]
    w = copy.deepcopy(v)
    w["survey"].append(["今日感受", words, 1])
    after = _disposition(w)
    assert rank(after["disposition"]) >= max(rank(before), rank("review"))
    assert after["uncertainty"]["level"] == "high"


@SETTINGS
@given(vignettes(), st.floats(1, 15))
def test_a_worse_vital_sign_never_lowers(v: dict, step: float) -> None:
    if not v["obs"]:
        return
    before = _disposition(v)["disposition"]
    w = copy.deepcopy(v)
    row = w["obs"][0]
    if row[0] == "bp":
        sbp = int(_worse(row[1][0], 120, step))
        row[1] = [sbp, int(sbp * 0.6)]  # a plausible pair (DBP < SBP)
    else:
        lo, hi, centre = VITALS[row[0]]
        scale = 0.2 if row[0] == "temp" else 1.0
        row[1] = round(min(hi, max(lo, _worse(row[1], centre, step * scale))), 1)
    after = _disposition(w)
    assert rank(after["disposition"]) >= rank(before), (
        repr(v),
        repr(w),
        [r["code"] for r in after["reasons"]],
    )


@SETTINGS
@given(
    vignettes(),
    st.sampled_from(
        ["anticoagulant", "antiplatelet", "elderly", "surgery", "chemo", "postpartum", "diabetes"]
    ),
)
def test_a_risk_modifier_never_lowers(v: dict, modifier: str) -> None:
    before = _disposition(v)["disposition"]
    w = copy.deepcopy(v)
    if modifier == "anticoagulant":
        w["meds"].append("rivaroxaban")
    elif modifier == "antiplatelet":
        w["meds"].append("clopidogrel")
    elif modifier == "postpartum":
        w.setdefault("surgery", {"days_ago": 10, "text": "剖宫产术", "snomed": "11466000"})
    elif modifier == "diabetes":
        w["conditions"] = sorted(set(w["conditions"]) | {"diabetes"})
    elif modifier == "elderly":
        w["age"] = max(w["age"], 80)
    elif modifier == "surgery":
        w.setdefault("surgery", {"days_ago": 5})
    else:
        w["meds"].append("capecitabine")
    assert rank(_disposition(w)["disposition"]) >= rank(before)


@SETTINGS
@given(vignettes(), st.lists(st.sampled_from(UNRECOGNISED + MINOR + RED_FLAGS), max_size=3))
def test_routine_or_self_care_never_with_unrecognised_words(v: dict, texts: list[str]) -> None:
    w = copy.deepcopy(v)
    w["survey"] += [["今日感受", t, 1] for t in texts]
    out = _disposition(w)
    if any(r["code"] == "symptom-unrecognised" for r in out["reasons"]):
        assert out["disposition"] not in ("self-care", "routine")
