"""The one text normaliser (clinical.knowledge.text, #23)."""

from __future__ import annotations

import pytest

from clinical.knowledge.text import fold, normalize


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("頭痛發燒", "头痛发烧"),  # traditional → simplified
        ("ＡＢＣ１２３", "abc123"),  # full width → half width, lower case
        ("头\u200b痛\ufeff", "头痛"),  # zero-width dropped
        ("吃了半片", "吃了0.5片"),  # fractions
        ("五百毫克", "500mg"),  # Chinese numerals and units
        ("吐了两次", "吐了2次"),
        ("華法林一片半", "华法林1.5片"),
    ],
)
def test_it_normalises(raw: str, want: str) -> None:
    assert normalize(raw).text == want


def test_every_character_maps_back_to_the_original() -> None:
    raw = "昨天頭\u200b痛，吃了半片華法林"
    n = normalize(raw)
    start = n.text.index("华法林")
    s, e = n.original_span(start, start + 3)
    assert raw[s:e] == "華法林"
    s, e = n.original_span(0, 4)
    assert raw[s:e] == "昨天頭\u200b痛"


def test_fold_preserves_length() -> None:
    for raw in ("頭痛ＡＢＣ（醯）", "İstanbul", "㎎"):
        assert len(fold(raw)) == len(raw)
    assert fold("頭痛ＡＢＣ") == "头痛abc"


@pytest.mark.parametrize(
    "mark", ["\u200e", "\u200f", "\u202e", "\u2061", "\u2066", "\u200b\u200d", "\ufeff", "\x07"]
)
def test_invisible_characters_are_dropped_before_matching(mark: str) -> None:
    """Bidi and other format controls (#15: crisis words split by an invisible character)."""
    from clinical.knowledge.symptoms import present
    from clinical.knowledge.text import strip_invisible

    text = f"我{mark}想{mark}自杀"
    assert strip_invisible(text) == "我想自杀"
    assert normalize(text).text == "我想自杀"
    assert "suicidal" in present(text)
