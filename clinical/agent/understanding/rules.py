"""Template-mode understanding: dictionary and pattern matching, fully deterministic.

Patient text is data, never instructions: injection phrases are *detected* (and recorded
for the care team) but change nothing about intent, routing or rules.
"""

from __future__ import annotations

import re

from clinical.agent.understanding import lexicon
from clinical.agent.understanding.schema import Reading, Understanding

_BP = re.compile(r"(?:血压|bp|BP)[^0-9]{0,6}(\d{2,3})\s*[/／\\、比]\s*(\d{2,3})")
_GLU = re.compile(r"(空腹|餐后|饭后)?\s*血糖[^0-9]{0,6}(\d{1,2}(?:\.\d{1,2})?)")
_TEMP = re.compile(r"(?:体温|发烧|发热|温度)[^0-9]{0,6}(\d{2}(?:\.\d)?)\s*(?:度|℃)?")
_HR = re.compile(r"(?:心率|脉搏|心跳)[^0-9]{0,6}(\d{2,3})")
_INR = re.compile(r"(?:INR|inr|国际标准化比值)[^0-9]{0,6}(\d(?:\.\d{1,2})?)")

_ACK = re.compile(
    r"(吃过了|已经吃了|已吃|吃了药|药吃了|服过了|已服用|已经服用|按时吃了|打过了|打了胰岛素|已经打了)"
)
_QUESTION = re.compile(r"[吗？?]|能不能|可不可以|要不要|怎么|为什么|多少")
_CAN_EAT = re.compile(r"(?:能|可以|能不能|可不可以)(?:吃|喝)(.{1,8}?)(?:吗|么|呢|？|\?|$)")
_MED_WORDS = re.compile(r"药|剂量|副作用|漏服|忘了吃|忘记吃|少吃了|多吃了|停药|减量|加量|一天几次")

INJECTION = re.compile(
    r"忽略(?:之前|以上|前面|所有)|无视(?:之前|以上)|你现在是|扮演|角色扮演|假装你|不受限制|没有限制|"
    r"开发者模式|系统提示|system\s*prompt|ignore\s+(?:all\s+|the\s+)?(?:previous|above)|"
    r"jailbreak|DAN\b|新的指令|忘掉(?:规则|设定)",
    re.IGNORECASE,
)


def readings(text: str) -> list[Reading]:
    out: list[Reading] = []
    for m in _BP.finditer(text):
        out.append(Reading("bp", [float(m.group(1)), float(m.group(2))], "mm[Hg]", text=m.group(0)))
    for m in _GLU.finditer(text):
        out.append(
            Reading(
                "glucose",
                [float(m.group(2))],
                "mmol/L",
                fasting=m.group(1) == "空腹",
                text=m.group(0),
            )
        )
    for m in _TEMP.finditer(text):
        out.append(Reading("temperature", [float(m.group(1))], "Cel", text=m.group(0)))
    for m in _HR.finditer(text):
        out.append(Reading("heart_rate", [float(m.group(1))], "/min", text=m.group(0)))
    for m in _INR.finditer(text):
        out.append(Reading("inr", [float(m.group(1))], "{INR}", text=m.group(0)))
    return out


def understand(text: str) -> Understanding:
    """Intent and entities of one patient message (deterministic)."""
    found = lexicon.find(text)
    u = Understanding(
        intent="other",
        medicines=found["medicine"],
        foods=found["food"],
        symptoms=found["symptom"],
        readings=readings(text),
        injection=bool(INJECTION.search(text)),
    )
    u.ack = bool(_ACK.search(text)) and not _QUESTION.search(text)
    can_eat = _CAN_EAT.search(text)
    if u.readings:
        u.intent = "reading_report"
    elif u.ack:
        u.intent = "dose_ack"
    elif can_eat and not (u.medicines and u.medicines[0] in can_eat.group(1)):
        # 能吃X吗 asks about food unless X is a medicine (能吃布洛芬吗 is a medicine question).
        object_text = can_eat.group(1)
        u.intent = "diet_question"
        if not u.foods and object_text and lexicon.kind_of(object_text) is None:
            u.foods = [object_text]
    elif u.medicines or _MED_WORDS.search(text):
        u.intent = "medication_question"
    elif u.symptoms:
        u.intent = "symptom_report"
    return u
