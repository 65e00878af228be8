"""Template-mode understanding: dictionary and pattern matching, fully deterministic.

Patient text is data, never instructions: injection phrases are *detected* (and recorded
for the care team) but change nothing about intent, routing or rules.
"""

from __future__ import annotations

import logging
import re

from clinical.agent.understanding import lexicon
from clinical.agent.understanding.schema import Reading, Understanding

log = logging.getLogger(__name__)

_BP = re.compile(r"(?:血压|bp|BP)[^0-9]{0,6}(\d{2,3})\s*[/／\\、比]\s*(\d{2,3})")
_GLU = re.compile(r"(空腹|餐后|饭后)?\s*血糖[^0-9]{0,6}(\d{1,2}(?:\.\d{1,2})?)")
_TEMP = re.compile(r"(?:体温|发烧|发热|温度)[^0-9]{0,6}(\d{2}(?:\.\d)?)\s*(?:度|℃)?")
_HR = re.compile(r"(?:心率|脉搏|心跳)[^0-9]{0,6}(\d{2,3})")
_INR = re.compile(r"(?:INR|inr|国际标准化比值)[^0-9]{0,6}(\d(?:\.\d{1,2})?)")

_ACK = re.compile(
    r"(吃过了|已经吃了|已吃|吃了药|药吃了|服过了|已服用|已经服用|按时吃了|打过了|打了胰岛素|已经打了)"
)
_QUESTION = re.compile(r"[吗？?]|能不能|可不可以|要不要|怎么|为什么|多少")
# The object must be a word, not the question particle itself ("复方新诺明能吃吗").
_CAN_EAT = re.compile(
    r"(?:能|可以|能不能|可不可以)(?:吃|喝)(?![吗么呢？?])(.{1,8}?)(?:吗|么|呢|？|\?|$)"
)
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


def kb_medicines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name as written) of every drug name the medication KB (clinical.medkb)
    knows in ``text``: products and brands (泰诺林, 感冒灵, 复方新诺明), generics, ingredients."""
    try:
        from clinical.medkb.api import find_mentions
    except ImportError:  # the KB app is not installed: the dictionary alone
        return []
    try:
        return [(m.start, m.end, m.surface) for m in find_mentions(text)]
    except Exception as exc:  # an unreadable KB must not stop the conversation
        log.warning("medkb name lookup failed: %s", exc.__class__.__name__)
        return []


def medicines(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Medicines named in ``text`` and their spans: dictionary terms (canonical names, class
    words such as 降压药) and KB names. A longer KB name wins over a dictionary term inside
    it (泰诺林 is a product of its own, not the 泰诺 brand's generic)."""
    kb = kb_medicines(text)
    names: list[tuple[int, int, str]] = list(kb)
    for start, end, t in lexicon.hits(text):
        if t.kind != "medicine":
            continue
        if any(ks <= start and end <= ke and ke - ks > end - start for ks, ke, _ in kb):
            continue
        names = [n for n in names if not (start <= n[0] and n[1] <= end)]
        names.append((start, end, t.canonical))
    out: list[str] = []
    for _, _, name in sorted(names):
        if name not in out:
            out.append(name)
    return out, [(s, e) for s, e, _ in names]


def understand(text: str) -> Understanding:
    """Intent and entities of one patient message (deterministic)."""
    found = lexicon.find(text)
    meds, med_spans = medicines(text)
    u = Understanding(
        intent="other",
        medicines=meds,
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
    elif can_eat and not any(s < can_eat.end(1) and can_eat.start(1) < e for s, e in med_spans):
        # 能吃X吗 asks about food unless X is a medicine (能吃布洛芬吗 is a medicine question).
        object_text = can_eat.group(1)
        u.intent = "diet_question"
        if not u.foods and object_text and lexicon.kind_of(object_text) is None:
            u.foods = [object_text]
    elif u.medicines or _MED_WORDS.search(text):
        u.intent = "medication_question"
    elif u.foods and _QUESTION.search(text):
        u.intent = "diet_question"  # 柚子能吃吗
    elif u.symptoms:
        u.intent = "symptom_report"
    return u
