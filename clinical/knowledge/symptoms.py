"""The one symptom lexicon (issue #23): concepts, their terms, negation and body sites.

Every consumer (follow-up triage, the output monitor, the agent's understanding, medkb
guidance) reads patient text through ``find_symptoms`` and so reaches the same concept for
the same words. Data, each row sourced, in ``data/``:

- ``symptom_concepts.csv``: concept key, Chinese label, red-flag level (``emergency`` >
  ``urgent`` > ``routine`` > ``none``), kind (``symptom``, or ``context`` for a statement that
  is not a complaint but changes what one means: 产后, 一直卧床), the old keys it replaces
  (``aliases``), source.
- ``symptom_terms.csv``: concept, term (clinical word, synonym or colloquial form), body site.
- ``symptom_sites.csv``: body-site words; a site followed by a pain word (``右下腹疼``,
  ``腰有点痛``, ``腿肚子胀痛``) is that site's pain concept, qualified by the site. The words
  of one row are interchangeable inside terms (``胸口发紧`` also matches ``心口发紧``); a row
  without a pain concept only names such interchangeable words (大便|便便|粪便).
- ``symptom_predicates.csv``: a subject (a ``symptom_sites.csv`` row: stool, sputum, vomitus,
  mouth, chest; or the row's own ``subject_words``: 左手, 一侧, 半边) and predicate words later in the same clause that together name a concept
  (``拉的大便是黑色的`` melena, ``痰里有时候带血丝`` haemoptysis, ``嘴角往一边歪`` facial droop);
  a test name after the predicate (血常规, 血糖, 血压) is no predicate.
- ``symptom_crisis.csv``: the crisis concepts (``suicidal``, ``overdose_intent``) read as a
  grammar, not a word list (#15): named word slots (intent 想/打算/宁愿, death and means words,
  a supply of medicine, life + emptiness) and rules over them (intent + act in one clause with
  nothing negating between; a harm verb with the self as its object, 划自己; 活着 + 没意思; a
  whole supply taken at once, 一整瓶…都吃了; a question about a lethal amount); ``figurative``
  spans where 死 is a degree word or a medical term (疼死了, 想死你了, 心肌梗死, 死亡率) cancel a
  crisis reading; ``negation`` cues that deny a crisis statement (我不会自杀的, 从来没想过…)
  on top of the shared ones. Fixed phrases stay terms in ``symptom_terms.csv``.
- ``symptom_negation.csv``: negation cues, phrases that only look like cues (``无力``),
  fillers allowed between cue and term, clause breaks and clause words.

Matching runs on ``clinical.knowledge.text.normalize`` output (full/half width, traditional →
simplified, zero-width dropped, Chinese numerals → digits) with whitespace dropped and 疼
read as 痛, so ``頭疼``, ``头痛`` and ``头\u200b痛`` are one term. Terms match longest first
without overlaps; site patterns fill what terms leave. What patients put inside a term is
skipped between two Chinese characters (degree and frequency words, aspect particles 了/着/过,
quantities 一口/好几次/3次, complements 出来, a reduplicated character): ``吐了一口血`` is
``吐血``. A pain word standing alone takes the nearest body site before it in its sentence
(``胃有点胀，后半夜会隐隐痛`` is abdominal pain); 痛风, 止痛药, 无痛 are not pain. A mention is NEGATED only when a cue
precedes it in the same clause with nothing but filler between ("无明显胸痛", "没有再发烧");
"没吃药胸口疼" is not negated (吃药 is not filler): when in doubt the symptom stands, since a
missed negation over-triages and a false one under-triages. Negation carries over an
enumeration with 、 or directly adjacent terms ("否认胸痛、呼吸困难", "无胸闷气短").
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from clinical.knowledge.text import normalize

DATA = Path(__file__).resolve().parent / "data"
LEVELS = ("none", "routine", "urgent", "emergency")
KINDS = ("symptom", "context")
# Pain words after a body site (疼 is already read as 痛), and what may stand between them.
_PAIN = "隐隐作痛|作痛|胀痛|酸痛|隐痛|刺痛|绞痛|闷痛|剧痛|抽痛|疼痛感|疼痛|痛"
_DEGREE = (
    "有点儿|有点|有些|一点|很|非常|特别|十分|一直|老是|老|总是|经常|时常|偶尔|隐隐约约|隐隐|"
    "一阵一阵|一阵阵|阵阵|阵发性|持续性|持续|突然|剧烈|也|还|都|又|开始|得|的|了|会|有|"
    "有时候|有时|时不时"
)


@dataclass(frozen=True)
class Concept:
    key: str
    label: str
    red_flag: str  # one of LEVELS
    aliases: tuple[str, ...]
    source: str
    kind: str = "symptom"  # or "context" (产后, 卧床): not a complaint, a risk modifier


@dataclass(frozen=True)
class Mention:
    """One symptom found in a text: ``span`` is in the text as passed in (before
    normalisation), ``term`` the lexicon term (normalised) that matched."""

    concept: str
    term: str
    span: tuple[int, int]
    negated: bool
    site: str = ""

    @property
    def start(self) -> int:
        return self.span[0]


@dataclass(frozen=True)
class _Lexicon:
    concepts: dict[str, Concept]
    terms: list[tuple[str, str, str]]  # (matching form, concept, site), longest first
    sites: re.Pattern[str]
    site_of: dict[str, tuple[str, str]]  # site word → (site, pain concept)
    cues: list[str]
    not_cues: list[str]
    fillers: list[str]
    breaks: frozenset[str]
    clause_words: list[str]
    # (subject pattern, predicate pattern, concept, site): symptom_predicates.csv
    predicates: tuple[tuple[re.Pattern[str], re.Pattern[str], str, str], ...] = ()


class LexiconError(RuntimeError):
    """A symptom data file is malformed: an unknown concept or level, or a row without source."""


def _rows(name: str) -> list[dict[str, str]]:
    path = DATA / name
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for i, row in enumerate(rows, start=2):
        if not (row.get("source") or "").strip():
            raise LexiconError(f"{name}:{i}: row without a source")
    return rows


@lru_cache(maxsize=50_000)
def matching_form(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` as the lexicon matches it, and per character its index in ``text``:
    normalised (``clinical.knowledge.text``), whitespace dropped, 疼 read as 痛."""
    n = normalize(text)
    chars: list[str] = []
    index: list[int] = []
    for ch, i in zip(n.text, n.index, strict=True):
        if ch.isspace():
            continue
        chars.append("痛" if ch == "疼" else ch)
        index.append(i)
    return "".join(chars), tuple(index)


