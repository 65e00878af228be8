"""Issue #15 invariants of the guidance red-flag gate (hypothesis): adding a red-flag symptom,
words nothing is understood in, or a risk modifier never lowers ``see_doctor``'s urgency, and
an unrecognised word never coexists with a recommended analgesic or antipyretic."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.medkb.conftest import codes

RANK = {None: 0, "routine": 1, "urgent": 2, "emergency": 3}
BENIGN = ["头痛", "发烧", "流鼻涕", "咳嗽", "嗓子疼", "鼻塞", "胃痛", "拉肚子", "牙疼", "打喷嚏"]
RED = ["胸口疼", "喘不上气", "黑便", "右下腹疼", "脖子僵硬", "身上有出血点", "摔倒后磕到头", "抽搐"]
UNREAD = ["身上有股说不清的怪劲", "整个人不对劲说不上来"]
CABINET = ["泰诺林", "芬必得", "开瑞坦", "新康泰克", "感冒灵颗粒", "铝碳酸镁咀嚼片", "蒙脱石散"]
MODIFIERS = [
    {"current_medications": ["华法林钠片 3mg"]},
    {"current_medications": ["甲氨蝶呤片 2.5mg"]},
    {"age_years": 80},
    {"age_years": 2, "weight_kg": 12},
]

cases = st.fixed_dictionaries(
    {
        "symptoms": st.lists(st.sampled_from(BENIGN), min_size=1, max_size=3, unique=True),
        "cabinet": st.lists(st.sampled_from(CABINET), min_size=1, max_size=4, unique=True),
        "temperature_c": st.sampled_from([None, 37.0, 38.5]),
    }
)


def _urgency(answer: dict) -> int:
    return RANK[answer["see_doctor"]["urgency"] if answer["see_doctor"]["needed"] else None]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=cases, extra=st.sampled_from(RED + UNREAD))
def test_adding_a_red_flag_or_unread_words_never_lowers_urgency(ask, case, extra) -> None:
    base = ask(case["cabinet"], symptoms=case["symptoms"], temperature_c=case["temperature_c"])
    more = ask(
        case["cabinet"], symptoms=[*case["symptoms"], extra], temperature_c=case["temperature_c"]
    )
    assert _urgency(more) >= max(_urgency(base), RANK["urgent"]), (case, extra, more["see_doctor"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=cases, modifier=st.sampled_from(MODIFIERS))
def test_a_risk_modifier_never_lowers_urgency(ask, case, modifier) -> None:
    base = ask(case["cabinet"], symptoms=case["symptoms"], temperature_c=case["temperature_c"])
    more = ask(
        case["cabinet"],
        symptoms=case["symptoms"],
        temperature_c=case["temperature_c"],
        **modifier,
    )
    assert _urgency(more) >= _urgency(base), (case, modifier, more["see_doctor"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=cases, words=st.sampled_from(UNREAD))
def test_unrecognised_words_never_coexist_with_a_recommended_analgesic(ask, case, words) -> None:
    a = ask(
        case["cabinet"], symptoms=[*case["symptoms"], words], temperature_c=case["temperature_c"]
    )
    assert a["see_doctor"]["unrecognised"]
    for item in a["items"]:
        if item["verdict"] == "recommended":
            assert "masking" not in codes(item), item
            assert not {"paracetamol", "ibuprofen"} & {i["key"] for i in item["ingredients"]}, item


BENIGN_CONTROLS = [
    "有点着凉", "嗓子有点干", "鼻子不通气", "浑身没劲", "拉稀", "胃胀气", "睡不好",
    "打喷嚏流清鼻涕", "头有点沉", "咳嗽有痰", "嗓子发炎", "感冒了", "有点上火", "牙龈肿痛",
    "肚子有点不舒服", "来例假肚子疼", "肌肉拉伤了", "扭到脚了", "晕车", "蚊子咬了很痒",
    "口腔溃疡", "眼睛干涩", "便秘好几天", "消化不好", "嗓子痒想咳", "头疼脑热", "发低烧",
    "鼻炎犯了", "皮肤过敏起红疙瘩", "胃酸",
]  # fmt: skip


def test_benign_controls_over_triage_does_not_grow(ask) -> None:
    """Everyday benign phrasings (dev controls for the safety net): at most 1 of 30 goes to a
    clinician (10 on 2026-12-04: 9 lexicon gaps and one rash; after the round-3 benign
    vocabulary only the rash, which the shared lexicon rates urgent, docs/medkb.md); the figure
    may only fall as the shared lexicon grows."""
    over = [
        s
        for s in BENIGN_CONTROLS
        if RANK[ask(["泰诺林", "开瑞坦", "蒙脱石散"], symptoms=[s])["see_doctor"]["urgency"]]
        >= RANK["urgent"]
    ]
    assert len(over) <= 1, over


# Second pass (#15 over-triage): everyday minor complaints as patients type them (degree words,
# cause statements, everyday body words; written in our own words from the style of public
# consultation corpora, before the lexicon grew). Together with BENIGN_CONTROLS at most 15 % may
# go to a clinician (issue #15 target); each stays >= urgent once a red flag joins it.
BENIGN_CONTROLS_2 = [
    "有点落枕", "晕车想吐", "晚饭吃多了有点撑", "嗓子有点哑", "肩膀酸痛", "腰扭了一下",
    "走多了脚后跟疼", "眼皮老跳", "口干舌燥", "嘴里发苦", "肚子咕噜咕噜响", "有点反酸",
    "鼻子痒老打喷嚏", "脸上长痘", "最近掉头发", "皮肤干痒", "被蚊子叮了个包", "大便有点干",
    "稍微有点累", "夜里腿抽筋", "嗓子干痒", "浑身发酸", "颈椎不舒服", "喉咙里有痰",
    "牙龈上火肿了", "咳嗽好多了还有点痰",
]  # fmt: skip
BENIGN_CABINET = ["泰诺林", "开瑞坦", "蒙脱石散"]


def test_benign_controls_over_triage_meets_the_issue_target(ask) -> None:
    """#15 target: benign over-triage <= 15 % over both passes of everyday phrasings."""
    phrases = BENIGN_CONTROLS + BENIGN_CONTROLS_2
    over = [
        s
        for s in phrases
        if RANK[ask(BENIGN_CABINET, symptoms=[s])["see_doctor"]["urgency"]] >= RANK["urgent"]
    ]
    assert len(over) <= 0.15 * len(phrases), over


