"""Orders → scheduled doses: review flags, approval, reschedule on update/stop, events."""

from __future__ import annotations

import datetime as dt

import pytest
from orders_support import PID, TZ, med_request

from ammed_fhir import store
from clinical.orders.models import DoseReminder, OrderSchedule, PatientRoutine
from clinical.orders.services import dose_check
from clinical.orders.services.schedule import approve_order, sync_order

NOW = dt.datetime(2026, 11, 29, 6, 0, tzinfo=TZ)
pytestmark = pytest.mark.django_db


def pending(request_id: str) -> list[str]:
    rows = DoseReminder.objects.filter(request_id=request_id, state="pending").order_by("due_at")
    return [r.due_at.astimezone(TZ).strftime("%m-%d %H:%M") for r in rows]


def approved(rid: str, people) -> OrderSchedule:
    sync_order(rid, now=NOW)
    return approve_order(rid, people["doctor"], now=NOW)


def test_dose_within_label_maxima_is_scheduled_without_review(people) -> None:
    store.write(
        med_request("mr-a", "苯磺酸氨氯地平片 5mg 每日1次 晨起口服", name="苯磺酸氨氯地平片 5mg")
    )
    row = sync_order("mr-a", now=NOW)
    assert (row.status, row.issues) == ("scheduled", [])
    assert pending("mr-a")[:2] == ["11-29 06:30", "11-30 06:30"]


@pytest.mark.parametrize(
    ("name", "sig", "issue"),
    [
        ("苯磺酸氨氯地平片 5mg", "氨氯地平 20mg bid", "单次20mg 超过说明书单次最大10mg(2.0倍"),
        ("苯磺酸氨氯地平片 5mg", "氨氯地平 每次3片 每日1次", "单次15mg 超过说明书单次最大10mg"),
        ("阿托伐他汀钙片 20mg", "阿托伐他汀 40mg bid", "每日80mg"),  # 80 = max: allowed
        # a prescription is held to the prescription maximum (1 g, 4 g/day; #23), not OTC 2 g
        ("对乙酰氨基酚片 0.5g", "对乙酰氨基酚 1.5g tid", "单次1500mg 超过说明书单次最大1000mg"),
        (
            "华法林钠片 3mg",
            "华法林钠片 3mg qd",
            "华法林无固定最大剂量, 剂量须根据INR由医生个体化调整",
        ),
        ("某某新药片", "每次1片 qd", "未能在药品知识库中识别"),
        ("苯磺酸氨氯地平片 5mg", "氨氯地平 qd", "未写明单次剂量"),
    ],
)
def test_doses_that_cannot_be_cleared_are_flagged(people, name: str, sig: str, issue: str) -> None:
    store.write(med_request("mr-a2", sig, name=name))
    row = sync_order("mr-a2", now=NOW)
    if issue == "每日80mg":
        assert row.status == "scheduled"
        return
    assert row.status == "needs_review"
    assert any(issue in i for i in row.issues), row.issues
    assert pending("mr-a2") == []


def test_children_and_unknown_ages_are_flagged(people) -> None:
    store.write({**store.read("Patient", PID), "birthDate": "2019-01-01"})
    store.write(med_request("mr-a3", "苯磺酸氨氯地平片 5mg qd", name="苯磺酸氨氯地平片 5mg"))
    assert any("未满18岁" in i for i in sync_order("mr-a3", now=NOW).issues)


def test_knowledge_that_cannot_answer_fails_closed(people, monkeypatch) -> None:
    from clinical.knowledge import drugs as kd

    def unavailable() -> None:
        raise kd.KnowledgeUnavailable("drug tables unreadable")

    monkeypatch.setattr(kd, "require_tables", unavailable)
    store.write(med_request("mr-a4", "苯磺酸氨氯地平片 5mg qd", name="苯磺酸氨氯地平片 5mg"))
    row = sync_order("mr-a4", now=NOW)
    assert row.status == "needs_review" and dose_check.UNCHECKED in row.issues
    assert pending("mr-a4") == []


