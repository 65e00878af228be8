"""De-duplication, removal of personal identifiers, length filter, deterministic split."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator

from training.records import Sample

# Mainland mobile numbers (optionally +86), landlines with area code, 18-digit resident ID
# numbers (last digit may be X), 15-digit legacy IDs, e-mail addresses.
_ID18 = re.compile(
    r"(?<!\d)\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dXx])"
)
_ID15 = re.compile(r"(?<!\d)\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[- ]\d{7,8}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# Name patterns: self-introductions and labelled fields; 2-3 Han characters after the cue.
_NAME_CUES = re.compile(
    r"(我叫|我的名字是|患者姓名[:：]?|姓名[:：]|联系人[:：]?)([\u4e00-\u9fa5]{2,3})"
)
# Common surnames (a title after a bare character like 这位女士 is not a name).
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)
_TITLE_NAME = re.compile(rf"([{_SURNAMES}])(先生|女士|小姐|阿姨|大爷)")

PII_TOKENS = {"id": "[身份证号]", "phone": "[电话]", "email": "[邮箱]", "name": "[姓名]"}


def scrub_pii(text: str) -> tuple[str, int]:
    """Text with identifiers replaced by placeholders, and how many were replaced."""
    n = 0

    def sub(pattern: re.Pattern[str], repl: str, s: str) -> str:
        nonlocal n
        s, k = pattern.subn(repl, s)
        n += k
        return s

    text = sub(_ID18, PII_TOKENS["id"], text)
    text = sub(_ID15, PII_TOKENS["id"], text)
    text = sub(_EMAIL, PII_TOKENS["email"], text)
    text = sub(_MOBILE, PII_TOKENS["phone"], text)
    text = sub(_LANDLINE, PII_TOKENS["phone"], text)
    text, k = _NAME_CUES.subn(lambda m: m.group(1) + PII_TOKENS["name"], text)
    n += k
    text, k = _TITLE_NAME.subn(lambda m: PII_TOKENS["name"] + m.group(2), text)
    n += k
    return text, n


def scrub_sample(s: Sample) -> int:
    total = 0
    for m in s.messages:
        m["content"], k = scrub_pii(m["content"])
        total += k
    return total


_NORM_DROP = re.compile(r"[\s\u3000,，。.!！?？;；:：、\"'“”‘’()（）\[\]【】]+")


def dedup_key(s: Sample) -> str:
    text = unicodedata.normalize("NFKC", s.user_text + "\x1f" + s.assistant_text).lower()
    return hashlib.sha1(_NORM_DROP.sub("", text).encode("utf-8")).hexdigest()


def dedup(samples: Iterable[Sample]) -> Iterator[Sample]:
    """First occurrence wins; duplicates differ only in whitespace/punctuation/case/width."""
    seen: set[str] = set()
    for s in samples:
        k = dedup_key(s)
        if k not in seen:
            seen.add(k)
            yield s


def length_ok(s: Sample, min_answer: int = 4, max_chars: int = 2048, min_question: int = 2) -> bool:
    a, q = s.assistant_text.strip(), s.user_text.strip()
    return len(a) >= min_answer and len(q) >= min_question and len(a) + len(q) <= max_chars


def is_validation(s: Sample, seed: int, val_ratio: float) -> bool:
    """Stable split: a hash of (seed, question) decides, independent of order and of the
    other rows, so the same question always lands on the same side."""
    h = hashlib.sha256(f"{seed}\x1f{s.user_text}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64 < val_ratio
