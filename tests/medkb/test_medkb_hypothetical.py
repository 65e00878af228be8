"""Guidance reads a symptom the patient only asks about (#15, #23 task B: "要是发烧了能吃布洛芬
吗") as no complaint: no red flag, nothing unrecognised; a present one beside it still counts."""

from __future__ import annotations

RANK = {"none": 0, "routine": 1, "urgent": 2, "emergency": 3}


def test_a_hypothetical_symptom_raises_no_red_flag(ask) -> None:
    a = ask(["泰诺林"], symptoms=["如果胸口痛能吃这个药吗"])
    assert a["see_doctor"]["unrecognised"] == [], a["see_doctor"]
    assert RANK[a["see_doctor"]["urgency"]] < RANK["urgent"], a["see_doctor"]


def test_a_present_red_flag_beside_the_question_still_counts(ask) -> None:
    a = ask(["泰诺林"], symptoms=["胸口痛得厉害，如果吃了还痛怎么办"])
    assert a["see_doctor"]["urgency"] == "emergency", a["see_doctor"]