def test_missing_drug_tables_never_clear_a_dose(monkeypatch, tmp_path) -> None:
    """The knowledge layer's own check (no monitor KB in between): with the tables gone the
    dose of an ordinary order is unchecked, never "within the maximum"."""
    from clinical.knowledge import drugs as kd

    dosage = {
        "text": "苯磺酸氨氯地平片 5mg qd",
        "doseAndRate": [{"doseQuantity": {"value": 5, "unit": "mg"}}],
        "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
    }
    assert dose_check.check_dose("苯磺酸氨氯地平片 5mg", [], dosage, 60) == []
    loaders = (kd.classes, kd.ingredients, kd.products)
    for load in loaders:
        load.cache_clear()
    monkeypatch.setattr(kd, "DATA", tmp_path)  # an empty folder: no table to read
    try:
        assert dose_check.check_dose("苯磺酸氨氯地平片 5mg", [], dosage, 60) == [
            dose_check.UNCHECKED
        ]
    finally:
        for load in loaders:
            load.cache_clear()


def test_approval_schedules_the_reviewed_dosage(people) -> None:
    store.write(
        med_request(
            "mr-b",
            "头孢呋辛酯片 0.25g 口服 bid 饭后 连用5天",
            name="头孢呋辛酯片 0.25g",
            authored="2026-11-26T10:00:00+08:00",
            dispenseRequest={"validityPeriod": {"start": "2026-11-26", "end": "2026-11-30"}},
        )
    )
    row = approved("mr-b", people)
    assert row.status == "scheduled" and row.approved_by == people["doctor"]
    # validity ends with 11-30 (inclusive), before the 5-day bound (12-01 10:00).
    assert pending("mr-b") == ["11-29 08:00", "11-29 18:30", "11-30 08:00", "11-30 18:30"]
    rem = DoseReminder.objects.filter(request_id="mr-b").first()
    assert (rem.medication, rem.dose_text, rem.instruction) == (
        "头孢呋辛酯片 0.25g",
        "0.25g",
        "口服，早餐后",
    )
    evening = DoseReminder.objects.filter(request_id="mr-b").order_by("due_at")[1]
    assert evening.instruction == "口服，晚餐后"


def test_a_sig_naming_another_drug_is_held_for_review(people) -> None:
    # A cefuroxime sig on an amlodipine order: 0.25 g would be 50 tablets of 5 mg.
    store.write(med_request("mr-b2", "头孢呋辛酯片 0.25g 口服 bid 饭后 连用5天"))
    row = sync_order("mr-b2", now=NOW)
    assert row.status == "needs_review"
    assert any("与医嘱药品“氨氯地平片 5mg”不一致" in i for i in row.issues), row.issues
    assert any("相当于 50 片" in i for i in row.issues), row.issues
    assert pending("mr-b2") == []


def test_a_sig_naming_an_unknown_drug_is_held_for_review(people) -> None:
    store.write(med_request("mr-b3", "某某新药片 5mg qd", name="苯磺酸氨氯地平片 5mg"))
    row = sync_order("mr-b3", now=NOW)
    assert row.status == "needs_review"
    assert any("“某某新药片”未能在药品知识库中识别" in i for i in row.issues), row.issues
    assert pending("mr-b3") == []


@pytest.mark.parametrize(
    ("name", "sig", "issue"),
    [
        # issue #22: within the label maximum (1 g), implausible for a 100 mg antiplatelet tablet
        ("阿司匹林肠溶片 100mg", "阿司匹林肠溶片 1g qd", "超过阿司匹林常用单次剂量 100 mg 的 2 倍"),
        ("阿司匹林肠溶片 100mg", "阿司匹林肠溶片 1g qd", "相当于 10 片(每片100 mg)"),
        ("甲钴胺片 0.5mg", "甲钴胺片 5mg tid", "超过甲钴胺常用单次剂量 0.5 mg 的 2 倍"),
        ("甲钴胺片 0.5mg", "甲钴胺片 5mg tid", "每日总量 15 mg 超过甲钴胺常用每日剂量"),
        ("苯磺酸氨氯地平片 5mg", "氨氯地平 每次1-2片 qd", "单次剂量为范围"),
    ],
)
def test_implausible_doses_are_held_for_review(people, name: str, sig: str, issue: str) -> None:
    store.write(med_request("mr-p", sig, name=name))
    row = sync_order("mr-p", now=NOW)
    assert row.status == "needs_review"
    assert any(issue in i for i in row.issues), row.issues
    assert pending("mr-p") == []


