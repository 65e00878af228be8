"""Which OTC products could hide or worsen a post-operative complication (#15 task D).

The post-operative rules of the shared syndrome table name the drug classes guidance must not
offer before a doctor has seen the patient: bowel obstruction and anastomotic leak (pain and
fever relievers hide peritonism and fever; antiemetics and prokinetics hide vomiting and are
contraindicated in mechanical obstruction; laxatives and antidiarrhoeals are contraindicated in
obstruction/ileus), urinary retention (pain relievers hide bladder pain; anticholinergic,
sedating antihistamine and decongestant products worsen retention). Decided conservatively,
each list with its source in the table.
"""

from __future__ import annotations

import pytest

from clinical.knowledge import drugs as kd
from clinical.knowledge import syndromes
from clinical.medkb import api
from clinical.medkb.services.guidance import GuidanceRequest, advise

PAIN_FEVER = {"analgesic", "antipyretic", "nsaid", "opioid"}
EXPECTED = {
    "syndrome-bowel-obstruction": PAIN_FEVER
    | {"antiemetic", "prokinetic", "laxative", "antidiarrhoeal", "anticholinergic"},
    "syndrome-postop-abdominal-sepsis": PAIN_FEVER
    | {"antiemetic", "prokinetic", "laxative", "antidiarrhoeal"},
    "syndrome-urinary-retention": PAIN_FEVER
    | {"anticholinergic", "sedating_antihistamine", "decongestant"},
    "syndrome-urinary-retention-possible": PAIN_FEVER
    | {"anticholinergic", "sedating_antihistamine", "decongestant"},
    "syndrome-voiding-difficulty-postop": PAIN_FEVER
    | {"anticholinergic", "sedating_antihistamine", "decongestant"},
}


def _row(code: str) -> dict:
    return next(r for r in syndromes.rules() if r["code"] == code)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_post_operative_rules_name_what_could_mask_or_worsen_them(code):
    row = _row(code)
    assert set(row["masking"]) >= EXPECTED[code], row.get("masking")
    assert row.get("masking_source"), code
    assert set(row["masking"]) <= set(kd.classes())


def test_masking_true_means_the_pain_and_fever_relievers():
    """``masking: true`` (the older rules) keeps its meaning: analgesics and antipyretics."""
    assert syndromes.PAIN_FEVER_CLASSES == PAIN_FEVER
    rlq = syndromes.Symptom("abdominal_pain", "x", frozenset({"right_lower_abdomen"}))
    (match,) = [
        m
        for m in syndromes.evaluate(syndromes.Findings(symptoms={"abdominal_pain": rlq}))
        if m.code == "rlq_pain"
    ]
    assert match.masking and match.masking_classes == PAIN_FEVER


def test_the_table_rejects_an_unknown_masking_class(monkeypatch, tmp_path):
    bad = tmp_path / "syndromes.yaml"
    bad.write_text(
        "windows: {}\nrules:\n  - {code: x, level: urgent, text: t, clinician: c, source: s,"
        " masking: [no_such_class], masking_source: s, when: [{symptoms_any: [fever]}]}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(syndromes, "DATA", bad)
    syndromes.table.cache_clear()
    try:
        with pytest.raises(syndromes.SyndromeDataError, match="no_such_class"):
            syndromes.table()
    finally:
        monkeypatch.undo()
        syndromes.table.cache_clear()


def _guide(words: str, cabinet: list[str], days: float = 4, text: str = "") -> dict:
    patient = api.PatientContext(
        age_years=68,
        sex="male",
        recent_surgery_days=days,
        surgeries=((days, text, ()),) if text else (),
    )
    return advise(GuidanceRequest(patient=patient, cabinet=cabinet, symptoms=[words]))


def _verdicts(out: dict) -> dict[str, tuple[str, set[str]]]:
    return {i["input"]: (i["verdict"], {r["code"] for r in i["reasons"]}) for i in out["items"]}


@pytest.mark.django_db
def test_voiding_difficulty_after_surgery_keeps_cold_remedies_and_pain_relievers_away():
    out = _guide("小便费劲", ["新康泰克", "布洛芬缓释胶囊", "泰诺林"])
    assert out["see_doctor"]["urgency"] in ("urgent", "emergency")
    verdicts = _verdicts(out)
    for product in ("新康泰克", "布洛芬缓释胶囊", "泰诺林"):
        verdict, codes = verdicts[product]
        assert verdict == "avoid" and "masking" in codes, (product, verdicts[product])


@pytest.mark.django_db
def test_no_flatus_and_vomiting_after_a_colectomy_keeps_antiemetics_and_antidiarrhoeals_away():
    out = _guide("肚子胀，不排气，呕吐", ["吗丁啉", "易蒙停"], days=5, text="乙状结肠切除吻合术")
    assert out["see_doctor"]["urgency"] == "emergency"
    for product, (verdict, codes) in _verdicts(out).items():
        assert verdict == "avoid" and "masking" in codes, (product, codes)
