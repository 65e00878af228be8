"""Chinese prescription instructions (sigs) → FHIR R4 ``Dosage``.

The one sig reader (issue #23): orders schedule from it, the output monitor reads an order's
period with it. The rules live in ``data/sig_lexicon.yaml`` (pattern → FHIR code, each with
its source); this module only applies them. Clinical invariant: the parser never invents timing. Text it
cannot account for, or parts that contradict each other, set ``needs_review``; when the
timing itself is contradictory or absent the Dosage carries no ``timing`` at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from clinical.knowledge import numbers

LEXICON_PATH = Path(__file__).parent / "data" / "sig_lexicon.yaml"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"

NUM = numbers.TERM  # permissive; every captured number is then read strictly
_BEFORE = {"AC": "", "ACM": "M", "ACD": "D", "ACV": "V"}
_AFTER = {"PC": "", "PCM": "M", "PCD": "D", "PCV": "V"}
_DOSE_MARKERS = re.compile(r"(每次|一次|每回|单次)\s*$")


def parse_number(text: str) -> Fraction | None:
    """``"0.5"`` → 1/2, ``"两"`` → 2, ``"十二"`` → 12, ``"半"`` → 1/2, ``"零点五"`` → 1/2;
    None when not exactly one number (thin wrapper over ``clinical.knowledge.numbers``)."""
    value = numbers.read_number(text)
    return value if isinstance(value, Fraction) else None


def _exact(value: Fraction | None) -> Fraction | None:
    """``value`` when it has an exact decimal spelling (FHIR decimals), else None."""
    return value if value is not None and numbers.decimal_text(value) is not None else None


def _num(value: Fraction | float) -> int | float:
    """A JSON number for FHIR; Fractions must be exact decimals (see ``_exact``)."""
    if isinstance(value, Fraction):
        exact = numbers.json_number(value)
        if exact is None:
            raise ValueError(f"{value} has no exact decimal spelling")
        return exact
    return int(value) if float(value).is_integer() else value


@dataclass
class Rule:
    group: str
    regex: re.Pattern[str]
    spec: dict[str, Any]


@dataclass
class Lexicon:
    rules: dict[str, list[Rule]]
    offset: re.Pattern[str]
    unit_regex: str  # dose units of clinical/knowledge/data/units.csv
    filler: list[str]
    forms: tuple[str, ...]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load and compile the lexicon once per process."""
    raw = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    unit_regex = numbers.unit_pattern(dose_only=True)

    def compile_(pattern: str) -> re.Pattern[str]:
        return re.compile(
            pattern.replace("{num}", NUM).replace("{unit}", unit_regex), re.IGNORECASE
        )

    rules: dict[str, list[Rule]] = {}
    for group in ("frequency", "max_per_period", "prn", "bounds", "when", "routes"):
        rules[group] = [Rule(group, compile_(row["pattern"]), row) for row in raw[group]]
    return Lexicon(
        rules=rules,
        offset=compile_(raw["offset_pattern"]),
        unit_regex=unit_regex,
        filler=sorted(raw["filler"], key=len, reverse=True),
        forms=tuple(raw["forms"]),
    )


@dataclass
class SigResult:
    """The parse of one sig: a FHIR R4 Dosage dict plus review flags."""

    text: str
    medication: str | None
    dosage: dict[str, Any]
    needs_review: bool
    issues: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "medication": self.medication,
            "dosage": self.dosage,
            "needs_review": self.needs_review,
            "issues": self.issues,
        }


class _Scan:
    """Mutable working state: the text with consumed spans blanked out."""

    def __init__(self, text: str):
        self.original = text
        self.work = text
        self.first_hit = len(text)

    def consume(self, start: int, end: int) -> None:
        self.work = self.work[:start] + " " * (end - start) + self.work[end:]
        self.first_hit = min(self.first_hit, start)

    def finditer(self, regex: re.Pattern[str]) -> list[re.Match[str]]:
        return list(regex.finditer(self.work))


def _group_value(match: re.Match[str], name: str) -> str | None:
    for key in (name, f"{name}2"):
        if key in regex_groups(match) and match.group(key):
            return match.group(key)
    return None


def regex_groups(match: re.Match[str]) -> dict[str, int]:
    return match.re.groupindex