def _form(term: str) -> str:
    return matching_form(term)[0]


@cache
def lexicon() -> _Lexicon:
    concepts: dict[str, Concept] = {}
    for r in _rows("symptom_concepts.csv"):
        if r["red_flag"] not in LEVELS:
            raise LexiconError(f"symptom_concepts.csv {r['concept']}: level {r['red_flag']!r}")
        if r["kind"] not in KINDS:
            raise LexiconError(f"symptom_concepts.csv {r['concept']}: kind {r['kind']!r}")
        concepts[r["concept"]] = Concept(
            r["concept"],
            r["label_zh"],
            r["red_flag"],
            tuple(a for a in r["aliases"].split("|") if a),
            r["source"],
            r["kind"],
        )
    terms: dict[str, tuple[str, str, str]] = {}
    for r in _rows("symptom_terms.csv"):
        if r["concept"] not in concepts:
            raise LexiconError(f"symptom_terms.csv {r['term']}: unknown concept {r['concept']}")
        form = _form(r["term"])
        if form and form not in terms:  # first row wins (the files list curated rows first)
            terms[form] = (form, r["concept"], r["site"])
    site_of: dict[str, tuple[str, str]] = {}
    same_words: list[list[str]] = []
    site_words: dict[str, list[str]] = {}
    for r in _rows("symptom_sites.csv"):
        site_words[r["site"]] = [_form(w) for w in r["words"].split("|") if w]
        if r["pain_concept"] and r["pain_concept"] not in concepts:
            raise LexiconError(f"symptom_sites.csv {r['site']}: unknown {r['pain_concept']}")
        words = [_form(w) for w in r["words"].split("|") if w]
        same_words.append([w for w in words if len(w) >= 2])
        if r["pain_concept"]:  # a row without one only names interchangeable words
            for w in words:
                site_of[w] = (r["site"], r["pain_concept"])
    # A term naming a body site (or another word of a row) also matches with the row's other
    # words of two or more characters: 胸口发紧 → 心口发紧, 胸部发紧; 大便发黑 → 粪便发黑.
    for form, key, site in list(terms.values()):
        for row in same_words:
            word = next((w for w in row if w in form), None)
            if word is None:
                continue
            for other in row:
                variant = form.replace(word, other, 1)
                if other != word and variant not in terms:
                    terms[variant] = (variant, key, site)
            break
    words = "|".join(sorted(site_of, key=len, reverse=True))
    sites = re.compile(rf"({words})(?:{_DEGREE})*(?:{_PAIN})")
    neg: dict[str, list[str]] = {}
    for r in _rows("symptom_negation.csv"):
        text = "\n" if r["text"] == "\\n" else r["text"]
        neg.setdefault(r["kind"], []).append(text)

    def longest(kind: str) -> list[str]:
        return sorted((_form(c) for c in neg.get(kind, [])), key=len, reverse=True)

    predicates = []
    for r in _rows("symptom_predicates.csv"):
        own = [_form(w) for w in r["subject_words"].split("|") if w]
        if r["concept"] not in concepts or not (own or r["site"] in site_words):
            raise LexiconError(f"symptom_predicates.csv {r['site']}: unknown site or concept")
        subj = sorted(own or site_words[r["site"]], key=len, reverse=True)
        pred = sorted((_form(w) for w in r["words"].split("|") if w), key=len, reverse=True)
        predicates.append(
            (
                re.compile("|".join(map(re.escape, subj))),
                re.compile("|".join(map(re.escape, pred))),
                r["concept"],
                r["site"],
            )
        )
    return _Lexicon(
        predicates=tuple(predicates),
        concepts=concepts,
        terms=sorted(terms.values(), key=lambda t: -len(t[0])),
        sites=sites,
        site_of=site_of,
        cues=longest("cue"),
        not_cues=longest("not_cue"),
        fillers=longest("filler"),
        breaks=frozenset(neg.get("clause_break", [])),
        clause_words=longest("clause_word"),
    )


