"""Issue #15, agent round 4: the mechanisms the round added, each with examples of its own. The
round's development set (tests/agent/agent_messages_r4.yaml) is run, and its rewrites checked, by
the set runner tests/agent/test_agent_sets.py (set ``r4``).
"""

from __future__ import annotations

import pytest

from tests.agent.test_agent_conversation import say

# ---- the mechanisms the round added (no database) ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("医生说要是有黑便就马上来医院，我记住了", set()),
        ("护士交代如果伤口渗液就回来复查", set()),
        ("医生说要是胸痛就打120，现在胸口很痛", {"chest_pain"}),
        ("医生说我这两天拉黑便", {"melena"}),
        ("要是有黑便就马上来医院", {"melena"}),  # no instruction, no question: a report
    ],
)
def test_a_repeated_instruction_is_no_report(text: str, present: set[str]) -> None:
    from clinical.knowledge import symptoms

    said = {m.concept for m in symptoms.find_symptoms(text) if not m.negated}
    assert present <= said and not ({"melena", "chest_pain"} - present) & said, said


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("头孢吃了以后喉咙发紧，还能吃吗", {"anaphylaxis"}),
        ("降压药早上吃还是晚上吃", set()),
        ("没有胸痛，阿司匹林饭前还是饭后吃", set()),
        ("感冒灵能和降压药一起吃吗", set()),  # 感冒灵 is a product, not 感冒
    ],
)
def test_red_flags_of_a_medication_question(text: str, flags: set[str]) -> None:
    from clinical.agent.routes.medication import red_flags

    assert flags <= set(red_flags(text))
    if not flags:
        assert red_flags(text) == []


@pytest.mark.django_db
def test_a_hand_off_without_a_red_flag_stays_a_hand_off(patient_client) -> None:
    """The triage-first path only runs for a red flag: a plain class question is still the
    prescriber's, at the level of a reply request."""
    out = say(patient_client, "降压药早上吃还是晚上吃")
    assert (out["route"], out["outcome"]) == ("medication", "escalated")
