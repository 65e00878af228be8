"""The `make demo` section of clinical.diet: diet questions answered from the demo records."""

from __future__ import annotations

import json

from ammed_fhir.demo import DemoContext

URL = "/api/v1/consult/diet"
VERDICT_ZH = {"avoid": "不建议", "caution": "需注意", "ok": "可以", "unknown": "无法判断"}
# (patient id, question, the same context spelled out for a run where the record is missing)
QUESTIONS = [
    (
        "demo-surgery",
        "能喝酒吗",
        {
            "conditions": ["心房颤动", "关节置换术后"],
            "current_medications": ["华法林钠片 3mg", "头孢呋辛酯片 0.25g", "对乙酰氨基酚片 0.5g"],
        },
    ),
    (
        "demo-surgery",
        "能吃菠菜吗",
        {"conditions": ["心房颤动"], "current_medications": ["华法林钠片 3mg"]},
    ),
    (
        "demo-htn-dm",
        "能吃西柚吗",
        {
            "conditions": ["原发性高血压 2级", "2型糖尿病"],
            "current_medications": ["苯磺酸氨氯地平片 5mg", "阿托伐他汀钙片 20mg"],
        },
    ),
]


def _ask(ctx: DemoContext, body: dict) -> tuple[int, dict]:
    resp = ctx.client.post(URL, data=json.dumps(body), content_type="application/json")
    try:
        return resp.status_code, resp.json()
    except ValueError:
        return resp.status_code, {}


def run(ctx: DemoContext) -> None:
    """Answer diet questions for the demo patients and print the verdicts with their reasons."""
    ctx.heading("饮食咨询 (POST /api/v1/consult/diet)")
    for patient_id, question, fallback in QUESTIONS:
        status, answer = _ask(ctx, {"patient_id": patient_id, "question": question})
        note = "（依据患者记录）"
        if status == 404:  # the record is not in this database: ask with the context spelled out
            status, answer = _ask(ctx, {"patient": fallback, "question": question})
            note = "（记录不可用，按演示病历手动提供用药和诊断）"
        if status != 200:
            ctx.line(f"  {patient_id} 问“{question}”：接口返回 {status} {answer}")
            continue
        ctx.line(f"\n  患者 {patient_id} 问：“{question}”{note}")
        ctx.line(
            f"  结论：{VERDICT_ZH[answer['verdict']]}（{answer['verdict']}）—— {answer['food']}"
        )
        for reason in answer["reasons"]:
            ctx.line(f"    · {reason['text']}")
            ctx.line(f"      因为：{reason['because']}；来源：{reason['source']}")
        for line in answer["advice"].splitlines():
            ctx.line(f"  建议：{line}")
