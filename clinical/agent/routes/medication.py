"""Medication questions → clinical.medkb guidance (issue 3).

medkb answers "may I take X (given my record and symptoms)?" for products the patient has
at home (``guidance.advise``). Questions about the patient's *prescribed* medicines
(missed doses, dose changes) are the prescriber's: they are escalated to the care team.
"""

from __future__ import annotations

import logging
import re

from ammed_fhir import store
from clinical.agent.routes.base import RouteContext, RouteResult, escalate
from clinical.knowledge.text import fold_visible

log = logging.getLogger(__name__)


def names_a_class(name: str) -> bool:
    """A class word of the shared class table (头孢, 降压药, 消炎药, 安眠药; 胰岛素, also a
    drug name): no product one can look up, the prescriber answers."""
    from clinical.knowledge import drugs

    return bool(drugs.word_classes(name))


# Stopping, changing, skipping or catching up a dose is the prescriber's decision.
PRESCRIBER_QUESTION = re.compile(
    r"停|减量|加量|加倍|双倍|翻倍|换药|漏服|忘了吃|忘记吃|补吃|要补|少吃|多吃|剂量|吃几"
)

# Whether a product looks different (a new box, another maker, another colour) or is the same
# medicine: no change of medicine and no symptom (#15 agent r10). Generic substitution changes the
# maker and the box (国家药监局 仿制药质量和疗效一致性评价: the same active ingredient and
# strength), and a tablet that looks different may also be a dispensing error: a pharmacist or the
# prescriber answers it, at the level of a reply request; a red flag said with it is still triaged
# (``answer``).
# How the product looks is a product question only when it is said of the medicine (药片颜色变了);
# 皮肤颜色变了, 尿的颜色变了 or 伤口的样子变了 after a medicine is an effect for the guidance (lead's
# reread).
PRODUCT_QUESTION = re.compile(
    r"(?:包装|外包装|盒子|药盒|瓶子|厂家|生产厂家|厂子|牌子|品牌|批号"
    r"|(?:药|药片|片子|胶囊|药丸|丸子|药水)的?(?:外观|颜色|样子|形状))"
    r"[^，,。；;！!？?]{0,6}(?:换了|变了|改了|不一样|不同|不太一样)"
    r"|(?:换了|换成|改成)[^，,。；;！!？?]{0,4}(?:包装|厂家|牌子|品牌|盒子)"
    r"|(?:是不是|是)(?:同一个|同一种|同样的|一样的)药"
)


def prescribed(patient_id: str) -> list[str]:
    """Text of the patient's active MedicationRequests (names as the EMR wrote them)."""
    out = []
    for mr in store.search("MedicationRequest", patient_id=patient_id, status="active"):
        concept = mr.get("medicationCodeableConcept") or {}
        out.append(concept.get("text") or "")
    return out


def _own(name: str, own: list[str]) -> bool:
    """``name`` is one of the patient's prescribed medicines as written (folded, so 華法林 is
    华法林钠片's). A product that only shares an ingredient (泰诺林 or 感冒灵 with a paracetamol
    order) is not the prescribed medicine: the guidance answers it, and avoids it as a
    duplicate of the order (#15 cumulative totals)."""
    from clinical.knowledge.text import fold

    folded = fold(name)
    return any(folded in fold(t) or fold(t) in folded for t in own if t)


_ALLERGY = re.compile(r"对(.{1,16}?)过敏")


def _allergy_mentions(text: str) -> list[str]:
    """What the patient says they are allergic to (我对青霉素过敏): not a medicine they ask
    about."""
    return [m.group(1) for m in _ALLERGY.finditer(fold_visible(text))]


def _rx_only(name: str) -> bool:
    from clinical.medkb.api import resolve

    product = resolve(name)
    return product is None or product.rx_only


# A visible mark that is no word (no Chinese character, no letter): the one clause splitter keeps
# it inside its clause, and no reader finds a symptom or a word in it.
_DRUG_MARK = "※"


def symptom_text(text: str) -> str:
    """The patient's words with every drug name blanked out, so that a product name is not
    read as a symptom (感冒灵 is not 感冒)."""
    from clinical.medkb.api import find_mentions

    chars = list(text)
    for m in find_mentions(text):
        chars[m.start : m.end] = _DRUG_MARK * (m.end - m.start)
    return "".join(chars)


