"""Round-5 benign over-triage development set (#15 follow-up): answers patients and relatives
write one to two weeks after an operation, and look-alikes in the same styles hiding a danger.
Its tuning part and its shape are run by test_followup_sets.py (set ``benign_r5``); here, the
transfer third (``transfer: true``), scored as totals only, never case by case.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from followup_vignette_builder import assess_vignette, load_vignettes

from clinical.followup.services.ruledata import rank

R5 = load_vignettes(Path(__file__).with_name("followup_vignettes_benign_r5.yaml"))
TRANSFER = [v for v in R5 if v.get("transfer")]
# transfer check totals after the rules of this round (bench/followup_sets.py --file
# tests/followup/followup_vignettes_benign_r5.yaml, "transfer check" line): benign controls at
# review or worse (review+), and look-alikes below their reference
TRANSFER_OVER = 21
TRANSFER_UNDER = 0


def test_r5_transfer_check_totals() -> None:
    """The transfer third, as totals only (the figures of record; lower is better)."""
    now = timezone.now()
    over = under = 0
    for v in TRANSFER:
        got = assess_vignette(v, now)["disposition"]
        if v["benign"]:
            over += rank(got) > rank("routine")
        else:
            under += rank(got) < rank(v["expect"])
    assert under <= TRANSFER_UNDER
    assert over <= TRANSFER_OVER
