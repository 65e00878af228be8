"""One runner for the guidance development sets (#15): each YAML set of guidance cases
(``tests/medkb/guidance_vignettes_*.yaml``), scored as ``bench/guidance_pop_dev.py --file`` scores
it (the sealed bench's judge plus per-product verdicts). Every case is one test; a known miss is a
strict xfail with its reason (a fix makes the test say so). Each set's shape (its size, its benign
and red-flag bounds, the families it covers) is data in ``SETS`` and checked by one test per set.

The sets:

- ``pop_r3``: round-3 special populations, written before the rule changes.
- ``benign_r4``: round-4 over-triage development set (64 benign OTC questions in pharmacy
  wording, 34 red flags in the same register), written before the rule changes.
- ``benign_r5``: round-5 TRANSFER set (46 benign medicine questions of patients at home after
  discharge and their carers, 19 red-flag look-alikes), written before the round-5 rule changes
  and never tuned to (the rules change against ``benign_r4``); misses recorded from its first run.

Registering a new set is one line in ``SETS`` (its known misses beside it, as a dict)::

    "benign_r6": GuidanceSet("guidance_vignettes_benign_r6.yaml", _R6_MISSES, at_least={"benign": 40}),

``at_least`` maps ``all``/``benign``/``red`` to the least number of cases; ``bounds`` (default
``TRIAGE``) says what a benign and a red case must expect; ``families`` the families the set must
cover. Every set must have unique ids, its known misses among them, and a source on every case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from guidance_helpers import case_params

from bench.guidance_pop_dev import answer, judge, load_cases

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


# what a benign case and a red-flag case of an over-triage set must expect
TRIAGE: Mapping[str, tuple[str, frozenset[str]]] = {
    "benign": ("see_doctor_at_most", frozenset({"routine"})),
    "red": ("see_doctor_at_least", frozenset({"urgent", "emergency"})),
}


@dataclass(frozen=True)
class GuidanceSet:
    """One guidance development set: its file, its known misses (id → why) and its shape."""

    file: str
    known_misses: Mapping[str, str] = field(default_factory=dict)
    at_least: Mapping[str, int] = field(default_factory=dict)
    bounds: Mapping[str, tuple[str, frozenset[str]]] = field(default_factory=lambda: TRIAGE)
    families: frozenset[str] = frozenset()

    def cases(self) -> list[dict[str, Any]]:
        return load_cases(HERE / self.file)


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
}
CASES = {name: s.cases() for name, s in SETS.items()}


def _groups(cases: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {
        "all": cases,
        "benign": [c for c in cases if c.get("benign")],
        "red": [c for c in cases if not c.get("benign")],
    }


@pytest.mark.parametrize("name", SETS)
def test_the_set_is_large_and_well_formed(name: str) -> None:
    spec, cases = SETS[name], CASES[name]
    ids = [c["id"] for c in cases]
    assert len(set(ids)) == len(ids) and set(spec.known_misses) <= set(ids)
    groups = _groups(cases)
    for group, least in spec.at_least.items():
        assert len(groups[group]) >= least, (group, len(groups[group]))
    for group, (key, allowed) in spec.bounds.items():
        assert all(c["expect"].get(key) in allowed for c in groups[group]), (group, key)
    assert {c["family"] for c in cases} >= spec.families
    assert all(len(c["source"]) > 10 for c in cases)


@pytest.mark.parametrize(
    "case",
    [p for name, s in SETS.items() for p in case_params(CASES[name], s.known_misses, f"{name}/")],
)
def test_case_meets_its_expectations(kb: Any, case: dict[str, Any]) -> None:
    body = answer(case["request"])
    got = judge(case, body)
    assert got["ok"], (got.get("checks"), got["bad_verdicts"], got.get("level"))
