"""The patient's wording of a follow-up reason (``data/patient_wording.yaml``).

Clinical invariant: a reason's ``text`` is a note for the care team and never reaches the
patient as such; ``patient_text`` is what the patient may read. It holds no care-team wording
(``clinical.knowledge.wording``), never a medication-change instruction, and may be empty: the
timeframe always tells the patient what to do and by when.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from clinical.followup.services.ruledata import RuleDataError, load
from clinical.knowledge.wording import care_team_phrases

_OPEN, _CLOSE = "（(【[“", "）)】]”"


@cache
def _table() -> dict[str, Any]:
    data = load("patient_wording")
    for code, row in data["templates"].items():
        if "text" not in row or not row.get("source"):
            raise RuleDataError(f"patient_wording.yaml: template {code!r} lacks text or source")
    return {
        "templates": {
            code: (re.compile(row["keep"]) if row.get("keep") else None, row["text"])
            for code, row in data["templates"].items()
        },
        "change": re.compile(data["medication_change"]["pattern"]),
        "generic": data["medication_change"]["text"],
        "rewrites": [(re.compile(r["pattern"]), r["to"]) for r in data["rewrites"]],
        "instructions": {
            key: re.compile(row["pattern"]) for key, row in data["instructions"].items()
        },
        "value_requests": {
            kind: re.compile(row["pattern"]) for kind, row in data["value_requests"].items()
        },
    }


def generic_patient_text() -> str:
    """The sentence for a reason whose text tells someone to change a medicine."""
    return str(_table()["generic"])


CLAUSE_SEPARATORS = "，；：,;:"
SENTENCE_SEPARATORS = "；。;"
# A clause opening with one of these states a condition; without the clause that follows it
# (the action) it says nothing the patient can act on, so it goes with it.
_CONDITIONAL = re.compile(r"^(?:如果|如|若|一旦|假如|万一)")


def clauses(text: str, separators: str = CLAUSE_SEPARATORS) -> list[tuple[str, str]]:
    """``text`` split at ``separators`` (，；：and their half-width forms by default) outside
    brackets and quotes: each clause with the separator that followed it ("" for the last)."""
    out: list[tuple[str, str]] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in separators:
            out.append((text[start:i], ch))
            start = i + 1
    out.append((text[start:], ""))
    return [(c, sep) for c, sep in out if c]


def without(text: str, drop: Callable[[str], bool], separators: str = CLAUSE_SEPARATORS) -> str:
    """``text`` without the clauses ``drop`` selects; a condition (如出现胸痛) whose action
    clause is dropped goes too, never left dangling."""
    parts = clauses(text, separators)
    keep = [not drop(c) for c, _ in parts]
    for i in range(len(parts) - 1, 0, -1):
        if not keep[i] and keep[i - 1] and _CONDITIONAL.match(parts[i - 1][0]):
            keep[i - 1] = False
    kept = [p for p, k in zip(parts, keep, strict=True) if k]
    return "".join(c + sep for c, sep in kept).rstrip(CLAUSE_SEPARATORS + "。")


def patient_text(code: str, text: str) -> str:
    """The patient's wording of the reason ``code`` whose care-team text is ``text``."""
    table = _table()
    template = table["templates"].get(code)
    if template is not None:
        keep, wording = template
        if keep is None:
            return str(wording)
        m = keep.search(text)
        if m is None:
            return str(table["generic"])
        return str(wording).format(kept=m.group(m.lastindex or 0).strip())
    if table["change"].search(text):
        return str(table["generic"])
    for pattern, to in table["rewrites"]:
        text = pattern.sub(to, text, count=1)
    parts = clauses(text)
    if not parts or care_team_phrases(parts[0][0]):
        return ""
    return without(text, lambda clause: bool(care_team_phrases(clause)))


def instruction_kinds(text: str) -> set[str]:
    """The instructions (``patient_wording.yaml`` ``instructions``) that ``text`` gives."""
    return {key for key, pattern in _table()["instructions"].items() if pattern.search(text)}


def repeated_instructions(text: str) -> list[str]:
    """The instructions ``text`` gives more than once (a reply must give each once)."""
    return sorted(
        key for key, pattern in _table()["instructions"].items() if len(pattern.findall(text)) > 1
    )


def said_once(texts: list[str], then: str) -> list[str]:
    """``texts`` (reasons in patient wording, in order), each without the clauses whose every
    instruction is already given by ``then`` (the timeframe, said after them) or by an earlier
    text: each instruction is said once, by the last place that gives it. A condition left
    without its action goes too (``without``); a text left empty is dropped."""
    said = instruction_kinds(then)
    out: list[str] = []
    for text in texts:
        kept = without(text, lambda clause, said=frozenset(said): _already(clause, said))
        said |= instruction_kinds(kept)
        if kept:
            out.append(kept)
    return out


def _already(clause: str, said: frozenset[str]) -> bool:
    kinds = instruction_kinds(clause)
    return bool(kinds) and kinds <= said


def without_requests(text: str, given: set[str]) -> str:
    """``text`` without a request for a value of a kind in ``given`` (请测量体温 when a current
    temperature is known: ``patient_wording.yaml`` ``value_requests``)."""
    for kind, pattern in _table()["value_requests"].items():
        if kind in given:
            text = pattern.sub("", text)
    return text
