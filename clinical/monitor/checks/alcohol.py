"""Alcohol made harmless for a patient on a drug whose interaction with alcohol is "avoid"
(issue #16): cephalosporins and nitroimidazoles (disulfiram-like reaction), benzodiazepines,
opioids … — the rows of ``clinical/knowledge/data/interactions.csv`` with ``ethanol``.

The drugs are the patient's medications (current ones and those stopped within their washout,
which the context keeps) and the drugs the message itself names as taken ("吃头孢期间…").
Alcohol is any name of the ``ethanol`` ingredient in the shared drug vocabulary, any drink of
the diet engine's food table filed under its ``ethanol`` category (啤酒, 红酒, 黄酒 …; not the
medicines filed there only as containing ethanol), read through diet's public
``knowledge.food_names``, or a drinking measure with no other drink (喝1杯, 喝两口). A clause that names
alcohol with permissive or minimising wording (``data/alcohol_permission.csv``: 可以, 没关系,
少喝, 1杯 …) and no prohibition of its own holds (high), unless it waits out the washout
("停药7天以后才可以喝酒": at least the 7 days of the labels; a shorter wait still holds).
"""

from __future__ import annotations

import re
from functools import cache

from clinical.diet.knowledge import food_names
from clinical.knowledge import drugs
from clinical.monitor import kb, lexicon
from clinical.monitor.checks._text import CLAUSE_END, enclosing, question, spans
from clinical.monitor.types import CheckContext, Finding

NAME = "alcohol"
NEEDS_KB = True
WASHOUT_DAYS = 7  # data/alcohol_permission.csv washout row: the labels' longest window
_NOT_ALCOHOL = (
    "水|茶|奶|咖啡|汁|汤|粥|豆浆|饮料|蜂蜜|糖|盐|药|电解质|口服液|冲剂|颗粒|可乐|雪碧|苏打"
)
# a drinking measure with no other drink named: 喝1杯, 喝两口 (not 喝1杯水); a bare 喝点 / 喝些
# only with nothing after it but the clause's end or a minimising word (少喝点没关系), never
# 喝点东西 or 喝点粥
_MEASURE = (
    rf"喝(?:\d+(?:\.\d+)?|几|半)?(?:小)?(?:杯|口|盅|瓶|罐)(?![^,.!?;:]{{0,3}}(?:{_NOT_ALCOHOL}))"
    r"|喝(?:点|些|一点|1点)(?=$|[,.!?;:]|没|不要紧|也|就|无妨|问题|不碍事)"
)


@cache
def _alcohol_re() -> re.Pattern[str]:
    ethanol = drugs.ingredient("ethanol")
    names = set(ethanol.names) if ethanol else set()  # not the products that contain it
    names |= food_names("ethanol", except_under="ethanol_medicine")
    folded = sorted({lexicon.fold(n) for n in names}, key=len, reverse=True)
    alternation = "|".join(
        rf"(?<![a-z]){re.escape(n)}(?![a-z])" if n.isascii() else re.escape(n)
        for n in folded
        if len(n) >= 2 and n != "rio"
    )
    return re.compile(rf"{alternation}|{_MEASURE}|小酌|干杯|(?<![药料])酒(?!店|精棉|精消毒)")


@cache
def _patterns(kind: str) -> tuple[re.Pattern[str], ...]:
    return tuple(p for p, row in lexicon.compiled("alcohol_permission") if row["kind"] == kind)


def _avoid_rule(key: str) -> drugs.Rule | None:
    if key == "ethanol":
        return None
    return next((r for r in drugs.interactions(key, "ethanol") if r.severity == "avoid"), None)


def _drugs_on(ctx: CheckContext) -> list[tuple[str, drugs.Rule]]:
    """(name, avoid rule) of each drug the patient is on or the text names as taken."""
    out: list[tuple[str, drugs.Rule]] = []
    names = [m.text for m in (ctx.patient.medications if ctx.patient else [])]
    for name in names:
        for mention in kb.find_mentions(lexicon.fold(name))[:1]:
            for key in mention.all_keys:
                if rule := _avoid_rule(key):
                    out.append((mention.name, rule))
    for mention in ctx.mentions():
        for key in mention.all_keys:
            if rule := _avoid_rule(key):
                out.append((mention.name, rule))
    for term, rule in _class_terms():
        if term in ctx.text:
            out.append((term, rule))
    return out


@cache
def _class_terms() -> tuple[tuple[str, drugs.Rule], ...]:
    """(folded class word, avoid rule) for each drug class with an "avoid" rule with alcohol,
    named in text by its Chinese name or terms (头孢, 头孢类: ``classes.csv``)."""
    out = []
    for cls in drugs.classes().values():
        lineage = {f"class:{c}" for c in drugs.ancestors(cls.key)} | {f"class:{cls.key}"}
        rule = next(
            (
                r
                for r in drugs.interaction_rules()
                if r.severity == "avoid" and {r.a, r.b} & lineage and "ethanol" in (r.a, r.b)
            ),
            None,
        )
        if rule is None:
            continue
        for term in {cls.name_zh, *cls.terms}:
            if term and len(term) >= 2:
                out.append((lexicon.fold(term), rule))
    return tuple(sorted(out, key=lambda t: -len(t[0])))


def check(ctx: CheckContext) -> list[Finding]:
    text = ctx.text
    hits = [m for m in _alcohol_re().finditer(text)]
    if not hits:
        return []
    on = _drugs_on(ctx)
    if not on:
        return []
    name, rule = on[0]
    out: list[Finding] = []
    done: set[tuple[int, int]] = set()
    for m in hits:
        c_start, c_end = enclosing(text, m.start(), CLAUSE_END)
        if (c_start, c_end) in done:
            continue
        clause = text[c_start:c_end]
        if m.group(0).startswith("喝") and re.search(_NOT_ALCOHOL, clause):
            continue  # "咖啡少喝点没关系": the measure is of another drink named in the clause
        if question(text, m.start()):
            continue  # "吃头孢能喝酒吗？" asks; the answer is its own sentence
        if any(p.search(clause) for p in _patterns("prohibition")):
            continue
        if not any(p.search(clause) for p in _patterns("permission")):
            continue
        if _waits_out(text, c_start):
            continue
        done.add((c_start, c_end))
        out.append(
            ctx.finding(
                NAME,
                "alcohol_permitted",
                "high",
                f"正在或近期服用{name}：{rule.text_zh}；消息却允许饮酒",
                (c_start, c_end),
                f"{rule.source}; {_source('permission')}",
            )
        )
    return out


def _waits_out(text: str, pos: int) -> bool:
    """True when the sentence before ``pos`` (or the clause) waits at least WASHOUT_DAYS."""
    for s, e in spans(text, re.compile(r"[。!?;\n]+")):
        if s <= pos < e:
            for p in _patterns("washout"):
                for w in p.finditer(text, s, e):
                    if int(w.group(1)) >= WASHOUT_DAYS:
                        return True
    return False


@cache
def _source(kind: str) -> str:
    return next(r["source"] for r in lexicon.rows("alcohol_permission") if r["kind"] == kind)


def warm() -> None:
    """Compile the alcohol vocabulary and class words (see ``checks.warm``)."""
    _alcohol_re()
    _class_terms()
