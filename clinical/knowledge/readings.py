"""The one reader of measurements that patients write in words (issue #15 round 3, #22).

A reading is a label (体温, 血压, 血糖, 心率, 血氧, 呼吸 …) followed within a few characters by a
number. The number span is captured generously (Arabic digits, Chinese numerals, 点,
full-width forms after folding) and read by the shared number reader
(``clinical.knowledge.numbers``): a value is exact or the reading is reported as
``UnreadableReading``, never guessed. Every consumer (the agent's understanding, follow-up
triage of survey answers and messages) reads readings here.

Colloquial forms read here, on top of what the number reader reads:
- temperatures only: 度 as the decimal point, "38度5" / "三十八度五" = 38.5 and
  "三十八度半" = 38.5 (nowhere else is 度 a decimal point);
- blood pressure: "160/100", "160比100", "一百六十/一百", "高压150低压90"; a systolic or a
  diastolic named alone ("高压才85", "收缩压85", "低压50") is a reading of that one value;
- glucose in mmol/L (mmol/L, 毫摩尔, 毫摩尔每升, or no unit) or in mg/dL, kept in the unit
  written (``unit``: ``mmol/L`` or ``mg/dL``); the caller converts with its documented factor;
- heart rate and respiratory rate: 次, 下, 次/分 are the unit ("心跳一百下"); a bare 呼吸 is a
  rate only with a minute in it ("呼吸一分钟30次", "呼吸30次/分"), so "呼吸困难3天" is no reading;
- SpO2: 血氧, 血氧饱和度, 指脉氧, SpO2, with or without %.
Unreadable (asked for again or sent to a clinician, never approximated): 一百多, 三十八九度
(38 or 39: a range is not one reading), 38到39度, 38度左右, 大概38度, 一百好几, 二点几,
血压160 (one number without 高压), and a label with only a word (血糖很高).

Bounds (#15 round 3): an unreadable value written as a whole number and 多/几 or 点几/点多 still
says which interval it lies in, and that interval is kept (``UnreadableReading.bounds``, as
written, never one value): 二点几 = 2.0–2.9, 三十多 = 30–39, 一百六十多 = 160–169, 一百多 =
100–199, 八十几 = 80–89, 38度多 = 38.0–38.9. One blood-pressure number without its pair (血压160,
血压八十几) is bounded as ``sbp`` (``bounds_kind``): Chinese patients give the 高压 when they give
one number. A consumer may judge an interval only where every value in it lies on the same side of
the normal range, by the value nearest to normal (the least alarming reading the words allow);
hedged numbers (大概, 左右, 将近) and ranges get no bounds. A number said to be "about" (大概7,
130/80左右: a symmetric hedge and exact numbers) keeps what was said (``about``), only for telling
that the reading is in the normal range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from clinical.knowledge import counts, observations, symptoms
from clinical.knowledge.numbers import Unreadable, json_number, read_number
from clinical.knowledge.text import fold, fold_visible, normalize, span_around, strip_invisible

Kind = Literal[
    "bp",
    "sbp",
    "dbp",
    "glucose",
    "temperature",
    "heart_rate",
    "spo2",
    "rr",
    "inr",
    "ketone",
    "urine_ketone",
    "potassium",
    "hemoglobin",
]


@dataclass
class Reading:
    """A measurement the patient wrote, e.g. 血压160/100 → kind=bp, values=[160, 100].
    ``values`` are exact decimals in ``unit`` (UCUM) as written; ``text`` is the patient's
    words (after folding) from the label to the end of the value."""

    kind: Kind
    values: list[float]
    unit: str
    fasting: bool = False
    text: str = ""


@dataclass
class UnreadableReading:
    """A labelled reading whose value cannot be read exactly (血压一百多, 体温三十八九度,
    血糖很高). It is never dropped and never approximated: the agent asks the patient for the
    exact value, follow-up sends it to a clinician. ``has_number`` is False when no number was
    written at all (血糖很高)."""

    kind: Kind
    text: str
    reason: str
    has_number: bool = True
    bounds: tuple[float, float] | None = None
    bounds_kind: Kind | None = None
    # "about N" (``_about``: 大概7, 130/80左右): the values said, in ``about_unit``; never a reading
    about: list[float] | None = None
    about_unit: str | None = None


_KIND_LABELS = {
    # 血压 directly before 高压/收缩压 is read from the 高压 label ("血压高压150低压90")
    "bp": r"血压(?![:：是为\s]*(?:高压|收缩压))|(?<![a-z])bp(?![a-z])",
    "sbp": r"高压|收缩压",
    "dbp": r"低压|舒张压",
    "glucose": r"血糖",
    "temperature": r"体温|发烧|发热|温度|烧到",
    "heart_rate": r"心率|脉搏|心跳",
    "spo2": r"血氧饱和度|氧饱和度|血氧|指脉氧|氧饱和|(?<![a-z])s[pa]o2(?![a-z])",
    "rr": r"呼吸频率|呼吸",
    "inr": r"(?<![a-z])inr(?![a-z])|国际标准化比值",
    # a measured ketone (#23 round 6): blood β-hydroxybutyrate in mmol/L, a urine strip by grade
    "ketone": r"血酮体|血酮|[βb]-?羟丁酸",
    "urine_ketone": r"尿酮体|尿酮",
    # a laboratory result the patient types (#15 the lead's probes, 2026-12-07 seventh: 抽血说
    # 血钾6.5 was "a measurement" that no rule judged); potassium the medicine (氯化钾) is no label
    "potassium": r"血清钾|血钾|钾离子",
    "hemoglobin": r"血红蛋白|血色素|(?<![a-z])hgb(?![a-z])|(?<![a-z])hb(?![a-z0-9])",
}
_LABEL = re.compile("|".join(f"(?P<{k}>{v})" for k, v in _KIND_LABELS.items()))
# Labels that name a measurement (so "血糖很高" is a reading without a number); 发烧 is a symptom.
_MEASURE_LABELS = {
    "体温",
    "血压",
    "bp",
    "高压",
    "低压",
    "收缩压",
    "舒张压",
    "血糖",
    "心率",
    "脉搏",
    "血氧",
    "血氧饱和度",
    "氧饱和度",
    "指脉氧",
    "呼吸频率",
    "inr",
    "国际标准化比值",
    "血清钾",
    "血钾",
    "钾离子",
    "血红蛋白",
    "血色素",
}
_FASTING = re.compile(r"(空腹|餐后|饭后)\s*$")
_CN = f"零〇{counts.NUMERALS}十百千"
_NUM = re.compile(rf"[0-9{_CN}](?:[0-9{_CN}]|[.点](?=[0-9{_CN}]))*")
_GAP = 8  # characters allowed between the label and its number
_STOP = set("，,。；;！!？?\n")
_HEDGE = re.compile(r"大概|大约|约|差不多|将近|接近|估计|快|超过|不到|至少|起码|好像")
# The hedges that say "about N" on both sides (``_about``); 将近, 超过, 不到 … say which side.
_ABOUT_BEFORE = re.compile(r"大概|大约|约|差不多|估计|好像")
_ABOUT_AFTER = re.compile(r"左右|上下")
_VAGUE_AFTER = re.compile(r"\s*(?:点多|点几|多|来|余|几|好几|左右|上下|出头|以上|以下|不到|开外)")
_RANGE_AFTER = re.compile(rf"\s*(?:[-~～到至]|或者?)\s*[0-9{_CN}]")
# A number followed by one of these counts or dates something (8点测的, 三天, 两次), it is not
# the reading; for heart and respiratory rate 次 / 下 are the unit (心率一百下).
_NOT_VALUE = re.compile(r"多?(?:点|时|号|月|日|天|周|星期|年|小时|分钟|岁|遍|回|个|片|粒|顿)")
_NOT_VALUE_COUNT = re.compile(rf"多?(?:{counts.alt('次', '下')})")
_RATES = ("heart_rate", "rr")
_RATE_UNIT = r"\s*(?:次/分钟|次/分|次每分钟|次每分|次|下|bpm)"
_UNITS: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    "bp": ((re.compile(r"\s*(?:mmhg|毫米汞柱)"), "mm[Hg]"),),
    "glucose": (
        (re.compile(r"\s*(?:mmol/l|mmol|毫摩尔每升|毫摩尔)"), "mmol/L"),
        (re.compile(r"\s*(?:mg/dl|毫克每分升|毫克/分升)"), "mg/dL"),
    ),
    "temperature": ((re.compile(r"\s*(?:摄氏度|度|℃|°c|°)"), "Cel"),),
    "heart_rate": ((re.compile(_RATE_UNIT), "/min"),),
    "rr": ((re.compile(_RATE_UNIT), "/min"),),
    "spo2": ((re.compile(r"\s*%"), "%"),),
    "inr": (),
    "ketone": ((re.compile(r"\s*(?:mmol/l|mmol|毫摩尔每升|毫摩尔)"), "mmol/L"),),
    "urine_ketone": (),
    "potassium": ((re.compile(r"\s*(?:mmol/l|mmol|毫摩尔每升|毫摩尔)"), "mmol/L"),),
    "hemoglobin": ((re.compile(r"\s*(?:g/l|克每升|克/升|克)"), "g/L"),),
}
_UNITS["sbp"] = _UNITS["dbp"] = _UNITS["bp"]
UNIT_CODES = {
    "bp": "mm[Hg]",
    "sbp": "mm[Hg]",
    "dbp": "mm[Hg]",
    "glucose": "mmol/L",
    "temperature": "Cel",
    "heart_rate": "/min",
    "rr": "/min",
    "spo2": "%",
    "inr": "{INR}",
    "ketone": "mmol/L",
    "urine_ketone": "{grade}",
    "potassium": "mmol/L",
    "hemoglobin": "g/L",
}
_BP_SEP = re.compile(r"\s*(?:[/\\、比]|[,，]?\s*低压|[,，]?\s*舒张压)\s*")
# A bare 呼吸 is a rate only with a minute in it (呼吸一分钟30次, 呼吸30次/分).
_PER_MINUTE = re.compile(r"分")
_TEMP_DECIMAL = re.compile(
    rf"度([0-9]{{1,2}}|[零〇一二三四五六七八九]{{1,2}}|半)(?![0-9.点{_CN}]|分钟|个|天|小时)"
)
# How far an unreadable reading's text reaches (for the care team and the reply).
_TAIL = re.compile(rf"[0-9{_CN}.点度℃°半多来余几好左右上下出头以开外到至~～\-或者/比%]*")
_QUALITATIVE = re.compile(
    r"\s*(?:还是|又|也|都|一直|有点|有些|很|太|比较|偏|特别|非常|挺|好|超|老)*"
    r"(?:高|低|快|慢|不稳|不正常|异常|升高|降低|超标|爆表)"
)


# The one text normaliser's fold (``clinical.knowledge.text.fold_visible``: invisible characters
# dropped first, then full-width → ASCII, lower case, traditional → simplified).
normalise = fold_visible


def as_written(text: str, words: str) -> str:
    """``words`` (a reading's ``text``, folded) as the patient wrote them in ``text``: full
    width and traditional characters kept, for quoting to a clinician."""
    plain = strip_invisible(text)
    form = fold(plain)
    at = form.find(words)
    if at < 0 or len(form) != len(plain):
        return words
    return plain[at : at + len(words)]


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
    if text.startswith(("点多", "点几"), after):
        return False  # 五点多, 二点几: an approximate value, not a time
    if _NOT_VALUE.match(text, after) and not _temp_decimal(text, after, kind):
        return True
    if kind not in _RATES and _NOT_VALUE_COUNT.match(text, after):
        return True
    run = m.group()
    nxt = text[after : after + 1]
    return (
        len(run) == 1
        and run in _CN
        and run != "十"
        and "\u4e00" <= nxt <= "\u9fff"
        and nxt not in "度多来余几好左上比"
    )


def _temp_decimal(text: str, pos: int, kind: str) -> re.Match[str] | None:
    return _TEMP_DECIMAL.match(text, pos) if kind == "temperature" else None


def _check_after(text: str, pos: int, kind: str) -> tuple[int, str]:
    """Skip the unit after a number at ``pos`` (and say which it is); raise if the number is
    only approximate."""
    unit = UNIT_CODES[kind]
    for pattern, code in _UNITS[kind]:
        if u := pattern.match(text, pos):
            pos, unit = u.end(), code
            break
    if _RANGE_AFTER.match(text, pos):
        raise _NotExact("写的是一个范围")
    if _VAGUE_AFTER.match(text, pos):
        raise _NotExact("写的是大约的数")
    return pos, unit


def _value(text: str, m: re.Match[str], kind: str) -> tuple[str, list[Fraction], int, str]:
    """The kind, exact value(s), span end and unit of the reading whose number starts at
    ``m`` (a systolic followed by its diastolic is a blood pressure)."""
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
            end, unit = _check_after(text, dec.end(), kind)
            return kind, [value], end, unit
        if re.match(rf"度[0-9{_CN}半]", text[end:]):
            raise _NotExact("度后面的数字无法读取")
    values = [_exact(m.group())]
    end, unit = _check_after(text, end, kind)
    if kind in ("bp", "sbp"):
        sep = _BP_SEP.match(text, end)
        m2 = _NUM.match(text, sep.end()) if sep else None
        if m2 is None:
            if kind == "bp":
                raise _NotExact("血压需要高压和低压两个数")
            return kind, values, end, unit
        values.append(_exact(m2.group()))
        end, unit = _check_after(text, m2.end(), kind)
        kind = "bp"
    return kind, values, end, unit


# Kinds read in whole units (bp, rate, SpO2); the others have one decimal place in practice.
_WHOLE_KINDS = ("bp", "sbp", "dbp", "heart_rate", "rr", "spo2")
_APPROX_DECIMAL = re.compile(r"点(?:几|多)")
_APPROX_WHOLE = re.compile(r"\s*度?(?:多|几)(?![天个年岁周月小分])")
# 来 after a round number (四十来下, 一百来): about that number, a little under or over it
_APPROX_ROUND = re.compile(r"\s*来(?![天个年岁周月小分回次])")


def _bounds(text: str, m: re.Match[str], kind: str) -> tuple[str, tuple[float, float]] | None:
    """The interval a number written with 多/几 (or 点几/点多) after it lies in, and the kind
    it bounds (a lone blood-pressure number is the systolic); None when the words give none.
    N点几 = N.0–N.9; N多 with N = d×10^k (k ≥ 1) = N … N+10^k−1 (一百多 100–199, 一百六十多
    160–169, 三十多 30–39); any other N多 = N.0–N.9 (38度多); N来 with N = d×10^k (k ≥ 1) =
    N−10^k/2 … N+10^k−1 (四十来 35–49: about forty, a little under or over)."""
    try:
        value = _exact(m.group())
    except _NotExact:
        return None
    if value.denominator != 1 or value <= 0:
        return None
    n, end = int(value), m.end()
    step = 1 if kind in _WHOLE_KINDS else Fraction(1, 10)
    if d := _APPROX_DECIMAL.match(text, end):
        lo, hi, end = Fraction(n), n + 1 - Fraction(1, 10), d.end()
    elif w := _APPROX_WHOLE.match(text, end):
        width = 1
        while n % (width * 10) == 0 and n >= width * 10:
            width *= 10
        lo, hi, end = Fraction(n), n + width - step, w.end()
        if width == 1:
            hi = n + 1 - Fraction(1, 10)
    elif (r := _APPROX_ROUND.match(text, end)) and n % 10 == 0 and n >= 10:
        # N来 (N = d×10^k): about N, so N − half the step below to the top of N多 above
        # (四十来 35–49); the interval is judged at its end nearest normal, as N多's is
        width = 10
        while n % (width * 10) == 0 and n >= width * 10:
            width *= 10
        lo, hi, end = n - Fraction(width, 2), n + width - step, r.end()
    else:
        return None
    if kind == "bp":
        # a pair after it (一百六十多/九十多) is two values, not one bound
        if _BP_SEP.match(text, end):
            return None
        kind = "sbp"
    return kind, (float(lo), float(hi))


def _number(value: Fraction) -> float:
    exact = json_number(value)
    if exact is None:  # no finite decimal (cannot happen for digits and 点)
        raise _NotExact("不是有限小数")
    return float(exact)


def _per_minute(text: str, label: re.Match[str], m: re.Match[str]) -> bool:
    """A bare 呼吸 label names a rate only with a minute between it and the number, or a
    per-minute unit after the number."""
    if label.group() != "呼吸":
        return True
    if _PER_MINUTE.search(text, label.end(), m.start()):
        return True
    # the count right after the label (呼吸28次, 呼吸：30次: #15 sepsis, the lead's probes) is the
    # rate per minute, as 心跳120次 is the heart rate; words between (呼吸停了3次) count episodes
    # (深呼吸10次 is an exercise, not a rate)
    if (
        _RR_COUNT_GAP.fullmatch(text, label.end(), m.start())
        and _RR_COUNT_UNIT.match(text, m.end())
        and not _RR_EXERCISE.search(text, 0, label.start())
    ):
        return True
    return re.match(r"\s*次?\s*(?:/|每)\s*分", text[m.end() :]) is not None


_RR_COUNT_GAP = re.compile(r"[:：是为\s]*")
# 30多次, 二十来次: an approximate count is a rate too (the lead's probes, 2026-12-07 seventh)
_RR_COUNT_UNIT = re.compile(r"\s*(?:多|来|几)?次(?!数)")
_RR_EXERCISE = re.compile(r"(?:深|做|腹式|人工)$")


# A urine ketone strip is read by its grade (阴性 0, ± half, + 1 … ++++ 4; 两个加号 2), right
# after its label (尿酮阴性, 尿酮(-), 尿酮体+++); a bare 阳性 names no grade (the lexicon reads it).
_GRADE = re.compile(
    r"[:：是为\s]*[(（]?\s*(阴性|neg|[-−—]|±|弱阳性|\+{1,4}|[1-4]\+|"
    r"(?:[1-4一二两三四])个加号)\s*[)）]?"
)
_GRADE_OF = {"阴性": 0.0, "neg": 0.0, "-": 0.0, "−": 0.0, "—": 0.0, "±": 0.5, "弱阳性": 0.5}
_GRADE_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4}


def _urine_grade(text: str, label: re.Match[str]) -> Reading | None:
    m = _GRADE.match(text, label.end())
    if m is None:
        return None
    word = m.group(1)
    if word in _GRADE_OF:
        grade = _GRADE_OF[word]
    elif word.startswith("+"):
        grade = float(len(word))
    elif word.endswith("+"):
        grade = float(word[0])
    else:
        grade = float(_GRADE_DIGIT.get(word[0], 0) or int(word[0]))
    return Reading("urine_ketone", [grade], "{grade}", text=text[label.start() : m.end()])


def _read_at(text: str, label: re.Match[str], kind: str) -> Reading | UnreadableReading | None:
    if kind == "urine_ketone":
        return _urine_grade(text, label)
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
        if not _per_minute(text, label, m):
            return None
        try:
            if _HEDGE.search(text, start, m.start()):
                raise _NotExact("写的是大约的数")
            got, values, end, unit = _value(text, m, kind)
            return Reading(
                got,  # type: ignore[arg-type]
                [_number(v) for v in values],
                unit,
                fasting=kind == "glucose" and _fasting(text, label) == "空腹",
                text=text[label.start() : end],
            )
        except _NotExact as exc:
            end = _TAIL.match(text, m.end()).end()  # type: ignore[union-attr]
            hedged = _HEDGE.search(text, start, m.start()) or _RANGE_AFTER.match(text, m.end())
            bound = None if hedged else _bounds(text, m, kind)
            if bound is None and kind == "bp" and str(exc).startswith("血压需要"):
                value = _exact(m.group())  # one exact number: the systolic (血压160)
                bound = ("sbp", (_number(value), _number(value)))
            about = _about(text, start, m, kind)
            return UnreadableReading(
                kind,  # type: ignore[arg-type]
                text[label.start() : end],
                str(exc),
                bounds=bound[1] if bound else None,
                bounds_kind=bound[0] if bound else None,  # type: ignore[arg-type]
                about=about[0] if about else None,
                about_unit=about[1] if about else None,
            )
    if label.group() in _MEASURE_LABELS and (q := _QUALITATIVE.match(text, start)):
        return UnreadableReading(
            kind,  # type: ignore[arg-type]
            text[label.start() : q.end()],
            "没有写具体数值",
            has_number=False,
        )
    return None


def _about(text: str, start: int, m: re.Match[str], kind: str) -> tuple[list[float], str] | None:
    """The values of a reading said to be "about" them (大概7, 血糖7左右, 三十六度五左右,
    130/80上下) and their unit: only symmetric hedges (``_ABOUT_BEFORE``, ``_ABOUT_AFTER``), no
    other hedge, no range, the numbers themselves exact. A consumer may use them only to see
    that a reading is in the normal range (``discourse.normal_reading``); they are never a
    reading, and a value near a cut-off is never judged from them."""
    hedges = [h.group() for h in _HEDGE.finditer(text, start, m.start())]
    if any(not _ABOUT_BEFORE.fullmatch(h) for h in hedges):
        return None
    end = _TAIL.match(text, m.end()).end()  # type: ignore[union-attr]
    tail = text[m.end() : end]
    plain_tail = _ABOUT_AFTER.sub(lambda a: " " * len(a.group()), tail)
    if not hedges and plain_tail == tail:
        return None
    try:
        _, values, _, unit = _value(text[: m.end()] + plain_tail + text[end:], m, kind)
    except _NotExact:
        return None
    return [_number(v) for v in values], unit


def _fasting(text: str, label: re.Match[str]) -> str | None:
    m = _FASTING.search(text, max(0, label.start() - 4), label.start())
    return m.group(1) if m else None


def read_vitals(
    text: str, *, glucose_context: bool = False
) -> tuple[list[Reading], list[UnreadableReading]]:
    """The readings in ``text`` read exactly, and the labelled readings that cannot be.
    A label inside a reading already read (低压 in 高压150低压90) starts no reading of its own;
    a reading asked about, not reported (如果烧到39度怎么办, 万一血糖低于3.9: the shared
    hypothetical scope, ``symptoms.hypothetical_at``), is none. A temperature without its label
    (昨晚三十八度五) follows ``_unlabelled_temperatures``; with ``glucose_context`` (the caller
    knows the patient measures glucose) a decimal number after a measuring verb without a label
    (测了三点六) follows ``_unlabelled_glucose``."""
    text = normalise(text)
    found: list[Reading] = []
    unreadable: list[UnreadableReading] = []
    done = 0
    spans: list[tuple[int, int]] = []
    for label in _LABEL.finditer(text):
        if label.start() < done or symptoms.hypothetical_at(text, label.start(), label.end()):
            continue
        kind = label.lastgroup or ""
        got = _read_at(text, label, kind)
        if got is None:
            continue
        done = label.start() + len(got.text)
        spans.append((label.start(), done))
        if isinstance(got, Reading):
            found.append(got)
        else:
            unreadable.append(got)
    for got in _unlabelled_temperatures(text, spans):
        (found if isinstance(got, Reading) else unreadable).append(got)  # type: ignore[arg-type]
    if glucose_context:
        for got in _unlabelled_glucose(text, spans):
            (found if isinstance(got, Reading) else unreadable).append(got)  # type: ignore[arg-type]
    return found, unreadable


def _unlabelled_glucose(
    text: str, spans: list[tuple[int, int]]
) -> list[Reading | UnreadableReading]:
    """Glucose readings written without 血糖 (#15 r11_metabolic, observations.yaml
    ``glucose_in_words``): a measuring verb right before a number written with its decimal point
    (测了三点六, 再测六点二), in a meter's range, its clause naming no other measurement and the
    number no unit of its own. The number is read as the labelled reader reads 血糖 followed by
    it (``_read_at``): exact, or bounded when written N点几 / N点多 (测了一下五点几: 5.0–5.9, as
    血糖五点几 is; #15, r10-ew-hungry-normal), a bound a consumer judges only when it lies
    wholly on one side of a cut-off. Anything else (a range, a hedge, a whole number) stays
    words for a clinician (the safety net)."""
    spec = observations.table().get("glucose_in_words") or {}
    verbs = sorted(spec.get("measure_words", ()), key=len, reverse=True)
    if not verbs:
        return []
    low, high = spec["range"]
    other = tuple(spec.get("other_words", ()))
    lead = re.compile("(?:" + "|".join(map(re.escape, verbs)) + r")\s*$")
    out: list[Reading | UnreadableReading] = []
    for m in _NUM.finditer(text):
        approx = _APPROX_DECIMAL.match(text, m.end())
        bounded = approx is not None
        if "点" not in m.group() and "." not in m.group() and not bounded:
            continue
        verb = lead.search(text, 0, m.start())
        if any(a <= m.start() < b for a, b in spans) or verb is None:
            continue
        if symptoms.hypothetical_at(text, m.start(), m.end()):
            continue
        if any(w in _clause(text, m.start(), m.end()) for w in other):
            continue
        if not bounded and _NOT_VALUE.match(text, m.end()):  # 测了3.5天, a count or a time
            continue
        if _RANGE_AFTER.match(text, approx.end() if approx else m.end()):  # 五点几到六点: a range
            continue
        got = _read_at(text, verb, "glucose")
        if isinstance(got, Reading):
            if low <= got.values[0] <= high:
                out.append(got)
        elif got is not None and got.bounds_kind == "glucose" and got.bounds is not None:
            if low <= got.bounds[0] and got.bounds[1] <= high:
                out.append(got)
    return out


_DEGREE_AFTER = re.compile(r"\s*(?:度|℃|°c)")
_RANGE_BEFORE = re.compile(rf"[0-9{_CN}.点]+\s*(?:[-~～到至]|或者?)\s*$")


def _clause(text: str, start: int, end: int) -> str:
    a, b = span_around(text, start, end, _STOP)
    return text[a:b]


def _unlabelled_temperatures(
    text: str, spans: list[tuple[int, int]]
) -> list[Reading | UnreadableReading]:
    """Temperatures written without 体温 (#15/#23 round 6): a number with 度 in temp's plausible
    bounds (observations.yaml) is one unless weather or another 度 is near it (the table's
    ``temperature_in_words``: a word of ``other_words`` or ``weather_words`` in its clause, or a
    weather word in the message and no fever word in its clause). Exact, or bounded as the
    labelled ones are (烧了三十八度多: 38.0–38.9); a hedged or ranged one is unreadable."""
    words = observations.table().get("temperature_in_words") or {}
    fever, weather, other = (
        tuple(words.get(k, ())) for k in ("fever_words", "weather_words", "other_words")
    )
    low, high = observations.spec("temp")["plausible"]
    out: list[Reading | UnreadableReading] = []
    for m in _NUM.finditer(text):
        if not _DEGREE_AFTER.match(text, m.end()) or any(a <= m.start() < b for a, b in spans):
            continue
        if symptoms.hypothetical_at(text, m.start(), m.end()):  # 万一三十九度怎么办: asked, none
            continue
        clause = _clause(text, m.start(), m.end())
        if any(w in clause for w in (*other, *weather)):
            continue
        if any(w in text for w in weather) and not any(w in clause for w in fever):
            continue
        try:
            value = _exact(m.group())
        except _NotExact:
            continue
        if not low <= value <= high:
            continue
        start = m.start()
        if r := _RANGE_BEFORE.search(text, 0, start):  # 38到39度: a range, not one reading
            out.append(
                UnreadableReading("temperature", text[r.start() : m.end()], "写的是一个范围")
            )
            continue
        try:
            if _HEDGE.search(clause):
                raise _NotExact("写的是大约的数")
            _kind, values, end, unit = _value(text, m, "temperature")
            out.append(Reading("temperature", [_number(values[0])], unit, text=text[start:end]))
        except _NotExact as exc:
            end = _TAIL.match(text, m.end()).end()  # type: ignore[union-attr]
            hedged = _HEDGE.search(clause) or _RANGE_AFTER.match(text, m.end())
            bound = None if hedged else _bounds(text, m, "temperature")
            out.append(
                UnreadableReading(
                    "temperature",
                    text[start:end],
                    str(exc),
                    bounds=bound[1] if bound else None,
                    bounds_kind=bound[0] if bound else None,  # type: ignore[arg-type]
                )
            )
    return out


# A temperature in words at or above 37.3 ℃ is a fever statement (诊断学(第9版) 发热: 腋温
# ≥37.3℃), up to 43 ℃ (anything higher is not a body temperature). Follow-up reads it as the
# patient saying "fever"; the agent keeps such words for follow-up.
FEVER_FROM_C = 37.3
FEVER_TO_C = 43.0


def fever_readings(text: str) -> list[Reading]:
    """The temperatures in ``text`` at fever level (``FEVER_FROM_C`` to ``FEVER_TO_C``)."""
    return [
        r
        for r in readings(text)
        if r.kind == "temperature" and FEVER_FROM_C <= r.values[0] <= FEVER_TO_C
    ]


def readings(text: str) -> list[Reading]:
    return read_vitals(text)[0]


# A number next to one of these words is a measurement, read here or not (体重60公斤, 血钾3.1,
# 38度): not words for the symptom lexicon. Source: AM-Med; the labels of follow-up's
# observations.yaml kinds and their common synonyms, moved from follow-up's symptoms.yaml
# ``measurement_words`` and guidance's own list (#15: one reader of what is not understood).
MEASUREMENT_WORDS = (
    "体温",
    "温度",
    "发烧到",
    "烧到",
    "血压",
    "高压",
    "低压",
    "血糖",
    "心率",
    "心跳",
    "脉搏",
    "血氧",
    "氧饱和",
    "体重",
    "呼吸",
    "inr",
    "血钾",
    "肌酐",
    "度",
    "℃",
    "°",
)
_DIGIT = re.compile(r"\d")


def is_measurement(clause: str) -> bool:
    """Whether ``clause`` holds a labelled reading this module reads (exact or not), or a
    number next to a measurement word of a kind it does not read (体重60公斤, 血钾3.1)."""
    found, unreadable = read_vitals(clause)
    if found or unreadable:
        return True
    form = normalize(clause).text  # Chinese numerals with a unit read as digits (六十公斤)
    return bool(_DIGIT.search(form)) and any(w in form for w in MEASUREMENT_WORDS)
