"""Development set r4 (#15 round 4): the six families weakest on the sealed sets, in wording
paraphrased from real patients (docs in the yaml header). Its vignettes and shape are run by
test_followup_sets.py (set ``r4``); here, that its records use the codings EMRs send."""

from __future__ import annotations

from followup_vignette_builder import VIGNETTES_R4, load_vignettes

VIGNETTES = load_vignettes(VIGNETTES_R4)


def test_r4_records_use_the_codings_emrs_send() -> None:
    # ICD-10 diagnoses, ICD-9-CM-3 operations, local or absent medicine codes are all exercised
    conds = [c for v in VIGNETTES for c in v.get("conditions", []) if isinstance(c, dict)]
    meds = [m for v in VIGNETTES for m in v.get("meds", []) if isinstance(m, dict)]
    assert sum("icd10" in c for c in conds) >= 5
    assert sum("icd9cm3" in v.get("surgery", {}) for v in VIGNETTES) >= 10
    assert any("local" in m for m in meds) and any(set(m) == {"text"} for m in meds)