# The question itself (能吃…吗, 可以用…, 吃什么药好): no complaint in it.
_TAKE_QUESTION = re.compile(
    r"(?:能|可以|能不能|可不可以|要不要|怎么|该|应该)(?:吃|喝|用|服)|吃什么|用什么"
)
_MARKED = re.compile(f"{_DRUG_MARK}+")


def _asks_about_the_medicine(clause: str) -> bool:
    """The agent's own reading of a clause (``unread``'s ``also_read``): the question about the
    medicine asked about (each marked drug name read as 药: "药和药能一起吃吗", "这个药能吃
    吗") or a pleasantry of the agent's (在吗). Anything else in a clause that names a medicine
    ("吃了药以后走路老打晃", "药吃了没用") stays unread: a clinician reads it."""
    from clinical.agent.understanding.rules import greeting_only
    from clinical.knowledge import discourse

    form = fold_visible(_MARKED.sub("药", clause))
    return greeting_only(form) or bool(_TAKE_QUESTION.search(form)) or discourse.is_discourse(form)


def symptom_clauses(text: str) -> list[str]:
    """What the guidance reads from a medication question (``text`` from ``symptom_text``), as
    written without the drug marks: every clause (the one splitter's, ``discourse.clause_spans``)
    that names a symptom of the shared lexicon (denied ones too), and every clause the one
    reader of what is not understood (``clinical.knowledge.unread``) leaves unread (guidance
    quotes it and sends the patient to a clinician: never dropped). The question about the
    medicine itself and pleasantries are read (``_asks_about_the_medicine``)."""
    from clinical.knowledge import discourse, symptoms, unread

    left = {
        u.clause for u in unread.unread(text, also_read=_asks_about_the_medicine, residue=False)
    }
    out: list[str] = []
    for start, end in discourse.clause_spans(text):
        clause = text[start:end].strip()
        words = clause.replace(_DRUG_MARK, "").strip()  # 感冒了能吃吗: one clause for guidance
        if words and (symptoms.find_symptoms(words) or clause in left):
            out.append(words)
    return out


def red_flags(text: str) -> list[str]:
    """The urgent or emergency concepts of the shared lexicon the patient reports in ``text``
    (not denied, not past, not hypothetical; drug names blanked so 感冒灵 is no 感冒)."""
    from clinical.knowledge import symptoms

    try:
        form = symptom_text(fold_visible(text))
    except Exception:  # the KB's name finder failing must not hide a red flag
        form = fold_visible(text)
    out: list[str] = []
    for m in symptoms.find_symptoms(form):
        if m.negated or symptoms.is_context(m.concept) or m.concept in out:
            continue
        if symptoms.at_least(m.concept, "urgent"):
            out.append(m.concept)
    return out


def _triaged(ctx: RouteContext, reason: str, meds: list[str], flags: list[str]) -> RouteResult:
    """A red flag inside a question the prescriber answers (头孢吃了喉咙发紧，还能吃吗; 头疼得
    要裂开，对乙酰氨基酚能吃吗 about a prescribed medicine): the symptom is triaged first by the
    follow-up route (its disposition, 120 for an emergency, the care-team alert at that level),
    and the medicine question is handed to the prescriber in the same reply. A hand-off alone
    would alert at the level of a reply request: a red flag is never lowered (#15)."""
    from clinical.agent.routes.base import ESCALATION_TEXTS
    from clinical.agent.routes.followup import answer as followup_answer

    result = followup_answer(ctx)
    result.structured = {
        **result.structured,
        "medication_question": {"medicines": meds, "reason": reason, "red_flags": flags},
    }
    result.draft = f"{result.draft}{ESCALATION_TEXTS['medication'].split('。')[0]}。"
    if not result.alert_reason:
        result.alert_reason = f"agent-escalation:medication:{reason}"
    return result


def _lowered(result: RouteResult, flags: list[str]) -> bool:
    """Whether the guidance's answer alerts below the red flags the shared lexicon reads in the
    message (an English message whose words the guidance reads one by one: worst headache on
    warfarin, answered at urgent): a red flag is never lowered (#15 agent r10)."""
    from clinical.knowledge import symptoms

    want = "emergency" if any(symptoms.at_least(c, "emergency") for c in flags) else "urgent"
    reason = result.alert_reason or ""
    return not (reason.endswith(":emergency") or (want == "urgent" and reason.endswith(":urgent")))


