"""Tianchi TCM drug-instruction NER (character BIO, ``B_TYPE``/``I_TYPE``/``O``) -> extraction tasks.

Each chunk becomes: "extract the entities of these types from this label text" -> a JSON-ish
list per type, so the model learns to read labels. Research/competition terms only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from training.records import Sample
from training.sources import SourceInfo, SourceUnavailable

INFO = SourceInfo(
    name="tianchi_ner",
    licence="Tianchi dataset 86819 terms (research/competition); repo has no licence",
    commercial_use=False,
    origin="BrowenYu/Tianchi_Ner data/train_data/train.txt, val.txt",
    shared_path="tianchi-tcm-drug-instruction-ner/train_bio.txt",
)

TYPE_ZH = {
    "DRUG": "药品",
    "DRUG_INGREDIENT": "药物成分",
    "DISEASE": "疾病",
    "SYMPTOM": "症状",
    "SYNDROME": "证候",
    "DISEASE_GROUP": "疾病分组",
    "FOOD": "食物",
    "FOOD_GROUP": "食物分组",
    "PERSON_GROUP": "人群",
    "DRUG_GROUP": "药品分组",
    "DRUG_DOSAGE": "药物剂型",
    "DRUG_TASTE": "药物性味",
    "DRUG_EFFICACY": "中药功效",
}


def read_bio(path: Path) -> Iterator[list[tuple[str, str]]]:
    chunk: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if chunk:
                    yield chunk
                chunk = []
                continue
            parts = line.rsplit(" ", 1)
            if len(parts) != 2:  # a space character token: "  O" -> ("", "O")
                continue
            ch, tag = parts
            chunk.append((ch or " ", tag))
    if chunk:
        yield chunk


def spans(chunk: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """``(text, [(type, entity_text)])`` from one BIO chunk."""
    text = "".join(c for c, _ in chunk)
    ents: list[tuple[str, str]] = []
    cur_type, cur = None, ""
    for ch, tag in chunk:
        if tag.startswith("B_"):
            if cur_type:
                ents.append((cur_type, cur))
            cur_type, cur = tag[2:], ch
        elif tag.startswith("I_") and cur_type == tag[2:]:
            cur += ch
        else:
            if cur_type:
                ents.append((cur_type, cur))
            cur_type, cur = None, ""
    if cur_type:
        ents.append((cur_type, cur))
    return text, ents


def load(path: Path | None, limit: int | None = None) -> Iterator[Sample]:
    if path is None or not Path(path).exists():
        raise SourceUnavailable(f"{path} not found")
    for n, chunk in enumerate(read_bio(Path(path))):
        if limit and n >= limit:
            return
        text, ents = spans(chunk)
        if not ents:
            continue
        grouped: dict[str, list[str]] = {}
        for t, e in ents:
            grouped.setdefault(TYPE_ZH.get(t, t), [])
            if e not in grouped[TYPE_ZH.get(t, t)]:
                grouped[TYPE_ZH.get(t, t)].append(e)
        q = (
            "从下面的中药说明书文本中抽取实体（药品、成分、疾病、症状、人群、剂型、功效等）：\n"
            + text
        )
        a = json.dumps(grouped, ensure_ascii=False)
        yield Sample.qa(
            q, a, source=INFO.name, kind="ner", licence=INFO.licence, commercial_use=False
        )