def test_doses_in_chinese_numerals_keep_their_magnitude(people) -> None:
    for rid, sig in (
        ("mr-q1", "阿司匹林肠溶片 零点一克 qd"),
        ("mr-q2", "阿司匹林肠溶片 一百毫克 qd"),
    ):
        store.write(med_request(rid, sig, name="阿司匹林肠溶片 100mg"))
        row = sync_order(rid, now=NOW)
        assert (row.status, row.issues) == ("scheduled", [])
    # mecobalamin has no label maximum on file (held for that reason alone), but 零点五毫克
    # is read as 0.5 mg: nothing implausible about it.
    store.write(med_request("mr-q3", "甲钴胺片 零点五毫克 每日三次", name="甲钴胺片 0.5mg"))
    row = sync_order("mr-q3", now=NOW)
    assert row.dosage["doseAndRate"][0]["doseQuantity"]["value"] == 0.5
    assert row.issues == ["甲钴胺: 知识库没有说明书最大剂量, 需医生核对"]


def test_the_plausible_multiple_is_configurable(people, settings) -> None:
    settings.AMMED_DOSE_PLAUSIBLE_MULTIPLE = 10.0
    settings.AMMED_DOSE_MAX_UNITS = 20.0
    store.write(med_request("mr-r", "阿司匹林肠溶片 0.3g qd", name="阿司匹林肠溶片 100mg"))
    assert sync_order("mr-r", now=NOW).status == "scheduled"


def test_structured_timing_is_used_as_is(people) -> None:
    mr = med_request(
        "mr-c", "二甲双胍缓释片 0.5g 每日两次 随餐服用", name="盐酸二甲双胍缓释片 0.5g"
    )
    mr["dosageInstruction"][0]["timing"] = {
        "repeat": {"frequency": 2, "period": 1, "periodUnit": "d", "when": ["CM", "CV"]}
    }
    store.write(mr)
    row = approved("mr-c", people)
    assert row.source == "structured" and row.critical_class == "glucose_lowering"
    assert pending("mr-c")[:3] == ["11-29 07:30", "11-29 18:00", "11-30 07:30"]


def test_routine_changes_the_clock_times(people) -> None:
    PatientRoutine.objects.create(patient_id=PID, breakfast_time=dt.time(9, 0))
    store.write(med_request("mr-d", "泮托拉唑钠肠溶片 40mg qd 早餐前半小时口服 疗程14天"))
    approved("mr-d", people)
    assert pending("mr-d")[0] == "11-29 08:30"


def test_update_reschedules_and_needs_a_new_approval(people) -> None:
    store.write(med_request("mr-e", "阿托伐他汀钙片 20mg qn 口服"))
    approved("mr-e", people)
    assert pending("mr-e")[0] == "11-29 21:00"
    store.write(med_request("mr-e", "阿托伐他汀钙片 40mg qn 口服"))
    row = sync_order("mr-e", now=NOW)
    assert row.status == "needs_review"
    assert pending("mr-e") == []
    assert DoseReminder.objects.filter(request_id="mr-e", state="cancelled").count() == 30
    approve_order("mr-e", people["doctor"], now=NOW)
    assert (
        DoseReminder.objects.get(
            request_id="mr-e", state="pending", due_at__date=dt.date(2026, 11, 29)
        ).dose_text
        == "40mg"
    )


def test_same_dosage_update_keeps_schedule(people) -> None:
    store.write(med_request("mr-f", "阿托伐他汀钙片 20mg qn 口服"))
    approved("mr-f", people)
    before = set(DoseReminder.objects.filter(request_id="mr-f").values_list("key", flat=True))
    store.write(med_request("mr-f", "阿托伐他汀钙片 20mg qn 口服", note=[{"text": "复诊后继续"}]))
    assert sync_order("mr-f", now=NOW).status == "scheduled"
    assert (
        set(
            DoseReminder.objects.filter(request_id="mr-f", state="pending").values_list(
                "key", flat=True
            )
        )
        == before
    )


