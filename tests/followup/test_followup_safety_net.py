"""Issue #15 safety net: words the engine cannot read are never routine or self-care: words
in which nothing was read go to clinician review within 24 h (``review``); when they name the
body they are partly understood and go ``urgent`` (task h-partial)."""

from __future__ import annotations

from django.utils import timezone
from followup_vignette_builder import assess_vignette


def _assess(v: dict) -> dict:
    now = timezone.now()
    return assess_vignette(v, now)


def test_unrecognised_words_are_for_review_quoted_high_and_told_to_the_patient() -> None:
    out = _assess({"id": "sn1", "age": 55, "survey": [["今日感受", "昨晚梦见老家的院子了", 2]]})
    assert out["disposition"] == "review"
    reason = next(r for r in out["reasons"] if r["code"] == "symptom-unrecognised")
    assert "“昨晚梦见老家的院子了”" in reason["text"]
    assert reason["source"]
    assert out["uncertainty"]["level"] == "high"
    assert out["timeframe"]["code"] == "clinician-review-24h"
    # a person will read the words and contact the patient; 24 h and 120 are said once each
    when = out["timeframe"]["text"]
    assert "随访医护人员" in when and "联系您" in when
    assert when.count("24小时") == 1 and when.count("120") == 1


def test_unrecognised_words_that_name_the_body_are_urgent_quoted_and_said_safely() -> None:
    # was review (h-review): 肚脐眼 names the body, so the words are partly understood (h-partial)
    out = _assess(
        {"id": "sn1b", "age": 55, "survey": [["今日感受", "肚脐眼旁边一跳一跳的怪怪的", 2]]}
    )
    assert out["disposition"] == "urgent"
    reason = next(r for r in out["reasons"] if r["code"] == "symptom-unrecognised")
    assert reason["disposition"] == "urgent"
    assert "“肚脐眼旁边一跳一跳的怪怪的”" in reason["text"]
    assert out["uncertainty"]["level"] == "high"
    when = out["timeframe"]["text"]
    assert "暂时无法自动判断" in when and "随访医护人员" in when
    assert when.count("24小时") == 1 and when.count("120") == 1


def test_unrecognised_words_never_lower_an_emergency() -> None:
    out = _assess(
        {
            "id": "sn2",
            "age": 66,
            "survey": [["症状描述", "胸口疼", 1], ["今日感受", "腿上的皮肤一跳一跳的怪怪的", 1]],
        }
    )
    assert out["disposition"] == "emergency"
    when = out["timeframe"]["text"]
    assert when.startswith("请立即拨打120") and when.count("120") == 1
    assert "暂时无法自动判断" in when and "随访医护人员" in when


def test_all_well_is_not_unrecognised() -> None:
    out = _assess({"id": "sn3", "age": 60, "survey": [["今日感受", "一切正常", 2]]})
    assert out["disposition"] in ("self-care", "routine")
    assert not any(r["code"] == "symptom-unrecognised" for r in out["reasons"])


def test_partly_read_text_is_not_judged_on_the_word_we_know() -> None:
    # 没劲 alone is minor; the clause we cannot read may be anything (#15): a clinician reads it
    out = _assess(
        {"id": "sn4", "age": 66, "survey": [["症状描述", "右脚一跳一跳的怪怪的，没劲", 1]]}
    )
    assert out["disposition"] == "urgent"  # 右脚 names the body: partly understood (h-partial)
    reason = next(r for r in out["reasons"] if r["code"] == "symptom-unrecognised")
    assert "右脚一跳一跳的怪怪的" in reason["text"]
    assert out["uncertainty"]["level"] == "high"


def test_words_the_lexicon_learnt_are_judged_at_their_level() -> None:
    # these were unread before #15's lexicon growth; now each is a concept with its own level
    cases = [
        ("右手突然拿不住筷子，没劲", "emergency", "redflag-stroke-signs"),  # one-sided weakness
        ("身上好多小红点点，按了不褪色", "urgent", "symptom-lexicon-level"),  # petechiae
        ("嘴唇青紫", "emergency", "symptom-lexicon-level"),  # cyanosis
    ]
    for i, (text, want, code) in enumerate(cases):
        out = _assess({"id": f"sn7-{i}", "age": 66, "survey": [["症状描述", text, 1]]})
        assert out["disposition"] == want, (text, out["reasons"])
        assert code in {r["code"] for r in out["reasons"]}, text


def test_fully_read_text_stays_read() -> None:
    out = _assess({"id": "sn5", "age": 50, "survey": [["症状描述", "没有胸痛，就是有点咳嗽", 1]]})
    assert not any(r["code"] == "symptom-unrecognised" for r in out["reasons"])


def test_a_measurement_clause_is_a_reading_not_unread_words() -> None:
    """The agent stores the number as an Observation that the vital/lab rules judge."""
    out = _assess(
        {"id": "sn6", "age": 60, "survey": [["症状描述", "有点咳嗽，早上血压160/100", 1]]}
    )
    assert not any(r["code"] == "symptom-unrecognised" for r in out["reasons"])
