"""The lead's benign probes (#15), session of 2026-12-07 (sixth): mild complaints after an
operation that were sent further than they need.

- 手术的地方有点麻木: the wound quality row read 麻 and left 木 as an unread residue, so numbness
  of a scar (expected after a mastectomy: cut cutaneous nerves, NHS 'Recovering from surgery')
  was urgent; 麻木 is a word of the row.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
MASTECTOMY = {
    "age": 55,
    "sex": "female",
    "surgery": {"days_ago": 14, "text": "乳腺癌改良根治术"},
    "obs": [["temp", 36.7, 3]],
}


@pytest.mark.parametrize("text", ["手术的地方有点麻木", "伤口周围麻木", "刀口有点发木"])
def test_a_numb_scar_is_self_care_or_routine(text: str) -> None:
    out = assess_words(text, NOW, **MASTECTOMY)
    assert out["disposition"] in ("self-care", "routine"), out["reasons"]
    assert "symptom-unrecognised" not in reason_codes(out)