@pytest.mark.parametrize(
    "status", ["stopped", "cancelled", "completed", "on-hold", "entered-in-error"]
)
def test_stopping_cancels_future_doses(people, status: str) -> None:
    store.write(med_request("mr-g", "氯吡格雷 75mg 每日1次"))
    approved("mr-g", people)
    assert len(pending("mr-g")) == 30
    store.write(med_request("mr-g", "氯吡格雷 75mg 每日1次", status=status))
    assert sync_order("mr-g", now=NOW).status == "inactive"
    assert pending("mr-g") == []


def test_event_handler_reschedules_at_once(people, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        store.write(med_request("mr-h", "阿托伐他汀钙片 20mg qn 口服"))
    assert OrderSchedule.objects.get(request_id="mr-h").status == "needs_review"
    approve_order("mr-h", people["doctor"])
    assert DoseReminder.objects.filter(request_id="mr-h", state="pending").exists()
    with django_capture_on_commit_callbacks(execute=True):
        store.write(med_request("mr-h", "阿托伐他汀钙片 20mg qn 口服", status="stopped"))
    assert OrderSchedule.objects.get(request_id="mr-h").status == "inactive"
    assert not DoseReminder.objects.filter(request_id="mr-h", state="pending").exists()


@pytest.mark.parametrize(
    ("sig", "issue"),
    [
        ("氨氯地平 5mg qd bid", "频次矛盾"),
        ("奥美拉唑 20mg 饭前 饭后 每日一次", "饭前与饭后矛盾"),
        ("按医生说的吃", "无法识别"),
        ("阿托伐他汀 20mg", "未写明用药频次"),
    ],
)
def test_bad_sigs_are_flagged_and_even_approval_cannot_schedule_them(
    people, sig: str, issue: str
) -> None:
    store.write(med_request("mr-i", sig))
    row = approved("mr-i", people)
    assert row.status == "needs_review"
    assert any(issue in i for i in row.issues)
    assert pending("mr-i") == []


def test_end_before_start_is_flagged(people) -> None:
    # invalid R4 (per-1), so /fhir refuses it; stored without validation, as older data was
    store.write_validated(
        [
            med_request(
                "mr-j",
                "阿莫西林 0.5g tid",
                dispenseRequest={"validityPeriod": {"start": "2026-11-30", "end": "2026-11-20"}},
            )
        ]
    )
    row = sync_order("mr-j", now=NOW)
    assert row.status == "needs_review" and "结束时间早于开始时间" in row.issues
    assert pending("mr-j") == []


def test_as_needed_orders_get_no_clock_reminders(people) -> None:
    store.write(med_request("mr-k", "对乙酰氨基酚片 0.5g 疼痛时口服 必要时 每日不超过4次"))
    assert sync_order("mr-k", now=NOW).status == "prn"
    assert pending("mr-k") == []


def test_multiple_instructions_need_a_human(people) -> None:
    mr = med_request("mr-l", "泼尼松 30mg qd")
    mr["dosageInstruction"].append({"text": "泼尼松 20mg qd"})
    store.write(mr)
    assert sync_order("mr-l", now=NOW).status == "needs_review"


def test_unknown_request_cancels_nothing_and_returns_none(people) -> None:
    assert sync_order("does-not-exist", now=NOW) is None


def test_antiplatelet_is_critical_only_after_a_stent(people) -> None:
    store.write(med_request("mr-m", "氯吡格雷 75mg 每日1次", name="氯吡格雷片 75mg"))
    assert sync_order("mr-m", now=NOW).critical_class == ""
    store.write(
        {
            "resourceType": "Procedure",
            "id": "orders-pci",
            "status": "completed",
            "code": {"text": "经皮冠状动脉介入治疗(PCI)+支架植入"},
            "subject": {"reference": f"Patient/{PID}"},
        }
    )
    assert sync_order("mr-m", now=NOW).critical_class == "antiplatelet_after_stent"


def test_bulk_sync_matches_one_by_one(people) -> None:
    sigs = {
        "mr-x1": "阿托伐他汀钙片 20mg qn 口服",
        "mr-x2": "阿莫西林胶囊 0.5g tid",
        "mr-x3": "qd bid",
    }
    for rid, sig in sigs.items():
        store.write(med_request(rid, sig))
        approved(rid, people)
    one_by_one = set(DoseReminder.objects.filter(state="pending").values_list("key", flat=True))
    DoseReminder.objects.all().delete()
    from clinical.orders.services.schedule import bulk_sync

    totals = bulk_sync(list(sigs), now=NOW)
    assert totals == {"orders": 3, "scheduled": 2, "needs_review": 1, "doses": len(one_by_one)}
    assert set(DoseReminder.objects.values_list("key", flat=True)) == one_by_one
    assert bulk_sync(list(sigs), now=NOW)["doses"] == len(one_by_one)  # idempotent
    assert DoseReminder.objects.count() == len(one_by_one)


def test_resuming_a_stopped_order_revives_its_doses(people) -> None:
    store.write(med_request("mr-n", "氯吡格雷 75mg 每日1次"))
    approved("mr-n", people)
    store.write(med_request("mr-n", "氯吡格雷 75mg 每日1次", status="on-hold"))
    sync_order("mr-n", now=NOW)
    assert pending("mr-n") == []
    store.write(med_request("mr-n", "氯吡格雷 75mg 每日1次"))
    assert sync_order("mr-n", now=NOW).status == "scheduled"
    assert len(pending("mr-n")) == 30


def test_structured_timing_code_only_is_expanded(people) -> None:
    mr = med_request("mr-o", "", name="阿莫西林胶囊 0.5g")
    mr["dosageInstruction"] = [
        {
            "timing": {
                "code": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation",
                            "code": "BID",
                        }
                    ]
                }
            },
            "doseAndRate": [{"doseQuantity": {"value": 0.5, "unit": "g"}}],
        }
    ]
    store.write(mr)
    row = approved("mr-o", people)
    assert row.source == "structured" and row.status == "scheduled"
    assert pending("mr-o")[:2] == ["11-29 07:30", "11-29 18:00"]


