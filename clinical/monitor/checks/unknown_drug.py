"""Drug-like names the knowledge base cannot check hold: names it does not know (typos,
invented or foreign products: ``unknown_drug``) and products it knows without their
ingredients (``no_ingredients``: nothing to check allergies, interactions or doses against)."""

from __future__ import annotations

import re

from clinical.monitor import kb
from clinical.monitor.checks._text import CURRENT_STATEMENT
from clinical.monitor.types import CheckContext, Finding

NAME = "unknown_drug"
NEEDS_KB = True
TEXT_ONLY = True  # reads only the text (see checks/__init__.py)
# Pharmacological stems and dosage forms that mark a word as a drug name (INN stems, WHO).
_CN = re.compile(
    r"[\u4e00-\u9fff]{1,6}?(?:霉素|西林|沙星|他汀|洛尔|地平|普利|沙坦|拉唑|替丁|昔布|双胍|格列[\u4e00-\u9fff]|"
    r"唑仑|西泮|噻嗪|沙班|格雷|缓释片|肠溶片|分散片|控释片|泡腾片|胶囊|注射液|口服液|颗粒|滴丸|糖浆|混悬液)"
)
_LATIN = re.compile(
    r"(?<![a-z])[a-z]{3,}(?:mycin|cillin|floxacin|statin|olol|dipine|pril|sartan|prazole|tidine|coxib|formin|gliptin|xaban|grel)(?![a-z])"
)
# Words before a drug name that are not part of it.
_LEAD = re.compile(
    r"^(?:.*(?:吃|服用|服|用|和|或|及|与|把|将|继续|按时|请|您|你|的|了|是|在|给|点|些|种|这|那|个|类|药物|如))"
)
_FORM_CHARS = set("肠溶缓释控释分散泡腾软硬胶囊片颗粒注射液口服糖浆滴丸混悬")
# A bare stem followed by 类 is a drug CLASS ("沙坦类降压药" = ARBs), not a product name.
_STEMS = frozenset(
    "霉素 西林 沙星 他汀 洛尔 地平 普利 沙坦 拉唑 替丁 昔布 双胍 唑仑 西泮 噻嗪 沙班 格雷".split()
)
SOURCE = "WHO INN stems (The use of stems in the selection of INN); AM-Med formulary"


def check(ctx: CheckContext) -> list[Finding]:
    text = ctx.text
    known = [(m.start, m.end) for m in ctx.mentions()]
    out: list[Finding] = []
    for pattern in (_CN, _LATIN):
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(s < end and start < e for s, e in known):
                continue
            word = m.group(0)
            if pattern is _CN:
                stripped = _LEAD.sub("", word)
                start = end - len(stripped) if stripped else start
                word = stripped or word
                if len(word) < 2 or set(word) <= _FORM_CHARS:
                    continue
                if (
                    word in _STEMS
                    and text[end : end + 1] == "类"
                    and CURRENT_STATEMENT.search(text[max(0, start - 30) : start])
                ):
                    continue  # "正在服用沙坦类降压药": the class of the patient's own medicine
            if kb.resolve(word):
                continue
            if kb.known_product(word):
                code, message = (
                    "no_ingredients",
                    f"药品知识库中没有“{word}”的成分信息，无法核对，请医生确认",
                )
            else:
                code, message = "unknown_drug", f"“{word}”不在药品知识库中，无法核对，请医生确认"
            out.append(ctx.finding(NAME, code, "medium", message, (start, end), SOURCE))
    # products the KB knows without their composition, named in running text without a stem
    # the patterns above know (速效救心丸): nothing to check them against either
    taken = known + [f.span for f in out if f.span]
    for start, end, word in kb.unresolved_products(text):
        orig = ctx.norm.original_span(start, end)
        if any(s < end and start < e for s, e in known) or any(
            s < orig[1] and orig[0] < e for s, e in taken[len(known) :]
        ):
            continue
        message = f"药品知识库中没有“{word}”的成分信息，无法核对，请医生确认"
        out.append(ctx.finding(NAME, "no_ingredients", "medium", message, (start, end), SOURCE))
    return out
