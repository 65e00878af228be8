"""The record rules of the emergency set r6 (#15 emerg round 6), one behaviour each, at their
boundaries: a haemoglobin fall (``falls_by``) on an antithrombotic, a measured calcium in either
unit, a QTc, a neutrophil count with a fever, NICE NG51 high-risk vitals with and without a fever,
post-operative tachycardia and adrenal insufficiency; and, with hypothesis, a worse laboratory
value never lowers the disposition. Engine-only (the record in memory)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from followup_vignette_builder import assess_vignette, reason_codes
from hypothesis import given, settings
from hypothesis import strategies as st

from clinical.followup.services.ruledata import rank


def _assess(**v: Any) -> dict[str, Any]:
    now = timezone.now()
    v.setdefault("id", "r6-rule")
    v.setdefault("age", 70)
    return assess_vignette(v, now)


RIVA = ["rivaroxaban"]
DIZZY = [["症状描述", "头晕", 1]]


def test_a_haemoglobin_fall_of_20_on_a_doac_with_dizziness_is_an_emergency() -> None:
    out = _assess(meds=RIVA, obs=[["hb", 130, 120], ["hb", 110, 2]], survey=DIZZY)
    assert "syndrome-antithrombotic-bleed-haemoglobin" in reason_codes(out)
    assert out["disposition"] == "emergency"


def test_a_haemoglobin_fall_of_19_is_no_fall() -> None:
    out = _assess(meds=RIVA, obs=[["hb", 130, 120], ["hb", 111, 2]], survey=DIZZY)
    assert not reason_codes(out) & {
        "syndrome-antithrombotic-bleed-haemoglobin",
        "syndrome-antithrombotic-haemoglobin-fall",
    }


def test_an_earlier_haemoglobin_beyond_14_days_does_not_count() -> None:
    out = _assess(meds=RIVA, obs=[["hb", 140, 24 * 20], ["hb", 110, 2]], survey=DIZZY)
    assert "syndrome-antithrombotic-bleed-haemoglobin" not in reason_codes(out)


def test_a_rising_haemoglobin_is_no_fall() -> None:
    out = _assess(meds=RIVA, obs=[["hb", 100, 120], ["hb", 130, 2]], survey=DIZZY)
    assert "syndrome-antithrombotic-haemoglobin-fall" not in reason_codes(out)


def test_a_haemoglobin_fall_without_an_antithrombotic_is_not_this_rule() -> None:
    out = _assess(obs=[["hb", 130, 120], ["hb", 100, 2]], survey=DIZZY)
    assert "syndrome-antithrombotic-bleed-haemoglobin" not in reason_codes(out)


def test_a_haemoglobin_fall_alone_on_a_doac_is_urgent() -> None:
    out = _assess(meds=RIVA, obs=[["hb", 130, 120], ["hb", 105, 2]])
    assert "syndrome-antithrombotic-haemoglobin-fall" in reason_codes(out)
    assert out["disposition"] == "urgent"


def test_calcium_below_1_9_is_an_emergency_in_mmol_and_in_mg_dl() -> None:
    assert _assess(obs=[["calcium", 1.8, 3]])["disposition"] == "emergency"
    # 7.2 mg/dL × 0.2495 = 1.80 mmol/L (not the glucose factor)
    mg = _assess(obs=[["calcium", 7.2, 3, "mg/dL"]])
    assert "calcium-critical-low" in reason_codes(mg) and mg["disposition"] == "emergency"


def test_calcium_of_2_0_alone_is_not_urgent() -> None:
    out = _assess(obs=[["calcium", 2.0, 3]])
    assert "calcium-low" in reason_codes(out) and out["disposition"] not in ("urgent", "emergency")


def test_a_qtc_of_500_is_urgent_and_with_palpitations_an_emergency() -> None:
    assert _assess(obs=[["qtc", 510, 12]])["disposition"] == "urgent"
    out = _assess(obs=[["qtc", 510, 12]], survey=[["症状描述", "心慌", 1]])
    assert "syndrome-torsades-risk" in reason_codes(out) and out["disposition"] == "emergency"


def test_a_qtc_of_480_with_palpitations_is_no_torsade_risk() -> None:
    out = _assess(obs=[["qtc", 480, 12]], survey=[["症状描述", "心慌", 1]])
    assert "syndrome-torsades-risk" not in reason_codes(out)


def test_neutrophils_0_5_with_fever_is_an_emergency_but_0_6_is_not_this_rule() -> None:
    low = _assess(obs=[["anc", 0.5, 6], ["temp", 38.1, 1]])
    assert "syndrome-neutropenic-fever" in reason_codes(low) and low["disposition"] == "emergency"
    above = _assess(obs=[["anc", 0.6, 6], ["temp", 38.1, 1]])
    assert "syndrome-neutropenic-fever" not in reason_codes(above)


def test_ng51_high_risk_vitals_need_a_fever() -> None:
    febrile = _assess(obs=[["temp", 38.4, 1], ["rr", 26, 1]])
    assert "syndrome-sepsis-high-risk" in reason_codes(febrile)
    assert febrile["disposition"] == "emergency"
    afebrile = _assess(obs=[["temp", 36.8, 1], ["rr", 26, 1]])
    assert "syndrome-sepsis-high-risk" not in reason_codes(afebrile)


def test_post_operative_tachycardia_with_breathlessness_is_suspected_pe_not_without_surgery() -> (
    None
):
    words = [["症状描述", "有点喘", 1]]
    knee = {"days_ago": 12, "text": "右侧全膝关节置换术", "snomed": "609588000"}
    out = _assess(surgery=knee, obs=[["hr", 108, 1]], survey=words)
    assert "syndrome-pe-tachycardia" in reason_codes(out) and out["disposition"] == "emergency"
    assert "syndrome-pe-tachycardia" not in reason_codes(
        _assess(obs=[["hr", 108, 1]], survey=words)
    )
    slow = _assess(surgery=knee, obs=[["hr", 96, 1]], survey=words)
    assert "syndrome-pe-tachycardia" not in reason_codes(slow)


def test_adrenal_insufficiency_coded_e27_with_vomiting_is_an_adrenal_crisis() -> None:
    out = _assess(
        conditions=[{"icd10": "E27.100", "text": "原发性肾上腺皮质功能减退症"}],
        survey=[["症状描述", "吐了两次", 1]],
    )
    assert "syndrome-adrenal-crisis" in reason_codes(out) and out["disposition"] == "emergency"


# --- invariants (hypothesis, derandomised): a worse laboratory value never lowers -------------
LAB_WORSE = {  # kind: (low, high, direction of danger: -1 lower is worse, +1 higher is worse)
    "hb": (50, 160, -1),
    "calcium": (1.5, 2.6, -1),
    "anc": (0.1, 4.0, -1),
    "k": (4.5, 7.5, 1),  # above the normal range only (a low potassium is its own danger)
    "qtc": (400, 600, 1),
}
SETTINGS = settings(derandomize=True, deadline=None, max_examples=60, database=None)


@SETTINGS
@given(
    st.sampled_from(sorted(LAB_WORSE)),
    st.floats(0, 1),
    st.floats(0.05, 0.5),
    st.lists(st.sampled_from(["rivaroxaban", "warfarin", "methotrexate", "insulin"]), max_size=2),
    st.sampled_from(["", "头晕", "心慌", "发烧", "没劲", "手指发麻"]),
    st.floats(0.5, 1),
)
def test_a_worse_laboratory_value_never_lowers(
    kind: str, at: float, step: float, meds: list[str], words: str, earlier: float
) -> None:
    low, high, sign = LAB_WORSE[kind]
    value = round(low + at * (high - low), 2)
    worse = round(min(high, max(low, value + sign * step * (high - low))), 2)
    base = {"meds": sorted(set(meds)), "survey": [["症状描述", words, 1]] if words else []}
    # an earlier reading of the same kind, so that a fall (falls_by) can be read
    history = [kind, round(low + earlier * (high - low), 2), 24 * 5]
    before = _assess(**base, obs=[history, [kind, value, 2]])
    after = _assess(**base, obs=[history, [kind, worse, 2]])
    assert rank(after["disposition"]) >= rank(before["disposition"]), (
        kind,
        value,
        worse,
        [r["code"] for r in after["reasons"]],
    )
