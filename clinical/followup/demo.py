"""The `make demo` section of clinical.followup: each demo patient's triage and CarePlan."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from ammed_fhir import store
from ammed_fhir.demo import DemoContext
from clinical.followup.services.ruledata import LABELS


def _when(detail: dict) -> str:
    if detail.get("scheduledPeriod"):
        p = detail["scheduledPeriod"]
        return (
            p["start"] if p.get("start") == p.get("end") else f"{p.get('start')} ~ {p.get('end')}"
        )
    rep = detail.get("scheduledTiming", {}).get("repeat", {})
    bounds = rep.get("boundsPeriod", {})
    unit = {"d": "天", "wk": "周", "mo": "月"}.get(rep.get("periodUnit"), rep.get("periodUnit"))
    return f"每{rep.get('period')}{unit}{rep.get('frequency')}次，{bounds.get('start')} ~ {bounds.get('end')}"


def run(ctx: DemoContext) -> None:
    """Assess each demo patient through the API and print disposition, reasons and CarePlan."""
    ctx.heading("智能随访：分诊评估与随访计划 (POST /api/v1/followup/assess)")
    for pid in ctx.patient_ids:
        resp = ctx.client.post(
            "/api/v1/followup/assess", data={"patient_id": pid}, content_type="application/json"
        )
        if resp.status_code != 200:
            ctx.line(f"  {pid}: 评估失败 HTTP {resp.status_code}")
            continue
        body = resp.json()
        ctx.line(f"\n患者 {pid}：{LABELS[body['disposition']]}（{body['disposition']}）")
        ctx.line(f"  建议：{body['timeframe']['text']}")
        ctx.line("  原因：")
        for r in body["reasons"]:
            evidence = "，".join(r["evidence"]) or "—"
            ctx.line(f"    - [{LABELS.get(r['disposition'], r['disposition'])}] {r['text']}")
            ctx.line(f"      依据：{r['source']}；证据：{evidence}")
        for note in body["notes"]:
            ctx.line(f"  说明：{note['text']}")
        if body["uncertainty"]["level"] != "low":
            ctx.line(f"  不确定性：{body['uncertainty']['level']}")
        plan = body["careplan"]
        ctx.line(
            f"  随访计划 CarePlan/{plan['id']}（状态 {plan['status']}，意图 {plan['intent']}，"
            f"{plan['period']['start']} ~ {plan['period']['end']}）："
        )
        for act in plan["activity"]:
            d = act["detail"]
            ctx.line(f"    · {d['code']['text']}：{_when(d)}")
    # A clinician approves the surgical patient's plan; the summary goes through the monitor.
    from clinical.followup.services.careplan import approve_careplan, careplan_id

    doctor = get_user_model().objects.filter(username="dr_wang").first()
    if doctor and "demo-surgery" in ctx.patient_ids:
        plan = approve_careplan(careplan_id("demo-surgery"), doctor)
        sent = [
            c
            for c in store.search("Communication", patient_id="demo-surgery")
            if any(a.get("reference") == f"CarePlan/{plan['id']}" for a in c.get("about", []))
        ]
        status = sent[-1]["status"] if sent else "none"
        verdict = {"completed": "已通过输出监控发送", "on-hold": "被输出监控暂扣，等待医生审核"}
        ctx.line(
            f"\n王医生批准 demo-surgery 的随访计划 → 状态 {plan['status']}；"
            f"患者版摘要{verdict.get(status, status)} (Communication, category careplan)。"
        )
        ctx.line("  FHIR 读取：GET /fhir/CarePlan?patient=demo-surgery")