@dataclass(frozen=True)
class _Crisis:
    rules: tuple[tuple[re.Pattern[str], str], ...]  # (pattern on the matching form, concept)
    figurative: re.Pattern[str]
    negation: re.Pattern[str]  # matched against the clause before a crisis mention

    @property
    def concepts(self) -> frozenset[str]:
        return frozenset(key for _, key in self.rules)


@cache
def crisis_grammar() -> _Crisis:
    """``symptom_crisis.csv`` compiled: slots substituted into the rules (``{INTENT}``)."""
    rows = _rows("symptom_crisis.csv")
    slots = {r["name"]: r["pattern"] for r in rows if r["kind"] == "slot"}
    known = concepts()

    def compiled(pattern: str) -> re.Pattern[str]:
        return re.compile(re.sub(r"\{([A-Z]+)\}", lambda m: slots[m.group(1)], pattern))

    rules = []
    for r in rows:
        if r["kind"] == "rule":
            if r["concept"] not in known:
                raise LexiconError(f"symptom_crisis.csv: unknown concept {r['concept']}")
            rules.append((compiled(r["pattern"]), r["concept"]))
    by_kind = {r["kind"]: r["pattern"] for r in rows if r["kind"] in ("figurative", "negation")}
    return _Crisis(tuple(rules), compiled(by_kind["figurative"]), compiled(by_kind["negation"]))


