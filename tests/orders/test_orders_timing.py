"""Dose-time arithmetic: every EventTiming, interval and period form, with real clock times."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from clinical.orders.services.timing import Routine, ScheduleError, dose_times

SH = ZoneInfo("Asia/Shanghai")
R = Routine()  # wake 06:30, breakfast 07:30, lunch 12:00, dinner 18:00, bed 22:00; ±30 min
DAY = dt.datetime(2026, 12, 1, tzinfo=SH)  # a Tuesday


def times(repeat: dict, days: int = 1, routine: Routine = R, start: dt.datetime = DAY) -> list[str]:
    out = dose_times(repeat, routine, start, start + dt.timedelta(days=days))
    return [t.strftime("%m-%d %H:%M") for t in out]


def daily(when: list[str], frequency: int = 1, **extra) -> dict:
    return {"frequency": frequency, "period": 1, "periodUnit": "d", "when": when, **extra}


@pytest.mark.parametrize(
    ("code", "clock"),
    [
        ("WAKE", "06:30"),
        ("MORN", "07:30"),
        ("NOON", "12:00"),
        ("AFT", "15:00"),
        ("EVE", "19:00"),
        ("NIGHT", "21:00"),
        ("HS", "22:00"),
        ("ACM", "07:00"),
        ("ACD", "11:30"),
        ("ACV", "17:30"),
        ("PCM", "08:00"),
        ("PCD", "12:30"),
        ("PCV", "18:30"),
        ("CM", "07:30"),
        ("CD", "12:00"),
        ("CV", "18:00"),
        ("AC", "07:00"),
        ("PC", "08:00"),
        ("C", "07:30"),
    ],
)
def test_each_event_timing_lands_at_its_routine_time(code: str, clock: str) -> None:
    assert times(daily([code])) == [f"12-01 {clock}"]


def test_offset_before_breakfast() -> None:
    assert times(daily(["ACM"], offset=30)) == ["12-01 07:00"]
    assert times(daily(["ACM"], offset=60)) == ["12-01 06:30"]


def test_offset_after_dinner_and_before_bed() -> None:
    assert times(daily(["PCV"], offset=60)) == ["12-01 19:00"]
    assert times(daily(["HS"], offset=30)) == ["12-01 21:30"]


@pytest.mark.parametrize(
    ("when", "frequency", "expected"),
    [
        (["PC"], 2, ["08:00", "18:30"]),
        (["PC"], 3, ["08:00", "12:30", "18:30"]),
        (["AC"], 3, ["07:00", "11:30", "17:30"]),
        (["C"], 2, ["07:30", "18:00"]),
        (["CM", "CV"], 2, ["07:30", "18:00"]),
        (["PC", "HS"], 4, ["08:00", "12:30", "18:30", "22:00"]),
        (["ACD", "ACV"], 2, ["11:30", "17:30"]),
    ],
)
def test_meal_codes_expand_to_meals(when: list[str], frequency: int, expected: list[str]) -> None:
    assert times(daily(when, frequency)) == [f"12-01 {e}" for e in expected]


@pytest.mark.parametrize(
    ("frequency", "expected"),
    [
        (1, ["07:30"]),
        (2, ["07:30", "18:00"]),
        (3, ["07:30", "12:00", "18:00"]),
        (4, ["07:30", "12:00", "18:00", "22:00"]),
        (5, ["06:30", "07:30", "12:00", "18:00", "22:00"]),
    ],
)
def test_daily_frequency_without_events(frequency: int, expected: list[str]) -> None:
    assert times({"frequency": frequency, "period": 1, "periodUnit": "d"}) == [
        f"12-01 {e}" for e in expected
    ]


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (4, ["02:30", "06:30", "10:30", "14:30", "18:30", "22:30"]),
        (6, ["00:30", "06:30", "12:30", "18:30"]),
        (8, ["06:30", "14:30", "22:30"]),
        (12, ["06:30", "18:30"]),
    ],
)
def test_hourly_intervals_anchor_on_waking(hours: int, expected: list[str]) -> None:
    repeat = {"frequency": 1, "period": hours, "periodUnit": "h"}
    assert times(repeat) == [f"12-01 {e}" for e in expected]


def test_hourly_interval_is_continuous_across_days() -> None:
    out = dose_times(
        {"frequency": 1, "period": 8, "periodUnit": "h"}, R, DAY, DAY + dt.timedelta(days=3)
    )
    gaps = {b - a for a, b in zip(out, out[1:], strict=False)}
    assert gaps == {dt.timedelta(hours=8)} and len(out) == 9


def test_every_other_day() -> None:
    repeat = {"frequency": 1, "period": 2, "periodUnit": "d"}
    assert times(repeat, days=6) == ["12-01 07:30", "12-03 07:30", "12-05 07:30"]


def test_weekly() -> None:
    repeat = {"frequency": 1, "period": 1, "periodUnit": "wk"}
    assert times(repeat, days=14) == ["12-01 07:30", "12-08 07:30"]


def test_three_times_a_week_spreads_days() -> None:
    repeat = {"frequency": 3, "period": 1, "periodUnit": "wk"}
    assert times(repeat, days=7) == ["12-01 07:30", "12-03 07:30", "12-06 07:30"]


def test_day_of_week_and_time_of_day_are_used_as_given() -> None:
    repeat = {
        "frequency": 2,
        "period": 1,
        "periodUnit": "wk",
        "dayOfWeek": ["mon", "thu"],
        "timeOfDay": ["09:15:00"],
    }
    assert times(repeat, days=14) == ["12-03 09:15", "12-07 09:15", "12-10 09:15", "12-14 09:15"]


def test_once_now() -> None:
    start = DAY + dt.timedelta(hours=10, minutes=5)
    assert times({"count": 1}, start=start) == ["12-01 10:05"]


def test_window_is_half_open() -> None:
    start = DAY + dt.timedelta(hours=12)  # after the 07:30 dose
    assert times({"frequency": 2, "period": 1, "periodUnit": "d"}, days=1, start=start) == [
        "12-01 18:00",
        "12-02 07:30",
    ]


def test_patient_routine_moves_doses() -> None:
    late = Routine(breakfast_time=dt.time(9, 0), dinner_time=dt.time(19, 30))
    assert times(daily(["PC"], 2), routine=late) == ["12-01 09:30", "12-01 20:00"]


def test_wall_clock_kept_across_daylight_saving() -> None:
    ny = ZoneInfo("America/New_York")
    routine = Routine(timezone="America/New_York")
    start = dt.datetime(2026, 3, 7, tzinfo=ny)
    out = dose_times(
        {"frequency": 1, "period": 1, "periodUnit": "d"},
        routine,
        start,
        start + dt.timedelta(days=2),
    )
    assert [t.strftime("%H:%M") for t in out] == ["07:30", "07:30"]
    assert out[1].astimezone(dt.UTC) - out[0].astimezone(dt.UTC) == dt.timedelta(hours=23)


@pytest.mark.parametrize(
    "repeat",
    [
        {"frequency": 2, "period": 1, "periodUnit": "d", "when": ["ACM"]},
        {"frequency": 6, "period": 1, "periodUnit": "d"},
        {"frequency": 0, "period": 1, "periodUnit": "d"},
        {"frequency": 1, "period": 1, "periodUnit": "a"},
        {"frequency": 2, "period": 3, "periodUnit": "d"},
        {"frequency": 4, "period": 1, "periodUnit": "h"},
        {"frequency": 1, "period": 1, "periodUnit": "d", "when": ["XYZ"]},
    ],
)
def test_timings_that_cannot_be_placed_exactly_raise(repeat: dict) -> None:
    with pytest.raises(ScheduleError):
        dose_times(repeat, R, DAY, DAY + dt.timedelta(days=2))


def test_reminder_text_names_drug_dose_instruction_on_the_patients_clock() -> None:
    from clinical.orders.models import DoseReminder
    from clinical.orders.services.dispatch import reminder_text

    rem = DoseReminder(
        medication="华法林钠片 3mg",
        dose_text="3mg",
        instruction="口服，晚餐后",
        due_at=dt.datetime(2026, 11, 29, 10, 30, tzinfo=dt.UTC),
    )
    assert reminder_text(rem).startswith(
        "【服药提醒】11月29日 18:30 请服用华法林钠片 3mg，每次3mg，口服，晚餐后。"
    )
    assert "11月29日 10:30" in reminder_text(rem, "Europe/London")


def test_webhook_refuses_to_send_unsigned(settings) -> None:
    from clinical.orders.channels import ChannelError, WebhookChannel

    settings.AMMED_WEBHOOK_URL = "http://127.0.0.1:4013/hook"
    settings.AMMED_WEBHOOK_SECRET = ""
    with pytest.raises(ChannelError) as err:
        WebhookChannel().send("k", {"text": "x"})
    assert err.value.permanent


def test_webhook_unreachable_is_transient(settings) -> None:
    import socket

    from clinical.orders.channels import ChannelError, WebhookChannel

    # A port bound here but never listen()ed is surely closed (a fixed port, 4014 before
    # issue 21, is closed only until something on the machine listens there).
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as closed:
        closed.bind(("127.0.0.1", 0))
        settings.AMMED_WEBHOOK_URL = f"http://127.0.0.1:{closed.getsockname()[1]}/hook"
        settings.AMMED_WEBHOOK_SECRET = "s"
        with pytest.raises(ChannelError) as err:
            WebhookChannel().send("k", {"text": "x"})
    assert not err.value.permanent
