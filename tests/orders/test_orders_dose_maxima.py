"""Sourced adult maxima for common chronic drugs: correct orders schedule, far-above ones wait."""

from __future__ import annotations

import datetime as dt

import pytest
from orders_support import TZ, med_request

from ammed_fhir import store
from clinical.orders.models import DoseReminder
from clinical.orders.services.schedule import sync_order

NOW = dt.datetime(2026, 11, 29, 6, 0, tzinfo=TZ)
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "sig"),
    [
        ("左甲状腺素钠片 50μg", "左甲状腺素钠片 50μg 每日一次 早餐前半小时空腹"),
        ("阿卡波糖片 50mg", "阿卡波糖片 50mg 每日三次"),
        ("厄贝沙坦片 150mg", "厄贝沙坦片 150mg 每天一次 早上口服"),
        ("富马酸比索洛尔片 5mg", "比索洛尔 5mg qd"),
        ("辛伐他汀片 20mg", "辛伐他汀 20mg qn"),
        ("磷酸西格列汀片 100mg", "西格列汀 100mg qd"),
        ("螺内酯片 20mg", "螺内酯 20mg 隔日一次"),
        ("别嘌醇片 100mg", "别嘌醇 100mg tid"),
        ("替格瑞洛片 90mg", "替格瑞洛 90mg bid"),
        ("左乙拉西坦片 500mg", "左乙拉西坦片 500mg 每12小时一次"),
        ("枸橼酸莫沙必利片 5mg", "莫沙必利片 5mg 三餐前"),
    ],
)
def test_usual_chronic_doses_schedule_without_review(people, name: str, sig: str) -> None:
    store.write(med_request("mr-m1", sig, name=name))
    row = sync_order("mr-m1", now=NOW)
    assert (row.status, row.issues) == ("scheduled", [])
    assert DoseReminder.objects.filter(request_id="mr-m1", state="pending").exists()


@pytest.mark.parametrize(
    ("name", "sig", "issue"),
    [
        ("左甲状腺素钠片 50μg", "左甲状腺素钠片 2mg qd", "单次2mg 超过说明书单次最大0.2mg(10.0倍"),
        ("阿卡波糖片 50mg", "阿卡波糖片 300mg tid", "单次300mg 超过说明书单次最大200mg"),
        ("厄贝沙坦片 150mg", "厄贝沙坦 300mg bid", "每日600mg 超过说明书每日最大300mg"),
        ("辛伐他汀片 20mg", "辛伐他汀 80mg bid", "每日160mg 超过说明书每日最大80mg"),
        ("卡马西平片 0.1g", "卡马西平片 1g tid", "每日3000mg 超过说明书每日最大2000mg"),
    ],
)
def test_doses_far_above_the_new_maxima_are_flagged(
    people, name: str, sig: str, issue: str
) -> None:
    store.write(med_request("mr-m2", sig, name=name))
    row = sync_order("mr-m2", now=NOW)
    assert row.status == "needs_review"
    assert any(issue in i for i in row.issues), row.issues
    assert not DoseReminder.objects.filter(request_id="mr-m2", state="pending").exists()


def test_warfarin_stays_in_review_with_a_clear_reason(people) -> None:
    store.write(med_request("mr-m3", "华法林钠片 3mg qd 晚饭后", name="华法林钠片 3mg"))
    row = sync_order("mr-m3", now=NOW)
    assert row.status == "needs_review"
    assert any("华法林无固定最大剂量" in i and "INR" in i for i in row.issues), row.issues