def concepts() -> dict[str, Concept]:
    """Every concept by key."""
    return lexicon().concepts


def concept(key: str) -> Concept | None:
    return lexicon().concepts.get(key)


def label(key: str) -> str:
    c = lexicon().concepts.get(key)
    return c.label if c else key


def red_flag(key: str) -> str:
    """The concept's red-flag level (``none`` for an unknown key)."""
    c = lexicon().concepts.get(key)
    return c.red_flag if c else "none"


def is_context(key: str) -> bool:
    """Whether the concept is a context statement (产后, 卧床), not a complaint."""
    c = lexicon().concepts.get(key)
    return c is not None and c.kind == "context"


def at_least(key: str, level: str) -> bool:
    return LEVELS.index(red_flag(key)) >= LEVELS.index(level)


def concept_terms() -> list[tuple[str, str]]:
    """(term as matched, concept) for every term row: what the consistency test walks."""
    return [(form, c) for form, c, _ in lexicon().terms]


def _clause_start(text: str, pos: int, lex: _Lexicon) -> int:
    start = 0
    for i in range(pos - 1, -1, -1):
        if text[i] in lex.breaks:
            start = i + 1
            break
    for word in lex.clause_words:
        idx = text.rfind(word, start, pos)
        if idx != -1:
            start = max(start, idx + len(word))
    return start


def _only_filler(gap: str, lex: _Lexicon) -> bool:
    while gap:
        for f in lex.fillers:
            if gap.startswith(f):
                gap = gap[len(f) :]
                break
        else:
            return False
    return True


def _is_negated(text: str, start: int, lex: _Lexicon) -> bool:
    clause_start = _clause_start(text, start, lex)
    prefix = text[clause_start:start]
    for i in range(len(prefix)):
        for cue in lex.cues:
            if not prefix.startswith(cue, i):
                continue
            if any(text.startswith(nc, clause_start + i) for nc in lex.not_cues):
                continue
            if _only_filler(prefix[i + len(cue) :], lex):
                return True
    return False


# What may stand inside a term in patient phrasing without changing what it names (see
# ``_find``); only between two CJK characters (a digit quantity counts as inside): degree and
# frequency words (手有点抖, 头很昏), aspect particles (吐了血, 拉过肚子), quantities (吐了一口血,
# 拉了好几次黑便, 吐了3次血) and directional complements (咳出来一点血, 吐出来血).
_INSERTS = (
    "有点儿|有点|有些|稍微|略微|比较|特别|非常|很|挺|老是|总是|经常|时常|时不时|有时候|有时|"
    "也|都|又|还|"
    "好几次|几次|好多次|好多|很多|不少|大量|少量|一点儿|一点|一些|点儿|"
    r"(?:\d+|[一两几半]|好几|十几|数)(?:大口|小口|口|次|回|阵|下|遍|滴|天)|"
    "出来|出了|起来|上来|"
    "了|着|过"
)
_INNER = re.compile(
    rf"(?<=[\u4e00-\u9fff])(?:(?:{_INSERTS})+(?=[\u4e00-\u9fff])|(?<=([\u4e00-\u9fff]))\1)"
)


def _without_degree(form: str) -> tuple[str, list[int]]:
    """``form`` without what may stand inside a term (``_INSERTS``, and the second character
    of a reduplication: 痛痛的, 晕晕乎乎), and per character its index in ``form``."""
    chars: list[str] = []
    where: list[int] = []
    last = 0
    for m in _INNER.finditer(form):
        chars.extend(form[last : m.start()])
        where.extend(range(last, m.start()))
        last = m.end()
    chars.extend(form[last:])
    where.extend(range(last, len(form)))
    return "".join(chars), where


