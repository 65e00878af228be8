"""#23 round 4 mechanisms found on the development misses (dev_r4 read after the mechanisms of
test_symptoms_intensity.py): each is checked on a paraphrase family, not on the slice's words."""

from __future__ import annotations

import pytest

from clinical.knowledge.symptoms import present


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # a change of state and 好 between a body word and its quality
        ("leg_edema", "下肢也变的好肿"),
        ("leg_edema", "两条腿变得很肿"),
        ("leg_edema", "腿變得好腫"),
        ("jaundice", "脸变黄了"),
        ("cyanosis", "嘴唇变紫了"),
        ("headache", "头好痛"),
        # the lung named for the chest
        ("chest_pain", "肺部疼痛"),
        ("chest_pain", "肺那里一直隐隐作痛"),
        ("chest_pain", "最近肺疼"),
        # verb-object order of a loss of consciousness
        ("syncope", "瞬间丧失意识"),
        ("syncope", "突然丧失了意识"),
        ("syncope", "意识丧失"),
        # an unsteady gait, a body leaning to one side
        ("ataxia", "脚走路有点飘"),
        ("ataxia", "走路发飘"),
        ("ataxia", "身体总是向左侧倾斜"),
        ("ataxia", "人老是往一边倒"),
        ("ataxia", "身子向右倒"),
        # 极 as an intensity word
        ("abdominal_pain_severe", "胃极痛"),
        ("severe_headache", "头极其痛"),
    ],
)
def test_round4_paraphrase_families(concept: str, text: str) -> None:
    assert concept in present(text), (text, present(text))


@pytest.mark.parametrize(
    ("absent", "text"),
    [
        ("chest_pain", "肺部CT有阴影"),
        ("chest_pain", "肺炎好了"),
        ("ataxia", "身体没有倾斜"),
        ("ataxia", "房子向一侧倾斜"),
        ("leg_edema", "腿变细了"),
        ("syncope", "没有丧失意识"),
    ],
)
def test_round4_mechanisms_do_not_overreach(absent: str, text: str) -> None:
    assert absent not in present(text), (text, present(text))
