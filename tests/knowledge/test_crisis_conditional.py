"""A death said as what the patient will do if things go on, and a supply as the end of suffering
(#15 crisis route, the lead's probes).

C-SSRS counts a conditional plan (if the pain goes on I will kill myself) as active ideation; a
stockpile said to end the suffering (家里的药够我吃一瓶了，吃了就不用受罪了) is preparatory
behaviour with intent. Both were unread (review). Twins: a medicine that relieves; someone who
nearly died; a wish that the pain would stop.
"""

from __future__ import annotations

import pytest

from clinical.knowledge.symptoms import present

CONDITIONAL = [
    "如果再这么疼下去我就去死",
    "再这样下去我就不活了",
    "要是治不好我就跳楼",
    "实在不行我就一死了之",
    "如果再這麼疼下去我就去死",  # traditional characters
]


@pytest.mark.parametrize("text", CONDITIONAL)
def test_a_conditional_death_is_suicidal(text: str) -> None:
    assert "suicidal" in present(text)


SUPPLY_END = [
    "家里的药够我吃一瓶了，吃了就不用受罪了",
    "攒的安眠药有一大把，全吃了就解脱了",
]


@pytest.mark.parametrize("text", SUPPLY_END)
def test_a_supply_said_to_end_the_suffering_is_overdose_intent(text: str) -> None:
    found = present(text)
    assert "overdose_intent" in found or "suicidal" in found


@pytest.mark.parametrize(
    "text",
    [
        "吃了止痛药就不受罪了，挺管用",
        "上次差点就死了，幸亏抢救过来",
        "疼得要死，吃了药就好了",
        "希望疼痛快点过去",
        "如果再这么疼下去我就去医院",
    ],
)
def test_relief_a_near_death_or_a_wish_for_less_pain_is_no_crisis(text: str) -> None:
    found = present(text)
    assert "suicidal" not in found and "overdose_intent" not in found


def test_taking_the_medicine_when_it_is_bad_is_no_crisis() -> None:
    # the development pool: 平时胃病比较厉害的时候就喝药 (then I take my medicine)
    assert "suicidal" not in present("平时胃病比较厉害的时候就喝药")
