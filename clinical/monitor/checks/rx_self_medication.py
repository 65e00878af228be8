"""Prescription-only drugs suggested for self-medication (antibiotics for a cold) hold;
any other prescription drug outside the patient's orders holds for review (medium).

A prescription-only drug that is NOT among the patient's active orders, named without a
negation in its clause, together with self-medication wording (可以吃/买点/药店…) in the same
sentence, or an antibiotic named next to cold/flu symptoms, is a finding.
"""

from __future__ import annotations

import re

from clinical.monitor import kb
from clinical.monitor.checks._orders import current_medication, ordered
from clinical.monitor.checks._text import (
    SENTENCE_END,
    advised_against,
    class_statement,
    enclosing,
    self_medication_wording,
    while_on,
)
from clinical.monitor.types import CheckContext, Finding

NAME = "rx_self_medication"
NEEDS_KB = True
_COLD = re.compile(r"感冒|流感|伤风|咳嗽|嗓子疼|喉咙痛|咽痛|流鼻涕|鼻塞|发烧|发热|拉肚子|腹泻")
# "如医生让您备有硝酸甘油", "如果医生给过您肾上腺素笔": use conditional on a clinician having
# prescribed the drug already; the message suggests nothing the patient does not have
# (AHA/ACC chest pain guidance: nitroglycerin only if prescribed).
_CONDITIONAL_RX = re.compile(
    r"(?:如果?|若|假如)(?:医生|大夫|医师)(?:让您|给您|为您|已经?|曾经?)?"
    r"(?:备有|备了|开过|开了|开有|给过|给了|开具过?|配了|配有)(?:您)?(?:的)?$"
)
# Drugs given as examples of a class the patient takes, the bracket closing on a period
# ("服用SGLT2抑制剂（如达格列净、恩格列净）期间出现呕吐"): a statement of the situation.
_EXAMPLE_OF_TAKEN = re.compile(
    r"(?:服用|使用|正在用|正在吃|吃)[^,.!?;:()]{1,12}\((?:如|比如|例如|包括)[^()]*$"
)
_BRACKET_THEN_PERIOD = re.compile(r"[^()]{0,12}\)(?:期间|时|的时候|后)")
_COLD_SOURCE = "抗菌药物临床应用指导原则(2015年版): 普通感冒等病毒感染不使用抗菌药物"


def check(ctx: CheckContext) -> list[Finding]:
    text = ctx.text
    orders = ordered(ctx)
    out: list[Finding] = []
    seen: set[str] = set()
    for mention in ctx.mentions():
        if advised_against(text, mention.start, mention.end, ctx.mentions()):
            continue
        if class_statement(text, mention.start, mention.end):
            continue
        ings = [i for i in (kb.ingredient(k) for k in mention.all_keys) if i is not None]
        rx = [i for i in ings if i.rx_only and i.key not in orders and i.key not in seen]
        if not rx:
            continue
        ing = rx[0]
        if text[mention.end : mention.end + 4].lstrip("类药物").startswith("过敏"):
            continue
        if current_medication(ctx, mention):
            continue  # "正在服用华法林": the engine states the patient's current prescription
        if while_on(text, mention.start, mention.end):
            continue  # "服用辛伐他汀期间不要吃西柚": the period of a prohibition, not a suggestion
        s, e = enclosing(text, mention.start, SENTENCE_END)
        sentence = text[s:e]
        self_med = self_medication_wording(text, s, e)  # "不要自行服用" is not a suggestion
        if "antibiotic" in ing.classes and _COLD.search(sentence):
            seen.add(ing.key)
            out.append(
                ctx.finding(
                    NAME,
                    "antibiotic_for_viral_symptoms",
                    "high",
                    f"{ing.name_zh}是处方抗菌药物，不应用于感冒等自限性症状或自行使用",
                    (s, e),
                    _COLD_SOURCE,
                )
            )
        elif _EXAMPLE_OF_TAKEN.search(text, max(s, mention.start - 30), mention.start) and (
            _BRACKET_THEN_PERIOD.match(text, mention.end)
        ):
            continue  # "服用SGLT2抑制剂（如达格列净、恩格列净）期间…": examples of what is taken
        elif _CONDITIONAL_RX.search(text, max(s, mention.start - 14), mention.start):
            continue  # "如医生让您备有硝酸甘油可舌下含服": only what a clinician already gave
        elif self_med:
            seen.add(ing.key)
            out.append(
                ctx.finding(
                    NAME,
                    "rx_only_self_medication",
                    "high",
                    f"{ing.name_zh}为处方药，且不在患者当前医嘱中，不能建议患者自行购买/服用",
                    (s, e),
                    f"处方药与非处方药分类管理办法; {ing.source}",
                )
            )
        elif ctx.patient is not None:
            seen.add(ing.key)
            out.append(
                ctx.finding(
                    NAME,
                    "rx_not_ordered",
                    "medium",
                    f"消息提到了患者医嘱之外的处方药{ing.name_zh}，需医生确认",
                    (mention.start, mention.end),
                    f"处方药与非处方药分类管理办法; {ing.source}",
                )
            )
    return out
