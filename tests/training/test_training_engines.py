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


@pytest.mark.django_db  # the diet engine reads its KG rows: with a database it is not skipped
def test_guidance_rows_are_the_engines_own_advice():
    """Issue 21: this compared the row with ``engine_guidance.pairs(v)`` and with ``advise()``
    called again on the same inputs -- the function with itself, so a wrong answer passed.
    Now the first vignette's row is pinned to what the guidance engine must say for it,
    written out literally: a 78-year-old on atorvastatin, penicillin-allergic, with toothache,
    whose cabinet holds 蒙脱石散 and 布洛芬片 -> ibuprofen recommended at the OTC label dose
    (200 mg, at least 6 h apart, at most 800 mg a day), smectite not indicated."""
    rows = [r for r in engines.load(n_vignettes=6) if r.kind == "engine:guidance"]
    # Exactly the one engine whose adapter is not written yet is skipped, and it says why
    # (was "a subset of {diet, followup}", which let a broken diet engine pass).
    assert list(engines.SKIPPED) == ["followup"]
    assert "adapter" in engines.SKIPPED["followup"]
    row = rows[0]
    assert row.meta["vignette"] == "vignette-00000"
    assert row.meta["patient"]["age"] == 78
    assert row.user_text == (
        "我78岁，女，有高脂血症，正在吃阿托伐他汀钙片，对青霉素过敏，现在牙疼，"
        "家里有蒙脱石散、布洛芬片，我可以吃哪个？"
    )
    items = {
        i["input"]: (i["verdict"], [r["code"] for r in i["reasons"]])
        for i in row.meta["structured"]["items"]
    }
    assert items == {"蒙脱石散": ("avoid", ["not_indicated"]), "布洛芬片": ("recommended", [])}
    assert row.assistant_text.startswith(
        "根据您的情况，建议使用布洛芬片（每次1片（含布洛芬200毫克）"
    )
    assert "间隔至少6小时" in row.assistant_text
    assert "布洛芬合计不超过800毫克" in row.assistant_text
    assert "不要使用思密达：本品不针对您目前的症状" in row.assistant_text
    # the row is what the adapter produced for that vignette (question and answer together)
    v = next(x for x in make_vignettes(6) if x["id"] == "vignette-00000")
    assert engine_guidance.pairs(v)[0][:2] == (row.user_text, row.assistant_text)


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
def test_engine_rows_are_deterministic_and_monitor_filtered(tmp_path, monkeypatch):
    from training import monitor_adapter
    from training.builder import BuildConfig, build

    # The real monitor plus one stand-in hold (every ibuprofen recommendation): the engines'
    # own answers are no longer held (#16/#23: guidance follows the caution policy), and the
    # filter must still be exercised.
    real = monitor_adapter.check

    def check(text: str, *args, **kwargs) -> monitor_adapter.Verdict:
        verdict = real(text, *args, **kwargs)
        if "建议使用布洛芬" in text:
            return monitor_adapter.Verdict(held=True, reasons=["test:stand-in"])
        return verdict

    monkeypatch.setattr(monitor_adapter, "check", check)
    cards = [build(BuildConfig(out_dir=tmp_path / d, sources=("engines",))) for d in "ab"]
    assert cards[0]["sources"]["engines"]["kept"] > 100
    # Engine answers the output monitor would hold never become training rows.
    assert cards[0]["dropped"].get("monitor_held.engines.guidance", 0) > 0
    for f in ("train.jsonl", "val.jsonl", "eval_prompts.jsonl"):
        assert "建议使用布洛芬" not in (tmp_path / "a" / f).read_text(encoding="utf-8")
    for f in ("train.jsonl", "val.jsonl", "eval_prompts.jsonl"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
