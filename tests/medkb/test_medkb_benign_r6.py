"""Round-6 cases for guidance over-triage (#15): guidance_vignettes_benign_r6.yaml, written before
the round-6 rule changes (72 benign medicine-cabinet questions as patients and relatives write
them, 22 red flags in the same styles; a third marked ``transfer: true``), scored as
bench/guidance_pop_dev.py --file … --part tune|transfer scores them.

The tuning part runs case by case; its misses are strict xfails, each with the mechanism that
leaves words unread and the words (a fix makes the test say so). The transfer part is never
tuned to and is checked by its totals only (no case of it is read one by one): its benign
over-triage may not grow past the figure recorded when the rules were written, and every red
flag of it must reach its level."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from guidance_helpers import case_params

from bench.guidance_pop_dev import answer, judge, load_cases

ALL = load_cases(Path(__file__).parent / "guidance_vignettes_benign_r6.yaml")
CASES = [c for c in ALL if not c.get("transfer")]
TRANSFER = [c for c in ALL if c.get("transfer")]
# transfer benign over-triage: 24/24 before round 6, 23/24 after (bench/guidance_pop_dev.py)
TRANSFER_BENIGN_OVER_AT_MOST = 23
# Mechanisms that leave words unread (the safe failure: a clinician within 24 h), round 6:
_Q = "a question tail whose words the question reader does not hold; "
_C = "a circumstance naming an open-class thing (food, product, activity, place); "
_D = "a description of the complaint the lexicon does not read (quality, colour, colloquial word); "
_R = "a single character left from a word the concept match split (咳漱, 经期, 不舒服, 的要命); "
_S = "who the patient is, beyond age and weight (occupation, school year, 小家伙, 他说); "
_M = "policy: a medicine taken of a class the syndrome table names, an amount, one that failed; "
_F = "what the patient still does, beyond the functioning grammar; "
_N = "a denial or reassurance in shorthand (不烧, 血压一直正常的, 尿也不少); "
KNOWN_MISSES = {
    "B6-002": _D + "unread: 有什麼藥可以通鼻子嗎",
    "B6-005": _D + _N + "unread: 黄、早上起来擤出来黄黄的、不烧",
    "B6-007": _Q + _S + "unread: 他说不想去医院排队、挑一个吃就行吧",
    "B6-008": _N + "unread: 血压一直正常的",
    "B6-010": _R + _D + "unread: 漱、白色的、粘粘的吐不太出来、就是老觉得嗓子里卡着东西",
    "B6-011": _M + "unread: 平时就有点高血脂在吃立普妥",
    "B6-016": _D
    + _C
    + _Q
    + "unread: 吞口水的时候明显一点、应该是前天吃麻辣烫吃的、含点金嗓子喉片就行了吧",
    "B6-017": _S + _C + _D + "unread: 我是教书的、一周上二十节课、说话沙沙的",
    "B6-019": _C + _D + _N + "unread: 屋里暖气太足了、睡醒嗓子干得冒烟、不疼不烧",
    "B6-020": _C
    + _R
    + "unread: 昨天唱了一晚上歌、哑、明天还要上班得说话 (before #15 agent r6 also 嗓子今 read as the typo of 嗓子紧, a severe allergic reaction)",
    "B6-022": _D + _M + "unread: 这次又犯了左边一跳一跳的疼、跟以前一样、她以前都吃布洛芬管用",
    "B6-023": "the lexicon reads 昏昏沉沉 (groggy after a poor night) as drowsiness (urgent); ",
    "B6-025": _C + _Q + "unread: 平时一天两三杯的、这种要吃药吗还是喝杯咖啡就好了哈哈",
    "B6-026": _M + "unread: 上次吃散利痛挺管用",
    "B6-028": _M
    + "unread: 大姨妈来第一天、我一般吃一颗芬必得就好、今天早上已经吃了一颗、下午还疼能再吃一颗吗",
    "B6-029": _S + "unread: 我闺女上初三",
    "B6-031": _R + _D + "unread: 舒、乳房也胀",
    "B6-032": _R + _M + "unread: 期、吃了止痛藥半小時了還沒好",
    "B6-034": _C + "unread: 昨天同事聚餐吃多了",
    "B6-035": _D + _R + "unread: 隐隐的、算、就是空空的难受、喝了点热水好一点",
    "B6-037": _C + _D + "unread: 今天咖啡喝多了、嘴里酸酸的",
    "B6-040": _D + _C + _Q + "unread: 我这两天拉肚了、稀的、应该是吃了隔夜饭、一袋兑多少水",
    "B6-041": _D + "unread: 大概四天没上大号了",
    "B6-043": _D + _N + "unread: 有点稀、尿也不少",
    "B6-044": _C + _D + "unread: 我老公吃了麻辣小龙虾、今天拉得有点多、一直在喝水",
    "B6-046": _C + _D + "unread: 出差吃不惯、肚子不太舒服",
    "B6-047": _F + "unread: 今年又开始了",
    "B6-049": _D + _C + "unread: 胳膊上挠出了几道印子、可能是天太干了",
    "B6-052": _C + "unread: 昨天换了新的洗衣液",
    "B6-055": _C + _R + _D + "unread: 好久没运动了、前天跑了5公里、命、下楼梯腿软",
    "B6-056": _D + _Q + "unread: 脖子一转就疼、左边、吃片芬必得能好受点吗",
    "B6-058": _C + _D + "unread: 打羽毛球把手腕扭了一下、有点肿",
    "B6-059": _C + _D + "unread: 健身练腿练狠了、两天了屁股跟大腿后面还酸、坐下站起来都龇牙咧嘴的",
    "B6-061": _D + _N + "unread: 吃冰的牙酸、不吃就没事",
    "B6-064": _F + "unread: 刚才还在爬来爬去玩玩具",
    "B6-065": _D + _F + "unread: 晚上摸著有點燙、量了37.9、精神挺好還在跟她爸玩",
    "B6-068": _S + _F + "unread: 小家伙精神头很足",
    "B6-070": _Q + "unread: 有啥药能帮助睡眠的吗",
    "B6-071": _C + "unread: 出差刚回来",
}


def test_the_set_is_large_and_well_formed() -> None:
    ids = [c["id"] for c in ALL]
    assert len(set(ids)) == len(ids) and set(KNOWN_MISSES) <= {c["id"] for c in CASES}
    benign = [c for c in ALL if c.get("benign")]
    red = [c for c in ALL if not c.get("benign")]
    assert len(benign) >= 70 and len(red) >= 20
    assert 0.3 <= len(TRANSFER) / len(ALL) <= 0.36
    assert all(c["expect"].get("see_doctor_at_most") == "routine" for c in benign)
    assert all(c["expect"].get("see_doctor_at_least") in ("urgent", "emergency") for c in red)
    assert all(len(c["source"]) > 10 for c in ALL)


@pytest.mark.parametrize("case", case_params(CASES, KNOWN_MISSES), ids=[c["id"] for c in CASES])
def test_case_meets_its_expectations(kb: Any, case: dict[str, Any]) -> None:
    body = answer(case["request"])
    got = judge(case, body)
    assert got["ok"], (got.get("checks"), got["bad_verdicts"], got.get("level"))


def test_transfer_totals(kb: Any) -> None:
    """The transfer part by its totals only: every red flag at its level, benign over-triage
    no worse than recorded."""
    over = red_met = 0
    for case in TRANSFER:
        got = judge(case, answer(case["request"]))
        if case.get("benign"):
            over += bool(got.get("over_triage"))
        else:
            red_met += bool(got["checks"].get("at_least"))
    assert red_met == sum(1 for c in TRANSFER if not c.get("benign"))
    assert over <= TRANSFER_BENIGN_OVER_AT_MOST