def answer(ctx: RouteContext) -> RouteResult:
    result = _answer(ctx)
    flags = red_flags(ctx.text)
    if not flags:
        return result
    escalated = result.outcome == "escalated" and result.structured.get("escalated") is True
    if not escalated and not _lowered(result, flags):
        return result
    return _triaged(
        ctx, str(result.structured.get("reason", "")), ctx.understanding.medicines, flags
    )


def _answer(ctx: RouteContext) -> RouteResult:
    u = ctx.understanding
    meds = u.medicines
    try:
        from clinical.medkb.api import PatientContext
        from clinical.medkb.services.guidance import GuidanceRequest, advise
    except ImportError:
        return escalate("medication", ctx, "engine_unavailable", medicines=meds)
    if PRESCRIBER_QUESTION.search(ctx.text):
        return escalate("medication", ctx, "dose_change_question", medicines=meds)
    if PRODUCT_QUESTION.search(fold_visible(ctx.text)):
        return escalate("medication", ctx, "product_identity_question", medicines=meds)
    own = prescribed(ctx.patient_id)
    if u.dose_amount and any(names_a_class(m) or _own(m, own) or _rx_only(m) for m in meds):
        # 华法林可以吃两片吗: how much of a prescribed or prescription-only medicine to take
        # is the prescriber's answer, never the self-care guidance's "do not use".
        return escalate("medication", ctx, "dose_change_question", medicines=meds)
    if any(names_a_class(m) for m in meds):
        # 头孢能吃吗, 降压药和布洛芬能一起吃吗: a class is the prescriber's question; answering
        # only the other names would leave the class unanswered.
        return escalate("medication", ctx, "prescribed_medicine_question", medicines=meds)
    allergens = _allergy_mentions(ctx.text)
    cabinet = [m for m in meds if not _own(m, own) and not any(m in a for a in allergens)]
    if not cabinet:
        # About a prescribed medicine or a class (or none named): the prescriber answers.
        return escalate("medication", ctx, "prescribed_medicine_question", medicines=meds)
    try:
        patient = PatientContext.from_record(ctx.patient_id)
        if patient is None:
            return escalate("medication", ctx, "patient_unknown", medicines=meds)
        # medkb reads symptoms in the patient's own words (皮肤痒, 嗓子疼, 右下腹疼 with its
        # site, 黑便 as a red flag) and quotes words nobody understood; the question itself
        # (能吃…吗) and pleasantries are left out (``symptom_clauses``).
        said = symptom_clauses(symptom_text(ctx.text))
        result = advise(GuidanceRequest(patient=patient, cabinet=cabinet, symptoms=said))
    except Exception as exc:  # engine failure must never reach the patient as an error
        log.warning("medkb failed: %s", exc.__class__.__name__)
        return escalate("medication", ctx, "engine_error", medicines=meds)
    items = result.get("items") or []
    understood = result.get("symptoms_understood")
    if not understood and items and all(i.get("verdict") == "usable" for i in items):
        # medkb recommends nothing when no symptom is understood ("能吃阿司匹林吗"): its
        # "nothing suitable in your cabinet" would mislead. Ask what the medicine is for.
        return RouteResult(
            "medication",
            "clarify",
            {"route": "medication", "medicines": meds, "cabinet": cabinet, "guidance": result},
            # no drug named: a question back is no suggestion for the monitor to weigh
            "请告诉我您想用这个药缓解什么不适（例如头痛、发热、关节疼），"
            "我再根据您的病情和正在用的药帮您判断。",
        )
    text = result.get("advice", "").strip()
    if not text:
        return escalate("medication", ctx, "engine_no_text", guidance=result)
    structured = {"route": "medication", "medicines": meds, "cabinet": cabinet, "guidance": result}
    outcome = "answered"
    alert = ""
    if result.get("see_doctor", {}).get("urgency") in {"urgent", "emergency"}:
        alert = f"agent-medication:{result['see_doctor']['urgency']}"
    return RouteResult("medication", outcome, structured, text, alert_reason=alert)
