"""Issue #15 syndromes as data, the lexicon-level rule, benign vocabulary and read clauses."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from followup_vignette_builder import assess_vignette, reason_codes

from clinical.followup.services import lexicon
from clinical.followup.services.facts import Facts
from clinical.followup.services.ruledata import RANK, load
from clinical.followup.services.rules import syndromes
from clinical.knowledge import conditions as knowledge_conditions
from clinical.knowledge import drugs, symptoms
from clinical.knowledge import syndromes as shared


def _assess(v: dict) -> dict:
    now = timezone.now()
    return assess_vignette(v, now)


def _clauses(when: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for clause in when:
        out.append(clause)
        for key in ("any", "all", "none"):
            out += _clauses(clause.get(key, []))
    return out


def test_every_syndrome_names_known_concepts_flags_windows_and_a_source() -> None:
    """The shared table (clinical/knowledge/data/syndromes.yaml) in the shared vocabulary."""
    concepts = set(symptoms.concepts())
    conditions, classes = set(knowledge_conditions.conditions()), set(drugs.classes())
    windows = set(shared.windows())
    for row in shared.rules():
        assert row["source"] and row["level"] in RANK and row["text"], row["code"]
        for clause in _clauses(row["when"]):
            named = clause.get("symptoms_any", []) + clause.get("symptoms_min", {}).get("of", [])
            assert set(named) <= concepts, (row["code"], set(named) - concepts)
            assert set(clause.get("conditions_any", [])) <= conditions, row["code"]
            assert set(clause.get("meds_any", [])) <= classes, row["code"]
            if "window" in clause:
                assert clause["window"] in windows, row["code"]
    for name, spec in shared.windows().items():
        assert spec["source"] and spec["days"] > 0, name


def test_an_empty_record_fires_no_syndrome() -> None:
    assert syndromes.evaluate(Facts(patient_id="x", now=timezone.now())) == []


def test_every_concept_a_followup_rule_names_is_in_the_shared_lexicon() -> None:
    named: set[str] = set()
    for row in load("red_flags"):
        named |= set(row.get("symptoms", []))
    assert named <= set(symptoms.concepts()), named - set(symptoms.concepts())


def test_head_injury_on_an_antiplatelet_without_symptoms_is_an_emergency() -> None:
    out = _assess(
        {
            "id": "sy1",
            "age": 58,
            "meds": ["clopidogrel"],
            "survey": [["症状描述", "昨天晚上磕到头了，现在一切正常", 5]],
        }
    )
    assert out["disposition"] == "emergency"
    reason = next(r for r in out["reasons"] if r["code"] == "syndrome-head-injury-antithrombotic")
    assert "NG232" in reason["source"] and "8小时" in reason["text"]
    assert any(e.startswith("MedicationRequest/") for e in reason["evidence"])


def test_the_same_head_injury_without_antithrombotics_is_urgent() -> None:
    out = _assess({"id": "sy2", "age": 58, "survey": [["症状描述", "昨天晚上磕到头了", 5]]})
    assert out["disposition"] == "urgent"
    assert "syndrome-head-injury-antithrombotic" not in reason_codes(out)


@pytest.mark.parametrize(("days", "fires"), [(41, True), (43, False)])
def test_pre_eclampsia_window_is_six_weeks_after_delivery(days: int, fires: bool) -> None:
    out = _assess(
        {
            "id": f"sy3-{days}",
            "age": 30,
            "surgery": {"days_ago": days, "text": "剖宫产术", "snomed": "11466000"},
            "obs": [["bp", [152, 98], 1]],
            "survey": [["症状描述", "头痛，眼前冒金星", 1]],
        }
    )
    assert ("syndrome-preeclampsia" in reason_codes(out)) is fires
    assert out["disposition"] == ("emergency" if fires else "routine")


def test_a_measured_low_glucose_says_the_15_15_rule() -> None:
    out = _assess({"id": "sy4", "age": 60, "meds": ["metformin"], "obs": [["glucose", 3.6, 1]]})
    reason = next(r for r in out["reasons"] if r["code"] == "hypoglycemia-level1")
    assert "15克快速升糖" in reason["text"] and "15分钟后复测" in reason["text"]
    assert out["disposition"] == "routine"  # metformin alone: no modifier


def test_a_low_glucose_on_a_sulfonylurea_is_urgent_and_says_why() -> None:
    out = _assess({"id": "sy5", "age": 70, "meds": ["gliclazide"], "obs": [["glucose", 3.6, 1]]})
    assert out["disposition"] == "urgent"
    assert "modifier-hypoglycaemia-insulin-sulfonylurea" in reason_codes(out)


def test_a_lexicon_concept_no_rule_names_gets_the_lexicon_level() -> None:
    out = _assess({"id": "sy6", "age": 50, "survey": [["症状描述", "脖子硬，低不下头", 1]]})
    assert out["disposition"] == "emergency"  # stiff neck: emergency in the shared lexicon
    reason = next(r for r in out["reasons"] if r["code"] == "symptom-lexicon-level")
    assert "颈项强直" in reason["text"] and "symptom_concepts.csv" in reason["source"]


def test_a_level_none_concept_that_no_rule_names_is_still_unrecognised() -> None:
    # "出血" (bleeding, where?) is in the lexicon at level none and in no follow-up row
    assert symptoms.red_flag("bleeding") == "none"
    assert "bleeding" not in lexicon.known_concepts()
    out = _assess({"id": "sy7", "age": 50, "survey": [["症状描述", "出血", 1]]})
    assert out["disposition"] == "review"  # nothing the rules read: clinician review
    assert "symptom-unrecognised" in reason_codes(out)


@pytest.mark.parametrize(
    "text",
    [
        "伤口有点痒",
        "有点便秘",
        "胃口一般",
        "晚上睡得不太好",
        "嗓子有点干",
        "刀口有点麻",
        "膝盖有点响",
    ],
)
def test_everyday_complaints_are_read_and_self_care(text: str) -> None:
    out = _assess({"id": "sy8", "age": 55, "survey": [["今日感受", text, 2]]})
    assert out["disposition"] == "self-care", out["reasons"]
    assert "symptom-unrecognised" not in reason_codes(out)
    assert "120" in out["timeframe"]["text"]  # self-care always carries the safety net


def test_reassurance_does_not_hide_unread_words_in_the_same_clause() -> None:
    assert lexicon.reassuring("其他还好")
    assert not lexicon.reassuring("其他还好但是脚趾头发凉变白")
    out = _assess(
        {"id": "sy9", "age": 55, "survey": [["今日感受", "其他还好但是脚趾头发凉变白", 2]]}
    )
    # the unread words name the body (脚趾头): partly understood, urgent (h-partial)
    assert out["disposition"] == "urgent" and "symptom-unrecognised" in reason_codes(out)


def test_thanks_alone_is_not_a_no() -> None:
    assert lexicon.answer_polarity("谢谢医生，都挺好的") is False
    assert lexicon.answer_polarity("谢谢") is None
    assert lexicon.answer_polarity("阴天更明显") is None


def test_a_degree_word_inside_a_term_is_read() -> None:
    assert symptoms.present("手有点抖") == ["tremor"]
    assert symptoms.present("头很昏") == ["dizziness"]
    # the exact term still wins at equal length: mild wound pain, not wound pain
    assert symptoms.present("伤口有点疼") == ["mild_wound_pain"]


def test_site_words_are_interchangeable_inside_terms() -> None:
    assert symptoms.present("心口发紧") == ["chest_tightness"]
    assert symptoms.present("便便是黑的") == ["melena"]


def test_context_concepts_are_not_complaints() -> None:
    assert symptoms.is_context("postpartum") and symptoms.is_context("immobility")
    assert not symptoms.is_context("chest_pain")


IRON = {"atc": "B03AA07", "text": "硫酸亚铁片 0.3g"}


def test_black_stools_on_iron_without_bleeding_signs_are_explained() -> None:
    out = _assess({"id": "sy10", "age": 45, "meds": [IRON], "survey": [["大便", "大便发黑", 3]]})
    assert out["disposition"] == "routine"
    reason = next(r for r in out["reasons"] if r["code"] == "redflag-melena")
    assert "铁剂" in reason["text"] and "立即就医" in reason["text"]


@pytest.mark.parametrize(
    ("extra", "meds"),
    [
        ("大便像柏油一样", []),  # tarry: melaena, not iron
        ("大便发黑，头晕", []),  # a sign of blood loss
        ("大便发黑", ["clopidogrel"]),  # an antiplatelet: no benign explanation
    ],
)
def test_black_stools_on_iron_with_any_bleeding_sign_are_not_explained(
    extra: str, meds: list
) -> None:
    out = _assess({"id": "sy11", "age": 45, "meds": [IRON, *meds], "survey": [["大便", extra, 3]]})
    assert rank_of(out) >= RANK["urgent"], out["reasons"]


def rank_of(out: dict) -> int:
    return RANK[out["disposition"]]


@pytest.mark.parametrize(
    ("text", "polarity"),
    [
        ("体温37.2", False),
        ("血压128/76", False),
        ("空腹血糖6.1", False),
        ("体温38.5", None),  # fever: read by a clinician, never a "no"
        ("血压160/100", None),
        ("早上空腹血糖7.2", None),
        ("血糖8点多", False),
        ("血糖10点多", None),  # up to 10.99: not inside 3.9–10.0
        ("体温37度2", False),
        ("体温37度8", None),
    ],
)
def test_a_reading_in_words_is_a_no_only_inside_its_normal_range(
    text: str, polarity: bool | None
) -> None:
    assert lexicon.answer_polarity(text) is polarity


def test_post_partum_headache_with_a_normal_current_bp_is_not_pre_eclampsia() -> None:
    base = {
        "id": "sy12",
        "age": 30,
        "surgery": {"days_ago": 12, "text": "剖宫产术", "snomed": "11466000"},
        "survey": [["症状描述", "有点头疼", 2]],
    }
    unmeasured = _assess(base)
    assert "syndrome-preeclampsia-symptoms" in reason_codes(unmeasured)  # measure BP now
    normal = _assess({**base, "obs": [["bp", [118, 76], 1]]})
    assert not {"syndrome-preeclampsia", "syndrome-preeclampsia-symptoms"} & reason_codes(normal)
    high = _assess({**base, "obs": [["bp", [150, 96], 1]]})
    assert high["disposition"] == "emergency" and "syndrome-preeclampsia" in reason_codes(high)


def test_a_failed_15_15_recheck_is_an_emergency() -> None:
    out = _assess(
        {
            "id": "sy13",
            "age": 68,
            "meds": ["insulin"],
            "obs": [["glucose", 3.2, 0.5], ["glucose", 3.0, 0.2]],
        }
    )
    assert out["disposition"] == "emergency"
    assert "syndrome-hypoglycaemia-persisting" in reason_codes(out)
    once = _assess({"id": "sy14", "age": 68, "meds": ["insulin"], "obs": [["glucose", 3.2, 0.2]]})
    assert "syndrome-hypoglycaemia-persisting" not in reason_codes(once)


def test_a_context_word_never_makes_the_rest_of_its_clause_read() -> None:
    assert lexicon.unread_clauses("刚生完孩子") == []
    assert lexicon.unread_clauses("突然右边腰上一跳一跳的") == ["突然右边腰上一跳一跳的"]


@pytest.mark.parametrize("sex", ["male", "unknown"])
def test_the_atypical_acs_rule_for_women_needs_the_recorded_sex(sex: str) -> None:
    """Round 2 (#15): the rule reads the shared PatientContext's sex; a man or an unknown sex
    with the same words does not get it (other ACS rules still apply to them)."""
    base = {
        "id": f"acs-woman-{sex}",
        "age": 58,
        "survey": [["症状描述", "下巴疼，出了一身冷汗", 1]],
    }
    assert "syndrome-acs-atypical-woman" in reason_codes(_assess({**base, "sex": "female"}))
    out = _assess({**base, "sex": sex})
    assert "syndrome-acs-atypical-woman" not in reason_codes(out)


def test_the_atypical_acs_rule_for_women_starts_at_50() -> None:
    v = {"id": "acs-woman-young", "age": 38, "sex": "female"}
    out = _assess({**v, "survey": [["症状描述", "下巴疼，出了一身冷汗", 1]]})
    assert "syndrome-acs-atypical-woman" not in reason_codes(out)


# --- post-operative block (#15 task K) ----------------------------------------------------------


def test_every_post_operative_window_has_days_a_match_and_a_source() -> None:
    """h-postop's inline procedure windows are named windows of the shared table."""
    named = {
        clause["window"]
        for row in shared.rules()
        for clause in _clauses(row["when"])
        if "window" in clause
    }
    for name in ("recent_surgery", "abdominal_surgery", "hip_arthroplasty"):
        spec = shared.windows()[name]
        assert name in named and spec["source"] and spec["days"] > 0, name
        assert spec.get("any_procedure") or spec.get("procedure_words"), name


@pytest.mark.parametrize(("days", "fires"), [(29, True), (31, False)])
def test_abdominal_sepsis_needs_abdominal_surgery_within_30_days(days: int, fires: bool) -> None:
    out = _assess(
        {
            "id": f"sy-po-{days}",
            "age": 62,
            "surgery": {"days_ago": days, "text": "乙状结肠切除吻合术", "snomed": "84604002"},
            "obs": [["temp", 38.4, 1]],
            "survey": [["症状描述", "肚子痛，发烧", 1]],
        }
    )
    assert ("syndrome-postop-abdominal-sepsis" in reason_codes(out)) is fires
    if fires:
        reason = next(r for r in out["reasons"] if r["code"] == "syndrome-postop-abdominal-sepsis")
        assert any(e.startswith("Procedure/") for e in reason["evidence"])
        assert "ASCRS" in reason["source"] and reason["disposition"] == "emergency"


def test_abdominal_pain_with_fever_after_knee_surgery_is_not_an_abdominal_leak() -> None:
    out = _assess(
        {
            "id": "sy-po-knee",
            "age": 62,
            "surgery": {"days_ago": 5, "text": "右侧全膝关节置换术", "snomed": "609588000"},
            "obs": [["temp", 38.4, 1]],
            "survey": [["症状描述", "肚子痛，发烧", 1]],
        }
    )
    assert "syndrome-postop-abdominal-sepsis" not in reason_codes(out)


@pytest.mark.parametrize(
    ("record", "expect"),
    [
        ({}, "urgent"),  # inability to void alone: same-day review
        ({"meds": [{"atc": "N02AX02", "text": "盐酸曲马多缓释片 100mg"}]}, "emergency"),
        ({"conditions": [{"snomed": "266569009", "text": "良性前列腺增生"}]}, "emergency"),
        ({"surgery": {"days_ago": 3, "text": "腹股沟疝修补术", "snomed": "44558001"}}, "emergency"),
    ],
)
def test_urinary_retention_is_an_emergency_with_a_risk_factor(record: dict, expect: str) -> None:
    out = _assess(
        {"id": "sy-ur", "age": 70, "sex": "male", **record, "survey": [["症状描述", "尿不出来", 1]]}
    )
    assert out["disposition"] == expect
    assert ("syndrome-urinary-retention" in reason_codes(out)) is (expect == "emergency")


def test_negated_retention_and_returned_bowel_function_are_read_and_benign() -> None:
    out = _assess(
        {
            "id": "sy-po-benign",
            "age": 70,
            "surgery": {"days_ago": 4, "text": "右半结肠切除术", "snomed": "82619000"},
            "obs": [["temp", 36.6, 2]],
            "survey": [["症状描述", "没有尿不出来，已经放屁了", 1]],
        }
    )
    assert out["disposition"] == "self-care", out["reasons"]
    assert not {"symptom-unrecognised", "syndrome-urinary-retention"} & reason_codes(out)


def test_shared_lexicon_misreadings_reach_the_right_disposition() -> None:
    """#15/#23 development findings, end to end: a denied chest pain does not leak into the arm
    clause (no chest-pain emergency), spreading wound redness after surgery is the SSI rule,
    and a past bleed does not hide melena now."""
    arm = _assess({"id": "lx1", "age": 45, "survey": [["症状描述", "胸口不疼，左胳膊一直疼", 1]]})
    assert arm["disposition"] != "emergency"
    assert not any("chest_pain" in r.get("code", "") for r in arm["reasons"])
    ssi = _assess(
        {
            "id": "lx2",
            "age": 60,
            "surgery": {"days_ago": 5, "text": "腹腔镜胆囊切除术", "snomed": "45595009"},
            "survey": [["症状描述", "伤口红肿范围越来越大", 1]],
        }
    )
    assert "syndrome-ssi-spreading" in reason_codes(ssi)
    bleed = _assess(
        {"id": "lx3", "age": 66, "survey": [["症状描述", "以前胃出血过，今天又拉黑便", 1]]}
    )
    now = _assess({"id": "lx4", "age": 66, "survey": [["症状描述", "今天又拉黑便", 1]]})
    assert bleed["disposition"] == now["disposition"] in ("urgent", "emergency")