@pytest.mark.parametrize("phrase", BENIGN_CONTROLS_2)
def test_a_benign_phrase_with_a_red_flag_is_never_lower_than_the_red_flag(ask, phrase) -> None:
    """Paraphrase twins: the benign sentence with a red flag added (as a second symptom and in
    the same sentence) is at least urgent and at least what the red flag alone gets."""
    red = RED[BENIGN_CONTROLS_2.index(phrase) % len(RED)]
    alone = _urgency(ask(BENIGN_CABINET, symptoms=[red]))
    for symptoms in ([phrase, red], [f"{phrase}，{red}"]):
        got = _urgency(ask(BENIGN_CABINET, symptoms=symptoms))
        assert got >= max(alone, RANK["urgent"]), (symptoms, got, alone)


def test_every_red_flag_term_of_the_shared_lexicon_reaches_its_level(ask) -> None:
    """#15/#23 consistency: each term whose concept is ``urgent``/``emergency`` in the shared
    lexicon (the level follow-up and the monitor use) gives guidance at least that urgency."""
    import csv

    from clinical.knowledge import symptoms

    path = symptoms.DATA / "symptom_terms.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        terms = [r["term"] for r in csv.DictReader(fh)]
    checked, low = 0, []
    for term in terms:
        levels = [symptoms.red_flag(c) for c in symptoms.present(term)]
        level = max(levels, key=symptoms.LEVELS.index, default="none")
        if level not in ("urgent", "emergency"):
            continue
        checked += 1
        got = ask(["泰诺林"], symptoms=[term], age_years=40)["see_doctor"]["urgency"]
        if RANK[got] < RANK[level]:
            low.append((term, level, got))
    assert checked > 300
    assert low == []
