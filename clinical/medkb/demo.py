"""The `make demo` section of clinical.medkb: medication guidance for 张伟 (demo-surgery)."""

from __future__ import annotations

from ammed_fhir.demo import DemoContext

_VERDICT = {"recommended": "推荐", "usable": "可用", "avoid": "不要用", "unknown": "无法识别"}
_URGENCY = {"emergency": "立即就医", "urgent": "尽快就医", "routine": "择期就诊"}


def run(ctx: DemoContext) -> None:
    """张伟 (68, warfarin, penicillin allergy, cefuroxime) has a fever of 38.5 ℃ at home."""
    ctx.heading("用药指导 medication guidance — 张伟 (demo-surgery) 发热38.5℃，家中药箱")
    body = {
        "patient_id": "demo-surgery",
        "symptoms": ["发烧", "头痛"],
        "temperature_c": 38.5,
        "fever_days": 1,
        "cabinet": ["泰诺林", "布洛芬缓释胶囊", "感冒灵颗粒", "阿莫西林胶囊", "藿香正气水"],
    }
    r = ctx.client.post("/api/v1/guidance/medication", data=body, content_type="application/json")
    if r.status_code == 404:  # the record was not pushed (e.g. /fhir unavailable): say so
        ctx.line("  (demo-surgery 不在库中，改用同样信息的 patient 字段)")
        body.pop("patient_id")
        body["patient"] = {
            "age_years": 68,
            "sex": "male",
            "conditions": ["心房颤动", "右膝骨关节炎"],
            "allergies": ["青霉素"],
            "current_medications": [
                "华法林钠片 3mg",
                "头孢呋辛酯片 0.25g",
                "对乙酰氨基酚片 0.5g",
                "泮托拉唑钠肠溶片 40mg",
            ],
        }
        r = ctx.client.post(
            "/api/v1/guidance/medication", data=body, content_type="application/json"
        )
    if r.status_code != 200:
        ctx.line(f"  (guidance failed: HTTP {r.status_code} {r.content[:200]!r})")
        return
    answer = r.json()
    ctx.line("POST /api/v1/guidance/medication  cabinet: " + "、".join(body["cabinet"]))
    for item in answer["items"]:
        name = item["product"] or item["input"]
        ings = "、".join(
            i["name"] + (f"{i['strength_mg']:g}mg" if i["strength_mg"] else "")
            for i in item["ingredients"]
        )
        ctx.line(f"  [{_VERDICT[item['verdict']]}] {item['input']} → {name}（{ings}）")
        if item["dose"]:
            ctx.line(f"      剂量：{item['dose']['text']}")
        for reason in item["reasons"]:
            ctx.line(f"      - {reason['code']}: {reason['text']}")
    sd = answer["see_doctor"]
    ctx.line(
        "  就医建议："
        + (_URGENCY.get(sd["urgency"] or "", "暂不需要") if sd["needed"] else "暂不需要")
    )
    ctx.line("  给患者的话：" + answer["advice"])
    ctx.line(f"  依据（{len(answer['sources'])}条）：" + answer["sources"][0] + " …")
