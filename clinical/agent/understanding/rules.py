"""Template-mode understanding: dictionary and pattern matching, fully deterministic.

Patient text is data, never instructions: injection phrases are *detected* (and recorded
for the care team) but change nothing about intent, routing or rules.
"""

from __future__ import annotations

import logging
import re
from fractions import Fraction

from clinical.agent.understanding import lexicon
from clinical.agent.understanding.schema import Reading, Understanding, UnreadableReading
from clinical.knowledge import symptoms
from clinical.knowledge.numbers import Amount, Unreadable, find_amounts, json_number, read_number
from clinical.knowledge.text import fold, strip_invisible

log = logging.getLogger(__name__)

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


# --------------------------------------------------------------------------- readings
#
# A reading is a label (体温, 血压 …) followed within a few characters by a number. The number
# span is captured generously (Arabic digits, Chinese numerals, 点, full-width forms after
# folding) and read by the shared reader ``clinical.knowledge.numbers`` (issue #22): a value
# is exact or the reading is reported as unreadable (``UnreadableReading``), never guessed.
#
# Colloquial forms read here, on top of what the shared reader reads:
# - temperatures only: 度 as the decimal point, "38度5" / "三十八度五" = 38.5 and
#   "三十八度半" = 38.5 (nowhere else is 度 a decimal point);
# - blood pressure: "160/100", "160比100", "一百六十/一百", "高压150低压90".
# Unreadable (asked for again, never approximated): 一百多, 三十八九度 (38 or 39: a range is
# not one reading), 38到39度, 38度左右, 大概38度, 血压160 (one number), 血糖180mg/dl (another
# unit), and a label with only a word (血糖很高).

_KIND_LABELS = {
    "bp": r"血压|(?<![a-z])bp(?![a-z])",
    "glucose": r"血糖",
    "temperature": r"体温|发烧|发热|温度|烧到",
    "heart_rate": r"心率|脉搏|心跳",
    "inr": r"(?<![a-z])inr(?![a-z])|国际标准化比值",
}
_LABEL = re.compile("|".join(f"(?P<{k}>{v})" for k, v in _KIND_LABELS.items()))
# Labels that name a measurement (so "血糖很高" is a reading without a number); 发烧 is a symptom.
_MEASURE_LABELS = {"体温", "血压", "bp", "血糖", "心率", "脉搏", "inr", "国际标准化比值"}
_FASTING = re.compile(r"(空腹|餐后|饭后)\s*$")

_CN = "零〇一二两三四五六七八九十百千"
_NUM = re.compile(rf"[0-9{_CN}](?:[0-9{_CN}]|[.点](?=[0-9{_CN}]))*")
_GAP = 8  # characters allowed between the label and its number
_STOP = set("，,。；;！!？?\n")
_HEDGE = re.compile(r"大概|大约|约|差不多|将近|接近|估计|快|超过|不到|至少|起码|好像")
_VAGUE_AFTER = re.compile(r"\s*(?:点多|多|来|余|几|左右|上下|出头|以上|以下|不到|开外)")
_RANGE_AFTER = re.compile(rf"\s*(?:[-~～到至]|或者?)\s*[0-9{_CN}]")
# A number followed by one of these counts or dates something (8点测的, 三天, 两次), it is not
# the reading; for heart rate 次 / 下 are the unit (心率一百下).
_NOT_VALUE = re.compile(r"多?(?:点|时|号|月|日|天|周|星期|年|小时|分钟|岁|遍|回|个|片|粒|顿)")
_NOT_VALUE_COUNT = re.compile(r"多?(?:次|下)")
_UNITS = {
    "bp": re.compile(r"\s*(?:mmhg|毫米汞柱)"),
    "glucose": re.compile(r"\s*(?:mmol/l|mmol|毫摩尔每升|毫摩尔)"),
    "temperature": re.compile(r"\s*(?:摄氏度|度|℃|°c|°)"),
    "heart_rate": re.compile(r"\s*(?:次/分钟|次/分|次每分钟|次每分|次|下|bpm)"),
    "inr": re.compile(r"(?!)"),
}
_OTHER_UNIT = {"glucose": re.compile(r"\s*mg/dl")}
_BP_SEP = re.compile(r"\s*(?:[/\\、比]|[,，]?\s*低压)\s*")
_TEMP_DECIMAL = re.compile(
    rf"度([0-9]{{1,2}}|[零〇一二三四五六七八九]{{1,2}}|半)(?![0-9.点{_CN}]|分钟|个|天|小时)"
)
# How far an unreadable reading's text reaches (for the care team and the reply).
_TAIL = re.compile(rf"[0-9{_CN}.点度℃°半多来余几左右上下出头以开外到至~～\-或者/比]*")
_QUALITATIVE = re.compile(
    r"\s*(?:还是|又|也|都|一直|有点|有些|很|太|比较|偏|特别|非常|挺|好|超|老)*"
    r"(?:高|低|快|慢|不稳|不正常|异常|升高|降低|超标|爆表)"
)


