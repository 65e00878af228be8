"""The `make demo` section of clinical.orders: sigs → schedules → reminders → adherence.

Everything goes through the real API with the demo logins, except two demo-only shortcuts,
both printed: the orders' doses are also laid out for the past three days (so there is
history to answer), and the grace period is applied "as of tomorrow" to show missed doses.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from ammed_fhir.demo import DemoContext
from clinical.orders.models import DoseReminder, OrderSchedule, OrderStatus
from clinical.orders.services import adherence, dispatch, schedule

STATUS = {"scheduled": "已排程", "needs_review": "待医生审核", "prn": "按需(不定时提醒)"}
STATUS["inactive"] = "已停止"


def _client(username: str) -> Client | None:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return None
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def run(ctx: DemoContext) -> None:
    """Print the orders part of the demo."""
    ctx.heading("医嘱助手: 用法解析 → 服药提醒 → 依从性")
    sig = "泮托拉唑钠肠溶片 40mg qd 早餐前半小时口服 疗程14天"
    parsed = ctx.client.post(
        "/api/v1/orders/parse-sig", {"text": sig}, content_type="application/json"
    ).json()
    repeat = parsed["dosage"].get("timing", {}).get("repeat", {})
    ctx.line(f"解析“{sig}”:")
    ctx.line(
        f"  药品={parsed['medication']} 频次={repeat.get('frequency')}次/"
        f"{repeat.get('period')}{repeat.get('periodUnit')} 时间={repeat.get('when')} "
        f"提前={repeat.get('offset')}分钟 疗程={repeat.get('boundsDuration', {}).get('value')}天 "
        f"需审核={parsed['needs_review']}"
    )
    bad = ctx.client.post(
        "/api/v1/orders/parse-sig", {"text": "氨氯地平 5mg qd bid"}, content_type="application/json"
    ).json()
    ctx.line(f"解析“氨氯地平 5mg qd bid”: 需审核={bad['needs_review']} 原因={bad['issues']}")

    doctor = _client("dr_wang") or ctx.client
    patient_user = _client("zhang_wei")
    now = timezone.now()
    for pid in ctx.patient_ids:
        for mr_id in OrderSchedule.objects.filter(patient_id=pid).values_list(
            "request_id", flat=True
        ):
            schedule.sync_order(mr_id)  # idempotent: the ingest event already did this
        orders = ctx.client.get(f"/api/v1/patients/{pid}/orders").json()["orders"]
        if not orders:
            continue
        ctx.line(f"\n患者 {pid} 的医嘱排程:")
        for order in orders:
            issues = "；".join(order["issues"]) if order["issues"] else ""
            ctx.line(f"  {order['medication']}: {STATUS.get(order['status'], order['status'])}")
            if issues:
                ctx.line(f"    原因: {issues}")
        flagged = [o for o in orders if o["status"] == OrderStatus.NEEDS_REVIEW]
        if flagged:
            ctx.line("  王建国医生(dr_wang)审核后批准:")
        for order in flagged:
            resp = doctor.post(f"/api/v1/orders/{order['medication_request']}/approve").json()
            ctx.line(f"    {order['medication']} → {STATUS.get(resp['status'], resp['status'])}")
        for row in OrderSchedule.objects.filter(patient_id=pid, status=OrderStatus.SCHEDULED):
            # Demo only: lay the doses out from three days ago too, for some history.
            schedule.sync_order(row.request_id, now=now - dt.timedelta(days=3))

        reminders = ctx.client.get(
            f"/api/v1/patients/{pid}/reminders?from={now.isoformat()}"
            f"&to={(now + dt.timedelta(days=1)).isoformat()}".replace("+", "%2B")
        ).json()["reminders"]
        ctx.line("  未来24小时的服药提醒:")
        for item in reminders[:12]:
            when = dt.datetime.fromisoformat(item["due_at"])
            ctx.line(
                f"    {when:%m-%d %H:%M}  {item['medication']} 每次{item['dose']}  {item['instruction']}"
            )

    # Send the past doses through the gate (inbox channel), then answer some of them.
    due = list(
        DoseReminder.objects.filter(
            patient_id__in=ctx.patient_ids, state="pending", due_at__lte=now
        ).values_list("id", flat=True)
    )
    dispatch.send_batch(due)
    states = Counter(DoseReminder.objects.filter(id__in=due).values_list("state", flat=True))
    ctx.line(
        f"\n到期提醒 {len(due)} 条经输出监控: 放行 {states['released']} 条 (站内信/渠道), "
        f"拦截待审 {states['submitted']} 条"
    )
    sent = list(
        DoseReminder.objects.filter(
            patient_id__in=ctx.patient_ids, state__in=("released", "submitted")
        ).order_by("due_at")
    )
    answers: Counter[str] = Counter()
    for i, rem in enumerate(sent):
        # Demo story: most doses taken, a skipped antibiotic, the last two warfarin doses missed.
        if "华法林" in rem.medication and rem.due_at > now - dt.timedelta(days=2):
            continue
        status = "skipped" if (i % 7 == 3 and "华法林" not in rem.medication) else "taken"
        client = patient_user if rem.patient_id == "demo-surgery" and patient_user else ctx.client
        resp = client.post(
            f"/api/v1/reminders/{rem.id}/ack", {"status": status}, content_type="application/json"
        )
        answers[f"{status}:{resp.status_code}"] += 1
    ctx.line(f"患者回复 (状态:HTTP): {dict(answers)}")
    missed = adherence.mark_missed(now + dt.timedelta(days=1))  # demo: grace period passed
    alerts = adherence.escalate(missed, now)
    for pid in ctx.patient_ids:
        body = ctx.client.get(f"/api/v1/patients/{pid}/adherence").json()
        overall = body["overall"]
        if overall["adherence"] is None:
            continue
        ctx.line(
            f"\n{pid} 近7天依从性 {overall['adherence']:.0%} "
            f"(已服{overall['taken']} 跳过{overall['skipped']} 漏服{overall['missed']})"
        )
        for med in body["medications"]:
            ratio = "-" if med["adherence"] is None else f"{med['adherence']:.0%}"
            ctx.line(f"  {med['medication']}: {ratio}")
    for key in alerts:
        ctx.line(f"已通知医护团队: Communication/{key}")
    rem = DoseReminder.objects.filter(
        patient_id__in=ctx.patient_ids, response="missed", medication__contains="华法林"
    ).first()
    if rem:
        guidance = adherence.checked_missed_dose_guidance(rem, now)  # monitor-checked
        ctx.line(
            f"漏服华法林的处理建议: {guidance['text']} "
            f"(依据: {guidance.get('source', '输出监测未放行, 已改为安全提示')})"
        )
