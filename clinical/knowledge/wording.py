"""Who a text is written for: care-team wording that must never reach a patient.

Engines write two kinds of text: notes for the care team (reasons, alerts, review issues:
"患者报告胸痛，需排除急性冠脉综合征", "请人工查看", "NEWS2评分7分") and what the patient reads
(replies, reminders, the follow-up timeframe, the CarePlan summary, guidance, diet answers).
``care_team_phrases`` finds the first kind in any text, through the shared normaliser, from one
table with a source per row (``data/care_team_wording.csv``). Engines use it where they turn a
care-team text into patient wording (follow-up's ``patient_wording``); the tests run it over
every engine's patient-facing output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clinical.knowledge.drugs import KnowledgeError, read_csv
from clinical.knowledge.text import normalize

DATA = Path(__file__).resolve().parent / "data" / "care_team_wording.csv"


class WordingError(ValueError):
    """``care_team_wording.csv`` is malformed (a row without source or a bad pattern)."""


@dataclass(frozen=True)
class CareTeamPattern:
    pattern: re.Pattern[str]
    why: str
    source: str


@cache
def patterns() -> tuple[CareTeamPattern, ...]:
    """The rows of ``care_team_wording.csv`` through the layer's one CSV reader (raises
    ``WordingError`` on a row without why or source, or a bad pattern)."""
    try:
        rows = read_csv(DATA.name, folder=DATA.parent, columns=("pattern", "why", "source"))
    except KnowledgeError as exc:
        raise WordingError(str(exc)) from exc
    out: list[CareTeamPattern] = []
    for line, row in enumerate(rows, start=2):
        if not row["why"]:
            raise WordingError(f"care_team_wording.csv:{line}: row without why")
        try:
            out.append(CareTeamPattern(re.compile(row["pattern"]), row["why"], row["source"]))
        except re.error as exc:
            raise WordingError(f"care_team_wording.csv:{line}: {exc}") from exc
    return tuple(out)


def care_team_phrases(text: str) -> list[str]:
    """The care-team phrases in ``text`` (traditional, full width and zero-width characters
    read through the shared normaliser), in order; empty when the text is patient wording."""
    n = normalize(text or "")
    found: list[tuple[int, str]] = []
    for p in patterns():
        for m in p.pattern.finditer(n.text):
            start, end = n.index[m.start()], n.index[m.end() - 1] + 1
            found.append((start, text[start:end]))
    return [phrase for _, phrase in sorted(found)]