def _normalise(text: str) -> str:
    """The shared length-preserving fold (``clinical.knowledge.text``: invisible characters
    dropped first, then full-width → ASCII, lower case, traditional → simplified)."""
    return fold(strip_invisible(text))


class _NotExact(ValueError):
    pass


def _exact(span: str) -> Fraction:
    value = read_number(span)
    if isinstance(value, Unreadable):
        raise _NotExact(f"无法准确读取的数字: {span}")
    return value


def _is_word(text: str, m: re.Match[str], kind: str) -> bool:
    """A numeral that is part of a word or counts something (一直, 一下, 量了两次, 8点测的)."""
    after = m.end()
    if text.startswith("点多", after):
        return False  # 五点多: an approximate value, not a time
    if _NOT_VALUE.match(text, after) and not _temp_decimal(text, after, kind):
        return True
    if kind != "heart_rate" and _NOT_VALUE_COUNT.match(text, after):
        return True
    run = m.group()
    nxt = text[after : after + 1]
    return (
        len(run) == 1
        and run in _CN
        and run != "十"
        and "\u4e00" <= nxt <= "\u9fff"
        and nxt not in "度多来余几左上比"
    )


def _temp_decimal(text: str, pos: int, kind: str) -> re.Match[str] | None:
    return _TEMP_DECIMAL.match(text, pos) if kind == "temperature" else None


def _check_after(text: str, pos: int, kind: str) -> int:
    """Skip the unit after a number at ``pos``; raise if the number is only approximate."""
    if (other := _OTHER_UNIT.get(kind)) and other.match(text, pos):
        raise _NotExact("单位不是常用单位")
    if u := _UNITS[kind].match(text, pos):
        pos = u.end()
    if _RANGE_AFTER.match(text, pos):
        raise _NotExact("写的是一个范围")
    if _VAGUE_AFTER.match(text, pos):
        raise _NotExact("写的是大约的数")
    return pos


def _value(text: str, m: re.Match[str], kind: str) -> tuple[list[Fraction], int]:
    """The exact value(s) of the reading whose number starts at ``m``, and the span end."""
    end = m.end()
    if kind == "temperature" and text[end : end + 1] == "度":
        if dec := _temp_decimal(text, end, kind):
            whole, tail = m.group(), dec.group(1)
            if tail == "半":
                value = _exact(whole)
                if value.denominator != 1:
                    raise _NotExact(f"无法准确读取的数字: {whole}度半")
                value += Fraction(1, 2)
            else:
                value = _exact(f"{whole}点{tail}")  # colloquial 38度5 = 38.5
            return [value], _check_after(text, dec.end(), kind)
        if re.match(rf"度[0-9{_CN}半]", text[end:]):
            raise _NotExact("度后面的数字无法读取")
    values = [_exact(m.group())]
    end = _check_after(text, end, kind)
    if kind == "bp":
        sep = _BP_SEP.match(text, end)
        m2 = _NUM.match(text, sep.end()) if sep else None
        if m2 is None:
            raise _NotExact("血压需要高压和低压两个数")
        values.append(_exact(m2.group()))
        end = _check_after(text, m2.end(), kind)
    return values, end


def _number(value: Fraction) -> float:
    exact = json_number(value)
    if exact is None:  # no finite decimal (cannot happen for digits and 点)
        raise _NotExact("不是有限小数")
    return float(exact)


def _read_at(text: str, label: re.Match[str], kind: str) -> Reading | UnreadableReading | None:
    start = label.end()
    i = start
    while i < len(text) and i - start <= _GAP:
        if text[i] in _STOP or (i > start and _LABEL.match(text, i)):
            break
        m = _NUM.match(text, i)
        if m is None:
            i += 1
            continue
        if _is_word(text, m, kind):
            i = m.end()
            continue
        try:
            if _HEDGE.search(text, start, m.start()):
                raise _NotExact("写的是大约的数")
            values, end = _value(text, m, kind)
            return Reading(
                kind,  # type: ignore[arg-type]
                [_number(v) for v in values],
                _UNIT_CODES[kind],
                fasting=kind == "glucose" and _fasting(text, label) == "空腹",
                text=text[label.start() : end],
            )
        except _NotExact as exc:
            end = _TAIL.match(text, m.end()).end()  # type: ignore[union-attr]
            return UnreadableReading(kind, text[label.start() : end], str(exc))  # type: ignore[arg-type]
    if label.group() in _MEASURE_LABELS and (q := _QUALITATIVE.match(text, start)):
        return UnreadableReading(
            kind,  # type: ignore[arg-type]
            text[label.start() : q.end()],
            "没有写具体数值",
            has_number=False,
        )
    return None


