"""Medication guidance: which product in the home cabinet, what dose, what to avoid.

Clinical invariants (tests/medkb/test_medkb_properties.py checks them on random input):
- one item per cabinet entry, in the order given;
- an unresolvable name is ``unknown`` with candidates, never guessed;
- no two ``recommended`` items share an active ingredient (nor a therapeutic duplicate
  class such as two antipyretics or two decongestants);
- prescription-only products are never recommended for self-medication;
- every dose respects the curated single and daily maxima (see ``dosing``); children are
  dosed by weight and only with a weight;
- red flags set ``see_doctor``; with an emergency no product is ``recommended``;
- the red-flag gate (``red_flags.evaluate``: the shared lexicon's levels, the shared syndrome table,
  the safety net for words not understood) runs before any product is chosen; a masking flag
  turns every analgesic/antipyretic into ``avoid``;
- a product containing an ingredient the patient already takes (a current order, PRN
  included) is ``avoid``: the order's own amount is the prescriber's, so nothing of that
  ingredient is left for self-care, and two products never add up past a maximum;
- a product with a ``caution`` that needs a clinician (an interaction, contraindication or
  allergy caution without a quantitative limit, ``data/clinician_cautions.csv``) is never
  ``recommended`` nor ``usable``: self-care prefers an alternative without the caution, and
  when none is left it recommends nothing and routes to a physician or pharmacist
  (``needs_clinician``, ``see_doctor``). A caution WITH a quantitative limit (warfarin +
  paracetamol ≤ 2 g a day) caps the dose instead (clinical/knowledge/data/DECISIONS.md);
- a product whose composition is not curated (no ingredient keys: herbal or proprietary
  products) is never recommended (``unknown_composition``): nothing to check allergies,
  interactions or doses against, so a pharmacist decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clinical.knowledge import drugs as knowledge_drugs
from clinical.knowledge.readings import FEVER_FROM_C
from clinical.medkb import api
from clinical.medkb.checks import run_all
from clinical.medkb.checks.interaction import pair_rules
from clinical.medkb.checks.profile import Profile, build_profile
from clinical.medkb.entities import Product, Reason
from clinical.medkb.kb import KnowledgeBase, get_kb, read_data_csv
from clinical.medkb.services import dosing
from clinical.medkb.services import red_flags as gate
from clinical.medkb.services import symptoms as reading_of

# Classes where taking two products at once is a duplicate even without a shared ingredient
# (data/duplicate_classes.csv, with what a current order of the same class means).
_DUPLICATES = {r["class"]: r for r in read_data_csv("duplicate_classes.csv")}
if bad := {c for c, r in _DUPLICATES.items() if r["with_order"] not in ("avoid", "caution")}:
    raise ValueError(f"duplicate_classes.csv: with_order must be avoid|caution: {sorted(bad)}")
DUPLICATE_CLASSES = tuple(_DUPLICATES)
# Caution reasons that need a clinician's judgement when they carry no quantitative limit
# (data/clinician_cautions.csv: code → the routing text, with its source).
CLINICIAN_CAUTIONS = {r["code"]: r for r in read_data_csv("clinician_cautions.csv")}
UNKNOWN_COMPOSITION_TEXT = "成分未收录，无法核对是否适合您（过敏、相互作用和剂量），请咨询药师"
UNKNOWN_COMPOSITION_SOURCE = (
    "DECISIONS.md (what the system does not understand goes to a human); "
    "非处方药说明书【注意事项】: 如正在使用其他药品，使用本品前请咨询医师或药师"
)
URGENCY_RANK = gate.URGENCY_RANK
# Which avoid reason the advice names first (product-level reasons before ingredient ones).
_MAIN_REASON = [
    "masking",
    "allergy",
    "interaction",
    "contraindication",
    "prescription_only",
    "pregnancy",
    "breastfeeding",
    "age",
    "max_dose",
    "duplicate_ingredient",
    "not_indicated",
    "unknown_composition",
    "emergency_first",
    "needs_clinician",
]


@dataclass
class GuidanceRequest:
    patient: api.PatientContext
    cabinet: list[str]
    symptoms: list[str] = field(default_factory=list)
    temperature_c: float | None = None
    fever_days: float | None = None

    @classmethod
    def from_validated(cls, data: dict[str, Any], patient: api.PatientContext) -> GuidanceRequest:
        """The request of ``GuidanceRequestSerializer``'s validated data for ``patient`` (the
        endpoint and the development bench build it the same way)."""
        return cls(
            patient=patient,
            cabinet=data["cabinet"],
            symptoms=data.get("symptoms", []),
            temperature_c=data.get("temperature_c"),
            fever_days=data.get("fever_days"),
        )


@dataclass
class _Item:
    input: str
    product: Product | None
    candidates: list[str] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    verdict: str = "unknown"
    dose: dosing.Dose | None = None
    covers: set[str] = field(default_factory=set)


def _reason_dict(r: Reason) -> dict[str, Any]:
    return {"code": r.code, "severity": r.severity, "text": r.text, "source": r.source}


def _masking_reason(kb: KnowledgeBase, p: Product, flags: list[gate.Flag]) -> Reason | None:
    """A product of a class a standing red flag names as masking (pain and fever relievers by
    default; a post-operative rule may add antiemetics, laxatives, decongestants…): not before
    a doctor has seen the patient (it could hide or worsen the sign the doctor needs)."""
    classes = set().union(*(kb.ingredients[k].classes for k in p.ingredient_keys))
    hit = [f for f in flags if f.masked_classes & classes]
    if not hit:
        return None
    if classes & gate.MASKING_CLASSES and any(gate.MASKING_CLASSES & f.masked_classes for f in hit):
        text = "在医生查明原因前不要自行服用止痛药或退烧药，以免掩盖病情"
    else:
        names = "、".join(kb.ingredients[k].name_zh for k in p.ingredient_keys)
        text = f"在医生查明原因前不要自行服用{p.name}（含{names}），以免掩盖或加重病情"
    return Reason("masking", "avoid", text, hit[0].masking_source or hit[0].source)


def clinician_cautions(reasons: list[Reason]) -> list[Reason]:
    """The ``caution`` reasons a clinician must weigh before self-care: an interaction,
    contraindication or allergy caution (``data/clinician_cautions.csv``) without a
    quantitative limit (``max_daily_mg``; a limit is honoured by capping the dose)."""
    return [
        r
        for r in reasons
        if r.severity == "caution" and r.code in CLINICIAN_CAUTIONS and not r.max_daily_mg
    ]


def _needs_clinician(cautions: list[Reason]) -> Reason:
    """Not for self-care: the cautions themselves, then who decides (the first caution's
    routing text; its source and the policy's)."""
    row = CLINICIAN_CAUTIONS[cautions[0].code]
    said = "；".join(dict.fromkeys(r.text for r in cautions))
    return Reason(
        "needs_clinician",
        "avoid",
        f"{said}。{row['text_zh']}",
        f"{row['source']}; {cautions[0].source}",
        cautions[0].ingredient,
        detail={"cautions": "|".join(r.code for r in cautions)},
    )


def _already_taking(
    kb: KnowledgeBase, p: Product, r: Reason, profile: Profile, cap: Reason | None = None
) -> Reason:
    """A duplicate of a current order (PRN included) becomes ``avoid``: the daily total of the
    ingredient is the prescriber's (its prescription maximum, ``knowledge.drugs.max_dose``
    ``rx``), and the order's own amount may already reach it, so nothing is left for a second
    product. A lower cap for this patient (``cap``: an interaction with a quantitative limit,
    warfarin + paracetamol 2 g) is the total said instead, so the patient never reads two
    different maxima for one ingredient."""
    key = r.ingredient or ""
    ing = kb.ingredients[key]
    written = profile.medications.get(key, "")
    limit = knowledge_drugs.max_dose(key, "rx", profile.age_years)
    max_mg = limit.max_daily_mg if limit is not None else None
    source = (limit.source if limit else "") or r.source
    if cap is not None and cap.max_daily_mg and (not max_mg or cap.max_daily_mg < max_mg):
        max_mg, source = cap.max_daily_mg, cap.source
    total = ""
    if max_mg:
        total = f"；{ing.name_zh}每日合计(包括医生开的量)不能超过{dosing.mg_text(max_mg)}"
    return Reason(
        "duplicate_ingredient",
        "avoid",
        f"您正在使用的“{written}”已含{ing.name_zh}：不要再另外服用含{ing.name_zh}的{p.name}，"
        f"以免合计过量{total}；如需更多缓解，请咨询开药医生",
        source,
        key,
        max_daily_mg=max_mg or None,
        detail={"with": written},
    )


def _lowest_caps(reasons: list[Reason]) -> dict[str, Reason]:
    """Per ingredient, the reason with the lowest quantitative daily limit among ``reasons``
    (interactions such as warfarin + paracetamol 2 g: ``interactions.csv`` ``max_daily_mg``)."""
    caps: dict[str, Reason] = {}
    for r in reasons:
        if r.max_daily_mg and r.ingredient:
            held = caps.get(r.ingredient)
            if held is None or r.max_daily_mg < (held.max_daily_mg or r.max_daily_mg):
                caps[r.ingredient] = r
    return caps


def _order_class_duplicates(kb: KnowledgeBase, p: Product, profile: Profile) -> list[Reason]:
    """A current order of the same therapeutic class (ibuprofen on top of prescribed
    celecoxib, a second antipyretic on top of a paracetamol order): the class's
    ``with_order`` severity from ``data/duplicate_classes.csv``. The same ingredient is the
    duplicate-ingredient reason, not this one; an antiplatelet order (aspirin 100 mg) is not
    an analgesic duplicate (paracetamol is the usual choice with it; NSAIDs meet it in the
    interaction table)."""
    out: list[Reason] = []
    seen: set[str] = set()
    for key in p.ingredient_keys:
        mine = kb.ingredients[key].classes & set(_DUPLICATES)
        for med_key, written in profile.medications.items():
            if med_key in p.ingredient_keys:
                continue
            if "antiplatelet" in kb.ingredients[med_key].classes:
                continue  # low-dose aspirin is an antiplatelet order: interactions.csv judges it
            for cls in sorted(mine & kb.ingredients[med_key].classes):
                if cls in seen:
                    continue
                seen.add(cls)
                row = _DUPLICATES[cls]
                out.append(
                    Reason(
                        "duplicate_ingredient",
                        row["with_order"],  # type: ignore[arg-type]
                        row["text_zh"].format(order=written),
                        row["source"],
                        key,
                        detail={"with": written, "class": cls},
                    )
                )
    return out


def _product_reasons(
    kb: KnowledgeBase,
    item: _Item,
    profile: Profile,
    symptom_keys: set[str],
    masking: list[gate.Flag],
) -> list[Reason]:
    p = item.product
    assert p is not None
    found = run_all(kb, p.ingredient_keys, profile)
    caps = _lowest_caps([r for r in found if r.code != "duplicate_ingredient"])
    reasons = [
        _already_taking(kb, p, r, profile, caps.get(r.ingredient or ""))
        if r.code == "duplicate_ingredient" and r.ingredient in profile.medications
        else r
        for r in found
    ]
    reasons += _order_class_duplicates(kb, p, profile)
    if mask := _masking_reason(kb, p, masking):
        reasons.append(mask)
    if p.rx_only:
        prescribed = any(k in profile.medications for k in p.ingredient_keys)
        is_antibiotic = any("antibiotic" in kb.ingredients[k].classes for k in p.ingredient_keys)
        rx_ingredient = any(kb.ingredients[k].rx_only for k in p.ingredient_keys)
        if prescribed:
            text = "这是医生为您开具的处方药：请按医嘱服用，不要为本次症状自行加量或改变用法"
        elif is_antibiotic:
            text = "抗菌药(抗生素)是处方药：感冒、发热多为病毒感染，抗菌药无效，不能自行服用"
        elif not rx_ingredient and not p.curated:
            text = "未能确认本品为非处方药(OTC)：请在医生或药师指导下使用，不要自行服用"
        else:
            text = "处方药：须由医生开具并指导使用，不能自行用于本次症状"
        reasons.append(Reason("prescription_only", "avoid", text, p.source or "药品说明书"))
    age = profile.age_years
    if p.min_age_years and age is not None and age < p.min_age_years:
        reasons.append(
            Reason(
                "age",
                "avoid",
                f"本品不适用于{p.min_age_years:g}岁以下人群，儿童请选用儿童剂型或遵医嘱",
                p.source,
            )
        )
    if p.other_components and not p.rx_only:  # herbal parts carry no curated safety data
        # Pregnancy and breastfeeding: a composition not fully known is not for self-care
        # (unknown_composition: a pharmacist or clinician decides). Children keep a caution:
        # graph products list excipients as other components, too.
        tcm_src = "中成药临床应用指导原则(国家中医药管理局 2010): 孕妇、哺乳期妇女及儿童应在医师指导下使用"
        who = [
            w
            for w, present in (
                ("孕期", profile.pregnant),
                ("哺乳期", profile.breastfeeding),
            )
            if present
        ]
        if age is not None and age < 12:
            reasons.append(
                Reason("age", "caution", "儿童使用中成药请按说明书儿童用量或遵医嘱", tcm_src)
            )
        if who:
            reasons.append(
                Reason(
                    "unknown_composition",
                    "avoid",
                    f"本品含成分未收录的中药，无法核对{'、'.join(who)}使用是否安全，"
                    "请咨询医生或药师后再决定是否使用",
                    tcm_src,
                )
            )
    if not p.ingredients and not p.rx_only:
        reasons.append(
            Reason(
                "unknown_composition",
                "avoid",
                UNKNOWN_COMPOSITION_TEXT,
                UNKNOWN_COMPOSITION_SOURCE,
            )
        )
    if symptom_keys and not p.rx_only and not (p.indications & symptom_keys):
        reasons.append(
            Reason(
                "not_indicated",
                "avoid",
                "本品不针对您目前的症状，不需要服用",
                p.source or "药品说明书适应症",
            )
        )
    return reasons


def _classes(kb: KnowledgeBase, p: Product) -> set[str]:
    out: set[str] = set()
    for k in p.ingredient_keys:
        out |= kb.ingredients[k].classes & set(DUPLICATE_CLASSES)
    return out


def _conflict(kb: KnowledgeBase, a: Product, b: Product) -> tuple[str, str] | None:
    """("ingredient"|"class"|"interaction", text) when a and b should not be taken together."""
    shared = [k for k in a.ingredient_keys if k in b.ingredient_keys]
    if shared:
        names = "、".join(kb.ingredients[k].name_zh for k in shared)
        return "ingredient", names
    for ka in a.ingredient_keys:
        for kb_key in b.ingredient_keys:
            for r in pair_rules(kb, ka, kb_key):
                if r.severity == "avoid":
                    return "interaction", r.text
    cls = _classes(kb, a) & _classes(kb, b)
    if cls:
        return "class", ""
    return None


def _rank_key(kb: KnowledgeBase, item: _Item, uncovered: set[str]) -> tuple:
    p = item.product
    assert p is not None
    cautions = sum(1 for r in item.reasons if r.severity == "caution")
    new = len(item.covers & uncovered)
    return (
        0 if item.dose and item.dose.per_dose_mg else 1,  # a product we can dose comes first
        -new,
        cautions,
        0 if p.curated else 1,
        len(p.ingredients) - new,  # fewer extra ingredients for what it treats
        len(p.ingredients),
    )


def advise(req: GuidanceRequest) -> dict[str, Any]:
    """The guidance answer (schema in README, section medkb)."""
    kb = get_kb()
    profile = build_profile(kb, req.patient)
    reading = reading_of.read(kb, req.symptoms)
    symptom_keys = set(reading.keys)
    # a measured temperature at fever level is the fever symptom (the one threshold, 37.3 ℃:
    # ``knowledge.readings.FEVER_FROM_C``, 诊断学(第9版) 发热; medkb's own row deleted, #23)
    if req.temperature_c is not None and req.temperature_c >= FEVER_FROM_C:
        symptom_keys.add("fever")
    # The red-flag gate runs first: it decides what self-care may still treat.
    flags = gate.evaluate(kb, req, profile, reading)
    urgency = gate.urgency(flags)
    masking = [f for f in flags if f.masking]
    # What a doctor must see first is not treated by self-care; a routine flag (diarrhoea with
    # fever: no antidiarrhoeal) only withholds its classes, and its complaint is still treated
    # (oral rehydration salts; noticed r2 item 9).
    sent = [f for f in masking if URGENCY_RANK.get(f.urgency, 0) >= URGENCY_RANK["urgent"]]
    masked = set().union(*(f.concepts for f in sent)) if sent else set()
    for key, row in kb.symptoms.items():
        if masked & set(row["concepts"]):
            symptom_keys.discard(key)

    items: list[_Item] = []
    for raw in req.cabinet:
        product = api.resolve(raw)
        item = _Item(input=raw, product=product)
        if product is None:
            item.candidates = api.candidates(raw, 3)
            items.append(item)
            continue
        item.reasons = list(
            {
                (r.code, r.text): r
                for r in _product_reasons(kb, item, profile, symptom_keys, masking)
            }.values()
        )
        item.covers = set(product.indications & symptom_keys) if symptom_keys else set()
        if not any(r.severity == "avoid" for r in item.reasons) and (
            cautions := clinician_cautions(item.reasons)
        ):
            item.reasons.append(_needs_clinician(cautions))
        if not any(r.severity == "avoid" for r in item.reasons):
            item.dose = dosing.compute(
                kb,
                product,
                age_years=profile.age_years,
                weight_kg=req.patient.weight_kg,
                caps={k: r.max_daily_mg or 0 for k, r in _lowest_caps(item.reasons).items()},
            )
            if item.dose.blocked:
                item.reasons.append(
                    Reason("max_dose", "avoid", item.dose.blocked, product.source or "药品说明书")
                )
                item.dose = None
        item.verdict = "avoid" if any(r.severity == "avoid" for r in item.reasons) else "usable"
        items.append(item)

    # Greedy choice: cover the symptoms with as few, as clean products as possible.
    chosen: list[_Item] = []
    pool = [i for i in items if i.verdict == "usable"]
    uncovered = set(symptom_keys)
    if not symptom_keys:
        pool = []  # nothing understood to treat: recommend nothing rather than guess
    while pool:
        pool.sort(key=lambda i: _rank_key(kb, i, uncovered))
        best = pool[0]
        if symptom_keys and not (best.covers & uncovered):
            break
        pool.remove(best)
        if any(_conflict(kb, best.product, c.product) for c in chosen):  # type: ignore[arg-type]
            continue
        chosen.append(best)
        best.verdict = "recommended"
        uncovered -= best.covers
    for it in items:
        if it.verdict != "usable" or it.product is None:
            continue
        for c in chosen:
            conflict = _conflict(kb, it.product, c.product)  # type: ignore[arg-type]
            if conflict is None:
                continue
            kind, text = conflict
            if kind == "ingredient":
                it.reasons.append(
                    Reason(
                        "duplicate_ingredient",
                        "avoid",
                        f"与已推荐的{c.product.name}同样含有{text}，同时服用会过量：二者只选"
                        f"{c.product.name}",  # type: ignore[union-attr]
                        it.product.source or "药品说明书",
                    )
                )
                it.verdict = "avoid"
                it.dose = None
            elif kind == "interaction":
                it.reasons.append(Reason("interaction", "avoid", text, "interactions.csv"))
                it.verdict = "avoid"
                it.dose = None
            else:
                it.reasons.append(
                    Reason(
                        "duplicate_ingredient",
                        "caution",
                        f"与{c.product.name}作用相同，可作为替代，但不要同时服用",  # type: ignore[union-attr]
                        it.product.source or "药品说明书",
                    )
                )
            break
    if urgency == "emergency":  # the doctor decides: nothing is offered for self-medication
        for it in items:
            if it.verdict in ("recommended", "usable"):
                it.verdict = "avoid"
                it.dose = None
                it.reasons.append(
                    Reason(
                        "emergency_first",
                        "avoid",
                        "请先拨打120或立即到急诊，是否用药由医生决定，不要先自行服药",
                        flags[0].source,
                    )
                )

    see_doctor: dict[str, Any] = {
        "needed": bool(flags),
        "urgency": urgency,
        "reasons": [f.text_zh for f in flags],
        "flags": [f.as_dict() for f in flags],
        "unrecognised": list(dict.fromkeys(reading.unrecognised)),
    }
    if not flags and not chosen:
        reasons = ["药箱中没有适合您目前情况的药品，请咨询医生或药师"]
        routed = [
            it.product.name
            for it in items
            if it.product is not None
            and any(r.code in ("needs_clinician", "unknown_composition") for r in it.reasons)
        ]
        if routed:
            reasons.append(f"{'、'.join(routed)}对您需要医生或药师评估后才能决定是否使用，请先咨询")
        see_doctor = {
            "needed": True,
            "urgency": "routine",
            "reasons": reasons,
            "flags": [],
            "unrecognised": [],
        }
    out_items = [_item_dict(kb, it) for it in items]
    unconfirmed = _mark_unconfirmed(items, out_items, req.patient)
    sources: list[str] = []
    for it in items:
        for r in it.reasons:
            if r.source not in sources:
                sources.append(r.source)
        if it.verdict in ("recommended", "usable") and it.product and it.product.source:
            if it.product.source not in sources:
                sources.append(it.product.source)
    for f in flags:
        if f.source and f.source not in sources:
            sources.append(f.source)
    return {
        "items": out_items,
        "advice": _advice(kb, items, chosen, flags, urgency, profile),
        "see_doctor": see_doctor,
        "sources": sources,
        "symptoms_understood": sorted(symptom_keys),
        "symptom_concepts": list(reading.concepts),
        "unconfirmed": unconfirmed,
        # for the care team only (an integrator never shows it to the patient): each red flag
        # in clinician wording (the shared syndrome table's ``clinician`` column)
        "clinician": {"flags": [f.clinician_dict() for f in flags]},
    }


def _mark_unconfirmed(
    items: list[_Item], out_items: list[dict[str, Any]], patient: api.PatientContext
) -> list[dict[str, Any]]:
    """Name the unconfirmed allergies and conditions the answer still honoured: each allergy
    or contraindication reason they alone give gets ``unconfirmed`` (their words) and a note
    in its text; the answer lists every unconfirmed fact of the record with the products it
    decided (an integrator shows them, a clinician confirms or refutes them)."""
    decided: dict[tuple[str, str], list[str]] = {}
    for it, out in zip(items, out_items, strict=True):
        if it.product is None:
            continue
        for reason, shown in zip(it.reasons, out["reasons"], strict=True):
            if reason.code not in ("allergy", "contraindication") or not reason.ingredient:
                continue
            texts = api.unconfirmed_behind(reason.ingredient, reason.code, patient)
            if texts:
                shown["unconfirmed"] = texts
                shown["text"] += api.unconfirmed_note(texts, reason.code)
                for t in texts:
                    names = decided.setdefault((reason.code, t), [])
                    if it.product.name not in names:
                        names.append(it.product.name)
    facts = [("allergy", t) for t in patient.unconfirmed_allergies] + [
        ("condition", t) for t in patient.unconfirmed_conditions
    ]
    return [
        {
            "kind": kind,
            "text": text,
            "honoured_for": decided.get(
                ("allergy" if kind == "allergy" else "contraindication", text), []
            ),
        }
        for kind, text in facts
    ]


def _item_dict(kb: KnowledgeBase, it: _Item) -> dict[str, Any]:
    p = it.product
    d: dict[str, Any] = {
        "input": it.input,
        "product": p.name if p else None,
        "ingredients": [
            {"key": a.key, "name": a.name_zh, "strength_mg": a.strength_mg} for a in p.ingredients
        ]
        if p
        else [],
        "otc": (not p.rx_only) if p else None,
        "otc_class": p.otc if p else None,
        "verdict": it.verdict,
        "reasons": [_reason_dict(r) for r in it.reasons],
        "dose": it.dose.as_dict() if it.dose and it.verdict in ("recommended", "usable") else None,
    }
    if p is None:
        d["candidates"] = it.candidates
    return d


def _advice(
    kb: KnowledgeBase,
    items: list[_Item],
    chosen: list[_Item],
    flags: list[gate.Flag],
    urgency: str | None,
    profile: Profile,
) -> str:
    parts: list[str] = []
    if urgency == "emergency":
        parts.append(
            "情况紧急："
            + "；".join(f.text_zh for f in flags)
            + "。请立即就医，不要只在家自行服药。"
        )
    elif urgency == "urgent":
        parts.append("请尽快（24小时内）就医：" + "；".join(f.text_zh for f in flags) + "。")
    if chosen and urgency != "emergency":
        lead = "就医前如需缓解症状，可使用" if urgency else "根据您的情况，建议使用"
        recs = []
        for it in chosen:
            dose = it.dose.text if it.dose else "请按说明书服用"
            recs.append(f"{it.product.name}（{dose}）")  # type: ignore[union-attr]
        parts.append(lead + "；".join(recs) + "。")
    for it in items:
        if it.product is None:
            cands = "、".join(it.candidates)
            hint = f"，您是否指：{cands}" if cands else ""
            parts.append(f"无法识别“{it.input}”{hint}？未能识别的药品请先咨询药师，不要自行服用。")
    avoid = [it for it in items if it.verdict == "avoid" and it.product is not None]
    deferred: list[str] = []  # only held back by the emergency: one sentence for all of them
    for it in avoid:
        main = min(
            (r for r in it.reasons if r.severity == "avoid"),
            key=lambda r: (_MAIN_REASON.index(r.code), r.ingredient is not None),
        )
        if main.code == "emergency_first":
            deferred.append(it.product.name)  # type: ignore[union-attr]
            continue
        # a clinician's or pharmacist's call, not a prohibition: "do not use it on your own"
        verb = (
            "不要自行使用"
            if main.code in ("needs_clinician", "unknown_composition")
            else "不要使用"
        )
        parts.append(f"{verb}{it.product.name}：{main.text}。")  # type: ignore[union-attr]
    if deferred:
        parts.append(
            f"先不要自行服用{'、'.join(deferred)}：请先拨打120或立即到急诊，是否用药由医生决定。"
        )
    cautions = []
    for it in chosen:
        for r in it.reasons:
            if r.severity == "caution" and r.text not in cautions:
                cautions.append(r.text)
    if cautions:
        parts.append("注意：" + "；".join(cautions) + "。")
    if profile.unresolved_allergies or profile.unresolved_medications:
        names = "、".join(profile.unresolved_allergies + profile.unresolved_medications)
        parts.append(f"未能识别您提供的“{names}”，相关过敏或相互作用无法核对，用药前请咨询药师。")
    if not chosen and not urgency:
        parts.append("您药箱中没有适合目前情况的药品，建议咨询医生或药师。")
    if not urgency:
        # medication advice only follows a recommendation; the safety net always
        lead = "用药期间多喝水、注意休息；" if chosen else ""
        parts.append(f"{lead}如症状加重、出现新的症状，或发热超过3天，请及时就医。")
    return "".join(parts)
