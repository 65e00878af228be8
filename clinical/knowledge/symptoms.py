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
  A predicate may also stand before its subject as a modifier (``带血丝的痰``, ``黑色的大便``), and
  a skin word between a subject and its predicate takes the predicate (``脸部肌肤松弛下垂`` is
  the skin's, no facial droop).
- ``symptom_qualities.csv``: site × quality, a body word (a ``symptom_sites.csv`` row or the
  row's own words), degree words, then a quality word name a concept without listing each
  compound (``胃有点胀`` bloating, ``脸部浮肿`` facial swelling, ``四肢不温`` cold extremities,
  ``嗓子有点肿`` sore throat); a quality over the span a term took adds its concept (``胃胀痛``:
  pain and bloating); a row's ``alone`` words standing apart take the nearest site before
  them if it is the row's (``我胃病，又胀``); a row without a concept blocks (``胃浮肿``).
- ``symptom_variants.csv``: misspellings of symptom words, each as long as the word it stands
  for (``呼息`` 呼吸, ``涨肚`` 胀肚), read as that word.
- ``symptom_blockers.csv``: words that contain a symptom word but name none (``抽血``,
  ``抽动症``, ``麻烦``, ``黄疸型肝炎``); no mention may cut through one. A blocker that is itself a
  term (``皮疹``) keeps its concept: only the cut is barred (``身上起皮疹`` is no dry skin).
- ``symptom_crisis.csv``: the crisis concepts (``suicidal``, ``overdose_intent``) read as a
  grammar, not a word list (#15): named word slots (intent 想/打算/宁愿, death and means words,
  a supply of medicine, life + emptiness) and rules over them (intent + act in one clause with
  nothing negating between; a harm verb with the self as its object, 划自己; 活着 + 没意思; a
  whole supply taken at once, 一整瓶…都吃了; a question about a lethal amount); ``figurative``
  spans where 死 is a degree word or a medical term (疼死了, 想死你了, 心肌梗死, 死亡率) cancel a
  crisis reading; ``negation`` cues that deny a crisis statement (我不会自杀的, 从来没想过…)
  on top of the shared ones. Fixed phrases stay terms in ``symptom_terms.csv``.
- ``symptom_negation.csv``: negation cues, phrases that only look like cues (``无力``),
  fillers allowed between cue and term, clause breaks and clause words; and ConText-style
  history (``past_cue`` 去年/得过 before the mention in its clause, ``past_start`` 以前 only at
  the clause start, ``past_after`` 病史 right after it, ``general_after`` 会遗传 later in its
  clause, ``now_word`` 今天/又 ending a history): such a mention is ``past`` and ``negated``.

Matching runs on ``clinical.knowledge.text.normalize`` output (full/half width, traditional →
simplified, zero-width dropped, Chinese numerals → digits) with whitespace dropped and 疼
read as 痛, so ``頭疼``, ``头痛`` and ``头\u200b痛`` are one term. Terms match longest first
without overlaps; site patterns fill what terms leave. What patients put inside a term is
skipped between two Chinese characters (degree and frequency words, 什么 in 没什么胃口, aspect
particles 了/着/过, quantities 一口/好几次/3次, complements 出来, a reduplicated character): ``吐了一口血`` is
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
    "有点儿|有点|有啲|有些|一点|很|非常|特别|十分|一直|老是|老|总是|经常|时常|偶尔|隐隐约约|隐隐|"
    "一阵一阵|一阵阵|阵阵|阵发性|持续性|持续|突然|剧烈|也|还|都|又|开始|得|的|了|会|有|"
    "有时候|有时|时不时|早上|早晨|晚上|夜里|半夜"
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
    # Not a complaint now: past history (去年胃出血, 有胃出血病史) or a general question
    # (癫痫发作会遗传吗); such a mention is also ``negated`` (not present), so every consumer
    # reading ``negated`` reads it as absent now.
    past: bool = False

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
    # ConText-style history (symptom_negation.csv): cues anywhere before the mention in its
    # clause, cues only at its start, subjects allowed before those, cues right after it,
    # general-question cues later in its clause, and the time words of now that end a history.
    past_cues: tuple[str, ...] = ()
    past_start: tuple[str, ...] = ()
    past_subjects: tuple[str, ...] = ()
    past_after: tuple[str, ...] = ()
    general_after: tuple[str, ...] = ()
    now_words: tuple[str, ...] = ()
    # (subject pattern, predicate pattern, concept, site, overridden concepts):
    # symptom_predicates.csv
    predicates: tuple[tuple[re.Pattern[str], re.Pattern[str], str, str, frozenset[str]], ...] = ()
    # skin words: a predicate after one belongs to it, not to a subject before it
    subjects: re.Pattern[str] | None = None
    # (site + quality pattern, concepts, site): symptom_qualities.csv; no concept = a blocker
    qualities: tuple[tuple[re.Pattern[str], tuple[str, ...], str], ...] = ()
    # (word standing alone, its row's sites, concepts): a quality word apart from its site
    alone: tuple[tuple[re.Pattern[str], frozenset[str], tuple[str, ...]], ...] = ()
    blockers: tuple[str, ...] = ()  # symptom_blockers.csv: words that name no symptom
    variants: tuple[tuple[str, str], ...] = ()  # symptom_variants.csv: (misspelt, standard)


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
    form = "".join(chars)
    for wrong, right in _variants():  # same length: the index map stays valid
        form = form.replace(wrong, right)
    return form, tuple(index)


@cache
def _variants() -> tuple[tuple[str, str], ...]:
    """symptom_variants.csv: misspellings patients write for a symptom word (呼息 for 呼吸,
    涨 for 胀 next to a body word), each the same length as the word it stands for."""
    out = []
    for r in _rows("symptom_variants.csv"):
        n_wrong, n_right = normalize(r["variant"]).text, normalize(r["standard"]).text
        if len(n_wrong) != len(n_right) or not n_wrong:
            raise LexiconError(f"symptom_variants.csv {r['variant']}: not the same length")
        out.append((n_wrong.replace("疼", "痛"), n_right.replace("疼", "痛")))
    return tuple(sorted(out, key=lambda v: -len(v[0])))


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
        site_words.setdefault(r["site"], []).extend(_form(w) for w in r["words"].split("|") if w)
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
        overrides = frozenset(c for c in (r.get("overrides") or "").split("|") if c)
        if (
            r["concept"] not in concepts
            or not (own or r["site"] in site_words)
            or not overrides <= set(concepts)
        ):
            raise LexiconError(f"symptom_predicates.csv {r['site']}: unknown site or concept")
        subj = sorted(own or site_words[r["site"]], key=len, reverse=True)
        pred = sorted((_form(w) for w in r["words"].split("|") if w), key=len, reverse=True)
        predicates.append(
            (
                re.compile("|".join(map(re.escape, subj))),
                re.compile("|".join(map(re.escape, pred))),
                r["concept"],
                r["site"],
                overrides,
            )
        )
    # Site × quality (symptom_qualities.csv): a body word, then degree words, then a quality
    # word name a concept (胃胀 bloating, 脸部浮肿 facial swelling, 手脚冰凉 cold extremities)
    # without listing every compound; a row without a concept blocks (胃浮肿: an endoscopy
    # finding, not oedema).
    qualities = []
    alone: list[tuple[re.Pattern[str], frozenset[str], tuple[str, ...]]] = []
    for r in _rows("symptom_qualities.csv"):
        own = [_form(w) for w in r["site_words"].split("|") if w]
        keys = tuple(c for c in r["concept"].split("|") if c)
        if any(k not in concepts for k in keys) or not (
            own or all(s in site_words for s in r["site"].split("|"))
        ):
            raise LexiconError(f"symptom_qualities.csv {r['words']}: unknown site or concept")
        subj = own or [w for s in r["site"].split("|") for w in site_words[s]]
        subj = sorted(set(subj), key=len, reverse=True)
        qual = sorted((_form(w) for w in r["words"].split("|") if w), key=len, reverse=True)
        pattern = re.compile(
            f"(?:{'|'.join(map(re.escape, subj))})(?:{_DEGREE})*"
            f"(?:{'|'.join(map(re.escape, qual))})"
        )
        qualities.append((pattern, keys, r["site"].split("|")[0] if not own else ""))
        alone_words = sorted((_form(w) for w in r["alone"].split("|") if w), key=len, reverse=True)
        if alone_words and keys and not own:
            bare = re.compile(f"(?:{'|'.join(map(re.escape, alone_words))})(?![痛])")
            alone.append((bare, frozenset(r["site"].split("|")), keys))
    # Skin words between a subject and its predicate take the predicate (脸部肌肤松弛下垂 is
    # the skin's, no facial droop); other body words there are part of the subject's phrase
    # (一侧手脚不灵活).
    all_subjects = set(site_words.get("skin", [])) | {_form(w) for w in ("肌肤", "皮肤")}
    blockers = tuple(_form(r["term"]) for r in _rows("symptom_blockers.csv"))
    return _Lexicon(
        qualities=tuple(qualities),
        alone=tuple(alone),
        subjects=re.compile("|".join(sorted(all_subjects, key=len, reverse=True))),
        blockers=blockers,
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
        past_cues=tuple(longest("past_cue")),
        past_start=tuple(longest("past_start")),
        past_subjects=tuple(longest("past_subject")),
        past_after=tuple(longest("past_after")),
        general_after=tuple(longest("general_after")),
        now_words=tuple(longest("now_word")),
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


def _clause_end(text: str, pos: int, lex: _Lexicon) -> int:
    end = len(text)
    for i in range(pos, len(text)):
        if text[i] in lex.breaks:
            end = i
            break
    for word in lex.clause_words:
        idx = text.find(word, pos, end)
        if idx != -1:
            end = idx
    return end


def _is_not_now(text: str, start: int, end: int, lex: _Lexicon) -> bool:
    """Whether the mention at ``start:end`` is past history or a general question, not a
    complaint now (ConText's historical triggers, symptom_negation.csv): a history word before
    it in its clause (去年胃出血, 得过脑出血; 以前 only at the clause start: 比以前更疼 is now)
    with no time word of now after that word (以前胃出血过今天又拉黑便), a history word right
    after it (胃出血病史, 脑出血的病史), or a general question later in its clause (癫痫发作会遗传吗)."""
    clause_start = _clause_start(text, start, lex)
    prefix = text[clause_start:start]

    def still_past(after: str) -> bool:
        return not any(w in after for w in lex.now_words)

    for cue in lex.past_cues:
        idx = prefix.rfind(cue)
        if idx != -1 and still_past(prefix[idx + len(cue) :]):
            return True
    for cue in lex.past_start:
        idx = prefix.find(cue)
        if idx != -1 and (prefix[:idx] == "" or prefix[:idx] in lex.past_subjects):
            if still_past(prefix[idx + len(cue) :]):
                return True
    suffix = text[end : _clause_end(text, end, lex)]
    if any(suffix.startswith(c) or suffix.startswith("的" + c) for c in lex.past_after):
        return True
    return any(c in suffix for c in lex.general_after)


# What may stand inside a term in patient phrasing without changing what it names (see
# ``_find``); only between two CJK characters (a digit quantity counts as inside): degree and
# frequency words (手有点抖, 头很昏), aspect particles (吐了血, 拉过肚子), quantities (吐了一口血,
# 拉了好几次黑便, 吐了3次血) and directional complements (咳出来一点血, 吐出来血).
_INSERTS = (
    "有点儿|有点|有啲|有些|稍微|略微|比较|特别的|特别|非常的|非常|十分的|十分|极其|极为|相当|"
    "越来越|很|挺|一直|老是|总是|经常|时常|时不时|有时候|有时|"
    "也|都|又|还|什么|啥|"
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
_QUALITY = 6  # candidate kind of a site × quality reading
_CRISIS = 7  # candidate kind of a crisis-grammar reading (symptom_crisis.csv)
# What follows a predicate word when it is part of another word: a test (血常规, 血糖), or
# 麻 in 麻烦/麻醉/麻疹/麻药, 黄 in 黄豆/黄体/黄瓜/黄芪, 紫 in 紫菜/紫薯.
_NOT_PREDICATE = re.compile(
    r"常规|糖|压|脂|检|管|型|液|小板|红蛋白|氧|烦|醉|疹|药|辣|将|豆|体|瓜|芪|连|菜|薯|外线"
)
# Between a subject and a predicate that overrides a plain term (symptom_predicates.csv
# ``overrides``: 右手突然没劲, 左边胳膊腿没力气): only body-part and degree/time words. Anything
# else (右边膝盖痛走路没劲) leaves the plain term's reading (fatigue) as it is.
_OVERRIDE_GAP = re.compile(
    r"(?:手臂|手脚|胳膊|腿脚|身子|身体|肢体|上肢|下肢|半边|手|脚|腿|臂|"
    r"突然|忽然|一下子|一下|有点|有些|完全|整个|一点|都|也|就|还|很|的|了)*"
)


def _site_before(form: str, pos: int, lex: _Lexicon) -> tuple[str, str] | None:
    """(site, pain concept) of the body-site word ending nearest before ``pos`` in its
    sentence, at most ``_SITE_REACH`` characters away."""
    near = _site_word_before(form, pos, lex)
    return lex.site_of[near[1]] if near else None


def _site_word_before(form: str, pos: int, lex: _Lexicon) -> tuple[int, str] | None:
    """(end, word) of the body-site word ending nearest before ``pos`` (see ``_site_before``)."""
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
    return (best[0], best[2]) if best else None


def _nearer_subject(between: str, own: set[str], lex: _Lexicon) -> bool:
    """Whether a skin word (not the subject's own) stands between a subject and its predicate."""
    if lex.subjects is None:
        return False
    return any(m.group() not in own for m in lex.subjects.finditer(between))


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
    # Where its site word ends, to see below whether that site's pain was denied in between.
    bare_site_end: dict[int, int] = {}
    for m in _BARE_PAIN.finditer(form):
        word = _site_word_before(form, m.start(), lex)
        if word is not None:
            near = lex.site_of[word[1]]
            cands.append((-len(m.group()), 4, m.start(), near[1], m.group(), near[0]))
            bare_site_end[m.start()] = word[0]
    # A quality word alone (我胃病，又胀) takes the nearest site before it, when that site is
    # one of its row's (kind 4, as a bare pain word).
    for bare, sites, keys in lex.alone:
        for m in bare.finditer(form):
            near = _site_before(form, m.start(), lex)
            if near is not None and near[0] in sites:
                cands.append((-len(m.group()), 4, m.start(), "|".join(keys), m.group(), near[0]))
    # A subject with its predicate later in the same clause (拉的大便是黑色的, 痰里有时候带血丝,
    # 嘴角往一边歪): symptom_predicates.csv; the predicate is the mention (kind 5: anything
    # else wins), its negation read where it stands (大便不黑).
    overridden: list[tuple[int, int, frozenset[str]]] = []
    for subj, pred, key, site, overrides in lex.predicates:
        own = set(subj.pattern.split("|"))
        for s in subj.finditer(form):
            limit = s.end()
            while limit < len(form) and limit - s.end() < _PREDICATE_REACH:
                if form[limit] in lex.breaks:
                    break
                limit += 1
            p = pred.search(form, s.end(), limit)
            while p and _NOT_PREDICATE.match(form, p.end()):  # 血常规, 血糖: a test, not blood
                p = pred.search(form, p.end(), limit)
            # The predicate belongs to the nearest subject: 脸部肌肤松弛下垂 is the skin's.
            if p and not _nearer_subject(form[s.end() : p.start()], own, lex):
                cands.append((-len(p.group()), 5, p.start(), key, p.group(), site))
                gap = _OVERRIDE_GAP.match(form, s.end())
                if overrides and gap is not None and gap.end() == p.start():
                    overridden.append((p.start(), p.end(), overrides))
        # The predicate before its subject, as a modifier (带血丝的痰, 黑色的大便, 咖啡色呕吐物).
        for m in re.finditer(f"(?:{pred.pattern})的?(?:{subj.pattern})", form):
            cands.append((-len(m.group()), 0, m.start(), key, m.group(), site))
    # Site × quality (kind 6: anything else of the same length wins, and the quality's
    # concepts join it below, so 胃胀痛 is both the pain and the bloating); a row without a
    # concept blocks what it covers (kind -1).
    for pattern, keys, site in lex.qualities:
        for m in pattern.finditer(form):
            kind = _QUALITY if keys else -1
            cands.append((-len(m.group()), kind, m.start(), "|".join(keys), m.group(), site))
    # A blocker word (抽血, 麻烦) names nothing, and no mention may cut through it (右手很麻烦
    # is no numbness: the mention would end inside 麻烦).
    inside = [False] * (len(form) + 1)  # a boundary strictly inside a blocker word
    # A blocker that is itself a term (皮疹) keeps its concept: only the cut is barred (身上起皮疹
    # is a rash, not 身上起皮 dry skin).
    term_words = {t for t, _, _ in lex.terms}
    for word in lex.blockers:
        pos = form.find(word)
        while pos != -1:
            if word.endswith("症") and form.startswith("状", pos + len(word)):
                pos = form.find(word, pos + 1)  # 抽动症状: the symptom, not the disorder
                continue
            if word not in term_words:
                cands.append((-len(word), -1, pos, "", word, ""))
            for i in range(pos + 1, pos + len(word)):
                inside[i] = True
            pos = form.find(word, pos + 1)
    # A plain term that a close predicate overrides gives way (右手突然没劲: not fatigue).
    cands = [
        c
        for c in cands
        if c[1] == 5
        or not any(
            c[3] in over and c[2] < end and start < c[2] - c[0] for start, end, over in overridden
        )
    ]
    # The crisis grammar (symptom_crisis.csv, kind _CRISIS: anything else of the same length wins).
    crisis = crisis_grammar()
    for pattern, key in crisis.rules:
        for m in pattern.finditer(form):
            if m.end() > m.start():
                cands.append((m.start() - m.end(), _CRISIS, m.start(), key, m.group(), ""))
    # 死 as a degree word or a medical term (疼死了, 想死你了, 心肌梗死) names no crisis.
    figurative = [0] * (len(form) + 1)
    for m in crisis.figurative.finditer(form):
        figurative[m.start() : m.end()] = [1] * (m.end() - m.start())
    taken = [False] * len(form)
    found: list[tuple[int, int, str, str, str]] = []  # start, end, concept, term, site
    in_crisis = [False] * len(form)
    for neg_len, kind, pos, key, term, site in sorted(cands):
        end = pos - neg_len
        if inside[pos] or inside[end]:
            continue
        if key in crisis.concepts and _figurative(form, pos, end, figurative):
            continue
        if kind == _CRISIS:  # a crisis reading is never lost to an overlapping symptom term
            if not any(in_crisis[pos:end]):
                in_crisis[pos:end] = [True] * (end - pos)
                found.append((pos, end, key, term, site))
        elif not any(taken[pos:end]):
            taken[pos:end] = [True] * (end - pos)
            if key in crisis.concepts:
                in_crisis[pos:end] = [True] * (end - pos)
            found.append((pos, end, key, term, site))
        elif key and kind == _QUALITY:  # a quality over the very span a mention took joins it
            for i, (s0, e0, k0, t0, site0) in enumerate(found):
                if (s0, e0) == (pos, end) and k0:
                    extra = [k for k in key.split("|") if k not in k0.split("|")]
                    found[i] = (s0, e0, "|".join([k0, *extra]), t0, site0)
    found.sort()
    out: list[Mention] = []
    prev_end = -1
    prev_negated = False
    denied: list[tuple[int, str]] = []  # (start, site) of each denied sited mention
    for start, end, keys, term, site in found:
        if not keys:  # a blocker (symptom_blockers.csv, a quality row without a concept)
            continue
        if keys == "pain" and not site:  # 肝脏的位子除了疼痛感: the site's pain
            near = _site_before(form, start, lex)
            if near is not None:
                site, keys = near
        # A pain word alone after its site's pain was denied (胸口不疼，就是一直疼) does not take
        # that site again: the denial's site does not leak into the next clause. It stays an
        # unsited pain, never dropped (what is not understood is not benign).
        site_end = bare_site_end.get(start)
        if site_end is not None and any(site_end <= d < start and s0 == site for d, s0 in denied):
            keys, site = "pain", ""
        negated = _is_negated(form, start, lex)
        if keys in crisis.concepts and not negated:  # 我不会自杀的, 从来没想过伤害自己
            negated = bool(crisis.negation.search(form, _clause_start(form, start, lex), start))
        # "否认胸痛、呼吸困难", "无胸闷气短": negation distributes over an enumeration.
        # A crisis statement is denied only by its own cue (没有头痛想死 is no denial of it).
        if prev_negated and not negated and keys not in crisis.concepts:
            negated = prev_end == start or (form[start - 1] == "、" and prev_end == start - 1)
        # A crisis statement is never set aside as history: past ideation or an attempt is the
        # strongest risk factor (WHO Preventing suicide 2014; C-SSRS lifetime items).
        past = keys not in crisis.concepts and _is_not_now(form, start, end, lex)
        if negated and site and not past:
            denied.append((start, site))
        span = (index[start], index[end - 1] + 1)
        for key in keys.split("|"):  # a quality row may name two (胃胀痛: pain and bloating)
            out.append(Mention(key, term, span, negated or past, site, past))
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