# A pain word standing alone (胃有点胀，有时后半夜会隐隐痛; 胃部用手摁下去就会痛) names the pain
# of the nearest body site before it in the same sentence, within this many characters; not
# in words that only contain it (痛风, 止痛药, 无痛人流, 痛苦, 痛经).
_BARE_PAIN = re.compile(rf"(?<![止镇去无阵])(?:{_PAIN})(?![风苦快药经片点处])")
_SENTENCE_END = frozenset("。！？!?；;\n")
_SITE_REACH = 16
_PREDICATE_REACH = 10  # characters from a subject to the end of its predicate's search
_NOT_PREDICATE = re.compile(r"常规|糖|压|脂|检|管|型|液|小板|红蛋白|氧")


def _site_before(form: str, pos: int, lex: _Lexicon) -> tuple[str, str] | None:
    """(site, pain concept) of the body-site word ending nearest before ``pos`` in its
    sentence, at most ``_SITE_REACH`` characters away."""
    start = pos
    while start > 0 and pos - start < _SITE_REACH + 6 and form[start - 1] not in _SENTENCE_END:
        start -= 1
    best: tuple[int, int, str] | None = None  # end, -len, word
    for word in lex.site_of:
        idx = form.rfind(word, start, pos)
        if idx == -1:
            continue
        end = idx + len(word)
        if pos - end <= _SITE_REACH and (best is None or (end, len(word)) > (best[0], -best[1])):
            best = (end, -len(word), word)
    return lex.site_of[best[2]] if best else None


def _figurative(form: str, start: int, end: int, figurative: list[int]) -> bool:
    """Whether every 死 of a crisis match lies in a figurative span (想死你了), or the match
    sits wholly inside one."""
    deaths = [i for i in range(start, end) if form[i] == "死"]
    if deaths:
        return all(figurative[i] for i in deaths)
    return all(figurative[start:end]) and end > start


