"""Words mixing look-alike scripts (Latin + Cyrillic/Greek: 'аspirin') hide drug names: hold."""

from __future__ import annotations

import re

from clinical.monitor.normalize import script_of
from clinical.monitor.types import CheckContext, Finding

NAME = "mixed_script"
NEEDS_KB = False
_WORD = re.compile(r"[^\W\d_]+")
_CONFUSABLE = {"latin", "cyrillic", "greek"}


def check(ctx: CheckContext) -> list[Finding]:
    out = []
    for m in _WORD.finditer(ctx.text):
        scripts = {script_of(ch) for ch in m.group(0)} & (_CONFUSABLE | {"armenian"})
        if len(scripts) > 1 or (scripts and scripts - {"latin"}):
            if scripts == {"greek"} and m.group(0) in {"μ", "μg"}:
                continue
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
