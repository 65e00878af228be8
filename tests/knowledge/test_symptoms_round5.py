"""#23 round 5 readings found by mining the development half for red-flag cues the lexicon read
lower (``bench/lexicon_eval.py --mine-red-flags``): each is checked on a paraphrase family
(traditional characters, 疼/痛, full-width and zero-width characters, word order), and each
mechanism on the benign look-alikes it must not reach."""

from __future__ import annotations

import pytest

from clinical.knowledge.symptoms import present


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # a small quantity word between a verb and 血
        ("hematemesis", "还吐了点血"),
        ("hematemesis", "今天吐了些血"),
        ("hematemesis", "吐了好些血出来"),
        ("hematemesis", "吐了點血"),
        (
            "rectal_bleeding_heavy",
            "拉了好些血",
        ),  # 好些血: a fair amount (BSG 2019 major bleeding; h4 row)
        # child and colloquial stool words as the subject of a stool predicate
        ("rectal_bleeding", "孩子拉屎带血丝"),
        ("rectal_bleeding", "宝宝拉粑粑有血"),
        ("rectal_bleeding", "血便两天了"),
        ("melena", "之前还拉黑粪"),
        ("melena", "拉了几次黑粪"),
        ("melena", "拉便稀黑粘"),
        # blood in the urine: a urine word with a blood predicate
        ("minor_bleeding", "尿完后有点血"),
        ("minor_bleeding", "小便有点血"),
        ("minor_bleeding", "尿是洗肉水颜色"),
        # consciousness and vision
        ("confusion", "现在还出现了神昏"),
        ("blurred_vision", "总是看不清东西"),
        ("blurred_vision", "眼前一片模糊"),
        ("blurred_vision", "他看东西很吃力"),
        # a described fit
        ("seizure", "两眼上翻，口吐白沫"),
        ("seizure", "双眼上翻"),
        ("seizure", "突然摔倒吊着眼睛"),
        # breathing that feels like work
        ("dyspnea", "呼吸有一点累"),
        ("dyspnea", "呼息有点累"),
        ("dyspnea", "呼吸好累"),
        # pitting oedema
        ("leg_edema", "脚肿，按下去有个印"),
        ("leg_edema", "腿按下去有个坑"),
        # a place word, 已经, 又出现, 越 between a body word and its swelling
        ("facial_swelling", "眼皮处已经肿的睁不开眼睛"),
        ("facial_swelling", "脸却越肿越大了"),
        ("facial_swelling", "臉越腫越大"),
        ("leg_edema", "最近腿也再次出现肿的现象"),
        # a sided limb that does not obey
        ("limb_weakness", "左侧肢体不灵"),
        ("limb_weakness", "右边手脚不灵"),
        ("limb_weakness", "左手不利索"),
        # 的/地 for 得, and 厉害 without 得, after a pain
        ("abdominal_pain_severe", "胃胀痛的很厉害"),
        ("abdominal_pain_severe", "肝这里有时会疼地厉害"),
        ("abdominal_pain_severe", "突然腹痛很厉害"),
        ("abdominal_pain_severe", "腹痛很厲害"),
        ("abdominal_pain_severe", "肚子疼的特别厉害"),
        ("severe_headache", "头痛很厉害"),
        ("severe_headache", "頭痛得很厲害"),
        ("severe_headache", "头疼的厉害"),
        # a severity word before the pain
        ("severe_headache", "头部严重的疼啊"),
        ("severe_headache", "强烈的头痛"),
        ("abdominal_pain_severe", "肚子强烈疼痛"),
        ("abdominal_pain_severe", "强烈的胃痛"),
        # misspellings next to a body word
        ("headache", "脑代右侧会一弯一弯的疼"),
        ("bloating", "经常胃帐不舒服"),
        # a fever that does not come down, a convulsion with a fever, a whole-body 抽筋
        ("fever", "孩子一直不退烧，反反复复"),
        ("fever", "烧一直不退"),
        ("seizure", "小孩发烧后抽经"),
        ("seizure", "宝宝高烧抽筋了"),
        ("seizure", "高热惊厥"),
        ("seizure", "全身抽经，口吐白沫"),
        ("seizure", "浑身抽筋"),
        # more head sites, the eye as a site of pain
        ("headache", "伴发枕部疼痛"),
        ("headache", "前额痛"),
        ("headache", "头左边疼"),
        ("pain", "眼睛很痛"),
        # full-width and zero-width characters
        ("hematemesis", "吐\u200b了点血"),
        ("hematemesis", "吐了１口血"),
    ],
)
def test_round5_paraphrase_families(concept: str, text: str) -> None:
    assert concept in present(text), (text, present(text))


@pytest.mark.parametrize(
    ("absent", "text"),
    [
        # negations and past denials
        ("hematemesis", "没有吐血"),
        ("rectal_bleeding", "没有血便"),
        ("melena", "大便不黑"),
        # a lab result is not visible blood
        ("minor_bleeding", "尿常规隐血阳性"),
        # blood in the urine is not rectal bleeding
        ("rectal_bleeding", "小便有点血"),
        # an eye-roll gesture is not a fit
        ("seizure", "他对我翻白眼"),
        # tiredness from effort is not breathlessness
        ("dyspnea", "爬楼有点累"),
        # an ear that does not hear well is not a weak limb
        ("limb_weakness", "左边耳朵不灵"),
        # red swollen gums or spots are not wound redness; phlegm that will not go down is not
        # an inability to swallow
        ("wound_redness", "我有牙龈红肿疼痛怎么办"),
        ("wound_redness", "牙齦紅腫"),
        ("wound_redness", "脸上的痘痘红肿"),
        ("unable_to_swallow", "总觉着有痰咽不下去也吐不出"),
        # 精神昏沉 is drowsiness, not confusion
        ("confusion", "精神昏沉"),
        # a fever that came down; a cramp of the calf stays a cramp
        ("fever", "已经退烧了"),
        ("fever", "退烧药吃了"),
        ("seizure", "晚上小腿抽筋"),
        ("seizure", "腿抽筋"),
        # asking how serious a pain is does not make it severe
        ("abdominal_pain_severe", "胃痛严重吗"),
        ("severe_headache", "头痛严重吗"),
        # 眼前 without a visual complaint
        ("blurred_vision", "眼前的事情太多"),
    ],
)
def test_round5_mechanisms_do_not_overreach(absent: str, text: str) -> None:
    assert absent not in present(text), (text, present(text))


def test_a_wound_stays_red_and_a_swallowing_problem_stays() -> None:
    """The precision rows are longer terms for other sites; the red flags they sit beside stay."""
    assert "wound_redness" in present("伤口红肿")
    assert "unable_to_swallow" in present("饭咽不下去")
    assert "drowsiness" in present("精神昏沉")
    assert "melena" in present("大便不黑了吗？之前拉黑粪")