_UNIT_CODES = {
    "bp": "mm[Hg]",
    "glucose": "mmol/L",
    "temperature": "Cel",
    "heart_rate": "/min",
    "inr": "{INR}",
}


def _fasting(text: str, label: re.Match[str]) -> str | None:
    m = _FASTING.search(text, max(0, label.start() - 4), label.start())
    return m.group(1) if m else None


def read_vitals(text: str) -> tuple[list[Reading], list[UnreadableReading]]:
    """The readings in ``text`` read exactly, and the labelled readings that cannot be."""
    text = _normalise(text)
    found: list[Reading] = []
    unreadable: list[UnreadableReading] = []
    for label in _LABEL.finditer(text):
        kind = label.lastgroup or ""
        got = _read_at(text, label, kind)
        if isinstance(got, Reading):
            found.append(got)
        elif got is not None:
            unreadable.append(got)
    return found, unreadable


def readings(text: str) -> list[Reading]:
    return read_vitals(text)[0]


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


_DOSE_KINDS = ("count", "mass", "volume")
_PUNCT = re.compile(r"[\s\W_]+")


def dose_amount(text: str) -> bool:
    """The message names an amount to take (两片, 半片, 500mg, 10ml): a dose question."""
    return any(
        isinstance(a, Amount) and a.kind in _DOSE_KINDS and a.unit_text for a in find_amounts(text)
    )


def greeting_only(text: str) -> bool:
    """Only pleasantries (你好, 谢谢, 在吗) and punctuation: nothing that could be a complaint."""
    rest = list(text)
    hit = False
    for start, end, t in lexicon.hits(text):
        if t.kind == "greeting":
            rest[start:end] = [" "] * (end - start)
            hit = True
    return hit and not _PUNCT.sub("", "".join(rest))


def crisis_concepts(mentions: list[symptoms.Mention]) -> list[str]:
    """Crisis concepts (the crisis route's data names them) said and not denied."""
    from clinical.agent.routes.crisis import data

    wanted = data().concepts
    out: list[str] = []
    for m in mentions:
        if m.concept in wanted and not m.negated and m.concept not in out:
            out.append(m.concept)
    return out


def understand(text: str) -> Understanding:
    """Intent and entities of one patient message (deterministic). Everything is read on the
    shared fold of the text (traditional → simplified, full-width → ASCII, zero-width dropped,
    lower case), so 華法林可以吃兩片嗎 is 华法林可以吃两片吗."""
    text = _normalise(text)
    found = lexicon.find(text)
    meds, med_spans = medicines(text)
    # Symptoms through the shared lexicon (clinical.knowledge.symptoms, #23): the same concepts
    # follow-up and the monitor reach, as their Chinese labels; negated ones are not reported.
    # A symptom word inside a medicine name is no symptom (感冒灵 is not 感冒).
    mentions = [
        m
        for m in symptoms.find_symptoms(text)
        if not any(s <= m.span[0] and m.span[1] <= e for s, e in med_spans)
    ]
    said: list[str] = []
    for m in mentions:
        if not m.negated and symptoms.label(m.concept) not in said:
            said.append(symptoms.label(m.concept))
    vitals, unreadable = read_vitals(text)
    u = Understanding(
        intent="other",
        medicines=meds,
        foods=found["food"],
        symptoms=said,
        readings=vitals,
        unreadable_readings=unreadable,
        injection=bool(INJECTION.search(text)),
        crisis_concepts=crisis_concepts(mentions),
        dose_amount=dose_amount(text),
        greeting=greeting_only(text),
    )
    u.ack = bool(_ACK.search(text)) and not _QUESTION.search(text)
    can_eat = _CAN_EAT.search(text)
    if u.readings or any(r.has_number for r in u.unreadable_readings):
        u.intent = "reading_report"  # a number we cannot read is still a reading report
    elif u.ack:
        u.intent = "dose_ack"
    elif u.medicines and u.dose_amount:
        u.intent = "medication_question"  # 华法林可以吃两片吗: how much of a medicine
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
    elif mentions:  # 没有手抖: a denied symptom is still an answer about symptoms
        u.intent = "symptom_report"
    if u.unreadable_readings and u.intent in ("other", "symptom_report"):
        u.intent = "reading_report"  # 血糖很高: the follow-up route asks for the number
    return u
