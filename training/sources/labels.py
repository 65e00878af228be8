"""Turn drug-label sections into grounded question/answer pairs (shared by label sources)."""

from __future__ import annotations

from collections.abc import Iterator

# section -> (question templates, answer lead-in). Answers quote the label, never add to it.
SECTION_QUESTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "用法用量": (
        ("{drug}怎么吃？", "{drug}的用法用量是什么？", "{drug}一次吃多少？"),
        "药品说明书写的用法用量是：",
    ),
    "禁忌": (("哪些人不能用{drug}？", "{drug}有什么禁忌？"), "药品说明书列出的禁忌是："),
    "药物相互作用": (
        ("{drug}能和别的药一起吃吗？", "{drug}有哪些药物相互作用？"),
        "药品说明书提到的相互作用是：",
    ),
    "相互作用": (
        ("{drug}能和别的药一起吃吗？", "{drug}有哪些药物相互作用？"),
        "药品说明书提到的相互作用是：",
    ),
    "不良反应": (
        ("{drug}有什么副作用？", "吃{drug}可能有哪些不良反应？"),
        "药品说明书记载的不良反应有：",
    ),
    "注意事项": (("用{drug}要注意什么？",), "药品说明书的注意事项包括："),
    "适应症": (("{drug}是治什么的？",), "药品说明书写的适应症是："),
    "功能主治": (("{drug}是治什么的？",), "药品说明书写的功能主治是："),
}

CLOSING = {
    "用法用量": "具体剂量请以医生处方和药师交代为准，不要自行加量或减量。",
    "禁忌": "如果您属于上述情况，请先告诉医生或药师。",
    "药物相互作用": "同时用其他药前请先咨询医生或药师。",
    "相互作用": "同时用其他药前请先咨询医生或药师。",
    "不良反应": "如出现严重不适（如皮疹、呼吸困难、出血），请停药并立即就医。",
    "注意事项": "有疑问请咨询医生或药师。",
    "适应症": "是否适合您请由医生判断。",
    "功能主治": "是否适合您请由医生判断。",
}


def label_qas(drug: str, sections: dict[str, str], pick: int) -> Iterator[tuple[str, str, str]]:
    """``(section, question, answer)`` for each present section; ``pick`` varies the wording."""
    for section, text in sections.items():
        if section not in SECTION_QUESTIONS or not text.strip():
            continue
        questions, lead = SECTION_QUESTIONS[section]
        q = questions[pick % len(questions)].format(drug=drug)
        a = f"关于{drug}，{lead}{text.strip().rstrip('。')}。{CLOSING[section]}"
        yield section, q, a
