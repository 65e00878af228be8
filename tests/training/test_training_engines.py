"""Engine-grounded rows: the guidance engine's own answers over synthetic vignettes."""

from __future__ import annotations

import pytest
from django.core.management import call_command

# The engines are the project's own modules, imported plainly (no importorskip): a broken
# clinical.medkb / clinical.diet import fails these tests instead of skipping them.
from training.sources import engine_guidance, engines
from training.vignettes import make_vignettes


def test_vignettes_are_deterministic():
    assert make_vignettes(5, seed=1) == make_vignettes(5, seed=1)
    assert make_vignettes(5, seed=1) != make_vignettes(5, seed=2)


def test_guidance_rows_are_the_engines_own_advice():
    from clinical.medkb import api
    from clinical.medkb.services.guidance import GuidanceRequest, advise

    rows = [r for r in engines.load(n_vignettes=6) if r.kind == "engine:guidance"]
    assert rows
    # Engines whose API is not on this branch are named, not silently dropped.
    assert set(engines.SKIPPED) <= {"diet", "followup"}
    v = next(x for x in make_vignettes(6) if x["id"] == rows[0].meta["vignette"])
    q, a, structured = engine_guidance.pairs(v)[0]
    assert rows[0].user_text == q and rows[0].assistant_text == a
    assert rows[0].meta["patient"]["age"] == v["age"]
    symptoms, temp = engine_guidance.SYMPTOM_SETS[engine_guidance._pick(v["id"], "sym", 8)]
    cabinet = engine_guidance.CABINETS[engine_guidance._pick(v["id"], "cab", 7)]
    ctx = api.PatientContext(
        age_years=v["age"],
        sex=v["sex"],
        conditions=v["conditions"],
        allergies=[x for x in v["allergies"] if x != "无"],
        current_medications=v["medications"],
    )
    direct = advise(
        GuidanceRequest(patient=ctx, cabinet=cabinet, symptoms=symptoms, temperature_c=temp)
    )
    assert a == direct["advice"]


def test_build_training_data_command(tmp_path, settings):
    settings.AMMED_SHARED_DATA_DIR = tmp_path / "no-shared-data"
    out = tmp_path / "data"
    call_command(
        "build_training_data",
        "--out",
        str(out),
        "--sources",
        "safety_refusals,toyhom_dialogue",
        "--limit-per-source",
        "20",
    )
    card = (out / "data_card.md").read_text()
    assert "safety_refusals" in card
    assert "`toyhom_dialogue`" in card  # skipped: file absent, and the card says so
    assert (
        len((out / "train.jsonl").read_text().splitlines())
        + len((out / "val.jsonl").read_text().splitlines())
        == 20
    )


@pytest.mark.django_db
def test_diet_rows_are_the_engines_own_advice():
    from clinical.diet.services import consult

    rows = [r for r in engines.load(n_vignettes=12) if r.kind == "engine:diet"]
    assert rows, engines.SKIPPED
    r = rows[0]
    v = next(x for x in make_vignettes(12) if x["id"] == r.meta["vignette"])
    food = r.user_text.split("可以")[1][1:].rstrip("吗？")
    ans = consult(
        food=food,
        patient={
            "current_medications": v["medications"],
            "conditions": v["conditions"],
            "allergies": [a for a in v["allergies"] if a != "无"],
        },
    )
    assert r.assistant_text == ans.advice and ans.verdict != "unknown"
    assert r.meta["structured"]["verdict"] == ans.verdict


@pytest.mark.django_db
def test_engine_rows_are_deterministic_and_monitor_filtered(tmp_path):
    from training.builder import BuildConfig, build

    cards = [build(BuildConfig(out_dir=tmp_path / d, sources=("engines",))) for d in "ab"]
    assert cards[0]["sources"]["engines"]["kept"] > 100
    # Engine answers the output monitor would hold never become training rows.
    assert cards[0]["dropped"].get("monitor_held.engines.guidance", 0) > 0
    for f in ("train.jsonl", "val.jsonl", "eval_prompts.jsonl"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
