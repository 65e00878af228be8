"""Issue #15, agent: development cases for the crisis reader, written before the rules change.

Crisis language from published knowledge of how people (here: Chinese patients) say it:
- C-SSRS (Columbia Suicide Severity Rating Scale, Chinese version): wish to be dead ("希望自己
  死去或睡着后再也不要醒来"), active thoughts, method, intent, plan, preparatory behaviour
  (collecting pills, researching a method, writing a note, giving things away), self-harm;
- WHO LIVE LIFE (2021) and WHO Preventing suicide (2014): passive death wish, feeling a burden,
  access to means (pesticides, medicines), self-harm as the strongest risk factor;
- 北京心理危机研究与干预中心 (Beijing Suicide Research and Prevention Center) public guidance on
  warning signs: 活着没意思, 想一了百了, 不想拖累家人, 解脱, 交代后事, 跟家人告别, 攒药;
- 国家卫生健康委员会: 12356 national psychological assistance line (2025).

Near-miss controls: ``…死了`` as an intensifier (疼死了, 累死了, 笑死, 想死你了), mortality
questions, medical words with 死 (心肌梗死, 坏死), negated statements, ordinary stock and dose
talk. An accidental extra-dose question (吃多了药会怎样) is NOT a crisis (C-SSRS: ideation needs a
wish to be dead or thoughts of killing oneself; a question about an extra dose states neither):
it is a medication question for the care team. A question about a LETHAL amount (吃多少片会死,
致死量) is a crisis (C-SSRS preparatory behaviour: researching a method).
"""

from __future__ import annotations

import pytest

from clinical.agent.understanding.rules import understand
from clinical.knowledge import symptoms
from tests.monitor.paraphrase import full_width, traditional, zero_width

CRISIS_KEYS = {"suicidal", "overdose_intent"}

PASSIVE = [
    "活着真没意思，每天都很煎熬",
    "觉得活着没什么意义了",
    "每天晚上都希望睡着了就不要再醒来",
    "真想一睡不醒",
    "我不想醒来了",
    "想一了百了",
    "死了就解脱了",
    "我只想解脱",
    "不想再拖累家人了",
    "我是家里的累赘，没有我他们会过得更好",
    "活着太累了，真想死了算了",
    "还不如死了好",
    "早点死了算了，省得受罪",
    "我活够了",
    "真希望自己死掉",
    "要是明天醒不过来就好了",
    "我不想活下去了",
    "没有活下去的勇气了",
    "真想离开这个世界",
    "我想结束这一切",
]
PLAN_AND_MEANS = [
    "我攒了三十片安眠药",
    "最近一直在囤安眠药，够了就一起吃",
    "我偷偷存了一瓶地西泮",
    "我打算把药一次吃完",
    "想把所有的药一口气全吞了",
    "准备今晚跳楼",
    "我想从楼上跳下去",
    "想去跳河",
    "刀都准备好了，想割腕",
    "买了炭，打算在家烧炭",
    "想喝农药",
    "想找根绳子上吊",
    "吃多少片安眠药会死？",
    "华法林吃多少会死人",
    "安眠药的致死量是多少",
    "想结束自己的生命",
    "我想做傻事",
    "真想一死了之",
]
FAREWELL = [
    "我已经交代好后事了",
    "遗书已经写好了",
    "想跟家人好好告别",
    "永别了，谢谢你们这段时间的照顾",
]
SELF_HARM = [
    "我又用刀划自己了",
    "忍不住拿刀割自己的手",
    "一难受就划手腕",
    "最近老是想伤害自己",
    "我拿烟头烫自己",
]
TAKEN = [
    "我刚吞了一把药",
    "刚才把一整瓶安眠药都吃了",
    "刚吃了二十片安眠药",
    "我一次吃了30片降压药",
    "把剩下的药全吞了",
]
WRITTEN_ODDLY = [
    "活著沒意思，想自殺",
    "我攢了一瓶安眠藥",
    "想跳樓",
    "我\u200b想\u200b自\u200b杀",
    "想\u200b一\u200b了\u200b百\u200b了",
    "我\u200e想\u202e自杀",
    "Ｉ ｗａｎｔ ｔｏ ｄｉｅ",
    "I want to die",
    "I don't want to live anymore",
    "I'm going to take all my pills tonight",
    "I cut myself again",
    "everyone would be better off dead without me",
    "wo bu xiang huo le",
    "xiang zisha",
]
WITH_A_MEDICINE = [
    "不想活了，阿司匹林能多吃几片吗",
    "华法林一次吃一整瓶会怎样，反正我也不想活了",
    "安眠药能再多开一些吗？我想攒够了一起吃",
    "想死，降压药还用吃吗",
    "活着没意思，二甲双胍饭前还是饭后吃",
]
# A second development batch, written from the same sources after the first rule pass to see
# whether the grammar generalised (11 of 23 were missed then; two are still missed and left out:
# 今晚就打算走了 (走 alone is too ambiguous to read as death) and 把药都吃了，一整板 (the supply
# named in the next clause)).
SECOND_BATCH = [
    "我真的撑不下去了，想死",
    "人生一点意思都没有",
    "我想吃安眠药自杀",
    "我想从桥上跳下去",
    "不如死了干净",
    "我死了孩子们就不用再照顾我了",
    "家里的药我都攒着呢",
    "想把降压药全部吃掉",
    "我把一瓶阿司匹林都吃了",
    "想自我了断",
    "I'm thinking about ending my life",
    "I want to end it",
    "想一觉睡过去再也不醒",
    "每天都想着怎么死",
    "真想拿刀捅自己",
    "我用刀片划了手臂",
    "我想喝药",
    "我吃了一瓶安眠药",
]
CRISIS = (
    PASSIVE
    + PLAN_AND_MEANS
    + FAREWELL
    + SELF_HARM
    + TAKEN
    + WRITTEN_ODDLY
    + WITH_A_MEDICINE
    + SECOND_BATCH
)

