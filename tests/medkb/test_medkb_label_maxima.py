"""Key adult maxima pinned to the values their cited labels state, written out here (issue 21).

The property tests (test_medkb_properties.py, tests/orders/test_orders_dose_maxima.py) check
the engines against the same CSV rows they read, so a wrong maximum in the data passes them.
Here each value is copied by hand from the source the row cites (quoted next to it): a data
edit that drifts from its label fails this file.

Two tables answer: ``clinical.medkb`` (ingredients.csv: OTC self-care labels, used by the
guidance engine, and by orders/monitor when it has a maximum) and the monitor's interim
table (drugs_interim.csv: BNF maxima for prescription medicines medkb leaves open), both
seen through ``clinical.monitor.kb.ingredient`` as the orders dose check sees them.
"""

from __future__ import annotations

import pytest

from clinical.medkb import api
from clinical.monitor import kb as monitor_kb

# key: (max single mg, max daily mg, the cited text that gives them)
OTC_LABEL_MAXIMA = {
    # 非处方药说明书: 一次0.5g 24小时内不超过4次 -> 2 g a day (中国国家处方集(2010): 一日不超过2g)
    "paracetamol": (None, 2000, "24小时内不超过4次"),
    # 非处方药说明书: 成人一次0.2-0.4g -> 0.4 g a dose
    "ibuprofen": (400, None, "成人一次0.2-0.4g"),
    # 非处方药说明书: 一次0.3-0.6g 24小时不超过2g (the row said 1 g a dose before issue 21)
    "aspirin": (600, 2000, "一次0.3-0.6g 24小时不超过2g"),
    # 萘普生片非处方药说明书: 首次0.5g 以后一次0.25g 24小时不超过0.75g
    "naproxen": (500, 750, "24小时不超过0.75g"),
    # 氢溴酸右美沙芬片非处方药说明书: 一次15-30mg 一日3-4次 -> 30 mg, 120 mg
    "dextromethorphan": (30, 120, "一次15-30mg 一日3-4次"),
    # 盐酸氨溴索口服溶液说明书: 成人一次30mg 一日3次 (the row said 60 / 120 before issue 21)
    "ambroxol": (30, 90, "成人一次30mg 一日3次"),
    # 氯雷他定片非处方药说明书: 成人及12岁以上儿童一次10mg 一日1次
    "loratadine": (10, 10, "一次10mg 一日1次"),
    # 盐酸西替利嗪片非处方药说明书: 成人一次10mg 一日1次
    "cetirizine": (10, 10, "成人一次10mg 一日1次"),
    # 奥美拉唑肠溶片非处方药说明书: 一次20mg 一日1次
    "omeprazole": (20, 20, "一次20mg 一日1次"),
}

# The orders dose check's view (medkb first, else the interim BNF row).
RX_LABEL_MAXIMA = {
    # BNF: metformin oral max 3 g daily (modified-release max 2 g, once daily)
    "metformin": (2000, 3000, "max 3 g daily"),
    # BNF: amlodipine max 10 mg daily
    "amlodipine": (10, 10, "max 10 mg daily"),
    # BNF: atorvastatin max 80 mg daily
    "atorvastatin": (80, 80, "max 80 mg daily"),
    # BNF: diclofenac sodium oral, 75-150 mg daily in 2-3 divided doses
    "diclofenac": (75, 150, "75-150 mg daily"),
    # BNF: levothyroxine maintenance 100-200 micrograms once daily
    "levothyroxine": (0.2, 0.2, "100-200 micrograms once daily"),
    # BNF: irbesartan 150 mg once daily, increased if necessary to 300 mg once daily
    "irbesartan": (300, 300, "300 mg once daily"),
}


@pytest.mark.parametrize("key", sorted(OTC_LABEL_MAXIMA))
def test_otc_maximum_is_the_cited_labels(kb, key: str) -> None:
    single, daily, quote = OTC_LABEL_MAXIMA[key]
    ing = api.ingredient(key)
    assert ing is not None
    assert quote in ing.source  # the value below is the one this cited text gives
    if single is not None:
        assert ing.adult_max_single_mg == single
    if daily is not None:
        assert ing.adult_max_daily_mg == daily


@pytest.mark.parametrize("key", sorted(RX_LABEL_MAXIMA))
def test_prescription_maximum_seen_by_the_orders_check_is_the_cited_labels(kb, key: str) -> None:
    single, daily, quote = RX_LABEL_MAXIMA[key]
    ing = monitor_kb.ingredient(key)
    assert ing is not None
    assert quote in ing.source
    assert (ing.max_single_mg, ing.max_daily_mg) == (single, daily)


def test_warfarin_has_no_fixed_maximum(kb) -> None:
    """华法林钠片说明书: the dose follows the INR. No table may invent a maximum: the orders
    check then sends every warfarin order to a clinician (individualised_doses.yaml)."""
    assert api.ingredient("warfarin").adult_max_daily_mg is None
    ing = monitor_kb.ingredient("warfarin")
    assert (ing.max_single_mg, ing.max_daily_mg) == (None, None)
    assert "INR" in ing.source
