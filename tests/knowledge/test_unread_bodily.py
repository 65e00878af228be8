"""The one reader of unread words says when words nothing reads NAME THE BODY (#15, task
h-partial): ``Unread.body`` is the body word of the shared lexicon a wholly unread clause names,
read as a whole word (心情, 手机, 头发, 腰包 name no body part), and empty when the clause grades
itself mild, says the part is settled or denies something of it. Guidance reads the same
reader; it already sends any unread words to a doctor within 24 h, so the field changes nothing
there (checked below)."""

from __future__ import annotations

import pytest

from clinical.knowledge import symptoms, unread


def _body(text: str) -> list[str]:
    return [u.body for u in unread.unread(text) if not u.partial]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("腿上像有虫子爬", "腿上"),
        ("我妈右手拿筷子老往下掉", "右手"),
        ("肚子里像有把刀在搅", "肚子"),
        ("老爷子一躺下嗓子眼里就呼噜呼噜响", "嗓子眼"),
        ("后背正中间像被人撕开一样", "后背"),
        ("引流管那儿一直往外冒红水", "引流管"),
        ("左眼前面像拉下来一道帘子", "左眼"),
        ("胳肢窝底下鼓了个大疙瘩", "胳肢窝"),
        ("腿上像有蟲子爬", "腿上"),  # traditional characters: the shared normaliser
    ],
)
def test_a_clause_naming_the_body_is_partly_understood(text: str, word: str) -> None:
    parts = unread.unread(text)
    assert [(u.words, u.body, u.partial) for u in parts] == [(text, word, False)]
    assert parts[0].bodily


@pytest.mark.parametrize(
    "text",
    [
        "心情不错",  # 心情 is no heart
        "手机摔坏了",  # 手机 no hand
        "头发剪短了",  # 头发 no head
        "住院把腰包都掏空了",  # 腰包 no waist
        "这人眼光不错",  # 眼光 no eye
        "我爸走路脚步比前几天稳了",  # 脚步 no foot
        "他肚量大",  # 肚量 no belly
        "晚上得垫三个枕头",  # 枕头 no head
        "心里头不踏实",  # 里头 is a locative, no head
        "今天去银行取了点钱",
        "医保报销的手续还没办下来",  # 手续 no hand
        "特别想吃韭菜馅的饺子",
    ],
)
def test_everyday_words_holding_a_body_word_name_no_body(text: str) -> None:
    assert _body(text) == [""] * len(_body(text))
    assert not any(u.bodily for u in unread.unread(text))


@pytest.mark.parametrize(
    "text",
    [
        "脚踝周围还有点肿",  # graded mild by the patient
        "脖子上刀口边上有点麻",
        "小腿已经不怎么肿了",  # settled (小腿不肿了 is read whole now: site_reassurance)
        "眼睛看东西清楚多了",
        "腿脚比以前利索了",
        "刀口已经不渗水了",  # a denial right after the site
        "嘴里没啥味儿",
    ],
)
def test_mild_settled_or_denied_words_stay_for_review(text: str) -> None:
    parts = unread.unread(text)
    assert parts and all(not u.body and not u.bodily for u in parts)


def test_a_knee_that_still_swells_a_little_is_read_as_knee_swelling() -> None:
    # task fumiss: the knee-swelling predicate (symptom_predicates.csv) reads the knee's swelling
    # with words between (膝盖换完以后肿得厉害); graded mild it is the routine knee_swelling, no
    # words are left for review (it stood in the list above before)
    assert unread.unread("膝盖周围还有点肿") == []
    assert [m.concept for m in symptoms.find_symptoms("膝盖周围还有点肿")] == ["knee_swelling"]


def test_a_site_word_standing_in_a_longer_word_is_no_site() -> None:
    # 手指头 is one word (the finger), not 指头 + 头; 刀口 is the wound, not a mouth
    assert unread.body_named("手指头抽成鸡爪子那样掰不开") == "手指头"
    assert unread.body_named("刀口咧开一条缝") == "刀口"
    assert unread.body_named("在家看手机看了一下午") == ""


