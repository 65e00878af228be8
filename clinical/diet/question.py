"""Free-text diet questions → the food asked about, and any medicine, condition, allergy named.

"吃头孢能喝酒吗" → food 酒, medicine 头孢; "痛风能吃海鲜吗" → food 海鲜, condition 痛风;
"我对海鲜过敏，能吃虾吗" → food 虾, allergy 海鲜. Nothing here decides a verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clinical.diet.foods import resolve_food
from clinical.diet.knowledge import KnowledgeBase, normalise
from clinical.diet.medicines import name_spans, names_in

_ALLERGY = re.compile(r"对(.{1,10}?)过敏|(?:^|我|有)(.{1,8}?)过敏")
_FOOD_PHRASE = re.compile(
    r"(?:吃|喝|饮用|食用|服用|用|来)(?P<food>[^吃喝吗么嘛呢]{1,20}?)"
    r"(?=吗|么|嘛|呢|可以|可不可以|行不行|行吗|好不好|好吗|没事|有没有|会不会|要紧|$)"
)

_LEAD = re.compile(r"^(?:我|本人|有|对)+")
_LEAD_FOOD = re.compile(r"^(?:一点儿|一点|点儿|点|一些|些|少量|适量|一杯|一碗|一口|几口|口)")

# A medicine-looking word that no lexicon knows ("吃XYZ片", "吃中药"): kept as an unresolved
# medicine so the answer cannot be ``ok`` out of ignorance.
_DRUG_WORD = re.compile(
    r"(?P<drug>[^，。吃喝能可和跟与在了着过的期间]{1,10}?"
    r"(?:片|胶囊|颗粒|丸|口服液|注射液|糖浆|冲剂|滴剂|中药|西药|草药|药))"
)


@dataclass
class ParsedQuestion:
    foods: list[str] = field(default_factory=list)
    medicines: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    allergies: list[str] = field(default_factory=list)


def _scan(norm: str, kb: KnowledgeBase) -> list[tuple[int, int, str, str]]:
    """Longest match at each position over the medicine names (the shared drug vocabulary's
    finder), the condition and the food lexicons; at a tie a medicine wins, then a condition."""
    medicine_end: dict[int, int] = {}
    for start, end in name_spans(norm):
        medicine_end[start] = max(end, medicine_end.get(start, end))
    spans: list[tuple[int, int, str, str]] = []
    longest = max(kb.max_food_len, kb.max_condition_len)
    i = 0
    while i < len(norm):
        hit: tuple[int, str] | None = None
        if i in medicine_end:
            hit = (medicine_end[i] - i, "medicine")
        for length in range(min(longest, len(norm) - i), hit[0] if hit else 0, -1):
            piece = norm[i : i + length]
            kind = "condition" if piece in kb.condition_index else None
            kind = kind or ("food" if piece in kb.food_index else None)
            if kind:
                hit = (length, kind)
                break
        if hit:
            spans.append((i, i + hit[0], hit[1], norm[i : i + hit[0]]))
            i += hit[0]
        else:
            i += 1
    return spans


def parse_question(question: str, kb: KnowledgeBase) -> ParsedQuestion:
    out = ParsedQuestion()
    norm = normalise(question)
    for m in _ALLERGY.finditer(norm):
        name = _LEAD.sub("", m.group(1) or m.group(2) or "")
        if name:
            out.allergies.append(name)
            norm = norm[: m.start()] + "，" * (m.end() - m.start()) + norm[m.end() :]
    spans = _scan(norm, kb)
    phrase = None
    for m in _FOOD_PHRASE.finditer(norm):
        text = _LEAD_FOOD.sub("", m.group("food").strip("，"))
        if text:
            phrase = (m.start("food"), m.end("food"), text)
    inside = [s for s in spans if phrase and phrase[0] <= s[0] and s[1] <= phrase[1]]
    if phrase and (resolve_food(phrase[2], kb).complete or not any(s[2] != "food" for s in inside)):
        # the words after 吃/喝 are the food, even when only partly known ("叉烧包子皮")
        out.foods.append(phrase[2])
        spans = [s for s in spans if s not in inside]
    else:
        out.foods.extend(text for _, _, kind, text in spans if kind == "food")
    out.medicines.extend(text for _, _, kind, text in spans if kind == "medicine")
    taken = [text for _, _, _, text in spans] + out.foods
    for m in _DRUG_WORD.finditer(norm):
        word = m.group("drug")
        if word not in kb.food_index and not any(word in t or t in word for t in taken):
            out.medicines.append(word)
            taken.append(word)
    whole = normalise(question)
    for start, end in names_in(whole):  # a medicine a longer food word hid
        name = whole[start:end]
        if name and name not in kb.food_index and not any(name in t or t in name for t in taken):
            out.medicines.append(name)
    out.conditions.extend(text for _, _, kind, text in spans if kind == "condition")
    if not out.foods:
        # "吃头孢能喝藿香正气水吗": a medicine that is also in the food lexicon is the thing asked about
        drinkable = [m for m in out.medicines if m in kb.food_index]
        if drinkable:
            out.foods.append(drinkable[-1])
            out.medicines.remove(drinkable[-1])
        elif phrase and not any(s[0] <= phrase[0] < s[1] and s[2] != "food" for s in spans):
            out.foods.append(phrase[2])  # an unknown food: answered as "unknown"
    out.foods = list(dict.fromkeys(out.foods))
    out.medicines = list(dict.fromkeys(out.medicines))
    out.conditions = list(dict.fromkeys(out.conditions))
    return out
