"""Pure dose-time arithmetic: a FHIR Timing + a patient routine + a window → datetimes.

Invariant: a Timing this module cannot place exactly raises ``ScheduleError``; it never
fills a gap with a guess (the order is then flagged for review instead of scheduled).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "schedule_rules.yaml"
SUPPORTED_UNITS = ("h", "d", "wk", "mo")
_DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ScheduleError(ValueError):
    """The timing cannot be turned into exact dose times (reason in Chinese for reviewers)."""


@dataclass(frozen=True)
class Routine:
    """The subset of ``PatientRoutine`` the arithmetic needs (cheap to build in bulk)."""

    timezone: str = "Asia/Shanghai"
    wake_time: dt.time = dt.time(6, 30)
    breakfast_time: dt.time = dt.time(7, 30)
    lunch_time: dt.time = dt.time(12, 0)
    dinner_time: dt.time = dt.time(18, 0)
    bed_time: dt.time = dt.time(22, 0)
    before_meal_minutes: int = 30
    after_meal_minutes: int = 30

    @classmethod
    def of(cls, row: Any) -> Routine:
        return cls(**{f: getattr(row, f) for f in cls.__dataclass_fields__})


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


def _minutes_of_day(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def event_minutes(code: str, routine: Routine, offset: int | None) -> int:
    """Minute of the day (may fall outside 0..1439) at which an EventTiming dose is due."""
    spec = rules()["event_timing"].get(code)
    if spec is None:
        raise ScheduleError(f"不支持的服药时间代码 {code}")
    base = _minutes_of_day(getattr(routine, spec["anchor"]))
    kind = spec["kind"]
    if kind == "before":
        default = spec.get("default_minutes", routine.before_meal_minutes)
        return base - (offset if offset is not None else default)
    if kind == "after":
        default = spec.get("default_minutes", routine.after_meal_minutes)
        if spec["anchor"] == "wake_time":
            default = 0
        return base + (offset if offset is not None else default)
    return base + spec.get("minutes", 0) + (offset or 0)


def daily_slots(repeat: dict[str, Any], routine: Routine) -> list[int]:
    """Minutes of the day for one dosing day (sorted), from when / timeOfDay / frequency."""
    return [minute for minute, _ in slot_codes(repeat, routine)]


def slot_codes(repeat: dict[str, Any], routine: Routine) -> list[tuple[int, str]]:
    """(minute of day, EventTiming code or "") for one dosing day, sorted by time."""
    per_day = repeat.get("periodUnit", "d") == "d"
    frequency = int(repeat.get("frequency") or 1) if per_day else 1  # wk/mo: one dose a day
    offset = repeat.get("offset")
    if repeat.get("timeOfDay"):
        return sorted(
            (_minutes_of_day(dt.time.fromisoformat(text)), "") for text in repeat["timeOfDay"]
        )
    when = list(repeat.get("when") or [])
    if not when:
        slots = rules()["default_daily_slots"].get(frequency)
        if slots is None:
            raise ScheduleError(f"每日{frequency}次没有默认服药时间, 需医生指定")
        return sorted((_minutes_of_day(getattr(routine, s)), "") for s in slots)
    codes: list[str] = []
    generic = rules()["generic_meals"]
    for code in when:
        if code in generic:
            specific = [c for c in when if c not in generic]
            wanted = frequency - len(specific) if per_day else 1
            choice = rules()["generic_meal_choice"].get(wanted)
            if choice is None:
                raise ScheduleError(f"{code} 与每日{frequency}次无法对应到具体餐次")
            codes += [generic[code][i] for i in choice]
        else:
            codes.append(code)
    codes = list(dict.fromkeys(codes))
    if per_day and len(codes) != frequency:
        raise ScheduleError(f"服药时间({'/'.join(when)})与每日{frequency}次不一致")
    return sorted((event_minutes(c, routine, offset), c) for c in codes)


def dose_times(
    repeat: dict[str, Any], routine: Routine, start: dt.datetime, end: dt.datetime
) -> list[dt.datetime]:
    """Every dose time in ``[start, end)`` (aware datetimes in the patient's timezone)."""
    if end <= start:
        return []
    tz = ZoneInfo(routine.timezone)
    start_local, end_local = start.astimezone(tz), end.astimezone(tz)
    if repeat.get("count") and not repeat.get("frequency"):
        return [start_local][: int(repeat["count"])]
    unit = repeat.get("periodUnit")
    if unit not in SUPPORTED_UNITS:
        raise ScheduleError(f"不支持的周期单位 {unit!r}")
    frequency = repeat.get("frequency") or 0
    period = repeat.get("period") or 0
    if frequency <= 0 or period <= 0:
        raise ScheduleError("频次和周期必须大于0")
    if unit == "h":
        step = dt.timedelta(hours=float(period) / float(frequency))
        if step < dt.timedelta(minutes=30):
            raise ScheduleError("给药间隔小于30分钟, 需人工核对")
        anchor_t = getattr(routine, rules()["interval_anchor"])
        cursor = dt.datetime.combine(start_local.date(), anchor_t, tzinfo=tz)
        while cursor - step >= start_local:
            cursor -= step
        while cursor < start_local:
            cursor += step
        out = []
        while cursor < end_local:
            out.append(cursor)
            cursor += step
        return out

    slots = daily_slots(repeat, routine)
    days = _dose_days(repeat, unit, int(frequency), float(period), start_local, end_local)
    out: list[dt.datetime] = []
    offsets = [dt.timedelta(minutes=minute) for minute in slots]
    for day in days:
        midnight = dt.datetime.combine(day, dt.time(0, 0))  # naive: the patient's wall clock
        for offset in offsets:
            # Wall-clock arithmetic in the patient's zone (DST-safe through ZoneInfo).
            when = (midnight + offset).replace(tzinfo=tz)
            if start_local <= when < end_local:
                out.append(when)
    return out


def _dose_days(
    repeat: dict[str, Any],
    unit: str,
    frequency: int,
    period: float,
    start: dt.datetime,
    end: dt.datetime,
) -> list[dt.date]:
    first, last = start.date(), end.date()
    n_days = (last - first).days + 1
    allowed = {_DAY_CODES.index(d) for d in repeat.get("dayOfWeek") or []}
    if unit == "d":
        if frequency > 1 and period > 1:
            raise ScheduleError("每N天多次的用法需人工核对")
        step = int(period)
        days = [first + dt.timedelta(days=i) for i in range(0, n_days, step)]
    else:
        cycle = int(period * (7 if unit == "wk" else 30))
        if allowed:
            days = [first + dt.timedelta(days=i) for i in range(n_days)]
        else:
            offsets = sorted({round(i * cycle / frequency) for i in range(frequency)})
            days = [
                first + dt.timedelta(days=c + o)
                for c in range(0, n_days, cycle)
                for o in offsets
                if c + o < n_days
            ]
    if allowed:
        days = [d for d in days if d.weekday() in allowed]
    return days