def test_fresh_bulk_insert_falls_back_when_a_key_exists(people) -> None:
    from clinical.orders.services.schedule import bulk_insert_reminders

    row = ("dose-x-1", PID, "mr-p", "药", "1片", "", NOW)
    bulk_insert_reminders([row], fresh=True)
    bulk_insert_reminders([row, ("dose-x-2", PID, "mr-p", "药", "1片", "", NOW)], fresh=True)
    assert sorted(DoseReminder.objects.values_list("key", flat=True)) == ["dose-x-1", "dose-x-2"]


def _sql(fn) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def test_the_routine_and_the_record_are_read_once_per_patient_batch(people) -> None:
    """Re-planning a patient's orders reads their routine and record once, not per order:
    N orders cost the queries of 1 plus a fixed number per further order (its own rows)."""
    from clinical.orders.services.schedule import sync_patient

    PatientRoutine.objects.create(patient_id=PID, breakfast_time=dt.time(7, 30))
    store.write(med_request("mr-q1", "阿托伐他汀钙片 20mg qn 口服"))
    sync_patient(PID, now=NOW)  # first plan (creates the schedule rows)
    one = _sql(lambda: sync_patient(PID, now=NOW))
    for rid in ("mr-q2", "mr-q3", "mr-q4"):
        store.write(med_request(rid, "苯磺酸氨氯地平片 5mg 每日1次 晨起口服"))
    sync_patient(PID, now=NOW)
    four = _sql(lambda: sync_patient(PID, now=NOW))

    def reads(sql: list[str], what: str) -> int:
        return sum(what in q and q.lstrip().upper().startswith("SELECT") for q in sql)

    assert reads(one, '"orders_patientroutine"') == reads(four, '"orders_patientroutine"') == 1
    record = "\"resource_type\" IN ('Patient', 'Condition'"
    assert reads(one, record) == reads(four, record) == 1
    per_order = (len(four) - len(one)) / 3
    assert per_order == PER_ORDER_QUERIES, (len(one), len(four))
    single = _sql(lambda: sync_order("mr-q1", now=NOW))  # alone: reads routine and record
    assert len(single) == SINGLE_ORDER_QUERIES


# Before the batch read (#23 review) a patient batch cost 11 queries per order and one order
# alone 9: the routine and the record were each read twice per order.
PER_ORDER_QUERIES = 7
SINGLE_ORDER_QUERIES = 8