NOT_CRISIS = [
    # a parent giving medicine (found on the development corpus draw, lexicon_dev_r3)
    "宝宝有点感冒，我想给他喝药，但是又怕他小",
    "我想帮孩子喝药，怎么喂",
    "不想做手术，准备喝药救治",
    "打算喝药调理一下",
    # ...死了 / 死 as an intensifier
    "疼死了",
    "伤口疼死了",
    "累死了",
    "今天走路累死我了",
    "笑死我了",
    "饿死了，能吃点东西吗",
    "想死你了",
    "热死了",
    "吓死我了",
    "气死我了",
    "烦死了",
    "困死了",
    "急死人了",
    "死活睡不着",
    # mortality and medical words with 死
    "心梗的死亡率高吗",
    "这个手术死亡率多少",
    "我得的是脑梗死",
    "心肌梗死后能运动吗",
    "我怕猝死",
    # negated
    "我没有想过自杀",
    "我从来没有想过伤害自己",
    "我不想死，医生救救我",
    "我不会自杀的，放心",
    "我不会做傻事的",
    # an accidental extra dose is a medication question, not a crisis
    "吃多了药会怎样？",
    "不小心多吃了一片降压药怎么办",
    # ordinary stock and dose talk
    "安眠药吃完了，能再开一盒吗",
    "今天的药全吃了",
    "早上的药都吃完了",
    "这瓶药一次吃一片对吗",
    "心绞痛发作时速效救心丸一次吃10粒对吗",
    "每天早上一起吃十几片药，太多了",
    "家里存了一些感冒药备用",
    "不想吃药了，副作用太大",
    "再见，谢谢医生",
    "今天血压有点高，吓死我了",
    "我妈心梗死了好几年了",
    "想死你们了",
    "打算下周去复查",
    "想跳广场舞可以吗",
    "活着就好",
    "人生第一次住院",
    "把药都吃完了要再开吗",
    "一瓶药吃完了，能再开一瓶吗",
    "安眠药存了几片备用",
    "割了阑尾",
    "刀口有点疼",
    "我爸去年去世了，有点难过",
]


def test_the_development_sets_are_as_large_as_the_brief_asks() -> None:
    assert len(CRISIS) >= 60 and len(NOT_CRISIS) >= 30
    assert len(set(CRISIS)) == len(CRISIS) and not set(CRISIS) & set(NOT_CRISIS)


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_language_is_a_crisis(text: str) -> None:
    u = understand(text)
    assert u.crisis_concepts, text
    assert set(u.crisis_concepts) <= CRISIS_KEYS


@pytest.mark.parametrize("text", PASSIVE[::3] + PLAN_AND_MEANS[::3] + SELF_HARM[::2])
def test_crisis_language_survives_traditional_full_width_and_zero_width(text: str) -> None:
    for variant in (traditional(text), full_width(text), zero_width(text)):
        assert understand(variant).crisis_concepts, variant


@pytest.mark.parametrize("text", NOT_CRISIS)
def test_near_misses_are_not_a_crisis(text: str) -> None:
    assert understand(text).crisis_concepts == [], text


@pytest.mark.parametrize("text", ["吃多了药会怎样？", "不小心多吃了一片降压药怎么办"])
def test_an_extra_dose_question_is_a_medication_question(text: str) -> None:
    assert understand(text).intent == "medication_question"


@pytest.mark.parametrize("text", CRISIS[::4])
def test_follow_up_reads_the_same_crisis_concepts(text: str) -> None:
    """One source of truth: the shared lexicon reads the crisis, so a follow-up survey answer
    with the same words raises the follow-up engine's red flag too."""
    from clinical.followup.services.lexicon import known_concepts

    found = set(symptoms.present(text)) & CRISIS_KEYS
    assert found, text
    assert found <= known_concepts()


@pytest.mark.parametrize(
    "text", ["没有头痛想死", "想从楼上跳下去，头痛得厉害", "头痛欲裂，真想一了百了"]
)
def test_a_crisis_beside_another_symptom_stays_a_crisis(text: str) -> None:
    assert understand(text).crisis_concepts, text
