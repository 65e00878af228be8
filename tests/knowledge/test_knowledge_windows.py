"""Windows read from every FHIR resource kind (#15 task E): Conditions and Encounters open the
shared syndrome windows through the one PatientContext, with their own dates and statuses."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from ammed_fhir.store import PatientRecord
from clinical.knowledge import patient as kp
from clinical.knowledge import syndromes as ks

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
ICD10 = "http://hl7.org/fhir/sid/icd-10"
VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CLIN = "http://terminology.hl7.org/CodeSystem/condition-clinical"


def _ago(days: float) -> str:
    return (NOW - dt.timedelta(days=days)).isoformat()


def _cond(cid: str, code: str = "", text: str = "", **extra) -> dict:
    concept: dict = {"text": text} if text else {}
    if code:
        concept["coding"] = [{"system": ICD10, "code": code}]
    return {"resourceType": "Condition", "id": cid, "code": concept, **extra}


def _enc(eid: str, klass: str = "IMP", status: str = "finished", **extra) -> dict:
    return {
        "resourceType": "Encounter",
        "id": eid,
        "status": status,
        "class": {"code": klass},
        **extra,
    }


def _ctx(sex: str = "female", **kw) -> kp.PatientContext:
    patient = {"resourceType": "Patient", "id": "p1", "birthDate": "1995-01-01", "gender": sex}
    return kp.build(PatientRecord(patient=patient, **kw), now=NOW)


def _days(ctx: kp.PatientContext) -> dict[str, float | None]:
    return {e.ref: e.finding(ctx.today).days_since for e in ctx.episodes}


def test_a_delivery_condition_is_dated_by_onset_then_recorded_then_abatement():
    ctx = _ctx(
        conditions=[
            _cond("a", "O82.0", "剖宫产分娩", onsetDateTime=_ago(10), recordedDate=_ago(3)),
            _cond("b", "Z39.2", recordedDate=_ago(7)),
            _cond("c", "O80", abatementDateTime=_ago(20)),
            _cond("d", "O82.0"),
        ]
    )
    days = _days(ctx)
    assert 9 <= days["Condition/a"] <= 11 and 6 <= days["Condition/b"] <= 8
    assert 19 <= days["Condition/c"] <= 21 and days["Condition/d"] is None
    assert all(e.windows == {"postpartum"} for e in ctx.episodes)


def test_refuted_and_entered_in_error_never_count_but_a_resolved_delivery_still_dates_it():
    ver = {s: {"coding": [{"system": VER, "code": s}]} for s in ("refuted", "entered-in-error")}
    resolved = {"coding": [{"system": CLIN, "code": "resolved"}]}
    ctx = _ctx(
        conditions=[
            _cond("r", "O82.0", verificationStatus=ver["refuted"], onsetDateTime=_ago(5)),
            _cond("e", "O80", verificationStatus=ver["entered-in-error"], onsetDateTime=_ago(5)),
            _cond("ok", "O80", clinicalStatus=resolved, onsetDateTime=_ago(5)),
        ]
    )
    assert [e.ref for e in ctx.episodes] == ["Condition/ok"]


def test_history_words_and_other_codes_open_nothing():
    ctx = _ctx(
        conditions=[
            _cond("h", text="2010年剖宫产史"),
            _cond("p", text="既往剖宫产", recordedDate=_ago(3)),
            _cond("s", "O34.2", "瘢痕子宫（剖宫产术后）", onsetDateTime=_ago(3)),
            _cond("m", text="人工流产后", onsetDateTime=_ago(3)),
            _cond("t", "E04.1", "甲状腺结节", onsetDateTime=_ago(3)),
            _cond("x", "E89.0", "术后甲状腺功能减退", onsetDateTime=_ago(3)),
        ]
    )
    assert ctx.episodes == ()


def test_thyroid_surgery_words_in_order_and_e89_2_open_the_neck_window():
    assert ks.episode_windows("condition", (), "甲状腺全切除术后") == {"neck_endocrine_surgery"}
    assert ks.episode_windows("condition", [(ICD10, "E89.2")], "") == {"neck_endocrine_surgery"}
    assert ks.episode_windows("condition", (), "术后甲状腺") == frozenset()  # the wrong order


def test_an_inpatient_stay_opens_the_vte_window_an_outpatient_or_cancelled_one_does_not():
    ctx = _ctx(
        sex="male",
        encounters=[
            _enc("imp", period={"start": _ago(20), "end": _ago(10)}),
            _enc("amb", "AMB", period={"start": _ago(5), "end": _ago(5)}),
            _enc("emer", "EMER", period={"start": _ago(5)}),
            _enc("gone", status="cancelled", period={"end": _ago(5)}),
            _enc("err", status="entered-in-error", period={"end": _ago(5)}),
            _enc("old", period={"start": _ago(130), "end": _ago(120)}),
        ],
    )
    assert [(e.ref, e.windows) for e in ctx.episodes] == [("Encounter/imp", {"vte_admission"})]


def test_an_admission_dates_its_delivery_reason_and_the_conditions_it_names():
    enc = _enc(
        "e1",
        period={"start": _ago(15), "end": _ago(12)},
        reasonCode=[{"coding": [{"system": ICD10, "code": "O80.0"}], "text": "顺产"}],
        diagnosis=[{"condition": {"reference": "Condition/c1"}}],
    )
    cond = _cond("c1", "O80.0", "单胎顺产")
    back = _cond("c2", "O82.0", "剖宫产", encounter={"reference": "Encounter/e1"})
    ctx = _ctx(encounters=[enc], conditions=[cond, back])
    days = _days(ctx)
    assert set(days) == {"Encounter/e1", "Condition/c1", "Condition/c2"}
    assert all(11 <= d <= 13 for d in days.values())
    assert {"postpartum", "vte_admission"} <= {w for e in ctx.episodes for w in e.windows}


def test_a_date_in_the_future_is_no_usable_date():
    ctx = _ctx(conditions=[_cond("f", "O82.0", onsetDateTime=_ago(-30))])
    assert _days(ctx) == {"Condition/f": None}


def test_a_delivery_condition_is_not_a_current_pregnancy_for_the_syndrome_rules_only():
    ctx = _ctx(conditions=[_cond("a", "O82.0", "剖宫产分娩", onsetDateTime=_ago(56))])
    # noticed bugs item 2: a delivery is no pregnancy for drug safety either; the mother may be
    # breastfeeding (within the post-partum window's breastfeeding_days), never "not"
    assert "pregnancy" not in ctx.condition_keys and ctx.pregnant is None
    assert ctx.breastfeeding is True
    assert "pregnancy" not in ctx.syndrome_condition_keys and not ctx.syndrome_pregnant
    still = _ctx(conditions=[_cond("a", "O82.0"), _cond("b", "O24.4", "妊娠期糖尿病")])
    assert still.syndrome_pregnant is True  # another pregnancy code still says pregnant


def _findings(days: float | None, sex: str = "female", **kw) -> ks.Findings:
    e = ks.Episode(frozenset({"postpartum"}), days, "剖宫产分娩", "Condition/c1")
    return ks.Findings(
        symptoms={"headache": ks.Symptom("headache", "Observation/o1")},
        vitals={
            "sbp": (ks.Value(150, "Observation/bp"),),
            "dbp": (ks.Value(100, "Observation/bp"),),
        },
        sex=sex,
        episodes=(e,),
        **kw,
    )


def _codes(f: ks.Findings) -> set[str]:
    return {m.code for m in ks.evaluate(f)}


def test_the_window_opens_within_its_days_and_not_after():
    assert "syndrome-preeclampsia" in _codes(_findings(10))
    assert "Condition/c1" in next(
        m.evidence for m in ks.evaluate(_findings(10)) if m.code == "syndrome-preeclampsia"
    )
    assert "syndrome-preeclampsia" not in _codes(_findings(43))


def test_an_undated_episode_opens_nothing_but_names_the_rules_it_would_fire():
    f = _findings(None)
    assert "syndrome-preeclampsia" not in _codes(f)
    assert {m.code for m in ks.undated_window_matches(f)} >= {"syndrome-preeclampsia"}
    assert ks.undated_window_matches(_findings(10)) == []
    assert ks.undated_note(f.episodes[0]).startswith("产后时间不明：“剖宫产分娩”")


def test_the_post_partum_window_never_opens_on_a_mans_record_and_unknown_sex_opens_it():
    assert "syndrome-preeclampsia" not in _codes(_findings(10, sex="male"))
    assert ks.undated_window_matches(_findings(None, sex="male")) == []
    assert "syndrome-preeclampsia" in _codes(_findings(10, sex=None))


def test_a_window_reading_conditions_needs_a_source_and_an_undated_note(monkeypatch):
    data = yaml.safe_load(ks.DATA.read_text(encoding="utf-8"))
    del data["windows"]["vte_admission"]["episode_source"]
    with pytest.raises(ks.SyndromeDataError, match="episode_source"):
        ks._validate(data)


def test_inline_conditions_open_undated_windows():
    ctx = kp.from_inline({"sex": "female", "conditions": [{"text": "剖宫产", "codings": []}]})
    assert [(e.windows, e.day) for e in ctx.episodes] == [({"postpartum"}, None)]
    assert not ctx.syndrome_pregnant


def test_a_coded_delivery_is_a_delivery_whatever_its_text_and_its_date_decides():
    coded = [(ICD10, "O82.0")]
    assert ks.episode_windows("condition", coded, "剖宫产，既往体健") == {"postpartum"}
    assert ks.episode_windows("condition", (), "剖宫产，既往体健") == frozenset()
    ctx = _ctx(conditions=[_cond("old", "O82.0", "2010年剖宫产", onsetDateTime="2010-05-01")])
    assert ctx.episodes == ()  # dated outside every window


def test_an_encounter_class_given_as_a_codeable_concept_is_read():
    enc = _enc("e", period={"end": _ago(3)})
    enc["class"] = {"coding": [{"code": "IMP"}]}
    assert [e.windows for e in _ctx(encounters=[enc]).episodes] == [{"vte_admission"}]
