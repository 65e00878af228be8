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
- ``missing_r8``: the last session's follow-up misses (one side of the scrotum, chest tightness
  at rest by anaphora, persistent visual loss, knee/hip replacement, 昏昏沉沉, typos), a transfer third.

Registering a new set is one line in ``SETS``::

    "missing_r7": VignetteSet("followup_vignettes_missing_r7.yaml", "exact"),

``judge`` names how a vignette is checked (``JUDGES``): ``exact`` (a benign control below urgent,
any other exactly its ``expect``; ``check_vignette``), ``at_least`` (a benign control below urgent,
any other at least its ``expect``), ``review_at_least`` (as ``at_least``, a benign control exactly
at review) and ``read_at_least`` (a benign control at most routine and read: no
``symptom-unrecognised``). The shape fields name groups of a set's vignettes: ``all``, ``benign``,
``dangers`` (not benign), ``emergency`` and ``urgent`` (by ``expect``), optionally prefixed by
``transfer `` (only ``transfer: true``) and suffixed by ``:family`` (only that family):

- ``at_least`` / ``at_most``: group → least / most vignettes;
- ``expects``: group → the ``expect`` values its vignettes may have;
- ``families``: exactly these families; ``families_include``: group → families it must have;
  ``min_families``: group → least distinct families;
- ``per_family``: (group, n, over): every family of group ``over`` has at least n in ``group``;
- ``share_at_least``: group → (of, fraction): ``len(group) >= fraction * len(of)``;
- ``known_share``: key → (group, share, slack): at most ``share * len(group) + slack``
  vignettes of the group carry the known-miss key (the misses may not swallow the set);
- ``record_keys``: every vignette carries at least one of these record parts.

Every set must have unique ids.
"""

from __future__ import annotations

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
from followup_vignette_builder import load_vignettes

from clinical.followup.services.ruledata import rank

HERE = Path(__file__).parent
BELOW_URGENT = frozenset({"self-care", "routine"})  # at most routine
URGENT_UP = frozenset({"urgent", "emergency"})  # at least urgent

Vignette = dict[str, Any]


def _at_least(v: Vignette, body: dict[str, Any]) -> None:
    if v["benign"]:
        assert_not_over_triaged(body)
    else:
        assert rank(body["disposition"]) >= rank(v["expect"]), body["reasons"]


def _review_at_least(v: Vignette, body: dict[str, Any]) -> None:
    if v["benign"] and v.get("question"):
        # a care question read whole (#15 follow-up benign r5): below review, and quoted to the
        # care team as a patient question
        assert rank(body["disposition"]) <= rank("routine"), body["reasons"]
        assert any(n["code"] == "patient-question" for n in body.get("notes", [])), body
        return
    _at_least(v, body)
    if v["benign"]:
        # the words still reach a clinician: lowered from urgent, never dropped below review
        assert body["disposition"] == "review", body["reasons"]


def _read_at_least(v: Vignette, body: dict[str, Any]) -> None:
    if v["benign"]:
        assert rank(body["disposition"]) <= rank("routine"), body["reasons"]
        codes = {r["code"] for r in body["reasons"]}
        assert "symptom-unrecognised" not in codes, body["reasons"]
    else:
        assert rank(body["disposition"]) >= rank(v["expect"]), body["reasons"]


JUDGES: dict[str, Callable[[Vignette, dict[str, Any]], None]] = {
    "exact": assert_exact,
    "at_least": _at_least,
    "review_at_least": _review_at_least,
    "read_at_least": _read_at_least,
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
    share_at_least: Mapping[str, tuple[str, Fraction]] = field(default_factory=dict)
    known_share: Mapping[str, tuple[str, float, int]] = field(default_factory=dict)
    record_keys: tuple[str, ...] = ()

    def vignettes(self) -> list[Vignette]:
        return load_vignettes(HERE / self.file)


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
}
VIGNETTES = {name: s.vignettes() for name, s in SETS.items()}

_BASE: dict[str, Callable[[Vignette], bool]] = {
    "all": lambda v: True,
    "benign": lambda v: bool(v["benign"]),
    "dangers": lambda v: not v["benign"],
    "emergency": lambda v: v["expect"] == "emergency",
    "urgent": lambda v: v["expect"] == "urgent",
}


def group(vignettes: list[Vignette], name: str) -> list[Vignette]:
    """The vignettes of a group: ``[transfer ]base[:family]`` (see the module docstring)."""
    transfer = name.startswith("transfer ")
    base, _, family = name.removeprefix("transfer ").partition(":")
    return [
        v
        for v in vignettes
        if _BASE[base](v)
        and (not family or v["family"] == family)
        and (not transfer or v.get("transfer"))
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
            assert len(group(vs, f"{g}:{family}")) >= least, (g, family)
    for g, (of, fraction) in spec.share_at_least.items():
        assert len(group(vs, g)) >= fraction * len(group(vs, of)), (g, of)
    for key, (g, share, slack) in spec.known_share.items():
        members = group(vs, g)
        assert sum(bool(v.get(key)) for v in members) <= share * len(members) + slack, key
    if spec.record_keys:
        assert all(any(v.get(k) for k in spec.record_keys) for v in vs)


def _params() -> list[Any]:
    """Every vignette of every set as (set name, vignette), named set/id; a known failure (the
    set's ``xfail_keys``) a strict xfail with its reason."""
    out = []
    for name, spec in SETS.items():
        for v in VIGNETTES[name]:
            why = known_failure(v, spec.xfail_keys)
            marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
            out.append(pytest.param(name, v, marks=marks, id=f"{name}/{v['id']}"))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "vignette"), _params())
def test_vignette(admin_client, name: str, vignette: Vignette) -> None:
    JUDGES[SETS[name].judge](vignette, assessed(admin_client, vignette))
