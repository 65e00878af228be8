"""Residue development set (#15 issue gap b, task h3): one clause holding a recognised
complaint and other words. Benign controls (ordinary words: when, after what, daily life) must
stay ``self-care``/``routine`` (a control still over-triaged is a strict xfail with its reason
in the data); when the extra words carry the danger (咳嗽带咖啡色的渣子, 胸口痛往左胳膊上窜) they
are quoted for a clinician within 24 h. The residue never lowers a disposition. The set's
vignettes and shape are run by test_followup_sets.py (set ``residue``); here, the residue's own
behaviour.
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from followup_vignette_builder import assess_vignette, load_vignettes

from clinical.followup.services.ruledata import rank
from clinical.knowledge import unread

RESIDUE = load_vignettes(Path(__file__).with_name("followup_vignettes_residue.yaml"))


_plain = unread.unread


def _without_residue(text: str, **kw: object) -> list[unread.Unread]:
    return _plain(text, **{**kw, "residue": False})  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_residue_never_lowers_a_disposition() -> None:
    now = timezone.now()
    raised = 0
    for v in RESIDUE:
        with_residue = assess_vignette(v, now)["disposition"]
        with mock.patch.object(unread, "unread", _without_residue):
            without = assess_vignette(v, now)["disposition"]
        assert rank(with_residue) >= rank(without), v["id"]
        raised += rank(with_residue) > rank(without)
    # the residue is what catches the dangers of this set; 14 since #15 emerg7, which reads
    # rsx-fever-stiff (发烧脖子转不动) itself as fever + stiff neck (meningism, emergency); 13
    # since #15 task emr8, which reads rsx-vomit-blood-dark (像咖啡渣 vomit with dizziness) itself
    # as vomiting blood: emergency with or without the residue, no longer raised by it; 12 since
    # #15 r11_metabolic, which reads rsx-wound-black (伤口疼周围发黑) itself as dusky skin at a
    # wound: urgent with or without the residue; 11 since the session of 2026-12-07 (third),
    # which reads rsx-smelly-wound (伤口痛流出来的水有臭味) itself as wound pus (the smell later in
    # the wound's clause): urgent with or without the residue
    assert raised >= 11
