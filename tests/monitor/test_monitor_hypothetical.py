"""The output monitor reads OUR text: a red flag it names in a conditional sentence (#15, #23
task B: ``Mention.hypothetical``) is still that sentence's danger. A safety net ("如出现胸痛、
呼吸困难，请立即拨打120") is released because it escalates, exactly as before; a conditional
dismissal ("如果出现胸痛，不用担心") still holds."""

from __future__ import annotations

import pytest

from clinical.monitor.context import PatientContext
from clinical.monitor.engine import run_monitor


def codes(text: str) -> set[str]:
    result = run_monitor(text, PatientContext(patient_id="p", age_years=60))
    return {f.code for f in result.findings if f.check == "dismissal"}


@pytest.mark.parametrize(
    "text",
    [
        "如果出现胸痛，不用担心，继续观察。",
        "万一大便发黑也没关系，照常吃药。",
        "要是喘不上气，休息一下就好。",
    ],
)
def test_a_conditional_dismissal_of_a_red_flag_still_holds(text: str) -> None:
    assert "dismisses_red_flag" in codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "如出现胸痛、呼吸困难，请立即拨打120。",
        "如果大便发黑，请及时就医。",
        "一旦出现呕血，请马上去医院急诊。",
    ],
)
def test_a_safety_net_sentence_is_released(text: str) -> None:
    assert "dismisses_red_flag" not in codes(text)
