"""Style families (#15, #23): one red-flag statement written the ways real patients and relatives
write it — a relative reporting, dialect intensifiers, repeated characters and run-ons, spaced-out
characters, input-method homophones, pinyin or English, traditional and full-width characters —
must read the family's concept through the shared lexicon, and the benign look-alikes written in
the same styles (denials, old history, figurative words) must not. Development cases in
``style_families.yaml``, written before the lexicon tables were read; a case the lexicon still
misreads is a strict xfail with its reason in the data (``known_miss``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from clinical.knowledge.symptoms import present

DATA = Path(__file__).with_name("style_families.yaml")
CRISIS = frozenset({"suicidal", "overdose_intent"})


def families() -> list[dict[str, Any]]:
    return list(yaml.safe_load(DATA.read_text(encoding="utf-8"))["families"])


def _param(family: dict[str, Any], case: dict[str, Any], expect: list[str]) -> object:
    marks = (
        [pytest.mark.xfail(strict=True, reason=str(case["known_miss"]))]
        if case.get("known_miss")
        else []
    )
    return pytest.param(
        case["text"], expect, marks=marks, id=f"{family['id']}-{case['style']}-{case['text']}"
    )


def _variants() -> list[object]:
    return [
        _param(f, v, list(v.get("concepts") or f["concepts"]))
        for f in families()
        for v in f["variants"]
    ]


def _lookalikes() -> list[object]:
    return [
        _param(f, v, list(v.get("absent") or f["concepts"]))
        for f in families()
        for v in f.get("lookalikes", [])
    ]


@pytest.mark.parametrize(("text", "concepts"), _variants())
def test_every_style_reads_the_family_concept(text: str, concepts: list[str]) -> None:
    got = set(present(text))
    assert got & set(concepts), (concepts, sorted(got))


@pytest.mark.parametrize(("text", "absent"), _lookalikes())
def test_look_alikes_do_not_read_the_concept(text: str, absent: list[str]) -> None:
    got = set(present(text))
    assert not got & set(absent), (absent, sorted(got))


@pytest.mark.parametrize(
    "text",
    [
        v["text"]
        for f in families()
        if not CRISIS & set(f["concepts"])
        for v in [*f["variants"], *f.get("lookalikes", [])]
    ],
)
def test_intensifiers_and_repeats_never_read_a_crisis(text: str) -> None:
    """疼得要死, 痛到死, 痛死了, 憋死了 are degree words (现代汉语词典 死⑥), never suicidal intent."""
    assert not CRISIS & set(present(text))


def test_every_family_has_each_style_and_two_look_alikes() -> None:
    styles = {"relative", "dialect", "repeat", "spaced", "homophone", "latin", "traditional"}
    for f in families():
        assert styles <= {v["style"] for v in f["variants"]}, f["id"]
        assert len(f.get("lookalikes", [])) >= 2, f["id"]


@pytest.mark.parametrize(("text", "concepts"), _variants())
def test_follow_up_and_the_agent_read_every_style(text: str, concepts: list[str]) -> None:
    """The consumers read through the one lexicon: follow-up's matcher reaches the family's
    concept, and the agent takes the message as a symptom (or a reading, 烧到39度) report,
    never a greeting; a crisis statement also carries its crisis concept."""
    from clinical.agent.understanding.rules import understand
    from clinical.followup.services.lexicon import match

    assert set(concepts) & {m.concept for m in match(text) if not m.negated}
    understood = understand(text)
    assert understood.intent in ("symptom_report", "reading_report"), understood
    assert bool(CRISIS & set(concepts)) == bool(understood.crisis_concepts), understood
