"""Words mixing look-alike scripts (Latin + Cyrillic/Greek: 'аspirin') hide drug names: hold."""

from __future__ import annotations

import re

from clinical.knowledge.text import confusable_letters, script_of
from clinical.monitor.types import CheckContext, Finding

NAME = "mixed_script"
NEEDS_KB = False
TEXT_ONLY = True  # reads only the text (see checks/__init__.py)
_WORD = re.compile(r"[^\W\d_]+")
_CONFUSABLE = {"latin", "cyrillic", "greek"}
# Unit symbols written with the micro prefix: whole words only, so "μaspirin" still holds.
_UNIT_SYMBOLS = frozenset(
    {p + u for p in ("\u03bc", "\u00b5") for u in ("", "g", "l", "L", "mol", "mmol", "IU")}
)


def check(ctx: CheckContext) -> list[Finding]:
    if confusable_letters().isdisjoint(ctx.text):
        return []  # a finding needs a Cyrillic, Greek or Armenian letter somewhere
    out = []
    for m in _WORD.finditer(ctx.text):
        scripts = {script_of(ch) for ch in m.group(0)} & (_CONFUSABLE | {"armenian"})
        if len(scripts) > 1 or (scripts and scripts - {"latin"}):
            if m.group(0) in _UNIT_SYMBOLS:
                continue  # "每次50μg": the SI micro prefix (Greek mu / micro sign) of a unit
            out.append(
                ctx.finding(
                    NAME,
                    "mixed_script",
                    "medium",
                    "文字混用了形近字母（拉丁/西里尔/希腊），可能掩盖药名，需人工核对",
                    m.span(),
                    "Unicode TR39 confusables (mixed-script detection)",
                )
            )
    return out
