"""Drug allergies through the shared knowledge (#23): a sulfonamide (磺胺类) allergy says nothing
about ibuprofen (not a sulfonamide, no cross-reactivity); an NSAID allergy does. Checked in the
shared tables, in medkb's patient checks and in the output monitor (both of its backends)."""

from __future__ import annotations

import pytest

from clinical.knowledge import drugs as kd

pytestmark = pytest.mark.django_db

NSAID_ALLERGIES = ["布洛芬过敏", "阿司匹林过敏", "解热镇痛药过敏", "对非甾体抗炎药过敏"]


@pytest.mark.parametrize(
    ("text", "classes"),
    [
        ("磺胺类药物", {"sulfonamide_antibiotic"}),
        ("磺胺", {"sulfonamide_antibiotic"}),
        ("青霉素", {"penicillin"}),
        ("布洛芬过敏", {"nsaid"}),
        # a painkiller allergy that names no drug cannot exclude paracetamol (#15 round 3)
        ("解热镇痛药过敏", {"nsaid", "analgesic_unspecified"}),
        ("止痛药过敏", {"nsaid", "analgesic_unspecified"}),
        ("海鲜", set()),
    ],
)
def test_an_allergy_text_names_only_its_own_classes(text, classes):
    # the raw terms cell was once iterated character by character: 磺胺类药物 named all 13
    assert kd.allergy_classes_in([text]) == classes


def test_an_unspecified_painkiller_allergy_holds_paracetamol_a_named_nsaid_does_not():
    from clinical.medkb import api

    for allergy, held in (("止痛药过敏", True), ("退烧药过敏", True), ("布洛芬过敏", False)):
        ctx = api.PatientContext(age_years=40, allergies=[allergy])
        codes = {r.code for r in api.check_patient(["paracetamol"], ctx) if r.severity == "avoid"}
        assert ("allergy" in codes) is held, allergy


def test_ibuprofen_is_not_a_sulfonamide():
    assert not kd.cross_reactivity({"sulfonamide_antibiotic"}, "ibuprofen")
    assert not {"sulfonamide_antibiotic", "sulfonamide_nonantibiotic"} & (
        kd.ingredient("ibuprofen").allergy_classes
    )


def test_sulfa_allergy_and_sulfonamides():
    # co-trimoxazole is a sulfonamide ANTIBIOTIC: contraindicated (说明书: 对磺胺类药物过敏者禁用)
    assert [
        r.severity for r in kd.cross_reactivity({"sulfonamide_antibiotic"}, "co_trimoxazole")
    ] == ["avoid"]
    # celecoxib/furosemide carry a non-antibiotic sulfonamide group: caution (DECISIONS.md)
    for key in ("celecoxib", "furosemide"):
        assert [r.severity for r in kd.cross_reactivity({"sulfonamide_antibiotic"}, key)] == [
            "caution"
        ], key


def _monitor_patient(allergy: str):
    from clinical.monitor.context import PatientContext

    return PatientContext(patient_id="p", age_years=60, allergies=[allergy])


@pytest.mark.parametrize("backend", ["medkb", "interim"])
def test_the_monitor_finds_no_ibuprofen_allergy_for_a_sulfa_allergic_patient(settings, backend):
    from clinical.monitor import kb

    settings.AMMED_MONITOR_KB = backend
    codes = [r.code for r in kb.patient_reasons("ibuprofen", _monitor_patient("磺胺类药物"))]
    assert "allergy" not in codes
    sulfa = kb.patient_reasons("co_trimoxazole", _monitor_patient("磺胺类药物"))
    assert [(r.code, r.severity) for r in sulfa if r.code == "allergy"] == [("allergy", "high")]


@pytest.mark.parametrize("backend", ["medkb", "interim"])
@pytest.mark.parametrize("allergy", NSAID_ALLERGIES)
def test_the_monitor_finds_the_ibuprofen_allergy_of_an_nsaid_allergic_patient(
    settings, backend, allergy
):
    from clinical.monitor import kb

    settings.AMMED_MONITOR_KB = backend
    reasons = kb.patient_reasons("ibuprofen", _monitor_patient(allergy))
    assert [(r.code, r.severity) for r in reasons if r.code == "allergy"] == [("allergy", "high")]


def test_medkb_agrees():
    from clinical.medkb import api

    def allergy(text: str) -> list[str]:
        ctx = api.PatientContext(age_years=60, allergies=[text])
        return [r.severity for r in api.check_patient(["ibuprofen"], ctx) if r.code == "allergy"]

    assert allergy("磺胺类药物") == []
    for text in NSAID_ALLERGIES:
        assert allergy(text) == ["avoid"], text


def test_the_monitor_holds_ibuprofen_text_only_for_the_nsaid_allergy():
    from clinical.monitor.services import check_text

    text = "头痛可以服用布洛芬，每次200毫克，24小时内不超过4次。"
    sulfa = check_text(text, _monitor_patient("磺胺类药物"), category="agent")
    assert not [f for f in sulfa.findings if f.code == "allergy"]
    nsaid = check_text(text, _monitor_patient("阿司匹林过敏"), category="agent")
    assert [f.severity for f in nsaid.findings if f.code == "allergy"] == ["high"]
