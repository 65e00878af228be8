"""Round-5 TRANSFER cases for guidance over-triage (#15): guidance_vignettes_benign_r5.yaml,
written before the round-5 rule changes (46 benign medicine questions of patients at home after
discharge and their carers, 19 red-flag look-alikes), scored as bench/guidance_pop_dev.py --file
scores them. Not tuned to: the rules change against the round-4 development set
(guidance_vignettes_benign_r4.yaml); this file gives the before/after totals only. The misses are
strict xfails with why, recorded from the first run (a fix elsewhere makes the test say so)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from guidance_helpers import case_params

from bench.guidance_pop_dev import answer, judge, load_cases

CASES = load_cases(Path(__file__).parent / "guidance_vignettes_benign_r5.yaml")
_NET = "before round 5, words nothing in the shared layer reads go to a clinician (urgent): "
KNOWN_MISSES = {
    "B5-001": _NET + "胆囊手术回家十来天了、刀口长得挺好的、能不能抹点红霉素软膏",
    "B5-002": _NET + "我爸膝关节换完出院一个礼拜、医院开的止痛药一直在吃",
    "B5-003": _NET + "阑尾手术第十天、今天想洗个澡、洗完要不要用碘伏擦一下刀口",
    "B5-004": _NET + "做完腹腔镜一个星期不到、小口子、一天最多吃几片",
    "B5-005": _NET + "想给她买点褪黑素",
    "B5-007": _NET + "全麻做完疝气手术、说是插管弄的、含点西瓜霜行不行",
    "B5-008": _NET + "生完孩子三个礼拜、解大便的时候有点疼、喂奶期间马应龙痔疮膏能用吗",
    "B5-009": _NET + "出院带回来的阿托伐他汀、忘了吃一次要不要补",
    "B5-010": _NET + "我婆婆在吃钙片、还想再吃点维生素D、这两个能一起吃吗、钙片饭前吃还是饭后吃",
    "B5-011": _NET
    + "医生开的头孢还剩两天的量、周末有个饭局、吃头孢期间能不能喝点啤酒、停了几天能喝",
    "B5-012": _NET + "家里翻出来一盒布洛芬、过期三个月了、扔了的话怎么处理",
    "B5-015": _NET + "我妈出院时医生给开了一盒艾司唑仑、快吃完了、药店能直接买到吗、还是得去医院开",
    "B5-016": _NET + "我每天早上吃完早饭才想起来吃、有影响吗",
    "B5-017": _NET + "晚上那片吃了会困吗",
    "B5-018": _NET + "黄白色的",
    "B5-019": _NET
    + "前两天唱K唱嗨了、金嗓子喉片一天能含几片; read as symptom:slurred_speech emergency",
    "B5-020": _NET + "我有高血压、一直吃着降压药、血压控制得还行",
    "B5-021": _NET + "剩、精神啥的都挺好",
    "B5-022": _NET + "吃饭喝水都还行、美林能喂吗、喂多少毫升",
    "B5-023": _NET + "小区、炉甘石洗剂可以擦吗",
    "B5-025": _NET + "娃三天没拉臭臭了、吃喝都正常、肚子软软的、开塞露小孩能用吗、用多少",
    "B5-026": _NET + "还是用海盐水洗鼻子就行",
    "B5-027": _NET + "以前也这样过、达喜嚼两片能管用吗",
    "B5-029": _NET + "三四天解一次、每次都挺费劲",
    "B5-030": _NET + "健胃消食片可以当零食吃吗",
    "B5-031": _NET + "脚气又犯了、缝、脱皮、达克宁要抹多久",
    "B5-032": _NET + "尤卓尔能抹吗",
    "B5-033": _NET + "熬了几天夜、嘴角起了一小串水泡、每次上火都这样、阿昔洛韦软膏能抹吗",
    "B5-034": _NET + "吃东西的时候疼、西瓜霜喷剂管用吗",
    "B5-035": _NET + "天天对着电脑、发酸、玻璃酸钠眼药水一天能滴几次",
    "B5-036": _NET + "有点红、过氧苯甲酰凝胶可以点吗",
    "B5-037": _NET + "跟以前每次差不多、吃一粒还是两粒",
    "B5-038": _NET + "外、走路还行、扶他林能抹吗、要不要冰敷; read as symptom:leg_edema urgent",
    "B5-039": _NET + "昨晚枕头太高、脖子往左转有点疼、贴个膏药行吗",
    "B5-040": _NET + "是不是缺钙、钙片能吃吗",
    "B5-041": _NET + "周末爬了趟山、下楼的时候有点疼、能贴点膏药吗",
    "B5-042": _NET + "我爸放了支架以后一直吃阿司匹林",
    "B5-043": _NET + "这周天天加班到半夜、发沉",
    "B5-044": _NET + "明天坐大巴回老家、提",
    "B5-045": _NET + "要吃点维生素吗",
    "B5-046": _NET + "裂口子、洗碗的时候有点疼、抹凡士林还是护手霜好",
    "R5-010": "a child who swallowed an adult's tablets reaches urgent (words nothing reads: 一转眼孩子把他爷爷的降压药吃了好几片、现在看着还好、催), not emergency: no poisoning rule reads 吃了好几片 of another person's medicine",
    "R5-017": "severe one-sided lower abdominal pain reaches urgent, not emergency: 例假晚了十来天 (a missed period) is not read, so the ectopic-pregnancy rule does not fire",
}


def test_the_set_is_large_and_well_formed() -> None:
    ids = [c["id"] for c in CASES]
    assert len(set(ids)) == len(ids) and set(KNOWN_MISSES) <= set(ids)
    benign = [c for c in CASES if c.get("benign")]
    red = [c for c in CASES if not c.get("benign")]
    assert len(benign) >= 40 and len(red) >= 15
    assert all(c["expect"].get("see_doctor_at_most") == "routine" for c in benign)
    assert all(c["expect"].get("see_doctor_at_least") in ("urgent", "emergency") for c in red)
    assert all(len(c["source"]) > 10 for c in CASES)


@pytest.mark.parametrize("case", case_params(CASES, KNOWN_MISSES), ids=[c["id"] for c in CASES])
def test_case_meets_its_expectations(kb: Any, case: dict[str, Any]) -> None:
    body = answer(case["request"])
    got = judge(case, body)
    assert got["ok"], (got.get("checks"), got["bad_verdicts"], got.get("level"))
