"""Drug-name keys for the KB build and every lookup (issue #23: no normaliser of medkb's own).

Text is normalised only by the shared layer: ``clinical.knowledge.text.fold`` (width, case,
traditional → simplified, punctuation variants; length-preserving, so offsets found in folded
text are offsets in the original, which ``find_mentions`` relies on) and amounts are read by
``clinical.knowledge.numbers``. What is medkb's own here is how a *name* becomes a key: spaces
and punctuation dropped, bracketed parts, pack sizes and trailing strengths tried without.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

from clinical.knowledge.text import fold

_DOSE_RE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(mg|毫克|g|克|μg|ug|mcg|微克|ml|毫升|iu|万单位|单位)", re.IGNORECASE
)


_SPACE_RE = re.compile(r"[\s\-_/,.;:·'\"]+")
_BRACKET_RE = re.compile(r"[\(\[【〔<《][^\)\]】〕>》]*[\)\]】〕>》]")


def name_key(text: str) -> str:
    """The key a name is indexed under: normalised, spaces/punctuation removed, ``®`` dropped."""
    return _SPACE_RE.sub("", fold(text).strip())


@lru_cache(maxsize=50_000)
def name_variants(text: str) -> tuple[str, ...]:
    """Keys to try for user input: as typed, without a bracketed part, the bracketed part,
    and without a trailing strength such as ``0.5g`` or ``(300mg)``. Memoised (pure)."""
    base = fold(text).strip()
    out: list[str] = []

    def add(s: str) -> None:
        k = _SPACE_RE.sub("", s)
        if k and k not in out:
            out.append(k)

    add(base)
    no_bracket = _BRACKET_RE.sub("", base)
    add(no_bracket)
    for inner in re.findall(r"[\(\[【〔<《]([^\)\]】〕>》]+)[\)\]】〕>》]", base):
        add(inner)
    no_pack = _PACK_RE.sub("", no_bracket)
    add(no_pack)
    add(_DOSE_RE.sub("", no_pack))
    add(_COUNT_RE.sub("", _DOSE_RE.sub("", no_pack)))
    return tuple(out)


# Package descriptions: "0.5g*20片", "10g×9袋/盒", "24片装", "1盒".
_PACK_RE = re.compile(
    r"[\d.]*\s*(mg|g|ml|毫克|克|毫升)?\s*[*×x]\s*\d+\s*(片|粒|袋|支|盒|瓶|丸)?(\s*/\s*(盒|瓶|袋))?",
    re.IGNORECASE,
)
_COUNT_RE = re.compile(r"[\d.]+\s*(片|粒|袋|支|盒|瓶|丸)(装)?$")


def to_mg(value: str, unit: str) -> float | None:
    """Convert a strength to mg (None for units that are not a mass); the factors are the
    shared units table's (``clinical.knowledge``)."""
    from clinical.knowledge import numbers

    u = numbers.unit_of(unit)
    amount = numbers.read_number(value)
    if u is None or u.kind != "mass" or not u.dose or not isinstance(amount, Fraction):
        return None
    return float(amount * u.to_base)


def find_strengths(text: str) -> list[tuple[int, int, float]]:
    """(start, end, mg) for every mass strength in ``text`` (normalised input expected), read
    by the shared amount reader; ranges and unreadable spellings are no strength."""
    from clinical.knowledge import numbers

    out = []
    for found in numbers.find_amounts(text):
        if isinstance(found, numbers.Amount) and found.kind == "mass" and found.dose_unit:
            if found.is_range:
                continue
            mg = found.base()
            if mg is not None:
                out.append((found.span[0], found.span[1], float(mg)))
    return out


# A drug name that is "salt prefix + ingredient + dosage form": 盐酸二甲双胍缓释片.
SALT_PREFIX_RE = re.compile(
    r"^(盐酸|硫酸|硫酸氢|马来酸|枸橼酸|苯磺酸|甲磺酸|富马酸|酒石酸|琥珀酸|氢溴酸|磷酸|醋酸|草酸|"
    r"注射用)*$"
)
FORM_SUFFIX_RE = re.compile(
    r"^(钠|钾|钙|镁|酯|叔丁胺|精氨酸|氨丁三醇|酯钠)?"
    r"(缓释|控释|肠溶|分散|泡腾|咀嚼|口腔崩解|薄膜衣|糖衣|口服|干混|吸入|外用)*"
    r"(片|胶囊|软胶囊|颗粒|干混悬剂|混悬液|口服液|口服溶液|溶液|糖浆|滴剂|混悬滴剂|散|丸|"
    r"滴丸|栓|注射液|合剂|气雾剂|粉雾剂|乳剂|乳膏|软膏|凝胶|贴剂|喷雾剂|滴眼液|眼膏|洗剂)?$"
)
