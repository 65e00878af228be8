"""The record as Chinese EMRs really code it (issues #15, #23): metamorphic recodings.

Our development vignettes code conditions and procedures in SNOMED CT and medicines in WHO ATC.
Chinese hospital systems send diagnoses in ICD-10 (国家临床版 2.0: dotted, undotted, with local
suffixes such as ``I10.x00``), operations in ICD-9-CM-3 (手术操作分类代码 国家临床版 3.0),
medicines as generic or brand names with a local code or none, and sometimes in traditional
characters. Every development vignette (the first set and r3) with a condition, a medicine or a
surgery is re-coded each of these ways; the recoded record must get the SAME or a HIGHER
disposition and keep every reason code of the original (a syndrome or modifier needs the
record's condition, medicine or operation, whatever its coding).

The code and name mappings below are written here from the clinical references cited on each
table, NOT copied from the knowledge layer (a test that reads our own tables proves nothing).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from followup_vignette_builder import VIGNETTES_R3, load_vignettes, vignette_resources

from ammed_fhir.store import PatientRecord
from clinical.followup.services.engine import assess_record
from clinical.followup.services.ruledata import rank

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "monitor"))
from paraphrase import traditional

ICD10 = "http://hl7.org/fhir/sid/icd-10"
ICD10_CN = "http://hl7.org/fhir/sid/icd-10-cn"
ICD9CM = "http://hl7.org/fhir/sid/icd-9-cm"
LOCAL = "http://his.example-hospital.cn/codes/local"  # a hospital's own code system

# SNOMED CT concept of a vignette condition → ICD-10 code (WHO ICD-10 2019 tabular list;
# 国家卫生健康委《疾病分类与代码国家临床版2.0》(2019), whose codes extend these with local
# suffixes such as I10.x00, E11.900).
ICD10_OF_SNOMED = {
    "38341003": ("I10", "I10.x00"),  # essential hypertension
    "44054006": ("E11.9", "E11.900"),  # type 2 diabetes mellitus without complications
    "46635009": ("E10.9", "E10.900"),  # type 1 diabetes mellitus without complications
    "49436004": ("I48.9", "I48.900"),  # atrial fibrillation, unspecified
    "84114007": ("I50.9", "I50.900"),  # heart failure, unspecified
    "13645005": ("J44.9", "J44.900"),  # chronic obstructive pulmonary disease, unspecified
    "363358000": ("C34.9", "C34.900"),  # malignant neoplasm of bronchus or lung
    "709044004": ("N18.9", "N18.900"),  # chronic kidney disease, unspecified
    "239873007": ("M17.9", "M17.900"),  # gonarthrosis, unspecified
    "53741008": ("I25.1", "I25.103"),  # atherosclerotic heart disease
    "266569009": ("N40", "N40.x00"),  # hyperplasia of prostate
    "254837009": ("C50.9", "C50.900"),  # malignant neoplasm of breast, unspecified
    "35489007": ("F32.9", "F32.900"),  # depressive episode, unspecified
}

# SNOMED CT procedure (with its wording when one SNOMED code covers several operations) →
# ICD-9-CM-3 (ICD-9-CM Volume 3, CMS/NCHS FY2014 final; 《手术操作分类代码国家临床版3.0》(2020)
# keeps these categories and adds local suffixes such as 81.5100).
ICD9_OF_TEXT = {
    "甲状腺腺叶切除术": "06.2",  # unilateral thyroid lobectomy
    "甲状腺次全切除术": "06.39",  # other partial thyroidectomy
    "腰椎间盘摘除术": "80.51",  # excision of intervertebral disc
    "左半结肠切除术": "45.75",  # open left hemicolectomy
}
ICD9_OF_SNOMED = {
    "13619001": "06.4",  # complete thyroidectomy
    "33628003": "06.89",  # other parathyroidectomy
    "609588000": "81.54",  # total knee replacement
    "52734007": "81.51",  # total hip replacement
    "44558001": "53.00",  # unilateral repair of inguinal hernia, not otherwise specified
    "11466000": "74.1",  # low cervical caesarean section
    "177184002": "73.59",  # other manually assisted delivery (spontaneous vaginal delivery)
    "87677006": "48.63",  # other anterior resection of rectum
    "82619000": "45.73",  # open right hemicolectomy
    "84604002": "45.76",  # open sigmoidectomy
    "23968004": "45.76",  # sigmoidectomy
    "53442002": "43.7",  # partial gastrectomy with anastomosis to jejunum (radical)
    "26390003": "43.7",  # partial gastrectomy (subtotal, Billroth II)
    "80146002": "47.01",  # laparoscopic appendectomy
    "5625002": "03.09",  # other exploration and decompression of spinal canal
    "35817000": "49.46",  # excision of haemorrhoids
    "58261004": "45.62",  # other partial resection of small intestine
    "67220004": "52.7",  # radical pancreaticoduodenectomy (Whipple)
    "44441009": "54.11",  # exploratory laparotomy
    "392021009": "85.21",  # local excision of lesion of breast
    "236886002": "68.41",  # laparoscopic total abdominal hysterectomy
    "387713003": "51.23",  # laparoscopic cholecystectomy (the builder's default operation)
}

# WHO ATC code → (Chinese generic name with salt and dosage form, Chinese brand name or None).
# Generic names: 《中国药典》2020 / 国家药品监督管理局 药品说明书 product names; brands: the
# originator's Chinese trade name on its NMPA-approved label.
NAMES_OF_ATC = {
    "B01AA03": ("华法林钠片", "可密定"),  # warfarin sodium; Coumadin (BMS)
    "B01AF01": ("利伐沙班片", "拜瑞妥"),  # rivaroxaban; Xarelto (Bayer)
    "A10AE04": ("甘精胰岛素注射液", "来得时"),  # insulin glargine; Lantus (Sanofi)
    "A10BA02": ("盐酸二甲双胍缓释片", "格华止"),  # metformin HCl; Glucophage (Merck Serono)
    "A10BB09": ("格列齐特缓释片", "达美康"),  # gliclazide MR; Diamicron (Servier)
    "C08CA01": ("苯磺酸氨氯地平片", "络活喜"),  # amlodipine besilate; Norvasc (Pfizer)
    "L01BC06": ("卡培他滨片", "希罗达"),  # capecitabine; Xeloda (Roche)
    "C03CA01": ("呋塞米片", "速尿"),  # furosemide; Lasix (Sanofi) / 速尿 common name
    "N03AX14": ("左乙拉西坦片", "开浦兰"),  # levetiracetam; Keppra (UCB)
    "N02BE01": ("对乙酰氨基酚片", "必理通"),  # paracetamol; Panadol (GSK)
    "B01AC06": ("阿司匹林肠溶片", "拜阿司匹灵"),  # aspirin EC; Bayaspirin (Bayer)
    "B01AC04": ("硫酸氢氯吡格雷片", "波立维"),  # clopidogrel bisulfate; Plavix (Sanofi)
    "J01CA04": ("阿莫西林胶囊", "阿莫仙"),  # amoxicillin; 阿莫仙 (珠海联邦制药)
    "L04AX03": ("甲氨蝶呤片", None),  # methotrexate
    "A10BK01": ("达格列净片", "安达唐"),  # dapagliflozin; Forxiga (AstraZeneca)
    "M01AE01": ("布洛芬缓释胶囊", "芬必得"),  # ibuprofen SR; Fenbid (GSK)
    "B03AA07": ("硫酸亚铁片", None),  # ferrous sulfate
    "N02AX02": ("盐酸曲马多缓释片", "奇曼丁"),  # tramadol HCl SR; Tramcontin (萌蒂)
    "G04BD07": ("酒石酸托特罗定片", "得妥"),  # tolterodine tartrate; Detrusitol (Pfizer)
    "B01AC24": ("替格瑞洛片", "倍林达"),  # ticagrelor; Brilinta (AstraZeneca)
    "B01AF02": ("阿哌沙班片", "艾乐妥"),  # apixaban; Eliquis (BMS/Pfizer)
    "J01DC02": ("头孢呋辛酯片", "达力新"),  # cefuroxime axetil; 达力新 (深圳致君)
    "B01AE07": ("达比加群酯胶囊", "泰毕全"),  # dabigatran etexilate; Pradaxa (Boehringer)
    "L01AA01": ("注射用环磷酰胺", "安道生"),  # cyclophosphamide; Endoxan (Baxter)
    "A10BB12": ("格列美脲片", "亚莫利"),  # glimepiride; Amaryl (Sanofi)
}

Resource = dict[str, Any]
Recode = Callable[[Resource], Resource]


def _code(r: Resource) -> tuple[str, str]:
    c = r.get("code") or r.get("medicationCodeableConcept") or {}
    coding = (c.get("coding") or [{}])[0]
    return str(coding.get("code") or ""), str(c.get("text") or "")


def _concept(codings: list[tuple[str, str]], text: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"coding": [{"system": s, "code": c} for s, c in codings]}
    if not codings:
        out.pop("coding")
    if text:
        out["text"] = text
    return out


def _set(r: Resource, concept: dict[str, Any]) -> Resource:
    r = deepcopy(r)
    key = "medicationCodeableConcept" if r["resourceType"] == "MedicationRequest" else "code"
    r[key] = concept
    return r


def _text_only(r: Resource) -> Resource:
    return _set(r, _concept([], _code(r)[1]))


def _traditional(r: Resource) -> Resource:
    return _set(r, _concept([], traditional(_code(r)[1])))


def _local_system(r: Resource) -> Resource:
    return _set(r, _concept([(LOCAL, "L" + _code(r)[0][-5:])], _code(r)[1]))


def _icd10(form: int, system: str = ICD10) -> Recode:
    """Conditions as ICD-10 codes only (0: dotted E11.9, 1: undotted E119, 2: local E11.900)."""

    def recode(r: Resource) -> Resource:
        if r["resourceType"] != "Condition":
            return r
        dotted, local = ICD10_OF_SNOMED[_code(r)[0]]
        code = (dotted, dotted.replace(".", ""), local)[form]
        return _set(r, _concept([(system, code)], None))

    return recode


def _icd9(r: Resource) -> Resource:
    """Procedures as ICD-9-CM-3 codes only (no wording)."""
    if r["resourceType"] != "Procedure":
        return r
    snomed, text = _code(r)
    return _set(r, _concept([(ICD9CM, ICD9_OF_TEXT.get(text) or ICD9_OF_SNOMED[snomed])], None))


def _drug_name(brand: bool) -> Recode:
    """Medicines by Chinese generic name + dosage form (or brand name), no ATC code."""

    def recode(r: Resource) -> Resource:
        if r["resourceType"] != "MedicationRequest":
            return r
        generic, trade = NAMES_OF_ATC[_code(r)[0]]
        return _set(r, _concept([], (trade or generic) if brand else generic))

    return recode


def _contained(r: Resource) -> Resource:
    """Medicine as medicationReference to a contained Medication (name only, no ATC)."""
    if r["resourceType"] != "MedicationRequest":
        return r
    generic, _trade = NAMES_OF_ATC[_code(r)[0]]
    r = deepcopy(r)
    r.pop("medicationCodeableConcept")
    r["contained"] = [{"resourceType": "Medication", "id": "med", "code": {"text": generic}}]
    r["medicationReference"] = {"reference": "#med"}
    return r


def _only(kinds: tuple[str, ...], recode: Recode) -> Recode:
    return lambda r: recode(r) if r["resourceType"] in kinds else r


RECORD = ("Condition", "MedicationRequest", "Procedure")
RECODINGS: dict[str, Recode] = {
    "a-text-only": _only(RECORD, _text_only),
    "b-icd10-dotted": _icd10(0),
    "b-icd10-undotted": _icd10(1, ICD10_CN),
    "b-icd10-local-suffix": _icd10(2, ICD10_CN),
    "c-icd9cm3-procedure": _icd9,
    "d-generic-name": _drug_name(brand=False),
    "d-brand-name": _drug_name(brand=True),
    "d-contained-medication": _contained,
    "e-local-code-system": _only(RECORD, _local_system),
    "f-traditional": _only(RECORD, _traditional),
}
# which part of the record each recoding touches (a vignette without it is not re-run)
TOUCHES = {
    "a": RECORD,
    "b": ("Condition",),
    "c": ("Procedure",),
    "d": ("MedicationRequest",),
    "e": RECORD,
    "f": RECORD,
}


def _record(resources: list[Resource]) -> PatientRecord:
    by: dict[str, list[Resource]] = {}
    for r in resources[1:]:
        by.setdefault(r["resourceType"], []).append(r)
    return PatientRecord(
        patient=resources[0],
        conditions=by.get("Condition", []),
        medication_requests=by.get("MedicationRequest", []),
        observations=by.get("Observation", []),
        procedures=by.get("Procedure", []),
        encounters=by.get("Encounter", []),
    )


VIGNETTES = [
    v
    for v in load_vignettes() + load_vignettes(VIGNETTES_R3)
    if v.get("conditions") or v.get("meds") or v.get("surgery")
]
CASES = [
    pytest.param(v, kind, id=f"{kind}-{v['id']}")
    for kind in RECODINGS
    for v in VIGNETTES
    if any(
        {"Condition": "conditions", "MedicationRequest": "meds", "Procedure": "surgery"}[t] in v
        for t in TOUCHES[kind[0]]
    )
]


def test_every_vignette_code_has_a_mapping() -> None:
    """The tables above cover every code the development sets use (a new vignette with a new
    code needs its mapping here, from its reference)."""
    now = timezone.now()
    for v in VIGNETTES:
        for r in vignette_resources(v, now)[1:]:
            code, text = _code(r)
            if r["resourceType"] == "Condition":
                assert code in ICD10_OF_SNOMED, (v["id"], code, text)
            elif r["resourceType"] == "MedicationRequest":
                assert code in NAMES_OF_ATC, (v["id"], code, text)
            elif r["resourceType"] == "Procedure":
                assert text in ICD9_OF_TEXT or code in ICD9_OF_SNOMED, (v["id"], code, text)


@pytest.mark.parametrize(("vignette", "kind"), CASES)
def test_recoded_record_keeps_its_disposition_and_reasons(vignette: dict, kind: str) -> None:
    now = timezone.now()
    resources = vignette_resources(vignette, now)
    base = assess_record(_record(resources), now)
    recoded = [resources[0], *(RECODINGS[kind](r) for r in resources[1:])]
    got = assess_record(_record(recoded), now)
    assert rank(got["disposition"]) >= rank(base["disposition"]), (
        base["disposition"],
        got["disposition"],
        [r["code"] for r in got["reasons"]],
    )
    lost = {r["code"] for r in base["reasons"]} - {r["code"] for r in got["reasons"]}
    assert not lost, lost


# --------------------------------------------------------------------------- unread entries
# A medicine the knowledge layer cannot read (a bare hospital code, a name it does not know)
# never counts as absent for a safety modifier: when the patient's complaint would make a
# syndrome fire IF that medicine were of the class the syndrome names, a clinician is told,
# naming the entry. A patient with the same unread entry and nothing that depends on it is not
# raised (no over-triage for one exotic name); the entry is only noted.

UNREAD_BY_CODE = {"coding": [{"system": LOCAL, "code": "HIS-0045213"}]}
UNREAD_BY_NAME = {"text": "院内制剂0452号"}


def _unread_case(complaint: str, concept: dict[str, Any] | None) -> dict[str, Any]:
    vignette = {"id": "unread", "age": 72, "survey": [["今日感受", complaint, 1]]}
    now = timezone.now()
    resources = vignette_resources(vignette, now)
    if concept is not None:
        resources.append(
            {
                "resourceType": "MedicationRequest",
                "id": "vg-unread-med",
                "status": "active",
                "intent": "order",
                "medicationCodeableConcept": concept,
                "subject": {"reference": "Patient/vg-unread"},
            }
        )
    return assess_record(_record(resources), now)


@pytest.mark.parametrize("concept", [UNREAD_BY_CODE, UNREAD_BY_NAME], ids=["code", "name"])
def test_unread_medicine_with_bleeding_goes_to_a_clinician_at_the_syndrome_level(
    concept: dict[str, Any],
) -> None:
    complaint = "今天拉黑色的大便，像柏油一样"
    without = _unread_case(complaint, None)
    got = _unread_case(complaint, concept)
    reason = next(r for r in got["reasons"] if r["code"] == "syndrome-unread-medication")
    # what the gi-bleed syndrome on an antithrombotic would say: emergency
    assert reason["disposition"] == "emergency"
    assert got["disposition"] == "emergency"
    assert rank(got["disposition"]) >= rank(without["disposition"])
    name = concept.get("text") or "HIS-0045213"
    assert name in reason["clinician"] and "MedicationRequest/vg-unread-med" in reason["evidence"]
    assert "消化道出血" in reason["clinician"]
    assert any(n["code"] == "medication-unread" and name in n["text"] for n in got["notes"])


@pytest.mark.parametrize("concept", [UNREAD_BY_CODE, UNREAD_BY_NAME], ids=["code", "name"])
def test_unread_medicine_without_a_dependent_complaint_is_noted_not_raised(
    concept: dict[str, Any],
) -> None:
    complaint = "今天感觉挺好，伤口不疼了"
    without = _unread_case(complaint, None)
    got = _unread_case(complaint, concept)
    assert got["disposition"] == without["disposition"]
    assert not any(r["code"] == "syndrome-unread-medication" for r in got["reasons"])
    name = concept.get("text") or "HIS-0045213"
    assert any(n["code"] == "medication-unread" and name in n["text"] for n in got["notes"])


def test_a_read_medicine_is_not_called_unread() -> None:
    got = _unread_case("今天感觉挺好", {"text": "波立维 75mg"})
    assert not any(n["code"] == "medication-unread" for n in got["notes"])


@pytest.mark.parametrize(
    "code",
    [
        {"coding": [{"system": ICD9CM, "code": "81.54"}]},  # total knee replacement
        {"coding": [{"system": LOCAL, "code": "81.5100x001"}]},  # 国家临床版 3.0 local suffix
        {"text": "右側全膝關節置換術"},  # traditional characters
    ],
    ids=["icd9cm3", "icd9cm3-local-suffix", "traditional"],
)
def test_the_arthroplasty_care_plan_reads_the_operation_however_coded(code: dict) -> None:
    from clinical.followup.services.careplan import _template_applies
    from clinical.followup.services.facts import build_facts

    now = timezone.now()
    resources = vignette_resources({"id": "cp", "surgery": {"days_ago": 5}}, now)
    proc = next(r for r in resources if r["resourceType"] == "Procedure")
    proc["code"] = code
    facts = build_facts(_record(resources), now)
    template = next(t for t in load_careplan_templates() if t["id"] == "arthroplasty")
    assert _template_applies(facts, template["when"])


def load_careplan_templates() -> list[dict[str, Any]]:
    from clinical.followup.services.ruledata import load

    return load("careplan_templates")["templates"]
