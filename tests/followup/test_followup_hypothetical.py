"""Hypothetical and conditional symptoms (#15, #23 task B): a patient who asks what to do IF a
symptom comes reports none. The development set tests/followup/followup_vignettes_hypothetical.yaml
(written before the rule) runs in the set runner test_followup_sets.py (set ``hypothetical``, scored
by ``bench/followup_sets.py --file``): a hypothetical question raises no red flag, is not
"unrecognised", and is quoted for the care team as a question; the same question beside a symptom
that is present gives at least what the complaint alone gives. Here: a question put to the patient
still asks its symptom, and metamorphic tests: wrapping a present red-flag clause in
"医生，…，怎么办？" never lowers the disposition, while "如果…怎么办" around it alone gives no red flag."""

from __future__ import annotations

from django.utils import timezone
from followup_vignette_builder import assess_vignette
from hypothesis import given, settings
from hypothesis import strategies as st

from clinical.followup.services import lexicon
from clinical.followup.services.ruledata import rank

SETTINGS = settings(derandomize=True, deadline=None, max_examples=40, database=None)


def _assess(v: dict) -> dict:
    now = timezone.now()
    return assess_vignette(v, now)


def test_a_question_put_to_the_patient_still_asks_its_symptom() -> None:
    """A survey question "如有胸痛，请问是否出现过？" answered yes is chest pain: the hypothetical
    is read in the patient's words only, never in the question put to them."""
    asked = "如有胸痛，请问是否出现过？"
    v = {"id": "hq", "age": 60, "obs": [["temp", 36.6, 4]], "survey": [[asked, True, 1]]}
    assert _assess(v)["disposition"] == "emergency"
    assert [(m.concept, m.negated) for m in lexicon.match(asked, asked=True)] == [
        ("chest_pain", False)
    ]
    assert lexicon.match(asked) == []  # as a patient's words: asked about, not reported


# Present red-flag clauses as patients write them (no question, no cue, no time word).
RED_FLAGS = [
    "胸口痛",
    "胸口疼得厉害",
    "喘不上气",
    "大便是黑的",
    "吐血了",
    "说话不清楚",
    "抽搐了",
    "伤口流脓",
    "咳血",
    "呼吸困难",
    "便血",
    "意识不清",
]


@SETTINGS
@given(clause=st.sampled_from(RED_FLAGS), lead=st.sampled_from(["医生，", "医生您好，", ""]))
def test_asking_what_to_do_about_a_present_symptom_never_lowers_it(clause: str, lead: str) -> None:
    base = {"id": "hm", "age": 64, "obs": [["temp", 36.6, 4]]}
    plain = _assess({**base, "survey": [["今日感受", clause, 1]]})
    asked = _assess({**base, "survey": [["今日感受", f"{lead}{clause}，怎么办？", 1]]})
    assert rank(plain["disposition"]) >= rank("urgent")
    assert rank(asked["disposition"]) >= rank(plain["disposition"])


@SETTINGS
@given(
    clause=st.sampled_from(RED_FLAGS),
    cue=st.sampled_from(["如果", "万一", "要是", "假如", "如果以后"]),
    ask=st.sampled_from(["怎么办", "该怎么办？", "怎么处理", "点算"]),
)
def test_if_around_a_red_flag_gives_no_red_flag(clause: str, cue: str, ask: str) -> None:
    base = {"id": "hm", "age": 64, "obs": [["temp", 36.6, 4]]}
    out = _assess({**base, "survey": [["今日感受", f"{cue}{clause}{ask}", 1]]})
    assert rank(out["disposition"]) <= rank("routine"), out["reasons"]
    assert not [r for r in out["reasons"] if r["code"].startswith("redflag-")]
