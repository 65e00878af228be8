"""One runner for the follow-up vignette sets (#15, #23): each YAML set
(``tests/followup/followup_vignettes_*.yaml``) is pushed through /fhir and assessed through the
API, one test per vignette; a case the engine still gets wrong is a strict xfail with its reason
in the data (``known_over_triage`` / ``known_under_triage``, or the keys a set names), never
deleted. Each set's shape (its counts, families, expected levels, transfer part, the share of
known misses it may carry) is data in ``SETS``, checked by one test per set.

The sets (what each is about is in its YAML header; behaviour tests of a set's rule stay in the
set's own file, e.g. test_followup_bodily.py, test_followup_residue.py):

- ``bodily``: partly understood words that name the body reach urgent, quoted (task h-partial).
- ``bodily_r2``: look-alikes of the bodily rule (a diagnosis, a test, a procedure's place) stay
  at review; a new bodily complaint in the same frames stays urgent.
- ``benign_r3``: everyday messages in dialect, typos, traditional/full-width text are read
  (self-care/routine, never "unrecognised"); look-alikes in the same register escalate.
- ``emergency_r5``: true emergencies reach emergency exactly, their urgent look-alikes urgent.
- ``emergency_r6``: emergencies recognisable only with the record; a third is the transfer check.
- ``residue``: one clause holding a recognised complaint and other words (task h3).
- ``gaps``: the lexicon-gap paraphrase families (task h-gaps), each with look-alikes.
- ``noticed``: the misreadings and silent drops noticed in earlier sessions and look-alikes.
- ``core``: the first development set (followup_vignettes.yaml), every family the engine reads
  (red flags, negation, vitals, labs, trends, post-op, chemo, ...) at exactly its reference, with
  the reason codes it must and must not give.
- ``r3``: round 3, sixteen emergency/urgent families with controls (the reassurance-subject rule
  stays in test_followup_vignettes_r3.py).
- ``r4``: round 4, the six weakest families in patients' own wording (the EMR codings check stays
  in test_followup_vignettes_r4.py).
- ``windows``: a delivery, an inpatient stay or hypoparathyroidism sent as a Condition or an
  Encounter opens the risk window; refuted, outdated, outpatient ... look-alikes do not.
- ``misread``: misreadings of the shared reader and their look-alikes (round 6).
- ``review``: words nothing reads go to clinician review, a residue stays urgent (the ladder,
  CarePlan and alert tests stay in test_followup_review.py).
- ``hypothetical``: a patient who asks what to do IF a symptom comes reports none (#15, #23
  task B); the same question beside a present symptom gives at least its ``plain`` complaint
  alone (the metamorphic and question-reader tests stay in test_followup_hypothetical.py).
- ``benign_r5``: answers written one to two weeks after an operation stay read and below review;
  its transfer third is scored as totals only (test_followup_benign_r5.py), never one by one.
- ``emergency_r7``: emergencies told only in the patient's own words, with look-alikes.
- ``missing_r7``: nine misses found on probes, each a family with look-alikes.
- ``missing_r8``: the last session's follow-up misses (one side of the scrotum, chest tightness
  at rest by anaphora, persistent visual loss, knee/hip replacement, 昏昏沉沉, typos), a transfer third.
- ``emergency_r8``: every #15 emergency syndrome in fresh wordings (simile, consequence, dialect,
  tempo) with the record that makes it one, benign twins, a transfer third scored as totals only.
- ``lookalike_r9``: the benign over-reads the missing r8 rules left (坐着/躺着也痛 of another site
  beside a chest word, blurred vision with its stated cause, 下面 after a noun) and their dangerous
  twins (chest at rest, persistent one-eye loss, one side of the scrotum or vulva, torsion or an
  ectopic pregnancy behind 肚子下面一侧); its transfer third is scored as totals only.
- ``r10``: round 10, written before its rules: #15 emergencies, ordinary recovery (resolved
  complaints included), record-dependent twins, readings in words and mixed messages as patients
  and relatives type them; its transfer third is scored as totals only.
- ``r11_acute``: round 11, written before its rules: seven acute syndromes (stroke, atypical ACS,
  anaphylaxis, a head injury on an antithrombotic, a hip fracture after a fall, urinary retention,
  suicidal thoughts in the survey channel) in phone wording with their benign twins; its transfer
  third is scored as totals only.
- ``r11_metabolic``: round 11, written before its rules: severe hypoglycaemia, DKA/HHS (euglycaemic
  DKA on an SGLT2 inhibitor), GI bleeding, sepsis and severe SSI in patients' and relatives' phone
  wording, each with benign twins (a treated low, iron or red food, a cold, normal healing); its
  transfer third is scored as totals only.

Registering a new set is one line in ``SETS``::

    "emergency_r8": VignetteSet("followup_vignettes_emergency_r8.yaml", "exact"),

``judge`` names how a vignette is checked (``JUDGES``): ``exact`` (a benign control below urgent,
any other exactly its ``expect``; ``assert_exact``), ``at_least`` (a benign control below urgent,
any other at least its ``expect``), ``review_at_least`` (as ``at_least``, a benign control exactly
at review), ``read_at_least`` (a benign control at most routine and read: no
``symptom-unrecognised``), ``reference`` (every vignette, benign or not, exactly its ``expect``,
with its ``codes`` and none of its ``absent`` codes, a timeframe and a CarePlan) and ``unread``
(a vignette of family ``unread_benign`` exactly its ``expect`` with high uncertainty, any other at
least its ``expect``) and ``hypothetical`` (a benign question at most routine, with no reason that
says a symptom is present now and a ``patient-question`` note for the care team; any other at
least what its ``plain`` complaint alone gives, that answer pushed and assessed through the API
in the same record). A judge gets the vignette and ``assess``, which assesses a vignette through
the API (a judge of one answer is wrapped by ``_on_body``). A set with ``transfer_totals_only`` runs only its tuning part here: its
transfer part is scored as totals, never case by case.

``transfer_totals`` holds a set's figures of record for its transfer part, as totals of the
engine run in memory (as bench/followup_sets.py counts them): ``right`` and ``emergencies_hit``
at least, ``benign_urgent`` (benign controls at urgent or worse) and ``under`` (dangers below
their ``expect``) at most.

The shape fields name groups of a set's vignettes, ``[transfer ]base[:family][+key|!key ...]``:
``base`` is ``all``, ``benign``, ``dangers`` (not benign), a disposition (by ``expect``),
``lookalikes`` (benign, or marked ``lookalike``: a danger written as a look-alike) or ``cases``
(neither); ``transfer `` keeps only ``transfer: true``, ``:family`` only that family, ``+key`` only
vignettes carrying ``key``, ``!key`` only those without it:

- ``at_least`` / ``at_most``: group → least / most vignettes;
- ``expects``: group → the ``expect`` values its vignettes may have;
- ``families``: exactly these families; ``families_include``: group → families it must have;
  ``min_families``: group → least distinct families;
- ``per_family``: (group, n, over): every family of group ``over`` has at least n in ``group``;
- ``per_family_at_most``: (group, most, over): every family of group ``over`` has at most
  ``most`` in ``group``: a count, or a Fraction of the family's ``over`` vignettes rounded up;
- ``share_at_least``: group → (of, fraction): ``len(group) >= fraction * len(of)``;
- ``share_at_most``: group → (of, fraction): ``len(group) <= fraction * len(of)``;
- ``known_share``: key → (group, share, slack): at most ``share * len(group) + slack``
  vignettes of the group carry the known-miss key (the misses may not swallow the set);
- ``record_keys``: every vignette carries at least one of these record parts.

Every set must have unique ids.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from followup_helpers import (
    KNOWN_FAILURES,
    assert_exact,
    assert_not_over_triaged,
    assessed,
    known_failure,
)
from followup_vignette_builder import assess_vignette, load_vignettes

from clinical.followup.services.ruledata import DISPOSITIONS, rank

HERE = Path(__file__).parent
BELOW_URGENT = frozenset({"self-care", "routine"})  # at most routine
URGENT_UP = frozenset({"urgent", "emergency"})  # at least urgent

Vignette = dict[str, Any]
Body = dict[str, Any]
Assess = Callable[[Vignette], Body]
Judge = Callable[[Vignette, Assess], None]


def _at_least(v: Vignette, body: dict[str, Any]) -> None:
    if v.get("benign"):
        assert_not_over_triaged(body)
    else:
        assert rank(body["disposition"]) >= rank(v["expect"]), body["reasons"]


def _review_at_least(v: Vignette, body: dict[str, Any]) -> None:
    if v.get("benign") and v.get("question"):
        # a care question read whole (#15 follow-up benign r5): below review, and quoted to the
        # care team as a patient question
        assert rank(body["disposition"]) <= rank("routine"), body["reasons"]
        assert any(n["code"] == "patient-question" for n in body.get("notes", [])), body
        return
    _at_least(v, body)
    if v.get("benign"):
        # the words still reach a clinician: lowered from urgent, never dropped below review
        assert body["disposition"] == "review", body["reasons"]


def _read_at_least(v: Vignette, body: dict[str, Any]) -> None:
    if v.get("benign"):
        assert rank(body["disposition"]) <= rank("routine"), body["reasons"]
        codes = {r["code"] for r in body["reasons"]}
        assert "symptom-unrecognised" not in codes, body["reasons"]
    else:
        assert rank(body["disposition"]) >= rank(v["expect"]), body["reasons"]


def _reference(v: Vignette, body: dict[str, Any]) -> None:
    """The first development set: exactly the reference, benign or not, with the reason codes
    the vignette names (``codes``) and none it rules out (``absent``); every reason has a text
    and a code, and the answer a timeframe and a CarePlan."""
    codes = {r["code"] for r in body["reasons"]}
    assert body["disposition"] == v["expect"], body["reasons"]
    assert set(v.get("codes", [])) <= codes, codes
    assert not set(v.get("absent", [])) & codes, codes
    for reason in body["reasons"]:
        assert reason["text"] and reason["code"]
    assert body["timeframe"]["text"]
    assert body["careplan"]["resourceType"] == "CarePlan"


def _unread(v: Vignette, body: dict[str, Any]) -> None:
    """The review set (task h-review): words nothing reads (family ``unread_benign``) exactly at
    their reference with high uncertainty; a residue or a red flag at least its reference."""
    if v["family"] == "unread_benign":
        assert body["disposition"] == v["expect"], body["reasons"]
        assert body["uncertainty"]["level"] == "high"
    else:
        assert rank(body["disposition"]) >= rank(v["expect"]), body["reasons"]


# Codes of a reason that says the patient has something now (a red flag, a symptom rule, an
# unread complaint, a temperature, NEWS2); a hypothetical question may give none of them.
_NOT_NOW = ("redflag-", "syndrome-", "symptom-", "temp-", "news2-")


def _plain(v: Vignette) -> Vignette:
    """``v`` with its (single) survey answer replaced by its ``plain`` complaint alone (the same
    record under its own patient id)."""
    (question, _, days) = v["survey"][0]
    return {**v, "id": f"{v['id']}-plain", "survey": [[question, v["plain"], days]]}


def _hypothetical(v: Vignette, assess: Assess) -> None:
    """The hypothetical set (#15, #23 task B): a question about a symptom that may come raises
    nothing and is quoted for the care team; a look-alike (the symptom present too) gives at
    least what its ``plain`` complaint alone gives, which is itself a complaint."""
    body = assess(v)
    if v["benign"]:
        assert rank(body["disposition"]) <= rank("routine"), body["reasons"]
        assert not [r for r in body["reasons"] if r["code"].startswith(_NOT_NOW)], body["reasons"]
        (note,) = [n for n in body["notes"] if n["code"] == "patient-question"]
        assert "请医护人员回复" in note["text"]
    else:
        plain = assess(_plain(v))["disposition"]
        assert rank(plain) >= rank("routine")  # the look-alike is a real complaint
        assert rank(body["disposition"]) >= rank(plain), body["reasons"]


def _on_body(judge: Callable[[Vignette, Body], None]) -> Judge:
    """A judge of the vignette's own answer only."""
    return lambda v, assess: judge(v, assess(v))


JUDGES: dict[str, Judge] = {
    "exact": _on_body(assert_exact),
    "at_least": _on_body(_at_least),
    "review_at_least": _on_body(_review_at_least),
    "read_at_least": _on_body(_read_at_least),
    "reference": _on_body(_reference),
    "unread": _on_body(_unread),
    "hypothetical": _hypothetical,
}


@dataclass(frozen=True)
class VignetteSet:
    """One follow-up vignette set: its file, how a vignette is judged, which keys make a
    vignette a strict xfail, and its shape (see the module docstring)."""

    file: str
    judge: str
    xfail_keys: tuple[str, ...] = KNOWN_FAILURES
    at_least: Mapping[str, int] = field(default_factory=dict)
    at_most: Mapping[str, int] = field(default_factory=dict)
    expects: Mapping[str, frozenset[str]] = field(default_factory=dict)
    families: frozenset[str] | None = None
    families_include: Mapping[str, frozenset[str]] = field(default_factory=dict)
    min_families: Mapping[str, int] = field(default_factory=dict)
    per_family: tuple[tuple[str, int, str], ...] = ()
    per_family_at_most: tuple[tuple[str, int | Fraction, str], ...] = ()
    share_at_least: Mapping[str, tuple[str, Fraction]] = field(default_factory=dict)
    share_at_most: Mapping[str, tuple[str, Fraction]] = field(default_factory=dict)
    known_share: Mapping[str, tuple[str, float, int]] = field(default_factory=dict)
    record_keys: tuple[str, ...] = ()
    transfer_totals_only: bool = False
    transfer_totals: Mapping[str, int] = field(default_factory=dict)

    def vignettes(self) -> list[Vignette]:
        return load_vignettes(HERE / self.file)


WINDOWS = frozenset(
    {"postpartum_preeclampsia", "postpartum_haemorrhage", "vte_admission", "hypocalcaemia"}
)
MISSING_R7 = frozenset(
    {
        "ingestion",
        "missed_period",
        "potassium",
        "chemo_vomiting",
        "tia",
        "foot_pain",
        "blood_draw",
        "hand_back",
        "high_fever",
    }
)
SETS: dict[str, VignetteSet] = {
    "bodily": VignetteSet(
        "followup_vignettes_bodily.yaml",
        "at_least",
        at_least={"dangers": 40, "benign:benign_plain": 20, "benign:benign_body": 20},
        expects={"dangers": frozenset({"urgent"})},
        min_families={"dangers": 7},
        # #15 targets: at most 15 % of the controls still over-triaged, 90 % of dangers read
        known_share={
            "known_over_triage": ("benign", 0.15, 1),
            "known_under_triage": ("dangers", 0.1, 0),
        },
    ),
    "bodily_r2": VignetteSet(
        "followup_vignettes_bodily_r2.yaml",
        "review_at_least",
        at_least={"benign": 40, "dangers": 20, "transfer benign": 10, "transfer dangers": 5},
        expects={"benign": frozenset({"review", "self-care"}), "dangers": frozenset({"urgent"})},
        families_include={
            "benign": frozenset({"lookalike_disease", "lookalike_test", "lookalike_procedure"})
        },
        known_share={
            "known_over_triage": ("benign", 0.15, 0),
            "known_under_triage": ("dangers", 0.1, 0),
        },
    ),
    "benign_r3": VignetteSet(
        "followup_vignettes_benign_r3.yaml",
        "read_at_least",
        at_least={"benign": 80, "dangers": 20},
        # a look-alike's expect is the clinical answer, whatever the engine reads today
        expects={"benign": BELOW_URGENT, "dangers": URGENT_UP},
        known_share={"known_over_triage": ("benign", 0.15, 0)},
    ),
    "emergency_r5": VignetteSet(
        "followup_vignettes_emergency_r5.yaml",
        "exact",
        at_least={"emergency": 80, "urgent": 25, "benign": 10},
        expects={"benign": BELOW_URGENT},
        # every emergency family is written in more than one wording
        per_family=(("emergency", 2, "emergency"),),
    ),
    "emergency_r6": VignetteSet(
        "followup_vignettes_emergency_r6.yaml",
        "exact",
        at_least={"emergency": 80, "urgent": 20, "benign": 10},
        at_most={"transfer urgent": 0, "transfer benign": 0},
        expects={"benign": BELOW_URGENT},
        min_families={"emergency": 20},
        # every family in two wordings, and in the transfer third
        per_family=(("emergency", 2, "emergency"), ("transfer emergency", 1, "emergency")),
        share_at_least={"transfer emergency": ("emergency", Fraction(1, 3))},
        record_keys=("conditions", "meds", "surgery", "obs", "encounters"),
    ),
    "residue": VignetteSet(
        "followup_vignettes_residue.yaml",
        "at_least",
        xfail_keys=("known_over_triage",),
        at_least={"benign": 40, "dangers": 30},
        known_share={"known_over_triage": ("benign", 0.15, 0)},
    ),
    "gaps": VignetteSet(
        "followup_vignettes_gaps.yaml",
        "exact",
        expects={"dangers": URGENT_UP, "benign": BELOW_URGENT},
        families=frozenset(
            {
                "ssi_redness",
                "ssi_discharge",
                "rlq",
                "dvt",
                "hypocalcaemia",
                "fluids",
                "preeclampsia",
            }
        ),
        per_family=(("dangers", 5, "all"), ("benign", 2, "all")),
    ),
    "noticed": VignetteSet(
        "followup_vignettes_noticed.yaml",
        "exact",
        xfail_keys=("misread", "known_over_triage"),
        families=frozenset(
            {
                "undated_surgery",
                "immobility",
                "pepper",
                "wound_denial",
                "drainage",
                "vomiting",
                "speech",
                # round 2 (noticed r2)
                "counts",
                "abdomen_words",
                "worry",
                "epilepsy_question",
                "mouth_numb",
                "wound_question",
                "infant_dehydration",
                "red_flag_words",
            }
        ),
    ),
    "core": VignetteSet(
        "followup_vignettes.yaml",
        "reference",
        # every disposition of the ladder is somebody's reference
        at_least={"all": 60, **dict.fromkeys(DISPOSITIONS, 1)},
        expects={"all": frozenset(DISPOSITIONS)},
        families_include={
            "all": frozenset(
                {
                    "red_flags",
                    "negation",
                    "vitals",
                    "labs",
                    "trends",
                    "postop",
                    "chemo",
                    "heart_failure",
                    "adherence",
                    "modifiers",
                    "missing",
                    "hypoglycemia",
                }
            )
        },
    ),
    "r3": VignetteSet(
        "followup_vignettes_r3.yaml",
        "exact",
        at_least={"dangers": 50, "benign": 20},
        expects={"dangers": URGENT_UP, "benign": BELOW_URGENT},
        families=frozenset(
            {
                "gi_bleed",
                "anaphylaxis",
                "vte_pe",
                "preeclampsia",
                "stroke",
                "acs",
                "hypocalcaemia",
                "ssi",
                "hip_fracture",
                "head_injury",
                "neutropenic_sepsis",
                "sepsis",
                "dka_hhs",
                "hypoglycemia",
                "urinary_retention",
                "suicidal",
            }
        ),
    ),
    "r4": VignetteSet(
        "followup_vignettes_r4.yaml",
        "exact",
        at_least={"all": 90},
        expects={"dangers": URGENT_UP, "benign": BELOW_URGENT},
        families=frozenset(
            {"gi_bleed", "urinary_retention", "ssi", "hip_fracture", "preeclampsia", "hypoglycemia"}
        ),
        per_family=(("dangers", 10, "all"), ("benign", 5, "all")),
    ),
    "windows": VignetteSet(
        "followup_vignettes_windows.yaml",
        "exact",
        # the window opens through Conditions and Encounters only, never a Procedure
        at_least={"cases": 25, "lookalikes": 15, "cases+encounters": 8},
        at_most={"cases!flag": 0, "all+surgery": 0},
        expects={"cases": URGENT_UP},
        families=WINDOWS,
        families_include={"cases": WINDOWS, "lookalikes": WINDOWS},
    ),
    "misread": VignetteSet(
        "followup_vignettes_misread.yaml",
        "exact",
        xfail_keys=("misread", "known_over_triage"),
        families=frozenset({"unresponsive", "ketone", "buttock", "near_fall", "temperature"}),
        # every family has a benign look-alike but the buttock and the temperature readings
        families_include={"benign": frozenset({"unresponsive", "ketone", "near_fall"})},
    ),
    "review": VignetteSet(
        "followup_vignettes_review.yaml",
        "unread",
        at_least={"all:unread_benign": 30, "all:residue_danger": 15, "all:red_flag": 10},
        # a benign message the partly-understood rule (h-partial) sends urgent: at most a fifth
        known_share={"known_over_triage": ("all:unread_benign", 0.2, 0)},
    ),
    # questions about a symptom that may come, and the same questions beside a present symptom
    "hypothetical": VignetteSet(
        "followup_vignettes_hypothetical.yaml",
        "hypothetical",
        at_least={"benign": 40, "dangers": 25},
        # every look-alike names its complaint alone (its reference)
        at_most={"dangers!plain": 0},
        known_share={"known_over_triage": ("benign", 0.1, 0)},
    ),
    "benign_r5": VignetteSet(
        "followup_vignettes_benign_r5.yaml",
        "read_at_least",
        at_least={"benign": 80, "dangers": 20},
        # every reference has its one-line clinical reason (``why``); a transfer case carries no
        # known-miss marker: its misses are never read one by one
        at_most={
            "all!why": 0,
            "transfer all+known_over_triage": 0,
            "transfer all+known_under_triage": 0,
        },
        expects={"benign": BELOW_URGENT, "dangers": URGENT_UP},
        share_at_least={
            "transfer benign": ("benign", Fraction(7, 25)),
            "transfer dangers": ("dangers", Fraction(7, 25)),
        },
        share_at_most={
            "transfer benign": ("benign", Fraction(2, 5)),
            "transfer dangers": ("dangers", Fraction(2, 5)),
        },
        transfer_totals_only=True,
    ),
    "emergency_r7": VignetteSet(
        "followup_vignettes_emergency_r7.yaml",
        "exact",
        at_least={"emergency": 100, "urgent": 20, "benign": 30},
        # the danger is in the words only: no vital-sign or laboratory reading makes an emergency
        at_most={"emergency+obs": 0},
        expects={"benign": BELOW_URGENT},
        # every emergency family in several wordings, about a third of it the transfer part
        per_family=(("emergency", 3, "emergency"), ("transfer emergency", 1, "emergency")),
        per_family_at_most=(("transfer emergency", Fraction(1, 2), "emergency"),),
        share_at_least={"transfer emergency": ("emergency", Fraction(1, 4))},
        share_at_most={"transfer emergency": ("emergency", Fraction(2, 5))},
    ),
    "missing_r7": VignetteSet(
        "followup_vignettes_missing_r7.yaml",
        "exact",
        families=MISSING_R7,
        # every family in 4 to 10 wordings, with a transfer case and a look-alike (a benign
        # control, or a danger among benign cases: the seizure of blood_draw); foot_pain has none
        per_family=(("all", 4, "all"), ("transfer all", 1, "all")),
        per_family_at_most=(("all", 10, "all"),),
        families_include={
            "benign": MISSING_R7 - {"foot_pain"},
            "dangers": MISSING_R7 - {"foot_pain"},
        },
        share_at_least={"transfer all": ("all", Fraction(1, 4))},
        share_at_most={"transfer all": ("all", Fraction(1, 2))},
    ),
    # the last session's follow-up misses (task fumiss): seven families in patient words, each with
    # look-alikes below urgent and a third written as the transfer check
    "missing_r8": VignetteSet(
        "followup_vignettes_missing_r8.yaml",
        "exact",
        families=frozenset(
            {
                "scrotum",
                "chest_rest",
                "vision",
                "knee_swelling",
                "hip_dislocation",
                "drowsiness",
                "typos",
            }
        ),
        at_least={"all": 40, "benign": 14},
        expects={"benign": BELOW_URGENT},
        per_family=(("benign", 2, "all"), ("transfer all", 3, "all")),
        share_at_least={"transfer all": ("all", Fraction(1, 3))},
    ),
    # every #15 emergency syndrome in wordings nobody probed (task emr8): two tuning wordings and
    # one transfer wording a family, benign twins; the transfer third is scored as totals only
    "emergency_r8": VignetteSet(
        "followup_vignettes_emergency_r8.yaml",
        "exact",
        families=frozenset(
            {
                "stroke",
                "acs",
                "vte_pe",
                "anaphylaxis",
                "gi_bleed",
                "sepsis",
                "neutropenic_sepsis",
                "preeclampsia",
                "hypocalcaemia",
                "head_injury",
                "dka_hhs",
                "hypoglycemia",
                "dehiscence",
                "urinary_retention",
                "compartment",
                "suicidal",
                "benign",
            }
        ),
        at_least={"emergency": 48, "benign": 12},
        expects={"benign": BELOW_URGENT, "dangers": URGENT_UP},
        # a transfer case carries no known-miss marker: its misses are never read one by one
        at_most={
            "transfer all+known_over_triage": 0,
            "transfer all+known_under_triage": 0,
        },
        per_family=(("emergency", 3, "emergency"), ("transfer emergency", 1, "emergency")),
        per_family_at_most=(("transfer emergency", 1, "emergency"),),
        share_at_least={"transfer all": ("all", Fraction(3, 10))},
        share_at_most={"transfer all": ("all", Fraction(2, 5))},
        transfer_totals_only=True,
    ),
    "lookalike_r9": VignetteSet(
        "followup_vignettes_lookalike_r9.yaml",
        "exact",
        families=frozenset({"rest_scope", "vision_cause", "below_context", "lower_belly"}),
        at_least={"all": 45, "benign": 18, "dangers": 18},
        expects={"benign": BELOW_URGENT, "dangers": URGENT_UP},
        per_family=(("benign", 3, "all"), ("dangers", 3, "all"), ("transfer all", 3, "all")),
        share_at_least={"transfer all": ("all", Fraction(1, 3))},
        transfer_totals_only=True,
    ),
    # round 10 (task wfu10), written before its rules: five families in patients' and relatives'
    # phone wording, dangers and benign controls in each; every family's rows 1, 4, 7, ... are the
    # transfer third, scored as totals only
    "r10": VignetteSet(
        "followup_vignettes_r10.yaml",
        "exact",
        families=frozenset(
            {
                "emergency_words",
                "benign_recovery",
                "record_dependent",
                "vitals_words",
                "mixed_messages",
            }
        ),
        at_least={"all": 66, "benign": 24, "emergency": 20, "urgent": 15},
        expects={"benign": BELOW_URGENT, "dangers": URGENT_UP},
        # a transfer case carries no known-miss marker: its misses are never read one by one
        at_most={
            "transfer all+known_over_triage": 0,
            "transfer all+known_under_triage": 0,
        },
        per_family=(
            ("benign", 4, "all"),
            ("emergency", 3, "all"),
            ("urgent", 3, "all"),
            ("transfer all", 4, "all"),
            ("transfer benign", 2, "all"),
            ("transfer dangers", 2, "all"),
        ),
        share_at_least={"transfer all": ("all", Fraction(1, 3))},
        transfer_totals_only=True,
    ),
    # round 11 (task wfu11a), written before its rules: seven acute families in patients' and
    # relatives' phone wording, emergencies, urgent look-alikes and benign twins in each; every
    # family's rows 1, 4, 7, 10 are the transfer third, scored as totals only
    "r11_acute": VignetteSet(
        "followup_vignettes_r11_acute.yaml",
        "exact",
        families=frozenset(
            {
                "stroke",
                "acs_atypical",
                "anaphylaxis",
                "head_injury_anticoag",
                "hip_fall",
                "urinary_crisis",
                "suicidal",
            }
        ),
        at_least={"all": 70, "benign": 21, "emergency": 32, "urgent": 7},
        expects={"benign": BELOW_URGENT, "dangers": URGENT_UP},
        # a transfer case carries no known-miss marker: its misses are never read one by one
        at_most={
            "transfer all+known_over_triage": 0,
            "transfer all+known_under_triage": 0,
        },
        per_family=(
            ("benign", 4, "all"),
            ("emergency", 5, "all"),
            ("urgent", 1, "all"),
            ("transfer all", 4, "all"),
            ("transfer benign", 2, "all"),
            ("transfer dangers", 2, "all"),
        ),
        share_at_least={
            "transfer all": ("all", Fraction(1, 3)),
            "emergency": ("all", Fraction(9, 20)),
            "benign": ("all", Fraction(3, 10)),
        },
        transfer_totals_only=True,
        # the transfer totals on the base code, before any rule of round 11 (28 cases: 14 benign,
        # 14 dangers of which 14 emergencies)
        transfer_totals={"right": 15, "emergencies_hit": 12, "benign_urgent": 11, "under": 2},
    ),
    # round 11 (task wfu11m), written before its rules: five metabolic/infective families in
    # patients' and relatives' phone wording, dangers and benign controls in each; every family's
    # rows 1, 4, 7, ... are the transfer third, scored as totals only
    "r11_metabolic": VignetteSet(
        "followup_vignettes_r11_metabolic.yaml",
        "exact",
        families=frozenset(
            {
                "hypoglycaemia_severe",
                "dka_hhs",
                "gi_bleed",
                "sepsis_infection",
                "ssi_severe",
            }
        ),
        at_least={"all": 70, "benign": 25, "emergency": 35, "urgent": 10},
        expects={"benign": BELOW_URGENT, "dangers": URGENT_UP},
        # a transfer case carries no known-miss marker: its misses are never read one by one
        at_most={
            "transfer all+known_over_triage": 0,
            "transfer all+known_under_triage": 0,
        },
        per_family=(
            ("benign", 5, "all"),
            ("emergency", 7, "all"),
            ("urgent", 2, "all"),
            ("transfer all", 5, "all"),
            ("transfer benign", 2, "all"),
            ("transfer emergency", 3, "all"),
        ),
        # at least 45 % emergencies, at least 30 % benign controls, a third for transfer
        share_at_least={
            "emergency": ("all", Fraction(9, 20)),
            "benign": ("all", Fraction(3, 10)),
            "transfer all": ("all", Fraction(1, 3)),
        },
        transfer_totals_only=True,
        # the transfer totals on the base code, before any rule of round 11 (25 cases: 10 benign,
        # 15 dangers of which 15 emergencies); the tuning of round 11 kept them
        transfer_totals={"right": 15, "emergencies_hit": 11, "benign_urgent": 6, "under": 4},
    ),
}
VIGNETTES = {name: s.vignettes() for name, s in SETS.items()}


def _lookalike(v: Vignette) -> bool:
    return bool(v.get("benign") or v.get("lookalike"))


_BASE: dict[str, Callable[[Vignette], bool]] = {
    "all": lambda v: True,
    "benign": lambda v: bool(v.get("benign")),
    "dangers": lambda v: not v.get("benign"),
    "lookalikes": _lookalike,
    "cases": lambda v: not _lookalike(v),
    **{d: (lambda v, d=d: v["expect"] == d) for d in DISPOSITIONS},
}
_GROUP = re.compile(
    r"(?P<transfer>transfer )?(?P<base>[a-z-]+)(?::(?P<family>\w+))?(?P<keys>(?:[+!]\w+)*)"
)


def group(vignettes: list[Vignette], name: str, family: str = "") -> list[Vignette]:
    """The vignettes of a group: ``[transfer ]base[:family][+key|!key ...]`` (see the module
    docstring); ``family`` narrows it to that family."""
    m = _GROUP.fullmatch(name)
    assert m, f"not a group: {name!r}"
    base, family = _BASE[m["base"]], m["family"] or family
    keys = re.findall(r"([+!])(\w+)", m["keys"])
    return [
        v
        for v in vignettes
        if base(v)
        and (not family or v["family"] == family)
        and (not m["transfer"] or v.get("transfer"))
        and all(bool(v.get(k)) == (sign == "+") for sign, k in keys)
    ]


@pytest.mark.parametrize("name", SETS)
def test_the_set_has_its_shape(name: str) -> None:
    spec, vs = SETS[name], VIGNETTES[name]
    assert len({v["id"] for v in vs}) == len(vs)
    if spec.families is not None:
        assert {v["family"] for v in vs} == spec.families
    for g, least in spec.at_least.items():
        assert len(group(vs, g)) >= least, (g, len(group(vs, g)))
    for g, most in spec.at_most.items():
        assert len(group(vs, g)) <= most, (g, len(group(vs, g)))
    for g, allowed in spec.expects.items():
        assert {v["expect"] for v in group(vs, g)} <= allowed, g
    for g, families in spec.families_include.items():
        assert {v["family"] for v in group(vs, g)} >= families, g
    for g, least in spec.min_families.items():
        assert len({v["family"] for v in group(vs, g)}) >= least, g
    for g, least, over in spec.per_family:
        for family in {v["family"] for v in group(vs, over)}:
            assert len(group(vs, g, family)) >= least, (g, family)
    for g, most, over in spec.per_family_at_most:
        for family in {v["family"] for v in group(vs, over)}:
            n = len(group(vs, over, family))
            cap = most if isinstance(most, int) else math.ceil(most * n)
            assert len(group(vs, g, family)) <= cap, (g, family)
    for g, (of, fraction) in spec.share_at_least.items():
        assert len(group(vs, g)) >= fraction * len(group(vs, of)), (g, of)
    for g, (of, fraction) in spec.share_at_most.items():
        assert len(group(vs, g)) <= fraction * len(group(vs, of)), (g, of)
    for key, (g, share, slack) in spec.known_share.items():
        members = group(vs, g)
        assert sum(bool(v.get(key)) for v in members) <= share * len(members) + slack, key
    if spec.record_keys:
        assert all(any(v.get(k) for k in spec.record_keys) for v in vs)


def _params() -> list[Any]:
    """Every vignette of every set as (set name, vignette), named set/id; a known failure (the
    set's ``xfail_keys``) a strict xfail with its reason. A set scored on its transfer part as
    totals only (``transfer_totals_only``) gives its tuning part alone."""
    out = []
    for name, spec in SETS.items():
        for v in VIGNETTES[name]:
            if spec.transfer_totals_only and v.get("transfer"):
                continue
            why = known_failure(v, spec.xfail_keys)
            marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
            out.append(pytest.param(name, v, marks=marks, id=f"{name}/{v['id']}"))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "vignette"), _params())
def test_vignette(admin_client, name: str, vignette: Vignette) -> None:
    JUDGES[SETS[name].judge](vignette, lambda v: assessed(admin_client, v))


@pytest.mark.parametrize("name", [n for n, s in SETS.items() if s.transfer_totals])
def test_the_transfer_part_keeps_its_totals(name: str) -> None:
    """A set's transfer part scored as totals only, never case by case (``transfer_totals``)."""
    from django.utils import timezone

    now = timezone.now()
    got = {"right": 0, "emergencies_hit": 0, "benign_urgent": 0, "under": 0}
    for v in group(VIGNETTES[name], "transfer all"):
        level = assess_vignette(v, now)["disposition"]
        if v.get("benign"):
            got["benign_urgent"] += rank(level) >= rank("urgent")
            got["right"] += rank(level) < rank("urgent")
        else:
            got["under"] += rank(level) < rank(v["expect"])
            got["right"] += level == v["expect"]
            got["emergencies_hit"] += v["expect"] == level == "emergency"
    floor = SETS[name].transfer_totals
    assert got["right"] >= floor["right"] and got["emergencies_hit"] >= floor["emergencies_hit"]
    assert got["benign_urgent"] <= floor["benign_urgent"] and got["under"] <= floor["under"]