@lru_cache(maxsize=16_384)
def _find(text: str) -> tuple[Mention, ...]:
    lex = lexicon()
    form, index = matching_form(text)
    # Every candidate (terms and site + pain patterns), then longest first without overlaps;
    # at equal length a lexicon term wins over a site pattern (伤口有点疼 is mild_wound_pain).
    cands: list[tuple[int, int, int, str, str, str]] = []  # -len, kind, start, concept, term, site
    for term, key, site in lex.terms:
        pos = form.find(term)
        while pos != -1:
            cands.append((-len(term), 0, pos, key, term, site))
            pos = form.find(term, pos + 1)
    # A degree word inside a term ("手有点抖", "头很昏", "腰有点酸" for 手抖, 头昏, 腰酸): the
    # terms are matched again on the text without degree words, each span mapped back; at equal
    # length an exact term or a site pattern wins (伤口有点疼 stays mild_wound_pain).
    bare, where = _without_degree(form)
    if len(bare) < len(form):
        for term, key, site in lex.terms:
            pos = bare.find(term)
            while pos != -1:
                start, end = where[pos], where[pos + len(term) - 1] + 1
                if end - start > len(term):  # a degree word was inside: not an exact match
                    cands.append((start - end, 2, start, key, form[start:end], site))
                pos = bare.find(term, pos + 1)
        for i in range(len(bare)):
            m = lex.sites.match(bare, i)
            if m:
                site, key = lex.site_of[m.group(1)]
                start, end = where[i], where[m.end() - 1] + 1
                if end - start > len(m.group()):
                    cands.append((start - end, 3, start, key, form[start:end], site))
    for i in range(len(form)):
        m = lex.sites.match(form, i)
        if m:
            site, key = lex.site_of[m.group(1)]
            cands.append((-len(m.group()), 1, i, key, m.group(), site))
    # A pain word alone takes the nearest site before it (kind 4: anything else wins).
    for m in _BARE_PAIN.finditer(form):
        near = _site_before(form, m.start(), lex)
        if near is not None:
            cands.append((-len(m.group()), 4, m.start(), near[1], m.group(), near[0]))
    # A subject with its predicate later in the same clause (拉的大便是黑色的, 痰里有时候带血丝,
    # 嘴角往一边歪): symptom_predicates.csv; the predicate is the mention (kind 5: anything
    # else wins), its negation read where it stands (大便不黑).
    for subj, pred, key, site in lex.predicates:
        for s in subj.finditer(form):
            limit = s.end()
            while limit < len(form) and limit - s.end() < _PREDICATE_REACH:
                if form[limit] in lex.breaks:
                    break
                limit += 1
            p = pred.search(form, s.end(), limit)
            while p and _NOT_PREDICATE.match(form, p.end()):  # 血常规, 血糖: a test, not blood
                p = pred.search(form, p.end(), limit)
            if p:
                cands.append((-len(p.group()), 5, p.start(), key, p.group(), site))
    # The crisis grammar (symptom_crisis.csv, kind 6: anything else of the same length wins).
    crisis = crisis_grammar()
    for pattern, key in crisis.rules:
        for m in pattern.finditer(form):
            if m.end() > m.start():
                cands.append((m.start() - m.end(), 6, m.start(), key, m.group(), ""))
    # 死 as a degree word or a medical term (疼死了, 想死你了, 心肌梗死) names no crisis.
    figurative = [0] * (len(form) + 1)
    for m in crisis.figurative.finditer(form):
        figurative[m.start() : m.end()] = [1] * (m.end() - m.start())
    taken = [False] * len(form)
    found: list[tuple[int, int, str, str, str]] = []  # start, end, concept, term, site
    in_crisis = [False] * len(form)
    for neg_len, kind, pos, key, term, site in sorted(cands):
        end = pos - neg_len
        if key in crisis.concepts and _figurative(form, pos, end, figurative):
            continue
        if kind == 6:  # a crisis reading is never lost to an overlapping symptom term
            if not any(in_crisis[pos:end]):
                in_crisis[pos:end] = [True] * (end - pos)
                found.append((pos, end, key, term, site))
        elif not any(taken[pos:end]):
            taken[pos:end] = [True] * (end - pos)
            if key in crisis.concepts:
                in_crisis[pos:end] = [True] * (end - pos)
            found.append((pos, end, key, term, site))
    found.sort()
    out: list[Mention] = []
    prev_end = -1
    prev_negated = False
    for start, end, key, term, site in found:
        if key == "pain" and not site:  # 肝脏的位子除了疼痛感: the site's pain
            near = _site_before(form, start, lex)
            if near is not None:
                site, key = near
        negated = _is_negated(form, start, lex)
        if key in crisis.concepts and not negated:  # 我不会自杀的, 从来没想过伤害自己
            negated = bool(crisis.negation.search(form, _clause_start(form, start, lex), start))
        # "否认胸痛、呼吸困难", "无胸闷气短": negation distributes over an enumeration.
        # A crisis statement is denied only by its own cue (没有头痛想死 is no denial of it).
        if prev_negated and not negated and key not in crisis.concepts:
            negated = prev_end == start or (form[start - 1] == "、" and prev_end == start - 1)
        span = (index[start], index[end - 1] + 1)
        out.append(Mention(key, term, span, negated, site))
        prev_end, prev_negated = end, negated
    return tuple(out)


def find_symptoms(text: str) -> list[Mention]:
    """Every symptom mention in ``text`` (each with its negation and site), in text order.
    Memoised (pure)."""
    if not text:
        return []
    return list(_find(text))


def present(text: str) -> list[str]:
    """Concepts mentioned and not negated, in order of first mention, each once."""
    out: list[str] = []
    for m in find_symptoms(text):
        if not m.negated and m.concept not in out:
            out.append(m.concept)
    return out
