"""Round-4 development cases for guidance over-triage (#15): guidance_vignettes_benign_r4.yaml,
written before the rule changes (64 benign OTC questions in pharmacy wording, 34 red flags in the
same register), scored as bench/guidance_pop_dev.py --file scores them. The misses left are listed
with why (strict xfail: a fix makes the test say so)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from guidance_helpers import case_params

from bench.guidance_pop_dev import answer, judge, load_cases

CASES = load_cases(Path(__file__).parent / "guidance_vignettes_benign_r4.yaml")
_POLICY = "left unread on purpose (discourse.yaml background_phrases): "
_GAP = "words nothing in the shared layer reads yet go to a clinician (the safe failure): "
KNOWN_MISSES = {
    "B4-008": "the paracetamol label's indications name no sore throat (products.csv 泰诺林: "
    "fever, headache, toothache, pain …): not indicated, so nothing is offered (not over-triage)",
    "B4-009": "as B4-008 (round 5: the dry sore throat is read now, so no over-triage; "
    "paracetamol is still not indicated for a sore throat by its label)",
    "B4-011": "as B4-008 (round 5: the swollen tonsil is read now, so no over-triage)",
    "B4-013": _GAP + "两边紧紧的像箍了个圈 (the band-like quality of a tension-type headache); "
    "以前吃布洛芬就管用 is an NSAID taken, a class the syndrome table names: for a clinician",
    "B4-016": _POLICY + "喝多了 is an injury word (alcohol): a hangover is not told apart from "
    "intoxication",
    "B4-017": _GAP + "不想动 of 疼得不想动 (how much the pain limits; read as residue)",
    "B4-022": _GAP + "有点胀 standing alone without a body site before it",
    "B4-024": _POLICY + "a remedy that did not help (吃香蕉也没用) is for a clinician",
    "B4-034": _POLICY + "a diagnosis the patient reports (以前做胃镜说是浅表性胃炎)",
    "B4-036": "nothing treatable is read (insomnia): every product stays usable, so paracetamol "
    "is offered though not indicated (guidance's not_indicated needs a treatable complaint)",
    "B4-037": "as B4-036: chlorphenamine stays usable for insomnia",
    "B4-038": "as B4-036",
    "B4-039": "as B4-036",
    "B4-043": _GAP + "一天用掉一包纸 (a figure of speech for a streaming nose)",
    "B4-046": _GAP + "腿上好几个大红包 (bite weals as 红包)",
    "B4-047": "红疙瘩 is the shared lexicon's rash (urgent); beside an insect bite it is the bite's "
    "papule, which the lexicon does not tell apart",
    "B4-048": _GAP + "包老不消, 一个星期了还有印子 (a persisting bite mark)",
    "B4-055": _GAP + "吃东西有点疼 (its pain word stands 18 characters after 牙龈, beyond the "
    "lexicon's site reach of 16; 张嘴 between names no site of pain)",
    "B4-061": _GAP + "最高38.6 (a temperature without 度 or 体温 is not read as one)",
    # R4-013 (loperamide with bloody diarrhoea and fever) and R4-014 (the dehydrated infant) fixed
    # by noticed r2 (syndromes.yaml syndrome-bloody-diarrhoea, -febrile-diarrhoea,
    # -child-dehydration-severe), rows written without sight of these cases
}


def test_the_set_is_large_and_well_formed() -> None:
    ids = [c["id"] for c in CASES]
    assert len(set(ids)) == len(ids) and set(KNOWN_MISSES) <= set(ids)
    benign = [c for c in CASES if c.get("benign")]
    red = [c for c in CASES if not c.get("benign")]
    assert len(benign) >= 60 and len(red) >= 30
    assert all(c["expect"].get("see_doctor_at_most") == "routine" for c in benign)
    assert all(c["expect"].get("see_doctor_at_least") in ("urgent", "emergency") for c in red)
    assert all(len(c["source"]) > 10 for c in CASES)


@pytest.mark.parametrize("case", case_params(CASES, KNOWN_MISSES), ids=[c["id"] for c in CASES])
def test_case_meets_its_expectations(kb: Any, case: dict[str, Any]) -> None:
    body = answer(case["request"])
    got = judge(case, body)
    assert got["ok"], (got.get("checks"), got["bad_verdicts"], got.get("level"))
