"""Emergency sensitivity development set r7 (#15, task emerg7): the danger lies in the PATIENT'S
OWN WORDS.

Every case is told only in what a patient or a relative writes (survey answers, messages): BE-FAST
stroke incl. posterior circulation, typical and atypical ACS (diabetics, the elderly, women:
胃不舒服+出汗, 牙疼+胸闷), PE/DVT after surgery, GI bleeding, anaphylaxis, sepsis in words, severe
hypoglycaemia, DKA, meningitis, acute abdomen, testicular torsion, ectopic pregnancy, severe asthma,
suicidal intent, child dehydration, evisceration, post-partum haemorrhage, anticoagulant bleeding,
head injury on anticoagulants, cauda equina and painful urinary retention, in colloquial, dialect,
traditional, full-width and zero-width, typo'd and rambling wordings. Emergencies must reach
``emergency`` exactly; urgent look-alikes ``urgent`` and not more; benign look-alikes (the same
words, no danger) stay below urgent. About a third of every family is the transfer part
(``transfer: true``), never tuned to. Written before the rules of this round; a case the engine
still gets wrong is a strict xfail with its reason in the data, never deleted."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from followup_helpers import check_vignette, vignette_param
from followup_vignette_builder import load_vignettes

from clinical.followup.services.ruledata import rank

R7 = load_vignettes(Path(__file__).with_name("followup_vignettes_emergency_r7.yaml"))


def test_the_set_is_words_only_with_look_alikes_controls_and_a_transfer_part() -> None:
    assert len({v["id"] for v in R7}) == len(R7)
    emergencies = [v for v in R7 if v["expect"] == "emergency"]
    urgent = [v for v in R7 if v["expect"] == "urgent"]
    controls = [v for v in R7 if v["benign"]]
    assert len(emergencies) >= 100 and len(urgent) >= 20 and len(controls) >= 30
    assert not any(v["benign"] for v in emergencies + urgent)
    assert all(rank(v["expect"]) <= rank("routine") for v in controls)
    # the danger is in the words only: no vital-sign or laboratory reading makes an emergency
    assert not [v["id"] for v in emergencies if v.get("obs")]
    # every emergency family has several wordings, and about a third of it is the transfer part
    families = Counter(v["family"] for v in emergencies)
    transfer = Counter(v["family"] for v in emergencies if v.get("transfer"))
    assert all(n >= 3 for n in families.values()), families
    for family, n in families.items():
        assert 1 <= transfer[family] <= (n + 1) // 2, (family, transfer[family], n)
    assert 0.25 <= sum(transfer.values()) / len(emergencies) <= 0.4


@pytest.mark.django_db
@pytest.mark.parametrize("vignette", [vignette_param(v) for v in R7], ids=[v["id"] for v in R7])
def test_emergency_r7_vignette(admin_client, vignette: dict) -> None:
    check_vignette(admin_client, vignette)
