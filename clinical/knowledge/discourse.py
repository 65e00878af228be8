"""What patients write around their complaints that names no symptom (#15 safety net, #23
one knowledge layer): reassurance (其他还好, 伤口已经长好了), courtesy and acknowledgement
(谢谢医生, 好的，知道了), qualifiers of another clause (阴天更明显, 睡一觉就好了, 出院第10天了),
questions for the care team (请问什么时候可以洗澡, 可以洗澡不, 阿莫西林饭前吃还是饭后吃), an
improving course (比前几天好一些了) and normal readings (体温37.2).

Invariant: a clause is discourse only when EVERY word of it is one of these (data:
``data/discourse.yaml``, each list sourced) and the shared lexicon finds no symptom in it; one
other word leaves it unread, and unread words go to a clinician (#15). A question never hides a
complaint, and an improvement word never lowers a concept. Follow-up (``unread_clauses``),
guidance (``clinical.medkb.services.symptoms``) and the agent read the same words through this
module (moved from ``clinical/followup/services/lexicon.py`` in #15 round 3, task B).

The kinds are one ordered table, ``READERS`` (a name, a one-line description with its round, a
real example each); ``is_discourse`` tries them in order and ``discourse_reader`` names the one
that read a clause.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from clinical.knowledge import conditions, counts, drugs, symptoms, syndromes
from clinical.knowledge.text import normalize

DATA = Path(__file__).resolve().parent / "data" / "discourse.yaml"
_CLAUSES = re.compile(r"[，,。;；!！?？\s]+|(?<!\d)\.|\.(?!\d)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORDS = re.compile(r"[\u4e00-\u9fff]|[a-z]{3,}")


_LISTS = (
    "subject_words",
    "hedge_words",
    "reassuring_phrases",
    "courtesy_phrases",
    "qualifier_phrases",
    "relative_leads",
    "relatives",
    "resolving_leads",
    "resolving_endings",
    "question_words",
    "care_topics",
    "question_filler",
    "concern_questions",
    "improving_compared_to",
    "improving_words",
    "background_phrases",
    "request_leads",
    "request_acts",
    "time_words",
    "function_words",
    "everyday_settings",
    "hypothetical_cues",
    "hypothetical_question_cues",
    "hypothetical_object_cues",
    "hypothetical_after",
    # #15 round 4 (guidance over-triage)
    "everyday_causes",
    "medicine_talk",
    # noticed r2 (#15/#23 item 5): a worry word beside a complaint is no residue (担心得睡不着)
    "worry_phrases",
    "medicine_question_words",
    "medicine_topics",
    "functioning_phrases",
    "site_reassurance",
    "recurring_course",
    "parents",
    "family_subjects",
    "resolving_actions",
    "resolving_results",
    "emphasis_words",
    "provoking_moves",
    "when_worst",
    "care_plans",
)
# Lists of the partly-understood check (``body_word_binding``, #15 bodily round 2) that are not
# understood words either: they only decide whether a body word of an unread clause is named.
_BOUND_LISTS = (
    "bound_body_heads",
    "bound_body_leads",
    "procedure_heads",
    "after_procedure",
    "finding_leads",
    "care_acts",
    "flare_words",
    # the operation a care question is asked after (``care_question``, #15 follow-up benign r5)
    "question_procedures",
)
# Lists the residue and partly-understood checks read (``clinical.knowledge.unread``) that are
# not understood words.
_RESIDUE_LISTS = (
    "circumstance_markers",
    "injury_words",
    "mild_words",
    "position_words",
)
# Lists of the hypothetical reading (``symptoms._is_hypothetical``) that are not understood words.
_HYPOTHETICAL_LISTS = (
    "hypothetical_words",  # read only in a question about a symptom (``care_question``)
    "hypothetical_not_cues",
    "hypothetical_ends",
    "hypothetical_now",
    "hypothetical_asks",
    "hypothetical_felt",
    "hypothetical_instructed",
)


class DiscourseError(RuntimeError):
    """``data/discourse.yaml`` is malformed: a list missing or holding a non-string."""


@cache
def _data() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    for key in _LISTS + _RESIDUE_LISTS + _HYPOTHETICAL_LISTS + _BOUND_LISTS:
        words = data.get(key)
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise DiscourseError(f"discourse.yaml {key}: a list of non-empty strings")
    for row in data.get("normal_readings") or []:
        if not (row.get("words") and row.get("low") is not None and row.get("high")):
            raise DiscourseError(f"discourse.yaml normal_readings: bad row {row!r}")
    return data


def table() -> dict[str, Any]:
    """The discourse vocabulary, validated (the startup check ``knowledge.E001`` reads it)."""
    return _data()


def normalise(text: str) -> str:
    """The shared matching form (width, traditional → simplified, zero-width, 疼 = 痛)."""
    return symptoms.matching_form(text or "")[0]


def clause_spans(text: str) -> list[tuple[int, int]]:
    """The one clause splitter (every engine cuts a patient's words here): ``[start, end)``
    spans in ``text`` as written of its clauses that hold a word (a Chinese character or a Latin
    word of three letters). A clause ends at sentence punctuation (，,。;；!！?？) or whitespace,
    or at a dot that is no decimal point (38.5); the enumeration comma 、 keeps a list together
    (否认胸痛、呼吸困难) and a colon keeps a label with its value (体温：38.5)."""
    n = normalize(text or "")
    bounds = [(m.start(), m.end()) for m in _CLAUSES.finditer(n.text)]
    starts = [0, *(e for _, e in bounds)]
    ends = [*(s for s, _ in bounds), len(n.text)]
    out: list[tuple[int, int]] = []
    for start, end in zip(starts, ends, strict=True):
        if end > start and _WORDS.search(n.text[start:end]):
            out.append(n.original_span(start, end))
    return out


def clauses(text: str) -> list[str]:
    """The clauses of ``text`` (``clause_spans``) in the matching form."""
    text = text or ""
    return [normalise(text[a:b]) for a, b in clause_spans(text)]


def is_discourse(clause: str, *, about: bool = False, asked: bool = False) -> bool:
    """Whether ``clause`` says nothing the lexicon must read: one reader of ``READERS`` reads
    all of it (reassurance, courtesy, a qualifier, a question for the care team (with
    ``about``: also a question about a complaint another clause names, 要紧吗; with ``asked``:
    the patient ended the clause with a question mark), an improving course, a normal reading,
    who the patient is …), and no symptom."""
    return discourse_reader(clause, about=about, asked=asked) is not None


def discourse_reader(clause: str, *, about: bool = False, asked: bool = False) -> str | None:
    """The name of the first reader of ``READERS`` that reads ``clause`` as discourse, or None
    (``is_discourse`` is this not being None): for debugging and tests."""
    return next(_readers_of(clause, about=about, asked=asked), None)


def discourse_readers(clause: str, *, about: bool = False, asked: bool = False) -> list[str]:
    """The names of every reader of ``READERS`` that reads ``clause`` as discourse, in table
    order (the first is ``discourse_reader``'s): for debugging and tests."""
    return list(_readers_of(clause, about=about, asked=asked))


def _readers_of(clause: str, *, about: bool, asked: bool) -> Iterator[str]:
    """The names of the readers that read ``clause``, lazily, in table order. A symptom the
    patient reports stops every reader; a clause whose only mentions are symptoms asked about
    (如果伤口流脓怎么办) or a context (产后: 剖腹产后多久可以抱孩子) is for the question readers only
    (#15 follow-up benign r5), as ``care_question`` itself allows."""
    mentions = symptoms.find_symptoms(clause)
    if any(not m.hypothetical and not symptoms.is_context(m.concept) for m in mentions):
        return
    for reader in READERS:
        if mentions and not reader.question:
            continue
        if reader.beside_complaint and not about:
            continue
        if reader.question:
            read = reader.read(clause, about=about, asked=asked)
        else:
            read = reader.read(clause)
        if read:
            yield reader.name


def _covered(form: str, words: tuple[str, ...], patterns: tuple[re.Pattern[str], ...]) -> bool:
    """Whether every Chinese character of ``form`` is inside a match of ``patterns`` or a word
    of ``words`` (each word wherever it stands, longest first at each place)."""
    read = [False] * len(form)
    for pattern in patterns:
        for hit in pattern.finditer(form):
            read[hit.start() : hit.end()] = [True] * (hit.end() - hit.start())
    for i in range(len(form)):
        hit = next((w for w in words if form.startswith(w, i)), None)
        if hit is not None:
            read[i : i + len(hit)] = [True] * len(hit)
    return not any(not r and _CJK.match(ch) for ch, r in zip(form, read, strict=True))


def _words(*keys: str) -> set[str]:
    data = _data()
    return {normalise(w) for k in keys for w in data[k]}


# How long or how often, and when (digits after the shared normaliser): 3天, 1个礼拜, 前2天.
# No 趟, 分, 秒, 会儿 (``counts``).
_WHEN_UNITS = counts.alt(
    counts.TIMES, counts.DAYS, counts.LONG, "小时", "分钟", counts.MEALS, "点", without=("趟",)
)
_WHEN = re.compile(
    rf"(?:后|好|{counts.alt(counts.WHICH)})?{counts.ARABIC}(?:个)?多?(?:{_WHEN_UNITS})?多?"
)


@cache
def _circumstance_vocabulary() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(every word a circumstance clause may hold, the words that make it one, the injury words
    that never do), matching form, longest first."""
    causes = _words("everyday_causes", "everyday_settings")
    words = causes | _words(
        "time_words",
        "function_words",
        "emphasis_words",
        "subject_words",
        "family_subjects",
        "circumstance_markers",
        "recurring_course",
        "qualifier_phrases",
        "hedge_words",
    )
    words |= {normalise(w) for w in _LEADING + _POSSESSIVE} | set(_PARTICLES)
    injuries = _words("injury_words")
    words -= injuries  # 过敏 is a function word elsewhere; here it is never a circumstance
    return _longest(words), _longest(causes), _longest(injuries)


def circumstance(clause: str) -> bool:
    """Whether ``clause`` only says what the patient did or met before a complaint ("前天淋了
    雨", "加班熬夜", "打了一下午羽毛球", "家里养了猫以后": discourse.yaml ``everyday_causes``), with
    time and function words, and no symptom and no injury word (摔, 咬, 喝多了, 用力, 过敏 stay
    for a clinician). Read only beside a complaint the engine reads (``is_discourse``'s
    ``about``): a circumstance alone refers to something unseen."""
    form = normalise(clause)
    words, causes, injuries = _circumstance_vocabulary()
    if not form or symptoms.find_symptoms(form) or any(w in form for w in injuries):
        return False
    return any(w in form for w in causes) and _covered(form, words, (_WHEN,))


@cache
def _medicine_vocabulary() -> tuple[str, ...]:
    words = _words("medicine_talk", "time_words", "subject_words", "family_subjects", "hedge_words")
    words |= {normalise(w) for w in _LEADING + _POSSESSIVE} | set(_PARTICLES)
    return _longest(words)


# The only numbers medicine talk may hold: how many times (吃了1次); an amount of tablets or a
# supply (吃了3片, 1瓶) is for a clinician. Not 遍 or 趟 (``counts.TIMES``).
_TIMES = re.compile(rf"\d+(?:{counts.alt(counts.TIMES, without=('遍', '趟'))})")
_MEDICINE_WORDS = re.compile(r"药|片|膏|剂|褪黑素|维生素|止痛的|退烧的")


def medicine_talk(clause: str) -> bool:
    """Whether ``clause`` only says which medicine the patient has, took or thinks of taking,
    and that it helped ("家里有白加黑", "药店买了新康泰克", "想先吃片止痛药", "以前吃布洛芬就管用",
    "吃了退烧药就退": discourse.yaml ``medicine_talk``; every drug name of the one drug vocabulary
    read as 药). No symptom, no amount of tablets, no medicine that failed or was taken wrongly
    (没用, 吃错: other words, left unread), no medicine of a class a syndrome rule names (华法林,
    阿司匹林, 布洛芬, 甲氨蝶呤). Read only beside a complaint the engine reads."""
    form = normalise(clause)
    if not form or symptoms.find_symptoms(form):
        return False
    names = drugs.names_in(form)
    if _modifies_a_syndrome(form, names):
        return False
    for name in sorted(names, key=len, reverse=True):
        form = form.replace(name, "药")
    if re.search(r"\d", _TIMES.sub("", form)) or not _MEDICINE_WORDS.search(form):
        return False
    return _covered(form, _medicine_vocabulary(), (_TIMES,))


# A medicine the patient has or thinks of taking, and one taken (now or before): only a taken
# one can change what a complaint means.
_HAVING = ("家里有", "家里备", "家里还有", "手头有", "手上有", "买了", "买的", "想", "打算", "准备")
_TAKING = ("吃了", "吃着", "在吃", "吃过", "服了", "用了", "用过", "喝了", "一直", "每天")
_TAKING += ("平时", "正在", "以前", "上次", "之前", "贴了", "涂了", "抹了")
# A clause that opens with taking a medicine for a while (吃卡马西平两周, 服别嘌醇一个月: the lead's
# probes, 2026-12-07 seventh) says it is taken too.
_TAKING_FOR = re.compile(
    r"^(?:我|他|她|妈|爸)?(?:吃|服|用)[^，,。；;！!？?\n]{1,12}?"
    r"(?:\d+|[一二两三四五六七八九十几半])(?:多|来)?(?:天|周|个?星期|个?月|年)"
)


def _modifies_a_syndrome(form: str, names: list[str]) -> bool:
    """Whether a medicine named in ``form`` (or a class word: 抗凝药) is of a class the shared
    syndrome table names (anticoagulants, antiplatelets, NSAIDs, immunosuppressants, insulin …)
    and taken: what it changes in a complaint is for a clinician, so such talk stays unread
    ("我吃着华法林", "以前吃布洛芬就管用"); one the patient only has or thinks of taking does not
    ("家里有芬必得", "想吃个布洛芬")."""
    if any(w in form for w in _HAVING) and not any(w in form for w in _TAKING):
        return False  # had or thought of, not taken ("家里有芬必得", "想吃个布洛芬")
    named = syndromes.named_classes()
    found = set(drugs.classes_named_in(form))
    for name in names:
        for key in drugs.resolve(name):
            found |= drugs.classes_of(key)
    return bool(found & named)


# A medicine denied, stopped or no longer taken (没吃布洛芬, 布洛芬早就停了, 不吃华法林了).
_NOT_TAKING = re.compile(
    r"没吃|没有吃|没在吃|没再吃|不吃|不再吃|没服|没有服|没用|没有用|不用了|停了|停掉|停药|早就停|"
    r"已经停|不让吃|别吃"
)
# A medicine only thought of or asked about (想吃点布洛芬, 能不能吃阿司匹林).
_THINKING = re.compile(r"(?:想|打算|准备|要不要|能不能|可不可以|可以|能)(?:先|再)?(?:吃|用|服)")


def taken_medicines(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The medicines ``text`` says the patient takes, each as (its clause, its ingredient keys
    in the one drug vocabulary): a clause with a drug name or a class word (抗凝药) and a taking
    word (``_TAKING``: 一直在吃, 平时吃着, 每天吃; a medicine only had, 家里有, has none), with no
    denial or stop (``_NOT_TAKING``) and not only thought of (``_THINKING``: 想吃点, 能不能吃).
    What the record does not hold, the patient
    may still take (another hospital, a pharmacy, a relative): the syndrome rules read these as
    the record's orders (#15, the lead's probes)."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for form in clauses(text):
        names = drugs.names_in(form)
        if not names and not drugs.classes_named_in(form):
            continue
        taking = any(w in form for w in _TAKING) or _TAKING_FOR.search(form)
        if not taking or _NOT_TAKING.search(form):
            continue
        if _THINKING.search(form):
            continue
        keys = tuple(dict.fromkeys(k for n in names for k in drugs.resolve(n)))
        out.append((form, keys))
    return out


# A medicine stopped long ago (布洛芬早就停了, 以前) is not the patient's any more.
_LONG_STOPPED = re.compile(r"早就|早已|很久|好久|好几年|几年|以前|去年|上个?月")


def stopped_medicines(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The medicines ``text`` says the patient stopped (华法林停了三天了; 支架术后的氯吡格雷吃完了，
    已经停了三天), each as (its clause, its ingredient keys), in the shape of
    ``taken_medicines``: what was stopped was taken until then, so the rules that read a medicine
    (critical-medicine adherence, steroid withdrawal) read it as stated. A clause the shared
    lexicon reads as ``stopped_medication`` names it, or, naming none, the other clauses of the
    text do (the lead's probes, 2026-12-07 seventh). A medicine stopped long ago (早就停了, 以前)
    explains and risks nothing now (tests/followup/test_followup_stated_medicines.py)."""
    forms = clauses(text)
    named = [f for f in forms if drugs.names_in(f) or drugs.classes_named_in(f)]
    out: list[tuple[str, tuple[str, ...]]] = []
    for form in forms:
        if _LONG_STOPPED.search(form):
            continue
        if not any(
            m.concept == "stopped_medication" and not (m.negated or m.past or m.hypothetical)
            for m in symptoms.find_symptoms(form)
        ):
            continue
        for clause in [form] if form in named else named:
            keys = tuple(dict.fromkeys(k for n in drugs.names_in(clause) for k in drugs.resolve(n)))
            out.append((clause, keys))
    return out


def _strip_run(rest: str, words: tuple[str, ...]) -> str:
    """``rest`` with leading words of ``words`` (longest first) and particles taken away
    repeatedly; what is left."""
    while rest:
        hit = next((w for w in words if rest.startswith(w)), None)
        if hit is not None:
            rest = rest[len(hit) :]
        elif rest[0] in _PARTICLES:
            rest = rest[1:]
        else:
            return rest
    return rest


@cache
def _procedure_lead() -> re.Pattern[str]:
    """A clause-initial "after an operation" lead: at most four characters of what was operated
    on, a procedure word (discourse.yaml ``procedure_heads``, ``question_procedures``), at most a
    duration and 了, and an ``after_procedure`` word (膝盖置换后, 装了支架以后, 胆囊切了以后)."""
    data = _data()

    def alt(*keys: str) -> str:
        words = {normalise(w) for k in keys for w in data[k]}
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    heads = alt("procedure_heads", "question_procedures")
    return re.compile(
        rf"[\u4e00-\u9fff]{{0,4}}?(?:{heads})"
        rf"(?:(?:{_SINCE})?了?(?:{alt('after_procedure')})|(?:{_SINCE})了)"
    )


# a duration after an operation or a discharge (出院1周了, 置换后3天): numerals are normalised
_SINCE = r"\d+(?:-\d+)?(?:天|周|个月|个星期|个礼拜|星期|礼拜)(?:多)?"


@cache
def _question_vocabulary() -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = _data()
    markers = tuple(
        sorted(
            (normalise(w) for k in ("question_words", "medicine_question_words") for w in data[k]),
            key=len,
            reverse=True,
        )
    )
    keys = ("question_words", "care_topics", "question_filler", "medicine_question_words")
    keys += ("hedge_words",)
    words = {normalise(w) for k in keys + ("medicine_topics", "time_words") for w in data[k]}
    words |= set(_subjects())
    return markers, tuple(sorted(words, key=len, reverse=True))


def care_question(clause: str, *, about: bool = False, asked: bool = False) -> bool:
    """Whether ``clause`` asks the care team something and holds nothing but question words,
    care topics (symptoms.yaml ``care_topics``: 洗澡, 复查, 拆线 …) and filler: "请问什么时候
    可以洗澡", "伤口能不能碰水". A symptom concept or any other word in it → False (it is read or
    stays unread as before): a question never hides a complaint. With ``about`` (another clause
    of the answer holds a symptom the engine reads) a question about it ("要紧吗", "怎么回事")
    counts too; alone it stays unread. ``asked``: the patient ended the clause with a question
    mark ("饭前吃？"), which asks as a question word does; its words must still all be question
    words, care topics or filler. A dose count in a question (吃1片, 第2片, 再吃1颗, 半片: ``_DOSE``,
    at most two units, never an amount already taken) is a medicine topic."""
    form = normalise(clause)
    mentions = symptoms.find_symptoms(form)
    if not form or any(not symptoms.is_context(m.concept) and not m.hypothetical for m in mentions):
        return False
    markers, words = _question_vocabulary()
    if any(m.hypothetical for m in mentions):
        # "如果伤口流脓怎么办", "吃这个药会不会引起出血": a question about a symptom the patient
        # does not report (symptoms ``Mention.hypothetical``); its words are taken out, its cue
        # asks, and the words of a question about a complaint may stand (怎么处理, 去医院).
        about = True
        chars = list(form)
        for m in mentions:
            if m.hypothetical:
                chars[m.span[0] : m.span[1]] = [" "] * (m.span[1] - m.span[0])
        form = "".join(chars).replace(" ", "").replace("、", "")  # 比如头痛、呕吐吗
    # The operation the question is asked after ("膝盖置换后可以上下楼梯吗", "剖腹产后多久可以
    # 抱孩子"): a short lead naming it, a procedure word and an "after" word is read as 术后
    # (filler), like a named disease below; the rest must still be a care question. After the
    # symptoms asked about are taken out: their spans index the clause as written.
    lead = _procedure_lead().match(form)
    if lead and lead.end() < len(form):
        form = "术后" + form[lead.end() :]
    # A disease named in the question is what it asks about ("癫痫会不会遗传", "癫痫病人能吃这个药
    # 吗": a general question about a disease, no complaint now; noticed r2 item 6): the one
    # condition vocabulary (clinical.knowledge.conditions) names it, read as 这个病, and the words
    # of a question about it may stand as about a complaint (会不会遗传, 要紧吗).
    named = sorted(conditions.read_conditions(form), key=lambda m: -m.span[0])
    for m in named:
        form = form[: m.span[0]] + "这个病" + form[m.span[1] :]
    about = about or bool(named)
    if about:
        # when to take it (#15 round 6): 坐车前吃什么, 睡觉前吃还是早上吃 (discourse.yaml
        # ``everyday_settings`` with the circumstance markers 前/后/的时候)
        words = words + tuple(_words("everyday_settings", "circumstance_markers"))
        # beside a complaint or a symptom asked about, the words of such a question too
        # (要唔要去急诊, 是打120还是自己去医院: discourse.yaml ``hypothetical_*``)
        cues, extra = _hypothetical_vocabulary()
        markers = markers + cues
        words = words + cues + extra
        markers = markers + _concern_words()
        words = tuple(sorted(words + _concern_words(), key=len, reverse=True))
    for lead in ("就是", "但是", "另外", "还有", "还想", "顺便"):
        if form.startswith(lead):
            form = form[len(lead) :]
            break
    if len(form) > 2 and form.endswith(_FINAL_QUESTION):
        form = form[: -len(_FINAL_QUESTION)] + "吗"  # "可以洗澡不", "要紧不": a yes/no question
    # 么 asks (要么, 能行么), but not inside a degree word (这么, 那么, 多么: 这辈子没这么疼过)
    probe = form.replace("这么", " ").replace("那么", " ").replace("多么", " ")
    # a guess put as a question (就行吧, 可以吧, 对吧: 现代汉语八百词 吧 "表示揣测、疑问") asks as a
    # question mark does; its words must still all be question words (#15 round 6)
    asked = asked or (len(form) > 2 and form.endswith("吧"))
    if not asked and not _HOW_MANY.search(probe) and not any(m in probe for m in markers):
        return False
    # A medicine named in the question is a care topic ("阿莫西林饭前吃还是饭后吃"): the one drug
    # vocabulary (clinical.knowledge.drugs) names it; any other word still leaves it unread.
    for name in sorted(drugs.names_in(form), key=len, reverse=True):
        form = form.replace(name, "药")
    if not _CJK.search(_strip_run(form, words)):
        return True
    # a dose asked about, taken out only where the words do not read the question already
    # (下一次多久能再吃: 下一次 is a word of its own)
    return not _TAKEN.search(form) and not _CJK.search(_strip_run(_DOSE.sub("", form), words))


# A dose asked about (#15 round 6): one or two units, half a unit, "how many", the second or third
# dose. Larger amounts, and an amount the patient says was already taken (吃了, 已经: ``_TAKEN``),
# stay for a clinician (an overdose is asked about in the same words).
_DOSE = re.compile(
    r"(?:第[23二三]|[12一两半几]|0\.5|1-2|一两)个?(?:片|粒|颗|袋|包|支|毫升|ml|勺|滴|喷|次|回|顿)"
)
_HOW_MANY = re.compile(r"几个?(?:片|粒|颗|袋|包|支|毫升|ml|勺|滴|喷|次|回|顿)")  # asks as 吗 does
_TAKEN = re.compile(r"吃了|服了|喝了|用了|吃过|已经|吞")


# Who the patient is (#15 round 6): a clause that only says whose question it is or the
# patient's age or weight ("我是帮我老公问的", "我爸70了", "他今年四十出头", "我外孙女3岁", "他25kg")
# says nothing about a complaint; the request carries age and weight as data.
_PATIENT_AGE = re.compile(
    rf"(?:今年|已经|都)?(?:\d+|[{counts.NUMERALS}十]+)(?:岁半?|周岁|个月|十)?(?:多|出头|左右|了|啦)*"
)
_WEIGHT = re.compile(r"(?:体重)?\d+(?:\.\d+)?(?:kg|斤)(?:左右|多|了)*")
_ASKER = re.compile(r"(?:我是|是)?(?:帮|替|给)(.{1,5}?)(?:问问|问一下|问下|问|咨询一下|咨询)的?")


# What the patient can still do (#15 round 6): "能吃能睡", "照常上学", "奶也喝了", "还能走", "能动":
# an ability or an everyday activity going on as usual, said of no body part (a body word in
# the clause is no word of this reader, so "手腕能动" is read only as before). Source: NICE NG143
# traffic-light table (feeding, activity: responds normally, stays awake or wakens quickly).
_FUNCTIONING = re.compile(
    r"(?:能|还能|都能|也能|照常|照样|照旧|正常|还在|在)"
    r"(?:吃饭|吃奶|喝奶|吃东西|睡觉|上学|上班|干活|下地|走路|吃|喝|睡|玩|走|动)"
    r"|(?:奶|饭|水|东西)(?:也|都)?(?:喝了|吃了|能喝|能吃|正常)"
    r"|精神头?(?:也|都)?(?:还|挺|很|特别|蛮)?(?:好|行|不错|足|可以)"
)


# How bad it is, graded down, and nothing else (#15 round 6): "不厉害", "不算太疼", "也不太严重",
# "没别的症状", "没有其他不舒服". A degree denied names no complaint (the complaint is read in its own
# clause and keeps its level); a body word or any other word leaves the clause as before.
_MILD_GRADE = re.compile(
    r"(?:也|都|还|倒)?不(?:算|太|怎么|是很|是特别|很|特别|是太)?太?(?:厉害|严重|疼|痛|难受|明显)"
    r"|没(?:有)?(?:别的|其他|其它|啥别的|什么别的|啥其他|什么其他)(?:的)?(?:症状|不舒服|毛病|问题)"
)


def graded_mild(clause: str) -> bool:
    """Whether ``clause`` only grades a complaint down or says there is nothing else
    (``_MILD_GRADE``), with leading words, hedges and particles; a symptom in it only denied."""
    return _only_pattern(clause, _MILD_GRADE, _mild_vocabulary(), denied=True)


def functioning(clause: str) -> bool:
    """Whether ``clause`` only says what the patient can still do (``_FUNCTIONING``), with
    leading, time and subject words and particles: no symptom, no other word."""
    return _only_pattern(clause, _FUNCTIONING, _functioning_vocabulary())


def _only_pattern(
    clause: str, pattern: re.Pattern[str], words: tuple[str, ...], *, denied: bool = False
) -> bool:
    """The grammar ``graded_mild`` and ``functioning`` share: ``clause`` holds a match of
    ``pattern``, every Chinese character of it is inside a match or one of ``words``
    (``_covered``), and it names no symptom (with ``denied``: none the patient does not deny)."""
    form = normalise(clause)
    if not form or not pattern.search(form):
        return False
    mentions = symptoms.find_symptoms(form)
    if denied:
        mentions = [m for m in mentions if not m.negated]
    if mentions:
        return False
    return _covered(form, words, (pattern,))


def _longest(words: set[str] | frozenset[str]) -> tuple[str, ...]:
    """``words`` longest first, the order every word run of this module reads in."""
    return tuple(sorted(words, key=len, reverse=True))


@cache
def _mild_vocabulary() -> tuple[str, ...]:
    """What may stand beside ``_MILD_GRADE``: leading words, hedges and particles."""
    return _longest({normalise(w) for w in _LEADING} | set(_hedges()) | set(_PARTICLES))


@cache
def _functioning_vocabulary() -> tuple[str, ...]:
    """What may stand beside ``_FUNCTIONING``: leading, time and person words and particles."""
    words = {normalise(w) for w in _LEADING} | _words("time_words") | set(_people())
    return _longest(words | set(_PARTICLES))


@cache
def _people() -> tuple[str, ...]:
    data = _data()
    keys = ("subject_words", "family_subjects", "relatives", "parents")
    words = {normalise(w) for k in keys for w in data[k]}
    words |= {normalise(w) for w in _POSSESSIVE}
    return tuple(sorted(words, key=len, reverse=True))


def patient_statement(clause: str) -> bool:
    """Whether ``clause`` only says who is asking for whom or who the patient is, by age or
    weight (``_ASKER``, ``_PATIENT_AGE``, ``_WEIGHT``) with person words (discourse.yaml
    ``subject_words``, ``family_subjects``, ``relatives``, ``parents``) and particles: no
    symptom, no other word."""
    form = normalise(clause)
    if not form or symptoms.find_symptoms(form):
        return False
    people = _people()
    hit = _ASKER.fullmatch(form.rstrip("".join(_PARTICLES)))
    if hit is not None:
        return not _CJK.search(_strip_run(hit.group(1), people))
    rest = _strip_run(form, people)
    if not rest or rest == form and not re.match(r"\d", rest):
        return False  # no person named: a bare number is read elsewhere or stays unread
    return bool(_PATIENT_AGE.fullmatch(rest) or _WEIGHT.fullmatch(rest))


@cache
def _hypothetical_vocabulary() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the cues that make a clause ask about a symptom, the other words such a question
    holds: discourse.yaml ``hypothetical_*``, when (``time_words``) and the lexicon's words
    around a complaint), matching form."""
    data = _data()
    cues = {
        normalise(w)
        for k in (
            "hypothetical_cues",
            "hypothetical_question_cues",
            "hypothetical_object_cues",
            "hypothetical_after",
        )
        for w in data[k]
    }
    extra = {
        normalise(w)
        for k in (
            "hypothetical_words",
            "hypothetical_ends",
            "time_words",
            "hypothetical_instructed",
        )
        for w in data[k]
    }
    # and what the lexicon understands around a complaint (body sites, degree and intensity
    # words: 如果胸口疼得厉害怎么办)
    extra |= symptoms.understood_words()
    return tuple(sorted(cues, key=len, reverse=True)), tuple(sorted(extra, key=len, reverse=True))


# A sentence-final 不 makes a yes/no question in everyday speech ("可以洗澡不", "要紧不"); only
# at the very end of a clause ("不吃药" is a statement and stays as it is).
_FINAL_QUESTION = "不"


@cache
def _concern_words() -> tuple[str, ...]:
    words = (normalise(w) for w in _data()["concern_questions"])
    return tuple(sorted(words, key=len, reverse=True))


@cache
def _improving_vocabulary() -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = _data()

    def longest(key: str) -> tuple[str, ...]:
        return tuple(sorted((normalise(w) for w in data[key]), key=len, reverse=True))

    return longest("improving_compared_to"), longest("improving_words")


_IMPROVING_LEAD = (
    "有时候",
    "有时",
    "已经",
    "感觉",
    "明显",
    "稍微",
    "都",
    "也",
    "还",
    "会",
    "就",
    "略",
    # a contrast or progressive lead before the improvement (不过一天比一天好, 但在慢慢好): #15
    # follow-up benign r5; 现代汉语八百词 不过/但 (转折), 在 (进行)
    "不过",
    "但是",
    "但",
    "在",
)


def improving(clause: str) -> bool:
    """Whether ``clause`` only says that things are getting better: leading time or subject words,
    an optional comparison (比前几天), an improvement word (好一些了, 减轻了), nothing else and no
    symptom ("比前几天好一些了", "伤口比刚出院时好多了"). A symptom in it → False: the symptom is
    read and keeps its own level."""
    form = normalise(clause)
    if not form or symptoms.find_symptoms(form):
        return False
    rest = form
    for lead in _LEADING:
        if rest.startswith(lead):
            rest = rest[len(lead) :]
            break
    subject = next((w for w in _subjects() if rest.startswith(w)), None)
    if subject:
        rest = rest[len(subject) :]
    compared, better = _improving_vocabulary()
    rest = _strip_run(rest, _IMPROVING_LEAD)
    cmp = next((w for w in compared if rest.startswith(w)), None)
    if cmp:
        rest = rest[len(cmp) :]
    rest = _strip_run(rest, _IMPROVING_LEAD)
    word = next((w for w in better if rest.startswith(w)), None)
    if word is None:
        return False
    return not _CJK.search(_strip_run(rest[len(word) :], ("很多", "不少", "一些", "些")))


_PARTICLES = frozenset("的了啊呢吧呀哈都也还就嘛㗎啦喔哦嘞咯")


_PHRASE_KINDS = (
    "reassuring_phrases",
    "courtesy_phrases",
    "qualifier_phrases",
    "background_phrases",
    "worry_phrases",
)
# Kinds that qualify or introduce but say nothing about how the patient is: a clause of these
# alone is read, yet never makes an answer an acknowledgement ("女，26岁" still goes to a person;
# "我很担心" is a feeling about the illness, no symptom and no acknowledgement).
_SAYS_NOTHING = frozenset({"qualifier_phrases", "background_phrases", "worry_phrases"})


@cache
def _phrases() -> tuple[tuple[str, str], ...]:
    """(phrase, kind) of symptoms.yaml's phrase lists and resolving courses, longest first."""
    data = _data()
    rows = [(normalise(w), kind) for kind in _PHRASE_KINDS for w in data.get(kind, [])]
    # #15 round 4: how the patient still manages is reassurance; the usual course a qualifier
    rows += [(normalise(w), "reassuring_phrases") for w in data["functioning_phrases"]]
    rows += [
        (normalise(w), "qualifier_phrases")
        for k in ("recurring_course", "provoking_moves", "when_worst", "care_plans", "time_words")
        for w in data[k]
    ]
    rows += [  # a resolving course: "睡一觉就好了", "一会儿就止住了" (symptoms.yaml)
        (normalise(lead + end), "qualifier_phrases")
        for lead in data["resolving_leads"] + data["resolving_actions"]
        for end in data["resolving_endings"] + data["resolving_results"]
    ]
    rows += [  # worry with its degree: "很担心", "有点发愁" (discourse.yaml, noticed r2)
        (normalise(lead + w), "worry_phrases")
        for lead in data.get("worry_leads", [])
        for w in data.get("worry_phrases", [])
    ]
    rows += [  # a relative writing for the patient: "我是他女儿" (symptoms.yaml, #15 r3)
        (normalise(lead + who), "courtesy_phrases")
        for lead in data.get("relative_leads", [])
        for who in data["relatives"] + data["parents"]
    ]
    rows += [  # a request for help: "我想咨询一下", "麻烦医生指导一下" (discourse.yaml, #15/#23)
        (normalise(lead + act), "courtesy_phrases")
        for lead in data.get("request_leads", [])
        for act in data.get("request_acts", [])
    ]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def phrase_kinds(clause: str) -> set[str] | None:
    """The kinds of phrase ``clause`` is made of (symptoms.yaml ``reassuring_phrases``,
    ``courtesy_phrases``, ``qualifier_phrases``, with leading time words and particles), or
    None when anything else is left in it."""
    rest = normalise(clause)
    hedge = next((w for w in _hedges() if rest.startswith(w)), None)
    if hedge:  # 大概, 应该 (#15 round 6): the hedge only, particles after it stay for the run
        rest = rest[len(hedge) :]
    for lead in _LEADING:
        if rest.startswith(lead):
            rest = rest[len(lead) :]
            break
    found = _phrase_run(rest)
    if found is None:
        for own in _POSSESSIVE:
            # a subject word that starts like a possessive is the subject (家里人, not 家里 + 人)
            longer = any(rest.startswith(w) and len(w) > len(own) for w in _subjects())
            if rest.startswith(own) and not longer:
                rest = rest[len(own) :]
                break
        subject = next((w for w in _subjects() if rest.startswith(w) and rest != w), None)
        found = _phrase_run(rest[len(subject) :]) if subject else None
        if found is None and subject:
            # #15 round 4: a subject, then when ("她平时身体挺好的", "孩子今天精神还行")
            found = _phrase_run(_strip_run(rest[len(subject) :], _run_leads()))
    if found is None:
        found = _site_fine(rest)
    return found


@cache
def _run_leads() -> tuple[str, ...]:
    """Words that may open the rest of a clause after its subject: the leading words, time
    words and subjects (matching form, longest first)."""
    words = {normalise(w) for w in _LEADING} | _words("time_words") | set(_subjects())
    words |= set(_hedges())
    return tuple(sorted(words, key=len, reverse=True))


@cache
def _hedges() -> tuple[str, ...]:
    return tuple(sorted(_words("hedge_words"), key=len, reverse=True))


@cache
def _site_words() -> tuple[str, ...]:
    """The body words of the shared lexicon (``symptoms.body_words``: every word of
    ``symptom_sites.csv``, with or without a pain concept, so 脸, 手指, 耳朵 too; #15 round 5),
    longest first."""
    return tuple(sorted(symptoms.body_words(), key=len, reverse=True))


def _site_fine(rest: str) -> set[str] | None:
    """A body-site word of the shared lexicon, then only that it is fine ("膝盖没事", "脸不肿",
    "腿不麻": discourse.yaml ``site_reassurance``): reassurance, no symptom reported."""
    site = next((w for w in _site_words() if rest.startswith(w) and rest != w), None)
    if site is None or symptoms.find_symptoms(rest):
        return None
    tail = _strip_run(rest[len(site) :], _site_reassurance())
    return {"reassuring_phrases"} if not tail else None


@cache
def _site_reassurance() -> tuple[str, ...]:
    return tuple(sorted(_words("site_reassurance", "function_words"), key=len, reverse=True))


def _phrase_run(rest: str) -> set[str] | None:
    kinds: set[str] = set()
    while rest:
        background = _AGE.match(rest) or _DURATION.match(rest)
        if background:  # "26岁", "今年56岁了", "两年了", "2个月": who and how long
            rest = rest[background.end() :]
            kinds.add("background_phrases")
            continue
        count = _COUNT.match(rest) or _COURSE.match(rest)
        if count:  # "1天2次", "2-3天1次", "出院第10天了": how often or how long, a qualifier
            rest = rest[count.end() :]
            kinds.add("qualifier_phrases")
            continue
        # a phrase before a particle: "还行" is a phrase, not the particle 还 and then 行
        hit = next(((p, k) for p, k in _phrases() if rest.startswith(p)), None)
        if hit is not None:
            rest = rest[len(hit[0]) :]
            kinds.add(hit[1])
            continue
        if rest[0] in _PARTICLES:
            rest = rest[1:]
            continue
        introduction = _INTRODUCTION.match(rest)
        if introduction:  # "我是上周做胆囊手术的那个": who is writing, courtesy
            rest = rest[introduction.end() :]
            kinds.add("courtesy_phrases")
            continue
        return None
    return kinds or None


# How often or how long, in digits (1天2次, 2-3天1次, 这2天, 3个): times but not 趟, days, weeks
# (not 星期 or 礼拜: ``_DURATION``'s), meals, and 个 alone.
_COUNT = re.compile(
    rf"(?:(?:{counts.alt(counts.WHICH)})?{counts.ARABIC}(?:个)?"
    rf"(?:{counts.alt(counts.TIMES, counts.DAYS, '周', counts.MEALS, without=('趟',))}|个)|每天|一天)+"
)


# An age (#15/#23, mined): "26岁", "今年56岁了", "3岁半" (numerals in words are digits in the
# matching form: 二十六岁 → 26岁); #15 round 4: "今年55" (this year's age, 岁 left out).
_AGE = re.compile(r"(?:今年|已经)?\d+(?:周)?岁(?:半|多)?|今年\d{1,3}(?!\d)")
# How long (#15/#23, mined): "2个月", "两年了", "半年多" (a week or a day is ``_COUNT``'s).
_DURATION = re.compile(
    rf"(?:\d+|[一两几半])(?:个)?多?(?:{counts.alt(counts.LONG, without=('周', '个月'))})多?"
)


# How long since discharge or the operation (#15 r3): "出院第10天了", "术后2周", "回家3天了".
_COURSE = re.compile(
    r"(?:出院|手术|术后|做完手术|回家|回来)(?:后|以后)?第?\d+(?:个)?"
    rf"(?:{counts.alt('天', '周', '月')})(?:了)?"
)


# Who is writing (#15 r3): "我是上周做胆囊手术的那个(病人)": a surgery and when, nothing else.
_INTRODUCTION = re.compile(
    r"我是(?:上周|上个月|前几天|昨天|前天|\d+号|\d+床)?(?:刚)?(?:做|动)完?"
    r"[\u4e00-\u9fff]{0,6}?手术的那个(?:病人|患者)?"
)


@cache
def _subjects() -> tuple[str, ...]:
    data = _data()
    words = (normalise(w) for k in ("subject_words", "family_subjects") for w in data[k])
    return tuple(sorted(words, key=len, reverse=True))


_UNIT_TAIL = re.compile(r"℃|度|mmol/L|mmHg|次/分|次|%|正常|左右|[。.]")


@cache
def _normal_readings() -> tuple[tuple[tuple[str, ...], dict], ...]:
    rows = _data().get("normal_readings", [])
    return tuple((tuple(normalise(w) for w in r["words"]), r) for r in rows)


def normal_reading(clause: str) -> bool:
    """Whether ``clause`` states a reading (体温37.2, 血压128/76, 空腹血糖6.1, 体温三十六度五,
    心跳七十多, 血糖大概7) of a kind in ``normal_readings`` with every value in its normal range,
    and nothing else. The value is the one readings reader's (``clinical.knowledge.readings``:
    exact values, an interval such as 七十多 = 70–79 whole inside the range, or a value said to be
    about, 7左右); a unit other than the kind's own (mg/dL) is never normal here."""
    from clinical.knowledge import readings

    rest = readings.normalise(clause)
    # #15 follow-up benign r5: 下午 and 量 (taken) as 测 (下午量了体温37.2)
    for lead in _LEADING + (
        "早上",
        "晚上",
        "中午",
        "下午",
        "刚才",
        "刚测",
        "测的",
        "测了",
        "刚量",
        "量的",
        "量了",
    ):
        if rest.startswith(lead):
            rest = rest[len(lead) :]
    for words, spec in _normal_readings():
        word = next((w for w in words if rest.startswith(w)), None)
        if word is None:
            continue
        found, unreadable = readings.read_vitals(rest)
        if len(found) + len(unreadable) != 1:
            return False
        got = (found or unreadable)[0]
        at = rest.find(got.text)
        # the reading's label is the row's word or its end (空腹血糖6.1: the label is 血糖)
        if at < 0 or not (word.startswith(rest[:at]) and got.text.startswith(word[at:])):
            return False
        if _CJK.search(_UNIT_TAIL.sub("", rest[at + len(got.text) :])):
            return False
        if isinstance(got, readings.Reading):
            values, unit = got.values, got.unit
        elif got.about is not None:
            values, unit = got.about, got.about_unit
        elif got.bounds is not None and "low2" not in spec:
            lo, hi = got.bounds
            return got.bounds_kind == got.kind and spec["low"] <= lo and hi <= spec["high"]
        else:
            return False
        if unit != readings.UNIT_CODES[got.kind]:
            return False
        ranges = [(spec["low"], spec["high"])]
        if "low2" in spec:
            ranges.append((spec["low2"], spec["high2"]))
        return len(values) == len(ranges) and all(
            lo <= v <= hi for v, (lo, hi) in zip(values, ranges, strict=True)
        )
    return False


def pleasantry(text: str) -> bool:
    """Whether ``text`` is only courtesy and reassurance ("谢谢医生，我挺好的", "好的，知道了"):
    an ``acknowledgement`` that asks nothing (a question still wants a person's answer)."""
    return acknowledgement(text, questions=False)


def acknowledgement(text: str, *, questions: bool = True) -> bool:
    """Whether ``text`` says nothing the engine needs to judge: every clause is courtesy,
    reassurance, an acknowledgement ("好的，知道了", "谢谢你们护士，照顾得很周到"), a normal
    reading, an improving course or a question for the care team, and at least one clause is
    not a bare qualifier ("一会儿就好了" alone refers to something unnamed: it stays unread).
    A symptom anywhere → False (it is read by its own rule)."""
    parts = clauses(text)
    if not parts or any(symptoms.find_symptoms(c) for c in parts):
        return False
    said = False
    for clause in parts:
        if normal_reading(clause) or improving(clause) or (questions and care_question(clause)):
            said = True
            continue
        kinds = phrase_kinds(clause)
        if kinds is None:
            return False
        said = said or bool(kinds - _SAYS_NOTHING)
    return said


def reassuring(clause: str) -> bool:
    """Whether ``clause`` holds nothing but reassurance, courtesy or a qualifier."""
    return phrase_kinds(clause) is not None


@dataclass(frozen=True)
class Reader:
    """One reader of ``is_discourse``: ``read`` says whether a clause is wholly of its kind;
    ``doc`` names in one line what it recognises and the round that brought it; ``example`` is a
    real clause only this reader reads. ``question``: called with ``about`` and ``asked``, and
    the only kind that reads a clause whose mentions are all symptoms asked about or a context;
    ``beside_complaint``: read only when another clause holds a complaint the engine reads
    (``about``), since alone it refers to something unseen."""

    name: str
    read: Callable[..., bool]
    doc: str
    example: str
    question: bool = False
    beside_complaint: bool = False


# The readers of ``is_discourse``, in the order they are tried (the first that reads a clause
# names it: ``discourse_reader``). A new kind of discourse is a new row, its words in
# ``data/discourse.yaml``.
READERS: tuple[Reader, ...] = (
    Reader(
        "reassuring",
        reassuring,
        "reassurance, courtesy, a qualifier, background or worry phrases (#15 r1-r4, #15/#23 mined)",
        "伤口已经长好了",
    ),
    Reader(
        "improving",
        improving,
        "an improving course: a comparison and an improvement word (#15 r2, follow-up benign r5)",
        "比前几天好一些了",
    ),
    Reader(
        "normal_reading",
        normal_reading,
        "a reading inside its normal range, discourse.yaml normal_readings (#15 r2)",
        "空腹血糖6.1",
    ),
    Reader(
        "care_question",
        care_question,
        "a question for the care team, or about a complaint beside it (#15 r2, r4-r6, noticed r2)",
        "请问什么时候可以洗澡",
        question=True,
    ),
    Reader(
        "patient_statement",
        patient_statement,
        "who asks for whom, or the patient's age or weight (#15 r6)",
        "我爸70了",
    ),
    Reader(
        "functioning",
        functioning,
        "what the patient can still do, _FUNCTIONING (#15 r6, NICE NG143)",
        "照常上学",
    ),
    Reader(
        "graded_mild",
        graded_mild,
        "a complaint graded down or nothing else besides it, _MILD_GRADE (#15 r6)",
        "不算太疼",
    ),
    Reader(
        "circumstance",
        circumstance,
        "what the patient did before a complaint, everyday_causes (#15 r4)",
        "前天淋了雨",
        beside_complaint=True,
    ),
    Reader(
        "medicine_talk",
        medicine_talk,
        "which medicine the patient has or took and that it helped, medicine_talk (#15 r4)",
        "家里有白加黑",
        beside_complaint=True,
    ),
)


_LEADING = (
    "这几天",
    "今天",
    "目前",
    "现在",
    "暂时",
    "最近",
    "一切",
    "感觉",
    "就是",
    "但是",
    "另外",
    "还有",
    # #15 round 4: 已经一个礼拜了, 平时也这样, 尤其晚上更明显, 其实还好 (not 一般: 身体一般 is an
    # answer, so-so, that a clinician reads)
    "已经",
    "平时",
    "尤其",
    "其实",
    "不过",  # #15 round 6: 不过精神还好 (as 但是)
)


# A possessive before a subject word ("俺家老头子", "我家老伴"): read with the subject (#15 r3).
_POSSESSIVE = ("我们家", "我家", "俺家", "咱家", "家里")


@cache
def understood_words() -> frozenset[str]:
    """Every word of the discourse vocabulary (each list of ``data/discourse.yaml``, the
    leading words and particles of this module), in the matching form: what may stand beside a
    complaint in its clause and says nothing a clinician must read (the safety net's residue
    check, ``clinical.knowledge.unread``)."""
    data = _data()
    words = {normalise(w) for key in _LISTS for w in data[key]}
    words |= {
        normalise(lead + end)
        for lead in data["resolving_leads"]
        for end in data["resolving_endings"]
    }
    words |= {normalise(w) for w in _LEADING + _IMPROVING_LEAD + _POSSESSIVE}
    words |= set(_PARTICLES)
    return frozenset(w for w in words if w)


@cache
def pleasantry_words() -> frozenset[str]:
    """The words pleasantries are made of, in the matching form: the courtesy and reassuring
    phrases of ``data/discourse.yaml`` (谢谢医生, 好的, 挺好, 一切正常), the leading words
    (今天, 感觉) and the particles. The agent reads a message of nothing else as a greeting
    (its own pleasantries besides: 在吗, 再见, hello)."""
    data = _data()
    words = {normalise(w) for key in ("courtesy_phrases", "reassuring_phrases") for w in data[key]}
    words |= {normalise(w) for w in _LEADING}
    words |= set(_PARTICLES)
    return frozenset(w for w in words if w)


@cache
def circumstance_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(``circumstance_markers``, ``injury_words``) of ``data/discourse.yaml`` in the matching
    form: the residue check reads the words before a complaint as a circumstance when they hold
    a marker and no injury word (``clinical.knowledge.unread``)."""
    data = _data()
    return (
        tuple(normalise(w) for w in data["circumstance_markers"]),
        tuple(normalise(w) for w in data["injury_words"]),
    )


@cache
def not_a_bodily_complaint_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(mild, settled) words of ``data/discourse.yaml`` in the matching form, longest first:
    a clause nothing reads that names a body site is partly understood (urgent) unless the
    patient grades it mild (``mild_words``: 有点, 有些, 稍微) or says it is settled
    (``reassuring_phrases``, ``improving_words``, ``resolving_endings``: 不肿了, 清楚多了, 就好了);
    then it stays for clinician review (``clinical.knowledge.unread``)."""
    data = _data()

    def longest(words: list[str]) -> tuple[str, ...]:
        # two characters or more: 好 alone is also the 好 of 好像 (好像有东西往下坠)
        forms = {normalise(w) for w in words}
        return tuple(sorted((w for w in forms if len(w) >= 2), key=len, reverse=True))

    settled = data["reassuring_phrases"] + data["improving_words"] + data["resolving_endings"]
    # a site said to be fine (膝盖没事, 嘴巴都不麻了: guidance r4's `site_reassurance`) is settled too
    settled = settled + data["site_reassurance"]
    # the perfective 了 may stand after the verb of a verb-object phrase instead of after the
    # whole (结痂了 = 结了痂, 消肿了 = 消了肿, 拆线了 = 拆了线: 现代汉语八百词 了₁), so each
    # two-character phrase with its 了 at the end is also settled with 了 inside (#15 r10)
    inner = [w[0] + "了" + w[1] for w in map(normalise, settled) if len(w) == 3 and w[2] == "了"]
    return longest(data["mild_words"]), longest(settled + inner)


@cache
def absence_complaints() -> tuple[str, ...]:
    """The functions of a body part whose absence after a negation is the complaint (左手没有力,
    脚没有知觉, 脚趾没有温度): ``data/discourse.yaml`` ``absence_complaints``, matching form."""
    return tuple(
        sorted({normalise(w) for w in _data()["absence_complaints"]}, key=len, reverse=True)
    )


@dataclass(frozen=True)
class BodyBinding:
    """What makes a body word of an unread clause name no part that feels something (#15 bodily
    round 2, ``data/discourse.yaml``), each in the matching form, longest first: ``heads`` and
    ``leads`` bind it into a longer word (乙肝, 胃镜, 腰椎CT, 糖尿病); ``procedures`` are the
    heads that stop binding with one of ``after`` later in the clause (腿手术后像灌了铅);
    ``findings`` make a body word after them the place of a test or a report (B超提示肝…);
    ``care`` make it the place of care given (手背上打了三天点滴); ``flares`` after a bound
    word say the disease is active now (心脏病发作, 胃病又犯了): the word is named again."""

    heads: tuple[str, ...]
    leads: tuple[str, ...]
    procedures: tuple[str, ...]
    after: tuple[str, ...]
    findings: tuple[str, ...]
    care: tuple[str, ...]
    flares: tuple[str, ...]


@cache
def body_word_binding() -> BodyBinding:
    """The partly-understood check's binding words (``data/discourse.yaml``
    ``bound_body_heads``, ``bound_body_leads``, ``procedure_heads``, ``after_procedure``,
    ``finding_leads``, ``care_acts``, ``flare_words``), read by ``clinical.knowledge.unread.body_named``."""
    data = _data()

    def longest(key: str) -> tuple[str, ...]:
        forms = {normalise(w) for w in data[key]}
        return tuple(sorted((w for w in forms if w), key=len, reverse=True))

    return BodyBinding(
        longest("bound_body_heads"),
        longest("bound_body_leads"),
        longest("procedure_heads"),
        longest("after_procedure"),
        longest("finding_leads"),
        longest("care_acts"),
        longest("flare_words"),
    )


@cache
def position_words() -> tuple[str, ...]:
    """Where on a body part (左边, 下面, 那颗): ``data/discourse.yaml`` ``position_words``,
    matching form, longest first (``clinical.knowledge.unread`` reads a clause of a body word
    and these alone as where a complaint read elsewhere is)."""
    return tuple(sorted({normalise(w) for w in _data()["position_words"]}, key=len, reverse=True))


@cache
def recurring_words() -> tuple[str, ...]:
    """The usual course of a complaint (老毛病了, 平时也这样): ``data/discourse.yaml``
    ``recurring_course``, matching form, longest first (``clinical.knowledge.unread``: a body
    word with these alone says which part's complaint is the usual one)."""
    return tuple(sorted({normalise(w) for w in _data()["recurring_course"]}, key=len, reverse=True))
