"""One runner for the guidance development sets (#15): each YAML set of guidance cases
(``tests/medkb/guidance_vignettes_*.yaml``), scored as ``bench/guidance_pop_dev.py --file`` scores
it (the sealed bench's judge plus per-product verdicts), and the follow-up set whose messages
guidance's symptom reader must read. Every case is one test; a known miss is a strict xfail with
its reason (a fix makes the test say so). Each set's shape (its size, its benign and red-flag
bounds, the families it covers, its transfer part) is data in ``SETS`` and checked by one test per
set. Behaviour tests of guidance stay in their own files (test_medkb_noticed_r2.py,
test_medkb_hypothetical.py: cases written inline, no set).

The sets:

- ``pop_r3``: round-3 special populations, written before the rule changes.
- ``benign_r4``: round-4 over-triage development set (64 benign OTC questions in pharmacy
  wording, 34 red flags in the same register), written before the rule changes.
- ``benign_r5``: round-5 TRANSFER set (46 benign medicine questions of patients at home after
  discharge and their carers, 19 red-flag look-alikes), written before the round-5 rule changes
  and never tuned to (the rules change against ``benign_r4``); misses recorded from its first run.
- ``benign_r6``: round-6 over-triage set (72 benign medicine-cabinet questions as patients and
  relatives write them, 22 red flags in the same styles), written before the round-6 rule
  changes; a third marked ``transfer: true`` is checked by its totals only (no case of it is read
  one by one). Its tuning misses are classed by the mechanism that leaves words unread.
- ``hoarse_r6``: round 6, a voice hoarse after singing or shouting is no severe allergic
  reaction, a hoarse voice with skin or airway signs after an allergen still is (benign/red-flag
  pairs written before the rule change, one pair of three ``transfer: true``, checked by its
  totals only).
- ``followup_benign_r3``: the follow-up r3 development set
  (tests/followup/followup_vignettes_benign_r3.yaml; round 3, task B): its everyday messages are
  read by guidance's symptom reader (the shared lexicon and discourse reader), so they are not
  "unrecognised" (the urgent safety net); its look-alikes keep their red flag or stay unread. The
  follow-up set's own known over-triages (``known_over_triage``) are not read (``skip``).

Registering a new set is one line in ``SETS`` (its known misses beside it, as a dict)::

    "benign_r7": GuidanceSet("guidance_vignettes_benign_r7.yaml", _R7_MISSES, at_least={"benign": 40}),

``file`` is under tests/medkb (or ``../followup/…``); ``rows`` names how it is read (``ROWS``):
``cases`` (a guidance case file: a ``cases`` list, a source on every case) or ``followup`` (a
follow-up vignette file: the first survey answer is the text). ``judge`` names how a case is
checked (``JUDGES``): ``answer`` (the endpoint's answer, scored by ``bench.guidance_pop_dev.judge``)
or ``reads`` (guidance's symptom reader: a benign message read, nothing unrecognised, no red flag
above routine; a look-alike flagged or left unread). ``at_least`` maps ``all``/``benign``/``red``
to the least number of cases; ``bounds`` (default ``TRIAGE``) says what a benign and a red case
must expect; ``families`` the families the set must cover. With ``transfer_over_at_most`` the
cases marked ``transfer: true`` are never run one by one: every red flag of them must reach its
level and at most that many benign ones be over-triaged (``transfer_share`` bounds their share of
the set). Every set must have unique ids and its known misses among the cases run one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from guidance_helpers import case_params

from bench.guidance_pop_dev import answer, judge, load_cases
from clinical.knowledge import symptoms
from clinical.medkb.services.symptoms import read

HERE = Path(__file__).parent

_POP_R3_MISSES = {
    "POP-021": "possible pregnancy of unknown weeks with a headache: the pre-eclampsia rule holds "
    "for unknown gestation (never assumed < 20 weeks), so urgent, not routine",
    "POP-040": "乳房胀痛 is not in the shared lexicon: unrecognised words go to a clinician "
    "(the safe failure; reported to the lexicon's owners)",
    "POP-074": "paracetamol label: 严重肝肾功能不全者禁用 (CKD G4) wins over NICE's paracetamol "
    "preference for self-care; the case expected paracetamol recommended",
    "POP-075": "as POP-074: eGFR 25 is severe renal impairment (ckd_severe), paracetamol's label "
    "contraindication applies",
}


_R4_POLICY = "left unread on purpose (discourse.yaml background_phrases): "
_R4_GAP = "words nothing in the shared layer reads yet go to a clinician (the safe failure): "
_BENIGN_R4_MISSES = {
    "B4-008": "the paracetamol label's indications name no sore throat (products.csv 泰诺林: "
    "fever, headache, toothache, pain …): not indicated, so nothing is offered (not over-triage)",
    "B4-009": "as B4-008 (round 5: the dry sore throat is read now, so no over-triage; "
    "paracetamol is still not indicated for a sore throat by its label)",
    "B4-011": "as B4-008 (round 5: the swollen tonsil is read now, so no over-triage)",
    "B4-013": _R4_GAP + "两边紧紧的像箍了个圈 (the band-like quality of a tension-type headache); "
    "以前吃布洛芬就管用 is an NSAID taken, a class the syndrome table names: for a clinician",
    "B4-016": _R4_POLICY + "喝多了 is an injury word (alcohol): a hangover is not told apart from "
    "intoxication",
    "B4-017": _R4_GAP + "不想动 of 疼得不想动 (how much the pain limits; read as residue)",
    "B4-022": _R4_GAP + "有点胀 standing alone without a body site before it",
    "B4-024": _R4_POLICY + "a remedy that did not help (吃香蕉也没用) is for a clinician",
    "B4-034": _R4_POLICY + "a diagnosis the patient reports (以前做胃镜说是浅表性胃炎)",
    "B4-036": "nothing treatable is read (insomnia): every product stays usable, so paracetamol "
    "is offered though not indicated (guidance's not_indicated needs a treatable complaint)",
    "B4-037": "as B4-036: chlorphenamine stays usable for insomnia",
    "B4-038": "as B4-036",
    "B4-039": "as B4-036",
    "B4-043": _R4_GAP + "一天用掉一包纸 (a figure of speech for a streaming nose)",
    "B4-046": _R4_GAP + "腿上好几个大红包 (bite weals as 红包)",
    "B4-047": "红疙瘩 is the shared lexicon's rash (urgent); beside an insect bite it is the bite's "
    "papule, which the lexicon does not tell apart",
    "B4-048": _R4_GAP + "包老不消, 一个星期了还有印子 (a persisting bite mark)",
    "B4-055": _R4_GAP + "吃东西有点疼 (its pain word stands 18 characters after 牙龈, beyond the "
    "lexicon's site reach of 16; 张嘴 between names no site of pain)",
    "B4-061": _R4_GAP + "最高38.6 (a temperature without 度 or 体温 is not read as one)",
    # R4-013 (loperamide with bloody diarrhoea and fever) and R4-014 (the dehydrated infant) fixed
    # by noticed r2 (syndromes.yaml syndrome-bloody-diarrhoea, -febrile-diarrhoea,
    # -child-dehydration-severe), rows written without sight of these cases
}


_R5_NET = "before round 5, words nothing in the shared layer reads go to a clinician (urgent): "
_BENIGN_R5_MISSES = {
    "B5-001": _R5_NET + "胆囊手术回家十来天了、刀口长得挺好的、能不能抹点红霉素软膏",
    "B5-002": _R5_NET + "我爸膝关节换完出院一个礼拜、医院开的止痛药一直在吃",
    "B5-003": _R5_NET + "阑尾手术第十天、今天想洗个澡、洗完要不要用碘伏擦一下刀口",
    "B5-004": _R5_NET + "做完腹腔镜一个星期不到、小口子、一天最多吃几片",
    "B5-005": _R5_NET + "想给她买点褪黑素",
    "B5-007": _R5_NET + "全麻做完疝气手术、说是插管弄的、含点西瓜霜行不行",
    "B5-008": _R5_NET + "生完孩子三个礼拜、解大便的时候有点疼、喂奶期间马应龙痔疮膏能用吗",
    "B5-009": _R5_NET + "出院带回来的阿托伐他汀、忘了吃一次要不要补",
    "B5-010": _R5_NET + "我婆婆在吃钙片、还想再吃点维生素D、这两个能一起吃吗、钙片饭前吃还是饭后吃",
    "B5-011": _R5_NET
    + "医生开的头孢还剩两天的量、周末有个饭局、吃头孢期间能不能喝点啤酒、停了几天能喝",
    "B5-012": _R5_NET + "家里翻出来一盒布洛芬、过期三个月了、扔了的话怎么处理",
    "B5-015": _R5_NET
    + "我妈出院时医生给开了一盒艾司唑仑、快吃完了、药店能直接买到吗、还是得去医院开",
    "B5-016": _R5_NET + "我每天早上吃完早饭才想起来吃、有影响吗",
    "B5-017": _R5_NET + "晚上那片吃了会困吗",
    "B5-018": _R5_NET + "黄白色的",
    "B5-019": _R5_NET
    + "前两天唱K唱嗨了、金嗓子喉片一天能含几片; read as symptom:slurred_speech emergency",
    "B5-020": _R5_NET + "我有高血压、一直吃着降压药、血压控制得还行",
    "B5-021": _R5_NET + "剩、精神啥的都挺好",
    "B5-022": _R5_NET + "吃饭喝水都还行、美林能喂吗、喂多少毫升",
    "B5-023": _R5_NET + "小区、炉甘石洗剂可以擦吗",
    "B5-025": _R5_NET + "娃三天没拉臭臭了、吃喝都正常、肚子软软的、开塞露小孩能用吗、用多少",
    "B5-026": _R5_NET + "还是用海盐水洗鼻子就行",
    "B5-027": _R5_NET + "以前也这样过、达喜嚼两片能管用吗",
    "B5-029": _R5_NET + "三四天解一次、每次都挺费劲",
    "B5-030": _R5_NET + "健胃消食片可以当零食吃吗",
    "B5-031": _R5_NET + "脚气又犯了、缝、脱皮、达克宁要抹多久",
    "B5-032": _R5_NET + "尤卓尔能抹吗",
    "B5-033": _R5_NET + "熬了几天夜、嘴角起了一小串水泡、每次上火都这样、阿昔洛韦软膏能抹吗",
    "B5-034": _R5_NET + "吃东西的时候疼、西瓜霜喷剂管用吗",
    "B5-035": _R5_NET + "天天对着电脑、发酸、玻璃酸钠眼药水一天能滴几次",
    "B5-036": _R5_NET + "有点红、过氧苯甲酰凝胶可以点吗",
    "B5-037": _R5_NET + "跟以前每次差不多、吃一粒还是两粒",
    "B5-038": _R5_NET + "外、走路还行、扶他林能抹吗、要不要冰敷; read as symptom:leg_edema urgent",
    "B5-039": _R5_NET + "昨晚枕头太高、脖子往左转有点疼、贴个膏药行吗",
    "B5-040": _R5_NET + "是不是缺钙、钙片能吃吗",
    "B5-041": _R5_NET + "周末爬了趟山、下楼的时候有点疼、能贴点膏药吗",
    "B5-042": _R5_NET + "我爸放了支架以后一直吃阿司匹林",
    "B5-043": _R5_NET + "这周天天加班到半夜、发沉",
    "B5-044": _R5_NET + "明天坐大巴回老家、提",
    "B5-045": _R5_NET + "要吃点维生素吗",
    "B5-046": _R5_NET + "裂口子、洗碗的时候有点疼、抹凡士林还是护手霜好",
    "R5-010": "a child who swallowed an adult's tablets reaches urgent (words nothing reads: 一转眼孩子把他爷爷的降压药吃了好几片、现在看着还好、催), not emergency: no poisoning rule reads 吃了好几片 of another person's medicine",
    "R5-017": "severe one-sided lower abdominal pain reaches urgent, not emergency: 例假晚了十来天 (a missed period) is not read, so the ectopic-pregnancy rule does not fire",
}


# Mechanisms that leave words unread (the safe failure: a clinician within 24 h), round 6:
_R6_Q = "a question tail whose words the question reader does not hold; "
_R6_C = "a circumstance naming an open-class thing (food, product, activity, place); "
_R6_D = (
    "a description of the complaint the lexicon does not read (quality, colour, colloquial word); "
)
_R6_R = "a single character left from a word the concept match split (咳漱, 经期, 不舒服, 的要命); "
_R6_S = "who the patient is, beyond age and weight (occupation, school year, 小家伙, 他说); "
_R6_M = "policy: a medicine taken of a class the syndrome table names, an amount, one that failed; "
_R6_F = "what the patient still does, beyond the functioning grammar; "
_R6_N = "a denial or reassurance in shorthand (不烧, 血压一直正常的, 尿也不少); "
_BENIGN_R6_MISSES = {
    "B6-002": _R6_D + "unread: 有什麼藥可以通鼻子嗎",
    "B6-005": _R6_D + _R6_N + "unread: 黄、早上起来擤出来黄黄的、不烧",
    "B6-007": _R6_Q + _R6_S + "unread: 他说不想去医院排队、挑一个吃就行吧",
    "B6-010": _R6_R + _R6_D + "unread: 漱、白色的、粘粘的吐不太出来、就是老觉得嗓子里卡着东西",
    "B6-011": _R6_M + "unread: 平时就有点高血脂在吃立普妥",
    "B6-016": _R6_D
    + _R6_C
    + _R6_Q
    + "unread: 吞口水的时候明显一点、应该是前天吃麻辣烫吃的、含点金嗓子喉片就行了吧",
    "B6-017": _R6_S + _R6_C + _R6_D + "unread: 我是教书的、一周上二十节课、说话沙沙的",
    "B6-019": _R6_C + _R6_D + _R6_N + "unread: 屋里暖气太足了、睡醒嗓子干得冒烟、不疼不烧",
    "B6-020": _R6_C
    + _R6_R
    + "unread: 昨天唱了一晚上歌、哑、明天还要上班得说话 (before #15 agent r6 also 嗓子今 read as the typo of 嗓子紧, a severe allergic reaction)",
    "B6-022": _R6_D
    + _R6_M
    + "unread: 这次又犯了左边一跳一跳的疼、跟以前一样、她以前都吃布洛芬管用",
    "B6-023": "the lexicon reads 昏昏沉沉 (groggy after a poor night) as drowsiness (urgent); ",
    "B6-025": _R6_C + _R6_Q + "unread: 平时一天两三杯的、这种要吃药吗还是喝杯咖啡就好了哈哈",
    "B6-026": _R6_M + "unread: 上次吃散利痛挺管用",
    "B6-028": _R6_M
    + "unread: 大姨妈来第一天、我一般吃一颗芬必得就好、今天早上已经吃了一颗、下午还疼能再吃一颗吗",
    "B6-029": _R6_S + "unread: 我闺女上初三",
    "B6-031": _R6_R + _R6_D + "unread: 舒、乳房也胀",
    "B6-032": _R6_R + _R6_M + "unread: 期、吃了止痛藥半小時了還沒好",
    "B6-034": _R6_C + "unread: 昨天同事聚餐吃多了",
    "B6-035": _R6_D + _R6_R + "unread: 隐隐的、算、就是空空的难受、喝了点热水好一点",
    "B6-037": _R6_C + _R6_D + "unread: 今天咖啡喝多了、嘴里酸酸的",
    "B6-040": _R6_D
    + _R6_C
    + _R6_Q
    + "unread: 我这两天拉肚了、稀的、应该是吃了隔夜饭、一袋兑多少水",
    "B6-041": _R6_D + "unread: 大概四天没上大号了",
    "B6-043": _R6_D + _R6_N + "unread: 有点稀、尿也不少",
    "B6-044": _R6_C + _R6_D + "unread: 我老公吃了麻辣小龙虾、今天拉得有点多、一直在喝水",
    "B6-046": _R6_C + _R6_D + "unread: 出差吃不惯、肚子不太舒服",
    "B6-047": _R6_F + "unread: 今年又开始了",
    "B6-049": _R6_D + _R6_C + "unread: 胳膊上挠出了几道印子、可能是天太干了",
    "B6-052": _R6_C + "unread: 昨天换了新的洗衣液",
    "B6-055": _R6_C + _R6_R + _R6_D + "unread: 好久没运动了、前天跑了5公里、命、下楼梯腿软",
    "B6-056": _R6_D + _R6_Q + "unread: 脖子一转就疼、左边、吃片芬必得能好受点吗",
    "B6-058": _R6_C + _R6_D + "unread: 打羽毛球把手腕扭了一下、有点肿",
    "B6-059": _R6_C
    + _R6_D
    + "unread: 健身练腿练狠了、两天了屁股跟大腿后面还酸、坐下站起来都龇牙咧嘴的",
    "B6-061": _R6_D + _R6_N + "unread: 吃冰的牙酸、不吃就没事",
    "B6-064": _R6_F + "unread: 刚才还在爬来爬去玩玩具",
    "B6-065": _R6_D + _R6_F + "unread: 晚上摸著有點燙、量了37.9、精神挺好還在跟她爸玩",
    "B6-068": _R6_S + _R6_F + "unread: 小家伙精神头很足",
    "B6-070": _R6_Q + "unread: 有啥药能帮助睡眠的吗",
    "B6-071": _R6_C + "unread: 出差刚回来",
}


# Round 6 hoarse voice (task h-hoarse): before the round-6 rules both also read 嗓子今(天) as the
# homophone typo of 嗓子紧 (throat tightness: a severe allergic reaction, emergency); what is left
# is the safe failure, words the lexicon leaves unread (a clinician within 24 h).
_H6_C = "a circumstance naming an activity (singing, cheering) is not read; "
_HOARSE_R6_MISSES = {
    # task look (#15/#23): 嗓子今天哑了 is read as hoarseness now (a time word inside a term);
    # what is left is urgent: the activity and a bare pain word are unread
    "H6-001": _H6_C
    + "unread: 昨晚同学聚会唱完歌; 还有点疼 (the pain of a hoarse throat) is unread too",
    # task look: 说话费劲 after a hoarse voice is no slurred speech now (symptom_explained.csv):
    # no longer an emergency, urgent with the activity and 说话费劲 unread
    "H6-003": _H6_C
    + "unread: 周末带孩子去看球赛喊了一下午加油; 说话费劲 (explained by the hoarse voice) is unread",
}


# what a benign case and a red-flag case of an over-triage set must expect
TRIAGE: Mapping[str, tuple[str, frozenset[str]]] = {
    "benign": ("see_doctor_at_most", frozenset({"routine"})),
    "red": ("see_doctor_at_least", frozenset({"urgent", "emergency"})),
}

Case = dict[str, Any]


def _sourced(case: Case) -> None:
    assert len(case["source"]) > 10, case["id"]


def _followup(path: Path) -> list[Case]:
    """Follow-up vignettes as cases: the first survey answer is the text (rows left as written)."""
    return [{**v, "text": str(v["survey"][0][1])} for v in yaml.safe_load(path.read_text("utf-8"))]


# how a file is read: its cases, and the check each case must pass to be well formed
ROWS: dict[str, tuple[Callable[[Path], list[Case]], Callable[[Case], None] | None]] = {
    "cases": (load_cases, _sourced),
    "followup": (_followup, None),
}


def _answer(kb: Any, case: Case) -> None:
    body = answer(case["request"])
    got = judge(case, body)
    assert got["ok"], (got.get("checks"), got["bad_verdicts"], got.get("level"))


def _reads(kb: Any, case: Case) -> None:
    reading = read(kb, [case["text"]])
    if case["benign"]:
        assert reading.unrecognised == [], reading
        assert all(symptoms.red_flag(c) in ("none", "routine") for c in reading.concepts)
    else:
        flagged = any(symptoms.red_flag(c) != "none" for c in reading.concepts)
        assert flagged or reading.unrecognised, reading


JUDGES: dict[str, Callable[[Any, Case], None]] = {"answer": _answer, "reads": _reads}


@dataclass(frozen=True)
class GuidanceSet:
    """One guidance development set: its file, its known misses (id → why), how its rows are read
    and judged, how its transfer part is checked, and its shape (see the module docstring)."""

    file: str
    known_misses: Mapping[str, str] = field(default_factory=dict)
    at_least: Mapping[str, int] = field(default_factory=dict)
    bounds: Mapping[str, tuple[str, frozenset[str]]] = field(default_factory=lambda: TRIAGE)
    families: frozenset[str] = frozenset()
    rows: str = "cases"
    judge: str = "answer"
    skip: tuple[str, ...] = ()
    transfer_over_at_most: int | None = None
    transfer_share: tuple[Fraction, Fraction] | None = None

    def cases(self) -> list[Case]:
        return ROWS[self.rows][0](HERE / self.file)

    def run_one_by_one(self, case: Case) -> bool:
        """Whether a case is its own test (not a totals-only transfer case, not skipped)."""
        if case.get("transfer") and self.transfer_over_at_most is not None:
            return False
        return not any(case.get(key) for key in self.skip)


SETS: dict[str, GuidanceSet] = {
    "pop_r3": GuidanceSet(
        "guidance_vignettes_pop_r3.yaml",
        _POP_R3_MISSES,
        at_least={"all": 70},
        bounds={},
        families=frozenset(
            {"pregnancy", "breastfeeding", "allergy", "paediatric", "renal", "hepatic"}
        ),
    ),
    "benign_r4": GuidanceSet(
        "guidance_vignettes_benign_r4.yaml", _BENIGN_R4_MISSES, at_least={"benign": 60, "red": 30}
    ),
    "benign_r5": GuidanceSet(
        "guidance_vignettes_benign_r5.yaml", _BENIGN_R5_MISSES, at_least={"benign": 40, "red": 15}
    ),
    # transfer benign over-triage: 24/24 before round 6, 23/24 after (bench/guidance_pop_dev.py)
    "benign_r6": GuidanceSet(
        "guidance_vignettes_benign_r6.yaml",
        _BENIGN_R6_MISSES,
        at_least={"benign": 70, "red": 20},
        transfer_over_at_most=23,
        transfer_share=(Fraction(3, 10), Fraction(36, 100)),
    ),
    # transfer benign over-triage at most 1 (of 1), recorded when the cases were written
    "hoarse_r6": GuidanceSet(
        "guidance_vignettes_hoarse_r6.yaml",
        _HOARSE_R6_MISSES,
        transfer_over_at_most=1,
        transfer_share=(Fraction(1, 3), Fraction(1, 3)),
    ),
    "followup_benign_r3": GuidanceSet(
        "../followup/followup_vignettes_benign_r3.yaml",
        rows="followup",
        judge="reads",
        bounds={},
        skip=("known_over_triage",),
    ),
}
CASES = {name: s.cases() for name, s in SETS.items()}


def _groups(cases: list[Case]) -> dict[str, list[Case]]:
    return {
        "all": cases,
        "benign": [c for c in cases if c.get("benign")],
        "red": [c for c in cases if not c.get("benign")],
    }


@pytest.mark.parametrize("name", SETS)
def test_the_set_is_large_and_well_formed(name: str) -> None:
    spec, cases = SETS[name], CASES[name]
    ids = [c["id"] for c in cases]
    assert len(set(ids)) == len(ids)
    assert set(spec.known_misses) <= {c["id"] for c in cases if spec.run_one_by_one(c)}
    groups = _groups(cases)
    for group, least in spec.at_least.items():
        assert len(groups[group]) >= least, (group, len(groups[group]))
    for group, (key, allowed) in spec.bounds.items():
        assert all(c["expect"].get(key) in allowed for c in groups[group]), (group, key)
    assert {c["family"] for c in cases} >= spec.families
    well_formed = ROWS[spec.rows][1]
    for c in cases if well_formed else []:
        well_formed(c)
    if spec.transfer_share is not None:
        least, most = spec.transfer_share
        assert least <= Fraction(sum(bool(c.get("transfer")) for c in cases), len(cases)) <= most


@pytest.mark.parametrize(
    ("name", "case"),
    [
        pytest.param(name, *p.values, marks=p.marks, id=p.id)
        for name, s in SETS.items()
        for p in case_params(
            [c for c in CASES[name] if s.run_one_by_one(c)], s.known_misses, f"{name}/"
        )
    ],
)
def test_case_meets_its_expectations(kb: Any, name: str, case: Case) -> None:
    JUDGES[SETS[name].judge](kb, case)


@pytest.mark.parametrize(
    "name", [name for name, s in SETS.items() if s.transfer_over_at_most is not None]
)
def test_transfer_totals(kb: Any, name: str) -> None:
    """A transfer part by its totals only: every red flag at its level, benign over-triage no
    worse than recorded."""
    spec = SETS[name]
    transfer = [c for c in CASES[name] if c.get("transfer")]
    over = red_met = 0
    for case in transfer:
        got = judge(case, answer(case["request"]))
        if case.get("benign"):
            over += bool(got.get("over_triage"))
        else:
            red_met += bool(got["checks"].get("at_least"))
    assert red_met == sum(1 for c in transfer if not c.get("benign"))
    assert spec.transfer_over_at_most is not None and over <= spec.transfer_over_at_most
