"""A medicine the patient says they take counts for the syndrome rules (#15, the lead's probes).

Patients take what another hospital, a pharmacy or a relative gave them, and say so:
一直在吃布洛芬止痛，这两天拉黑便 (melaena on an NSAID the record does not hold) was *urgent*, and a
bump to the head on warfarin named only in the answer stayed below the NICE NG232 emergency. The
knowledge layer already kept such a clause unread (``discourse._modifies_a_syndrome``: what it
changes is for a clinician); now the classes of a medicine said to be taken (the one drug
vocabulary) join the record's for the shared syndrome table, with the answer as evidence.
Twins: a medicine denied, only kept at home, stopped, or thought of.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
PLAIN = {"age": 58, "sex": "female", "conditions": ["oa"]}
OLD = {"age": 76, "sex": "male"}

TAKEN = [
    ("一直在吃布洛芬止痛，这两天拉黑便", PLAIN, "syndrome-gi-bleed-antithrombotic"),
    ("我每天吃阿司匹林，今天吐了咖啡色的东西", PLAIN, "syndrome-gi-bleed-antithrombotic"),
    ("平时吃着华法林，早上摔了一跤头磕到了床头柜", OLD, "syndrome-head-injury-antithrombotic"),
    ("我在吃利伐沙班，今天头撞到门框上了", OLD, "syndrome-head-injury-antithrombotic"),
    ("一直在吃布洛芬止痛，这两天拉黑便\u200b", PLAIN, "syndrome-gi-bleed-antithrombotic"),
    ("我每天吃阿斯匹林，今天吐了咖啡色的東西", PLAIN, "syndrome-gi-bleed-antithrombotic"),
]


@pytest.mark.parametrize(("text", "record", "code"), TAKEN)
def test_a_medicine_said_to_be_taken_counts_for_the_syndromes(
    text: str, record: dict, code: str
) -> None:
    out = assess_words(text, NOW, **record)
    assert out["disposition"] == "emergency", out["reasons"]
    assert code in reason_codes(out)


NOT_TAKEN = [
    "没吃布洛芬，这两天拉黑便",
    "家里有布洛芬，没舍得吃，这两天拉黑便",
    "布洛芬早就停了，这两天拉黑便",
    "想吃点布洛芬止痛，这两天拉黑便",
]


@pytest.mark.parametrize("text", NOT_TAKEN)
def test_a_medicine_denied_kept_stopped_or_thought_of_does_not_count(text: str) -> None:
    out = assess_words(text, NOW, **PLAIN)
    assert "syndrome-gi-bleed-antithrombotic" not in reason_codes(out)
    assert out["disposition"] == "urgent"


def test_the_answer_is_the_evidence_of_the_medicine() -> None:
    out = assess_words(TAKEN[0][0], NOW, **PLAIN)
    (reason,) = [r for r in out["reasons"] if r["code"] == "syndrome-gi-bleed-antithrombotic"]
    assert any(ref.startswith("Observation/") for ref in reason["evidence"])


# -- every follow-up rule that reads a medicine reads the stated one too ---------------------
# A medicine said to be taken also sets the follow-up medication flags (``medications.yaml``):
# the benign explanation of black stools on oral iron (NICE CKS Anaemia - iron deficiency 2023,
# BNF ferrous sulfate), the critical-medicine adherence rows and the hypoglycaemia cluster read
# it as they read an order. The answer's clause stays unread for the care team (a medicine the
# record does not hold is theirs to reconcile), so the answer is never below review.
IRON_STATED = "一直在吃硫酸亚铁，这两天大便发黑"


def test_stated_iron_explains_black_stools_as_the_ordered_iron_does() -> None:
    out = assess_words(IRON_STATED, NOW, **PLAIN)
    (melena,) = [r for r in out["reasons"] if r["code"] == "redflag-melena"]
    assert melena["disposition"] == "routine"
    assert "铁剂" in melena["text"]
    assert any(ref.startswith("Observation/") for ref in melena["evidence"])
    assert out["disposition"] == "review"  # the unreconciled medicine still reaches a clinician


@pytest.mark.parametrize(
    "text",
    [
        "一直在吃硫酸亚铁，这两天大便黑得像柏油",  # tarry: a bleed's words
        "一直在吃硫酸亚铁，这两天大便发黑，头晕心慌",  # with dizziness and palpitations
        "想吃点硫酸亚铁，这两天大便发黑",  # only thought of
        "硫酸亚铁早就停了，这两天大便发黑",  # stopped
    ],
)
def test_stated_iron_explains_nothing_with_a_bleeds_signs_or_when_not_taken(text: str) -> None:
    out = assess_words(text, NOW, **PLAIN)
    (melena,) = [r for r in out["reasons"] if r["code"] == "redflag-melena"]
    assert melena["disposition"] == "urgent"
    assert out["disposition"] in ("urgent", "emergency")


def test_stated_iron_with_a_stated_nsaid_explains_nothing() -> None:
    out = assess_words("一直在吃硫酸亚铁，也每天吃布洛芬，这两天大便发黑", NOW, **PLAIN)
    assert out["disposition"] == "emergency"


def test_a_stated_critical_medicine_makes_a_missed_dose_the_critical_row() -> None:
    out = assess_words("一直在吃华法林，昨天忘了吃药", NOW, **OLD)
    assert "adherence-missed-critical" in reason_codes(out)
    (row,) = [r for r in out["reasons"] if r["code"] == "adherence-missed-critical"]
    assert "华法林" in row["text"]
    twin = assess_words("昨天忘了吃药", NOW, **OLD)
    assert "adherence-missed-critical" not in reason_codes(twin)


def test_a_stated_sulfonylurea_makes_the_cluster_possible_hypoglycaemia() -> None:
    out = assess_words("平时吃着格列美脲，今天出冷汗、心慌、手抖", NOW, **OLD)
    assert any(code.startswith("hypoglycemia") for code in reason_codes(out)), out["reasons"]
    assert out["disposition"] in ("urgent", "emergency")
    twin = assess_words("今天出冷汗、心慌、手抖", NOW, **OLD)
    assert not any(code.startswith("hypoglycemia") for code in reason_codes(twin))
