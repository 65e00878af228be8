"""Aggregate early-warning scores (issue #15): NEWS2, qSOFA and the shock index.

Clinical invariants:
- vital signs are judged together: a set of individually mild values can be an emergency;
- a parameter with no current reading is missing: it is named (reason text and a note) and
  never scored as normal, so a partial total is a lower bound and only ever adds urgency;
- SpO2 uses NEWS2 scale 2 for hypercapnic respiratory failure (COPD);
- every reason lists its components with their readings as evidence.
"""

from __future__ import annotations

from typing import Any

from clinical.followup.services.facts import Facts, Note, Reading
from clinical.followup.services.ruledata import check_rows, load
from clinical.followup.services.rules.base import Reason, compare, fmt, said

FAMILY = "scores"


def _band_points(value: float, bands: list[list[Any]]) -> int:
    for low, high, points in bands:
        if (low is None or value >= low) and (high is None or value <= high):
            return int(points)
    # between two bands (38.05 ℃, RR 11.5): the more concerning of the two neighbours
    below = max((b for b in bands if b[1] is not None and b[1] < value), key=lambda b: b[1])
    above = min((b for b in bands if b[0] is not None and b[0] > value), key=lambda b: b[0])
    return max(int(below[2]), int(above[2]))


def _worst(facts: Facts, kind: str, bands: list[list[Any]]) -> tuple[Reading, int] | None:
    group = facts.current_group(kind)
    if not group:
        return None
    return max(((r, _band_points(r.value, bands)) for r in group), key=lambda x: x[1])


def news2(facts: Facts) -> dict[str, Any]:
    """Score every present NEWS2 parameter; name the missing ones."""
    spec = load("scores")["news2"]
    params = spec["params"]
    copd = facts.has_condition(*params["spo2_scale2"]["conditions_any"])
    parts: list[tuple[str, str, int, str]] = []  # (param, label value, points, ref)
    missing: list[str] = []
    for name, kind in (
        ("rr", "rr"),
        ("spo2", "spo2"),
        ("sbp", "sbp"),
        ("hr", "hr"),
        ("temp", "temp"),
    ):
        p = params["spo2_scale2"] if (name == "spo2" and copd) else params[name]
        hit = _worst(facts, kind, p["bands"])
        if hit is None:
            missing.append(p["label"])
            continue
        reading, points = hit
        parts.append((p["label"], fmt(reading.value) + said(reading), points, reading.ref))
    cons = spec["consciousness"]
    confused = [facts.present(c) for c in cons["concepts"]]
    confused = [s for s in confused if s]
    if confused:
        parts.append((cons["label"], "新发意识模糊", cons["points"], confused[0].ref))
    else:
        missing.append(f"{cons['label']}（未报告意识改变，按未知处理）")
    missing.append(f"{spec['oxygen']['label']}（未知，未计分）")
    return {"parts": parts, "missing": missing, "total": sum(p[2] for p in parts), "copd": copd}


def _components(parts: list[tuple[str, str, int, str]], missing: list[str]) -> str:
    text = "，".join(f"{label}{value}（{points}分）" for label, value, points, _ in parts)
    if missing:
        text += f"；缺少：{'、'.join(missing)}，总分为部分评分（下限）"
    return text


def _news2_reasons(facts: Facts) -> list[Reason]:
    spec = load("scores")["news2"]
    rows = check_rows("scores", spec["rules"])
    s = news2(facts)
    if not s["parts"]:
        return []
    measured = [p for p in s["parts"]]
    if len(measured) < spec["complete_when"] and s["total"] > 0:
        facts.notes.append(
            Note(
                "news2-partial",
                f"NEWS2为部分评分（{len(measured)}项），缺少：{'、'.join(s['missing'])}；缺项未按正常计",
            )
        )
    evidence = [p[3] for p in s["parts"]]
    components = _components(s["parts"], s["missing"])
    for row in rows:
        if "min_total" in row and s["total"] >= row["min_total"]:
            text = row["text"].format(total=s["total"], components=components)
            return [Reason(row["code"], text, row["disposition"], FAMILY, row["source"], evidence)]
        if row.get("single_3"):
            threes = [p for p in s["parts"] if p[2] >= 3]
            if threes:
                text = row["text"].format(
                    params="、".join(p[0] for p in threes), components=components
                )
                refs = [p[3] for p in threes]
                return [Reason(row["code"], text, row["disposition"], FAMILY, row["source"], refs)]
    return []


def _qsofa_reasons(facts: Facts) -> list[Reason]:
    spec = load("scores")["qsofa"]
    rows = check_rows("scores", spec["rules"])
    met: list[tuple[str, str]] = []
    missing: list[str] = []
    for c in spec["criteria"]:
        if "kind" in c:
            group = facts.current_group(c["kind"])
            if not group:
                missing.append(c["label"])
                continue
            r = (
                min(group, key=lambda x: x.value)
                if c["op"] in ("le", "lt")
                else max(group, key=lambda x: x.value)
            )
            if compare(r.value, c["op"], c["value"]):
                met.append((f"{c['label']}（{fmt(r.value)}）{said(r)}", r.ref))
        else:
            hits = [facts.present(k) for k in c["concepts"]]
            hits = [h for h in hits if h]
            if hits:
                met.append((c["label"], hits[0].ref))
    if len(met) < 2:
        return []
    inf = spec["infection"]
    temp = facts.current("temp")
    infection = (
        temp is not None and (temp.value >= inf["temp_ge"] or temp.value <= inf["temp_le"])
    ) or any(facts.present(k) for k in inf["concepts"])
    components = "，".join(m[0] for m in met)
    if missing:
        components += f"；缺少：{'、'.join(missing)}"
    for row in rows:
        if row.get("infection") and not infection:
            continue
        if len(met) >= row["min_total"]:
            text = row["text"].format(total=len(met), components=components)
            refs = [m[1] for m in met] + ([temp.ref] if row.get("infection") and temp else [])
            return [Reason(row["code"], text, row["disposition"], FAMILY, row["source"], refs)]
    return []


def _shock_index_reasons(facts: Facts) -> list[Reason]:
    spec = load("scores")["shock_index"]
    rows = check_rows("scores", spec["rules"])
    hr, sbp = facts.current("hr"), facts.current("sbp")
    if hr is None or sbp is None or sbp.value <= 0:
        return []  # needs both; each missing one is already named by NEWS2
    si = hr.value / sbp.value
    for row in rows:
        if si >= row["min_value"]:
            text = row["text"].format(value=f"{si:.2f}", hr=fmt(hr.value), sbp=fmt(sbp.value))
            return [
                Reason(
                    row["code"], text, row["disposition"], FAMILY, row["source"], [hr.ref, sbp.ref]
                )
            ]
    return []


def evaluate(facts: Facts) -> list[Reason]:
    return _news2_reasons(facts) + _qsofa_reasons(facts) + _shock_index_reasons(facts)