def _resolve(value: Any, match: re.Match[str]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        raw = _group_value(match, value[1:])
        if raw is None:
            return 1 if value[1:] in ("m",) else None
        if value[1:] == "cond":
            return raw.strip()
        number = _exact(parse_number(raw))
        return _num(number) if number is not None else None
    return value


def _quantity(amount: Fraction, surface: str) -> dict[str, Any]:
    unit = numbers.unit_of(surface)
    q: dict[str, Any] = {"value": _num(amount), "unit": unit.unit if unit else surface}
    if unit and unit.ucum:
        q["system"] = UCUM
        q["code"] = unit.ucum
    return q


def _amount_quantity(amount: numbers.Amount, value: Fraction) -> dict[str, Any]:
    """A FHIR Quantity of ``value`` in the unit the reader found for ``amount``."""
    q: dict[str, Any] = {"value": _num(value), "unit": amount.unit}
    if amount.ucum:
        q["system"] = UCUM
        q["code"] = amount.ucum
    return q


def _valid_frequency(frequency: Any, period: Any) -> bool:
    """A FHIR frequency is a whole number ≥ 1 and the period positive."""
    try:
        return float(frequency) >= 1 and float(frequency) == int(frequency) and float(period) > 0
    except (TypeError, ValueError):
        return False


def parse_sig(text: str) -> SigResult:
    """Parse a sig; see the module docstring for the no-guessing invariant."""
    text = (text or "").strip()
    lex = lexicon()
    scan = _Scan(text)
    issues: list[str] = []
    named = _leading_name(text, lex)
    if named:
        scan.consume(0, len(named))
        scan.first_hit = len(named)
    repeat: dict[str, Any] = {}
    when: list[str] = []
    instructions: list[str] = []
    timing_conflict = False
    frequency_seen: tuple | None = None

    # 1. Max per period (before doses: it contains an amount of its own).
    max_per_period: dict[str, Any] | None = None
    max_times: Fraction | None = None
    for rule in lex.rules["max_per_period"]:
        for m in scan.finditer(rule.regex):
            scan.consume(*m.span())
            denominator = {"value": 1, "unit": rule.spec["unit"], "system": UCUM}
            denominator["code"] = rule.spec["unit"]
            if rule.spec["kind"] == "times":
                times = parse_number(m.group("n"))
                # A count of administrations is a whole number above 0 (三分之一次 is not).
                if times is not None and times > 0 and times.denominator == 1:
                    max_times = times
                else:
                    issues.append(f"每日最多次数无法准确读取: {m.group(0)}")
            else:
                amount = _exact(parse_number(m.group("amount")))
                if amount is not None:
                    max_per_period = {
                        "numerator": _quantity(amount, m.group("unit")),
                        "denominator": denominator,
                    }

    # 2. Frequency.
    for rule in lex.rules["frequency"]:
        for m in scan.finditer(rule.regex):
            scan.consume(*m.span())
            values = {k: _resolve(v, m) for k, v in rule.spec["set"].items()}
            when += [w for w in values.pop("when", []) if w not in when]
            if "count" in values:
                repeat["count"] = values["count"]
                continue
            key = (values.get("frequency"), values.get("period"), values.get("periodUnit"))
            if None in key or not _valid_frequency(key[0], key[1]):  # 0次, 半次: never a guess
                issues.append(f"无法读取频次: {m.group(0).strip()}")
                continue
            if frequency_seen is not None and frequency_seen != key:
                issues.append(f"频次矛盾: {m.group(0).strip()}")
                timing_conflict = True
            frequency_seen = key
    if frequency_seen:
        repeat["frequency"], repeat["period"], repeat["periodUnit"] = frequency_seen
    if "count" in repeat and frequency_seen:
        issues.append("既写了立即一次(st)又写了重复频次")
        timing_conflict = True

    # 3. As needed.
    as_needed = False
    conditions: list[str] = []
    for rule in lex.rules["prn"]:
        for m in scan.finditer(rule.regex):
            scan.consume(*m.span())
            as_needed = True
            cond = _resolve(rule.spec.get("condition"), m)
            if cond:
                conditions.append(cond)

    # 4. Bounds.
    for rule in lex.rules["bounds"]:
        for m in scan.finditer(rule.regex):
            scan.consume(*m.span())
            n = _exact(parse_number(m.group("n")))
            bounds = {"value": _num(n or 0), "unit": rule.spec["unit"], "system": UCUM}
            bounds["code"] = rule.spec["unit"]
            if "boundsDuration" in repeat and repeat["boundsDuration"] != bounds:
                issues.append(f"疗程矛盾: {m.group(0).strip()}")
                timing_conflict = True
            if not n or n <= 0:
                issues.append(f"疗程无效: {m.group(0).strip()}")
                timing_conflict = True
            repeat["boundsDuration"] = bounds

    # 5. Events (with an optional offset right after the event word).
    offsets: set[int] = set()
    fasting = False
    for rule in lex.rules["when"]:
        for m in scan.finditer(rule.regex):
            end = m.end()
            om = lex.offset.match(scan.work[end:])
            if om:
                minutes = (
                    30
                    if om.group("half")
                    else (parse_number(om.group("h")) or 0) * 60
                    if om.group("h")
                    else parse_number(om.group("min")) or 0
                )
                offsets.add(int(minutes))
                end += om.end()
            scan.consume(m.start(), end)
            if rule.spec["when"] not in when:
                when.append(rule.spec["when"])
            if rule.spec.get("instruction"):
                instructions.append(rule.spec["instruction"])
                fasting = True
    # 空腹 alone reads as before a meal; next to a precise event (早餐前, 晨起) or with an
    # hourly interval it is only the instruction.
    if fasting and "AC" in when:
        precise = {"ACM", "ACD", "ACV", "WAKE"} & set(when)
        if precise or (frequency_seen or ())[2:] == ("h",):
            when.remove("AC")
    # 早晚各一次 饭后 → after breakfast and after dinner (PCM, PCV).
    day_parts = {"MORN": "M", "NOON": "D", "EVE": "V"}
    generic = [w for w in when if w in ("AC", "PC", "C")]
    if len(generic) == 1 and any(w in day_parts for w in when):
        when = [
            f"{generic[0]}{day_parts[w]}" if w in day_parts else w for w in when if w != generic[0]
        ]
    if "HS" in when and "NIGHT" in when:
        when.remove("NIGHT")  # qn 睡前: one bedtime dose
    before = {_BEFORE[w] for w in when if w in _BEFORE}
    after = {_AFTER[w] for w in when if w in _AFTER}
    if before and after and ("" in before or "" in after or before & after):
        issues.append("饭前与饭后矛盾")
        timing_conflict = True
    if len(offsets) > 1:
        issues.append("提前时间不一致")
        timing_conflict = True

    # 6. Route.
    route: dict[str, Any] | None = None
    for rule in lex.rules["routes"]:
        for m in scan.finditer(rule.regex):
            scan.consume(*m.span())
            spec = rule.spec
            if route and route["coding"][0]["code"] != spec["code"]:
                issues.append(f"给药途径矛盾: {m.group(0).strip()}")
            route = {
                "coding": [{"system": SNOMED, "code": spec["code"], "display": spec["display"]}],
                "text": spec["text"],
            }

    # 7. Doses: amounts with a dose unit, read by the shared reader. One preceded by
    # 每次/一次 is the dose; otherwise a lone amount is; an amount right after the drug name
    # followed by another is its strength. An amount that cannot be read exactly, or has no
    # exact decimal, is never approximated: the sig goes to review.
    amounts: list[tuple[bool, int, numbers.Amount]] = []
    for found in numbers.find_amounts(scan.work):
        start, end = found.span
        if isinstance(found, numbers.Unreadable):
            issues.append(f"无法准确读取剂量: {found.text.strip()}({found.reason})")
            scan.consume(start, end)
            continue
        if not found.dose_unit:
            continue
        marker = _DOSE_MARKERS.search(scan.work[:start])
        if marker:
            start = marker.start()
        amounts.append((bool(marker), start, found))
        scan.consume(start, end)
    chosen: numbers.Amount | None = None
    marked = [a for a in amounts if a[0]]
    if len(marked) == 1:
        chosen = marked[0][2]
    elif len(marked) > 1:
        issues.append("单次剂量写了多个")
    elif len(amounts) == 1:
        chosen = amounts[0][2]
    elif len(amounts) == 2 and amounts[0][1] <= scan.first_hit:
        chosen = amounts[1][2]
    elif len(amounts) > 2:
        issues.append("剂量不明确: 出现多个剂量")
    dose: dict[str, Any] | None = None
    dose_range: dict[str, Any] | None = None
    if chosen is not None:
        exact = [numbers.decimal_text(v) for v in (chosen.value, chosen.high) if v is not None]
        if chosen.value <= 0:
            issues.append("剂量必须大于0")
        elif None in exact:
            issues.append(f"剂量无法写成精确的小数, 需人工核对: {chosen.text.strip()}")
        elif chosen.high is not None:
            dose_range = {
                "low": _amount_quantity(chosen, chosen.value),
                "high": _amount_quantity(chosen, chosen.high),
            }
        else:
            dose = _amount_quantity(chosen, chosen.value)

    # 8. Medication name: the text before the first recognised element.
    prefix = scan.original[: min(scan.first_hit, len(scan.original))]
    medication = prefix.strip(" ，,:：;；") or None
    if scan.first_hit >= len(scan.original):
        medication, prefix = None, ""  # nothing recognised: no name either
    leftover = scan.work[len(prefix) :]
    for word in lex.filler:
        leftover = leftover.replace(word, " ")
    leftover = " ".join(leftover.split())
    if leftover:
        issues.append(f"无法识别的内容: {leftover}")

    # 9. Assemble.
    if not frequency_seen and "count" not in repeat and {"AC", "PC", "C"} & set(when):
        issues.append("饭前/饭后未写明每日次数")
        timing_conflict = True
    if not frequency_seen and "count" not in repeat and when and not timing_conflict:
        repeat.update({"frequency": len(when), "period": 1, "periodUnit": "d"})
    if when:
        repeat["when"] = when
    if offsets and len(offsets) == 1:
        repeat["offset"] = offsets.pop()
    if max_times is not None:
        if dose is not None and chosen is not None:
            max_per_period = {
                "numerator": {**dose, "value": _num(chosen.value * max_times)},
                "denominator": {"value": 1, "unit": "d", "system": UCUM, "code": "d"},
            }
        else:
            issues.append("每日最多次数已记录, 但单次剂量未知")
            max_per_period = {
                "numerator": {"value": _num(max_times), "unit": "次"},
                "denominator": {"value": 1, "unit": "d", "system": UCUM, "code": "d"},
            }

    dosage: dict[str, Any] = {"text": text} if text else {}
    if instructions:
        dosage["additionalInstruction"] = [{"text": t} for t in dict.fromkeys(instructions)]
    has_schedule = "frequency" in repeat or "count" in repeat
    if timing_conflict:
        pass  # never a guessed timing
    elif has_schedule or (as_needed and repeat):
        dosage["timing"] = {"repeat": repeat}
    elif not as_needed:
        issues.append("未写明用药频次或时间")
    if as_needed:
        if conditions:
            dosage["asNeededCodeableConcept"] = {"text": "、".join(dict.fromkeys(conditions))}
        else:
            dosage["asNeededBoolean"] = True
    if route:
        dosage["route"] = route
    if dose:
        dosage["doseAndRate"] = [{"doseQuantity": dose}]
    elif dose_range:
        dosage["doseAndRate"] = [{"doseRange": dose_range}]
    if max_per_period:
        dosage["maxDosePerPeriod"] = max_per_period
    validate_dosage(dosage)
    return SigResult(
        text=text,
        medication=medication,
        dosage=dosage,
        needs_review=bool(issues) or timing_conflict,
        issues=issues,
    )


def _leading_name(text: str, lex: Lexicon) -> str:
    """The first word when it looks like a product name (ends in a dosage form, no numbers)."""
    first = text.split(maxsplit=1)[0] if len(text.split()) > 1 else ""
    if not first or first.startswith("每") or re.search(r"[0-9半]", first):
        return ""
    return first if first.endswith(lex.forms) else ""


def validate_dosage(dosage: dict[str, Any]) -> None:
    """Raise ``pydantic.ValidationError`` unless ``dosage`` is a valid FHIR R4 Dosage."""
    from fhir.resources.R4B.dosage import Dosage

    Dosage.model_validate(dosage)
