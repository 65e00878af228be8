"""Look-alikes left over from the follow-up and crisis work (#15/#23 task look), each with real
patient wording written before the change:

1. 下面 after a place or a thing (楼下面, 床下面, 桌子下面) is a place, not the body: a clause
   naming it is no bodily complaint (symptom_blockers.csv), while 下面一边肿了 stays the genitals.
2. 肚子下面一侧疼 is lower abdominal pain, not genital pain (symptom_sites.csv).
3. An adherence report followed by an overdose quantity (the whole bottle, all of them at once,
   一整瓶) is an overdose; run-together English self-harm (icutmyself) is read as the crisis
   grammar reads run-together pinyin (woxiangzisha) and ikilledmyself (symptom_crisis.csv).
4. 嗓子今天哑了 is a hoarse voice (a time word inside a term); 说话费劲 said of a hoarse voice is no
   slurred speech (symptom_explained.csv), without a throat word it still is."""

from __future__ import annotations

import pytest

from clinical.knowledge import unread
from clinical.knowledge.symptoms import present


@pytest.mark.parametrize(
    "text",
    [
        "楼下面一边在装修",
        "楼下边一边在修路",
        "床下面一边放着箱子",
        "桌子下面一边堆着快递",
        "车下面一边有摊油",
        "山下面一边是河",
    ],
)
def test_below_a_place_names_no_body(text: str) -> None:
    assert "genital_pain" not in present(text)
    assert unread.body_named(text) == ""


@pytest.mark.parametrize("text", ["下面一边肿了", "下面一侧疼得厉害", "下身一边肿痛"])
def test_one_side_below_stays_the_genitals(text: str) -> None:
    assert "genital_pain" in present(text)


@pytest.mark.parametrize("text", ["肚子下面一侧疼", "肚子下面一边疼", "肚子下边一侧痛"])
def test_one_side_below_the_belly_is_lower_abdominal_pain(text: str) -> None:
    found = present(text)
    assert "abdominal_pain" in found
    assert "genital_pain" not in found


@pytest.mark.parametrize(
    "text",
    [
        "I took all my pills today, the whole bottle",
        "took all my pills today, all of them at once",
        "I took all my pills this morning, every pill I had",
        "took all my pills today - the whole bottle",
        "今天的药都吃了，一整瓶",
    ],
)
def test_an_overdose_quantity_after_an_adherence_report_is_an_overdose(text: str) -> None:
    assert "overdose_intent" in present(text)


@pytest.mark.parametrize(
    "text",
    [
        "took all my pills today",
        "I took all my pills today, feeling fine",
        "took all my pills as prescribed, all of them with breakfast",
        "今天的药都吃了",
        "今天的药都吃了，一整瓶水也喝了",  # a drink, not the supply
    ],
)
def test_an_adherence_report_alone_is_no_overdose(text: str) -> None:
    assert "overdose_intent" not in present(text)


@pytest.mark.parametrize("text", ["icutmyself", "ikilledmyself", "woxiangzisha", "i cut myself"])
def test_run_together_self_harm_is_crisis(text: str) -> None:
    assert {"suicidal", "self_harm"} & set(present(text))


@pytest.mark.parametrize("text", ["嗓子今天哑了", "嗓子昨天哑了", "嗓子这两天哑了"])
def test_a_time_word_inside_a_hoarse_voice(text: str) -> None:
    assert "hoarseness" in present(text)


@pytest.mark.parametrize(
    "text",
    ["嗓子哑了，说话费劲", "嗓子今天哑了，说话有点费劲", "声音嘶哑，讲话吃力"],
)
def test_effortful_speech_of_a_hoarse_voice_is_no_slurred_speech(text: str) -> None:
    found = present(text)
    assert "slurred_speech" not in found
    assert "hoarseness" in found


@pytest.mark.parametrize(
    "text",
    ["说话费劲", "说话不利索", "我爸今天说话费劲", "嗓子哑了，突然说话含糊不清"],
)
def test_effortful_speech_without_a_hoarse_voice_stays_slurred_speech(text: str) -> None:
    assert "slurred_speech" in present(text)