def test_body_words_come_from_the_shared_tables() -> None:
    words = symptoms.body_words()
    # symptom_sites.csv, and sided subjects of symptom_predicates.csv holding a site word
    assert {"头", "胸口", "肚子", "手", "脚", "耳朵", "右手", "左腿", "引流管"} <= words
    # subjects that name no body part are left out
    assert not {"说话", "睡觉", "左边", "人", "再测", "马桶里"} & words
    # blockers are no body words
    assert not {"手机", "脚步", "腰包", "枕头"} & words


def test_residue_is_bodily_too_and_carries_no_body_word() -> None:
    parts = unread.unread("咳嗽带咖啡色的渣子")
    assert [(u.partial, u.body) for u in parts] == [(True, "")]
    assert parts[0].bodily


@pytest.mark.django_db
def test_guidance_already_sends_any_unread_words_to_a_doctor_within_24_hours() -> None:
    """Guidance treats unread words the same whatever they name (urgent, masking drugs held),
    so the new field does not raise its level (its benign over-triage is another task's)."""
    from clinical.medkb.api import PatientContext
    from clinical.medkb.services.guidance import GuidanceRequest, advise

    levels = {}
    for text in ("腿上像有虫子爬", "今天去银行取了点钱"):
        req = GuidanceRequest(
            patient=PatientContext(age_years=60), cabinet=["泰诺林"], symptoms=[text]
        )
        out = advise(req)
        flags = [f for f in out["see_doctor"]["flags"] if f["code"] == "unrecognised"]
        levels[text] = [f["urgency"] for f in flags]
    assert levels == {"腿上像有虫子爬": ["urgent"], "今天去银行取了点钱": ["urgent"]}


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("腿没有知觉", "腿"),  # (左手没有力 is limb_weakness in the lexicon: h-style)
        ("脚没有知觉", "脚"),  # sensation lost
        ("脚趾头没有温度", "脚趾头"),  # warmth lost: limb ischaemia
    ],
)
def test_a_lost_function_after_a_negation_is_a_complaint_not_a_denial(text: str, word: str) -> None:
    """Lead merge 2026-12-06: the denial guard read 没有 after the site as "nothing wrong"; what
    is absent here is a function of the part (discourse.yaml ``absence_complaints``)."""
    assert [(u.words, u.body) for u in unread.unread(text)] == [(text, word)]


def test_limbs_said_to_be_strong_name_no_complaint() -> None:
    # "手脚有劲" is a normal state (discourse.yaml reassuring_phrases), like 说话清楚 beside it
    parts = unread.unread("我爸今天挺好的，说话清楚，手脚有劲")
    assert [u.words for u in parts if u.body] == []
    assert "说话清楚" not in [u.words for u in parts]


@pytest.mark.parametrize(
    "text",
    [
        "我是乙肝病毒携带者",  # 乙肝: bound by its lead
        "体检查出来中度脂肪肝",
        "糖尿病十来年了",  # 尿 bound by the head 病
        "胃镜结果是慢性浅表性胃炎",
        "上个月做的腰椎CT报告说是骨质增生",
        "B超提示肝实质回声稍粗",  # the place of a reported finding
        "昨天陪我妈去医院查了一下胃",
        "社区医院在屁股上给打了一针青霉素",  # the place of care
        "小时候腿摔断过",  # history (the shared ConText reading)
        "老两口为点小事又吵嘴了",  # symptom_blockers.csv
    ],
)
def test_a_body_word_bound_in_a_diagnosis_test_care_or_history_names_no_body(text: str) -> None:
    """#15 bodily round 2: such a clause stays words nothing reads (review), not urgent."""
    parts = unread.unread(text)
    assert parts and all(u.words and not u.body and not u.bodily for u in parts)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("我爸好像心脏病发作了", "心脏"),  # a disease active now (flare_words)
        ("老胃病又犯了", "胃"),
        ("腿手术后像灌了铅", "腿"),  # what followed the procedure is described
        ("做完CT回来脖子上鼓起一大片包", "脖子上"),  # what followed the test
        ("摔伤腿了", "腿"),  # 伤 is no lead: an injury
    ],
)
def test_a_new_complaint_in_the_same_frames_still_names_the_body(text: str, word: str) -> None:
    assert _body(text) == [word]
