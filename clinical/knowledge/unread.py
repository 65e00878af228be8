"""What nothing reads in a patient's words: the one reader of the #15 safety net.

Issue #15: "no symptom text that the system does not FULLY understand may produce routine or
self-care; it produces at least clinician review within 24 h with the unrecognised words
quoted". Every engine (follow-up triage, medkb guidance) asks this module which words of an
answer are not understood; none keeps a copy of its own.

Invariant: every clause of the text is understood or returned, as the patient wrote it.

- Clauses are the one splitter's (``discourse.clause_spans``): sentence punctuation, whitespace,
  a dot that is no decimal point; 、 keeps a list together and a colon a label with its value.
- A clause is read when it holds a symptom concept the engine knows (``known``; present or
  denied), a context statement with only time words around it (刚生完孩子), a reading
  (``readings.is_measurement``: 体温37.9度, 血糖才二点八, 体重60公斤), discourse
  (``discourse.is_discourse``: courtesy, reassurance, a qualifier, a question for the care team,
  an improving course, a normal reading) or what the engine's own ``also_read`` reads (follow-up:
  a bare yes/no answer). Anything else is unread, the whole clause quoted.
- Residue (issue #15 gap: "咳嗽带XX" is one clause, and a concept used to make all of it read):
  in a clause read through a concept, the words that nothing reads are taken apart from what
  is understood (the concept's words, body sites, degree, intensity and time words, numbers
  and readings, negation cues and fillers, medicine names, and the discourse vocabulary:
  subjects, particles, qualifiers, courtesy, questions). Chinese characters left over make the
  clause partly unread, and the residue (from its first to its last unread character, as
  written) is quoted like an unread clause. The residue only ever adds words for a clinician;
  the concept is still read and keeps its own level, so no disposition is lowered.
- Partly understood (#15, task h-partial): a clause in which nothing was read may still NAME
  THE BODY, a whole word of the shared lexicon's body sites (``symptoms.body_words``: 腿上像有
  虫子爬, 肚子里像有把刀在搅, 我妈右手拿筷子老往下掉). The patient describes something about their
  body that we cannot read: ``Unread.body`` holds that word and the engines treat it as the
  residue (follow-up: ``red_flags.yaml`` ``bodily_disposition``). Whole words only, read longest
  first over the layer's vocabulary, so a site inside an everyday word names nothing (心情, 手机,
  头发, 脚步, 腰包, 眼光: discourse.yaml ``subject_words``, ``symptom_blockers.csv``). A clause
  that grades itself mild (有点, 有些: discourse.yaml ``mild_words``), says the part is settled
  (不肿了, 清楚多了, 就好了) or denies something after the site (刀口已经不渗水了) keeps ``body``
  empty and stays words nothing reads (clinician review).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from functools import cache

from clinical.knowledge import conditions, counts, discourse, drugs, readings, symptoms

_CJK = re.compile(r"[\u4e00-\u9fff]")
_STOPS = "。！？!?；;\n"  # a sentence ends: a complaint said again belongs to its own sentence


@dataclass(frozen=True)
class Unread:
    """One clause nothing (or not everything) in was understood: ``clause`` as written;
    ``words`` what is quoted for a clinician (the whole clause, or for a partly read clause its
    residue); ``partial`` whether a concept was read in the clause beside the residue; ``body``
    for a clause in which nothing was read, the body word of the shared lexicon it names ("" when
    it names none, or grades itself mild or settled: ``body_named``)."""

    clause: str
    words: str
    partial: bool = False
    body: str = ""

    @property
    def bodily(self) -> bool:
        """Whether the words are partly understood: unread words beside a read complaint (the
        residue) or naming the body (the engines send both urgent, #15)."""
        return self.partial or bool(self.body)


def unread(
    text: str,
    *,
    known: Collection[str] | None = None,
    also_read: Callable[[str], bool] | None = None,
    residue: bool = True,
) -> list[Unread]:
    """The clauses of ``text`` not fully understood, in text order.

    ``known``: the concepts the engine judges (follow-up: those its rules name, #15); a mention
    of another concept does not read its clause and, beside a known one, is residue. None: every
    concept of the shared lexicon. ``also_read``: the engine's own reader of a whole clause.
    ``residue``: whether clauses read through a concept are checked for unread words."""
    text = text or ""
    spans = discourse.clause_spans(text)
    # Each clause is read on its own: a site or a subject of another clause never reads it
    # ("肚子有点胀，按着右下边就疼": the second clause names no site of its own and stays
    # unread). A mention the lexicon reads as past history (去年胸痛过) is denied now and reads
    # its clause like any denied one; the engine quotes it in its history note.
    # A mention that something earlier in its sentence explains away (symptom_explained.csv:
    # 嗓子哑了，说话费劲, the cause a clause before) reads its clause no more than it reads the
    # whole message: the clause stays unread, for a clinician to review (not a bodily complaint:
    # the lexicon knows its cause, 晚饭吃了花椒，嘴唇麻了一下).
    read = [
        [m for m in symptoms.find_symptoms(text[a:b]) if known is None or m.concept in known]
        for a, b in spans
    ]
    unexplained = [
        [m for m in ms if not symptoms.explained(text, a + m.span[0], a + m.span[1], m.concept)]
        for ms, (a, _) in zip(read, spans, strict=True)
    ]
    explained = [len(u) < len(ms) for u, ms in zip(unexplained, read, strict=True)]
    # what each clause reads: its unexplained mentions and a complaint said again (``_repeats``)
    found = _repeats(text, spans, unexplained, known)
    # a question beside a complaint, or beside a symptom asked about (如果胸口痛，要唔要去急诊)
    about = any(
        (m.hypothetical or not m.negated) and not symptoms.is_context(m.concept)
        for ms in found
        for m in ms
    )
    # the sites of the complaints the message reports (where a clause of a body word alone points)
    sites = {
        s
        for ms in found
        for m in ms
        if not m.negated and not symptoms.is_context(m.concept)
        for s in (m.site, m.concept)
        if s
    }
    out: list[Unread] = []
    for (start, end), inside, cause_known in zip(spans, found, explained, strict=True):
        clause = text[start:end].strip()
        # A clause whose symptoms are all asked about (如果伤口流脓怎么办) is read only as a
        # question for the care team (``discourse.is_discourse``), else it stays unread.
        if any(not symptoms.is_context(m.concept) and not m.hypothetical for m in inside):
            if residue:
                words = _residue(text[start:end], inside)
                if words:
                    out.append(Unread(clause, words, partial=True))
            continue
        if inside and _only_context(clause):
            continue  # "刚生完孩子", "上周刚做完化疗": a context statement, read in full
        if denial_or_history(clause):
            continue  # "没有出血", "以前得过脑梗": a denial or a history, understood
        if also_read is not None and also_read(clause):
            continue
        if readings.is_measurement(clause) or _label_before_number(text, start, end):
            continue  # read by the one reader of readings (exact, or sent on as unreadable)
        asked = text[end : end + 1] in ("?", "？")  # the patient's own question mark
        if discourse.is_discourse(clause, about=about, asked=asked) or _where(clause, sites):
            continue
        out.append(Unread(clause, clause, body="" if cause_known else body_named(clause)))
    return out


def _where(clause: str, sites: set[str]) -> bool:
    """Whether ``clause`` only says where a complaint read in another clause is: body words of
    the shared lexicon whose site (or that site's pain concept) the message reports, and
    position words (discourse.yaml ``position_words``: "牙疼，左边下面的大牙") or the usual course
    (``recurring_course``: "膝盖老毛病了，阴天下雨就疼"), nothing else (#15 round 5). A body word of
    a site no complaint names stays partly understood."""
    if not sites:
        return False
    form = symptoms.matching_form(clause)[0]
    named = False
    rest = form
    for w, names in _site_words():
        if w in rest:
            if not names & sites:
                return False
            named = True
            rest = rest.replace(w, " ")
    for w in discourse.position_words() + discourse.recurring_words():
        rest = rest.replace(w, " ")
    return named and not _CJK.search(rest)


@cache
def _site_words() -> tuple[tuple[str, frozenset[str]], ...]:
    """The shared lexicon's body-site words, longest first, each with what it names (its site
    and that site's pain concept: ``symptoms.lexicon().site_of``), sorted once for ``_where``."""
    site_of = symptoms.lexicon().site_of
    return tuple((w, frozenset(site_of[w])) for w in sorted(site_of, key=len, reverse=True))


def body_named(clause: str) -> str:
    """The body word of the shared lexicon that ``clause`` names as a whole word (matching
    form), or "" when it names none, or when the clause grades it mild (有点, 有些), says it is
    settled (不肿了, 清楚多了, 就好了) or denies something right after the site (刀口已经不渗水了,
    嘴里没啥味儿). Read longest first over the layer's vocabulary, so that 心情, 手机, 头发, 枕头
    name no body part."""
    form = symptoms.matching_form(clause)[0]
    words = _words(form)
    body = symptoms.body_words()
    named = [i for i, w in enumerate(words) if w in body]
    # #15 bodily round 2: a body word bound in a diagnosis, a test, a procedure or a medicine
    # (乙肝, 胃镜, 腰椎CT, 糖尿病, 胃乃安), the place of a reported finding (B超提示肝…) or told
    # as history (小时候腿摔断过) names no part that feels something now.
    starts = [sum(len(w) for w in words[:i]) for i in range(len(words))]
    named = [i for i in named if not _not_felt(form, starts[i], starts[i] + len(words[i]))]
    if not named:
        return ""
    mild, settled = discourse.not_a_bodily_complaint_words()
    # What is said of the body comes after its first body word (其他还好但是脚趾头发凉变白: 还好
    # is said of the rest): a mild word there wherever it stands (还有点肿: 还有 is a word of
    # its own), a settled word there as a whole word.
    after = words[named[0] + 1 :]
    if any(w in "".join(after) for w in mild) or any(w in settled for w in after):
        return ""
    if any(_denied_after(words, i) for i in named):
        return ""
    return words[named[0]]


def _not_felt(form: str, start: int, end: int) -> bool:
    """Whether the body word ``form[start:end]`` of an unread clause names no part that feels
    something (#15 bodily round 2, discourse.yaml ``bound_body_heads`` … ``finding_leads``):

    - bound in a longer word: a head right after it (乙肝 … 肝硬化, 胃炎, 糖尿病, 胃镜, 腰椎CT,
      利尿剂) or a lead right before it (乙肝, 脂肪肝, 剖腹产, 保肝); a procedure or test head
      binds it only while nothing AFTER the procedure follows in the clause (腿手术后像灌了铅:
      what followed is described, the word is named) or what follows is a question for the
      care team (膝盖置换以后多久可以爬楼: ``discourse.care_question``);
    - after a finding lead of a test or a report in the clause (胃镜报告上写着胃窦…, B超提示肝…,
      查了一下胃), with no ``after_procedure`` word between (做完CT回来脖子上…: what followed);
    - the place of care given (手背上打了三天点滴, 在胳膊上抽了三管血: ``_place_of_care``);
    - inside a medicine's name of the one drug vocabulary;
    never when a ``flare_words`` word follows it in the clause (心脏病发作, 胃病又犯了: active now);
    - history by the shared ConText reading (``symptoms.statement_context``: 小时候腿摔断过,
      几年前腰椎做过手术); a relative's is still the patient's (我妈右手拿筷子老往下掉)."""
    bind = discourse.body_word_binding()
    rest, lead = form[end:], form[:start]
    if any(w in rest for w in bind.flares):
        return False  # 心脏病发作, 胃病又犯了: the disease is active now, a current complaint
    head = next((h for h in bind.heads if rest.startswith(h)), "")
    if head:
        later = rest[len(head) :]
        after = [later.find(w) + len(w) for w in bind.after if w in later]
        if head not in bind.procedures or not after:
            return True
        # what follows the procedure is a question for the care team (膝盖置换以后多久可以爬楼),
        # not a description of the part
        if discourse.care_question(later[min(after) :]):
            return True
    if any(lead.endswith(w) for w in bind.leads):
        return True
    for word in bind.findings:
        at = lead.rfind(word)
        if at >= 0 and not any(w in lead[at + len(word) :] for w in bind.after):
            return True
    if _place_of_care(form, bind):
        return True
    for name in drugs.names_in(form):
        at = form.find(name)
        while at >= 0:
            if at <= start and end <= at + len(name):
                return True
            at = form.find(name, at + 1)
    return symptoms.statement_context(form, start, end).past


def _place_of_care(form: str, bind: discourse.BodyBinding) -> bool:
    """Whether the clause ``form`` says where care was given (discourse.yaml ``care_acts``:
    手背上打了三天点滴, 在屁股上打了一针青霉素, 胰岛素都打在肚皮上): it holds a care act, no
    ``after_procedure`` word follows the last one, and at most a count and an object do (four
    Chinese characters besides body words); more words after it describe the part
    (手背上打点滴的地方肿得老高)."""
    ends = [form.rfind(w) + len(w) for w in bind.care if w in form]
    if not ends:
        return False
    rest = form[max(ends) :]
    if any(w in rest for w in bind.after):
        return False
    for word in sorted(symptoms.body_words(), key=len, reverse=True):
        rest = rest.replace(word, "")
    return len(_CJK.findall(rest)) <= 4


def _denied_after(words: list[str], at: int) -> bool:
    """Whether a negation cue of the shared lexicon follows the body word ``words[at]`` with
    only understood words (degree, time, function words, other body words) between: the patient
    says something about that part is absent (小腿已经不肿了, 刀口不渗水了); not when what is absent
    is a function of the part (左手没有力, 脚没有知觉: discourse.yaml ``absence_complaints``)."""
    lex = symptoms.lexicon()
    understood = _body_vocabulary()[1]
    lost = discourse.absence_complaints()
    for k, w in enumerate(words[at + 1 : at + 5], start=at + 1):
        if w in lex.cues:
            # 左手没有力, 脚没有知觉: the absence of a function is the complaint, not a denial
            return not "".join(words[k + 1 :]).startswith(lost)
        if w not in understood:
            return False
    return False


def _words(form: str) -> list[str]:
    """``form`` cut into the layer's words, longest first from the left; a character no word
    starts with stands alone."""
    by_first = _body_vocabulary()[0]
    out: list[str] = []
    i = 0
    while i < len(form):
        word = next((w for w in by_first.get(form[i], ()) if form.startswith(w, i)), form[i])
        out.append(word)
        i += len(word)
    return out


@cache
def _body_vocabulary() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """(every word of the layer by first character, longest first; the understood words): the
    understood vocabulary of the residue check, the blockers (手机, 枕头), the body words, the
    negation cues and the mild and settled words (``body_named``)."""
    mild, settled = discourse.not_a_bodily_complaint_words()
    understood = {w for ws in _vocabulary().values() for w in ws}
    lex = symptoms.lexicon()
    words = understood | set(lex.blockers) | symptoms.body_words() | set(lex.cues)
    words |= set(mild) | set(settled)
    by_first: dict[str, list[str]] = {}
    for w in words:
        if w:
            by_first.setdefault(w[0], []).append(w)
    ordered = {k: tuple(sorted(v, key=len, reverse=True)) for k, v in by_first.items()}
    return ordered, frozenset(understood)


def _repeats(
    text: str,
    spans: list[tuple[int, int]],
    unexplained: list[list[symptoms.Mention]],
    known: Collection[str] | None,
) -> list[list[symptoms.Mention]]:
    """``unexplained`` with a complaint said again added to its clause (#15 round 4): a clause in the shared lexicon reads a pain or quality
    word standing alone as the complaint named just before it in the sentence, the same concept
    at the same site ("肚子都疼，今天又来了，疼得不想动"; "大腿酸痛，下楼梯都疼"; beside the clause's
    own complaint: "牙疼了两天，他说晚上疼得睡不好"). Its other words are still checked as residue. A different complaint before it leaves it unread ("肚子有点胀，走路
    有点疼": the pain of the second clause may be anywhere)."""
    whole = [
        m
        for m in symptoms.find_symptoms(text)
        if (known is None or m.concept in known) and not m.negated
    ]
    out = [list(inside) for inside in unexplained]
    for k, ((start, end), inside) in enumerate(zip(spans, unexplained, strict=True)):
        own = [(a + start, b + start) for a, b in (m.span for m in inside)]
        here = [
            m
            for m in whole
            if start <= m.span[0]
            and m.span[1] <= end
            and not any(a < m.span[1] and m.span[0] < b for a, b in own)
        ]
        before = [m for m in whole if m.span[1] <= start]
        if len(here) != 1:
            continue  # none, or more than the one word said again (疼得打滚: its own flag)
        m = here[0]
        if before:
            last = before[-1]
            between = text[last.span[1] : start]
            same_site = m.site and (m.site == last.site or not last.site)
            said_again = m.concept == last.concept and same_site
            said_again = said_again and not any(ch in between for ch in _STOPS)
        else:
            said_again = False
        if (
            not said_again
            and k
            and not unexplained[k - 1]
            and m.site
            and not _intense(text[start:end])
        ):
            # #15 round 5: no complaint before, the site named alone in the clause just before
            # ("膝盖老毛病了，阴天下雨就疼"); that clause is still read on its own (``_where``: only a
            # body word with position or usual-course words). Not with an intensity word (腿，疼得
            # 打滚): what it makes of a complaint across clauses is for a clinician.
            a, b = spans[k - 1]
            said_again = _site_in(text[a:b], m.site) and not any(
                ch in text[b:start] for ch in _STOPS
            )
        if said_again:
            # the mention in the clause's own coordinates (the residue check reads the clause)
            out[k].append(replace(m, span=(m.span[0] - start, m.span[1] - start)))
    return out


def _intense(clause: str) -> bool:
    """Whether ``clause`` holds an intensity word of the shared lexicon (symptom_intensity.csv)."""
    form = symptoms.matching_form(clause)[0]
    return any(w in form for w in symptoms.intensity_words())


def _site_in(clause: str, site: str) -> bool:
    """Whether ``clause`` holds a body-site word of ``site`` (symptom_sites.csv)."""
    form = symptoms.matching_form(clause)[0]
    return any(w in form and s == site for w, (s, _p) in symptoms.lexicon().site_of.items())


def denial_or_history(clause: str) -> bool:
    """Whether ``clause`` names something, of any shared concept or known disease, and every
    such mention is denied or past (没有出血, 无出血, 以前胃出血过, 以前得过脑梗): a denial is
    understood, and a history is noted for the clinician by the engine (follow-up's history
    notes); what is stated now, known or not, stays for the other checks (review h5)."""
    form = discourse.normalise(clause)
    mentions = symptoms.find_symptoms(form)
    diseases = conditions.read_conditions(form)
    if not mentions and not diseases:
        return False
    if not all(m.negated or m.past for m in [*mentions, *diseases]):
        return False
    # Nothing else may stand in the clause but the shared cue, filler, time and body words
    # (伤口没有出血, 以前得过脑梗): "不出血了但是鼓了个大包" says more than a denial.
    rest = list(form)
    for a, b in [m.span for m in mentions] + [m.span for m in diseases]:
        rest[a:b] = [" "] * (b - a)
    left = "".join(rest)
    for word in _denial_context_words():
        left = left.replace(word, " ")
    return len(_CJK.findall(left)) <= 1


@cache
def _denial_context_words() -> tuple[str, ...]:
    """Words a denial or a history may hold besides what it denies or recalls: the shared
    negation, filler, history and time cues and the body-site words (symptom_negation.csv,
    symptom_sites.csv), longest first."""
    lex = symptoms.lexicon()
    words = {
        *lex.cues,
        *lex.fillers,
        *lex.past_cues,
        *lex.past_start,
        *lex.past_subjects,
        *lex.past_after,
        *lex.now_words,
        *lex.family_before,
        *lex.site_of,
        "病史",
        "患病",
    }
    return tuple(sorted((w for w in words if w.strip()), key=len, reverse=True))


def _label_before_number(text: str, start: int, end: int) -> bool:
    """A measurement label alone with its number in the next clause ("INR 2.5", "体温 38.5"):
    the reading is the label and the number together."""
    label = readings.normalise(text[start:end]).strip()
    rest = readings.normalise(text[end:]).lstrip(" \t:：")
    return label in readings.MEASUREMENT_WORDS and rest[:1].isdigit()


# What may stand around a context statement's term: time words, numbers, particles.
_CONTEXT_FILLER = re.compile(
    rf"[\d{counts.NUMERALS}十几半上下这前本刚已经才的了是在后个天周月年多昨今早晚]+"
)


def _only_context(clause: str) -> bool:
    """A clause whose words are context statements (产后, 化疗后, 卧床) and time words only;
    a context word never makes other words of its clause read ("突然右边腰上一跳一跳的")."""
    rest, _ = symptoms.matching_form(clause)
    for m in symptoms.find_symptoms(clause):
        rest = rest.replace(m.term, " ", 1)
    rest = _CONTEXT_FILLER.sub("", rest.replace(" ", ""))
    return not _CJK.search(rest)


def _residue(text: str, mentions: list[symptoms.Mention]) -> str:
    """The words of the clause ``text`` that nothing reads, as written (from the first to the
    last unread Chinese character), or "" when every word is understood."""
    clause, index = symptoms.matching_form(text)
    read = [False] * len(clause)
    for m in mentions:
        for i, o in enumerate(index):
            if m.span[0] <= o < m.span[1]:
                read[i] = True
    # The concept's other words over its mention ("有点咳" read, 咳嗽 written: 嗽 is its word).
    for m in mentions:
        at = [i for i, o in enumerate(index) if m.span[0] <= o < m.span[1]]
        if not at:
            continue
        for term in _terms_of().get(m.concept, ()):
            # plain substring search: a regular expression per term overflows re's cache
            start = clause.find(term) if term else -1
            while start >= 0:
                if start <= at[-1] and at[0] < start + len(term):
                    read[start : start + len(term)] = [True] * len(term)
                start = clause.find(term, start + len(term))
    read_by_concept = list(read)
    # 死 as a degree word of the complaint itself (累死了, 疼死了, 胀得要死: the crisis grammar's
    # ``figurative`` spans, 现代汉语词典 死⑥) is understood when the span holds the complaint's
    # own words; 死 standing apart from every complaint (肚子胀，要死了) still goes to a clinician
    # (#15 round 5).
    for hit in symptoms.crisis_grammar().figurative.finditer(clause):
        if any(read_by_concept[hit.start() : hit.end()]):
            read[hit.start() : hit.end()] = [True] * (hit.end() - hit.start())
    for pattern in (_NUMBER, _COUNT, _CONTEXT_FILLER, symptoms.DENIED_DEGREE):
        for hit in pattern.finditer(clause):
            read[hit.start() : hit.end()] = [True] * (hit.end() - hit.start())
    for words in (
        [r.text for r in readings.read_vitals(clause)[0]],
        [r.text for r in readings.read_vitals(clause)[1]],
        drugs.names_in(clause),
        drugs.class_words_in(clause),  # 降压药 in 昨天忘了吃降压药 (the lead's probes, #15)
    ):
        for w in words:
            _mark(clause, symptoms.matching_form(w)[0] if w else "", read)
    # Every word of the understood vocabulary, wherever it stands (also across a character
    # already read: 上下楼 after 上 and 下 were read as time words).
    vocabulary = _vocabulary()
    for i, ch in enumerate(clause):
        hit = next((w for w in vocabulary.get(ch, ()) if clause.startswith(w, i)), None)
        if hit is not None:
            read[i : i + len(hit)] = [True] * len(hit)
    for i in range(1, len(clause)):  # a reduplicated character (木木的, 痒痒的)
        if not read[i] and read[i - 1] and clause[i] == clause[i - 1]:
            read[i] = True
    left = [i for i, ch in enumerate(clause) if not read[i] and _CJK.match(ch)]
    first = min((i for i, r in enumerate(read_by_concept) if r), default=0)
    if left and left[0] < first and _circumstance(clause[:first]):
        left = [i for i in left if i >= first]
    if not left:
        return ""
    return text[index[left[0]] : index[left[-1]] + 1].strip()


def _circumstance(lead: str) -> bool:
    """Whether ``lead`` (the words before the first complaint of a clause) says what the
    patient was doing: a circumstance marker in it and no injury word (discourse.yaml). The
    marker 得 (抱孩子抱得腰酸背痛, 走路走得脚疼) only after an activity: after a body word of the
    shared lexicon, named as a whole word (``body_named``), it says how that part is (肚子绷得
    紧紧的还发烧: a tense belly, in cirrhosis a danger), not what the patient did."""
    markers, injuries = discourse.circumstance_words()
    if any(w in lead for w in injuries) or not any(m in lead for m in markers):
        return False
    return not ("得" in lead and body_named(lead[: lead.index("得")]))


def _mark(clause: str, word: str, read: list[bool]) -> None:
    at = clause.find(word) if word else -1
    while at >= 0:
        read[at : at + len(word)] = [True] * len(word)
        at = clause.find(word, at + len(word))


_NUMBER = re.compile(counts.ARABIC)
# How often or how long: 3天, 两三次, 好几回, 一阵, 半天, 一会儿 (numbers are digits already);
# about ten times: 十来次, 二十来回 (noticed r2 item 2: a count of a complaint; a duration such
# as 十来分钟 is left as it was). A filler count takes more units than a term's quantity (声, 块,
# 坨, 片, 点, 些, 顿, 年…), but not 趟 after a plain number, 星期 or 礼拜, 分 or 秒, 大口 or a vessel.
_FILLER_UNITS = counts.alt(
    *(counts.TIMES, counts.DAYS, counts.LONG, counts.WHILE, counts.BOUTS, counts.SOUNDS),
    *(counts.MEALS, counts.LUMPS, counts.SOME, "小时", "分钟", "滴", "口"),
    without=("趟", "星期", "礼拜"),
)
_COUNT = re.compile(
    rf"{counts.ABOUT_TENS}(?:{counts.alt(counts.TIMES)})|"
    rf"(?:好|{counts.alt(counts.WHICH)})?(?:\d+|[{counts.NUMERALS}十几半]+)(?:个)?"
    rf"(?:{_FILLER_UNITS})"
)


@cache
def _terms_of() -> dict[str, tuple[str, ...]]:
    """Each concept's terms (matching form), from the shared lexicon."""
    out: dict[str, list[str]] = {}
    for form, concept, _site in symptoms.lexicon().terms:
        out.setdefault(concept, []).append(form)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _vocabulary() -> dict[str, tuple[str, ...]]:
    """Every word the knowledge layer understands around a complaint, by first character,
    longest first: the shared lexicon's body sites, degree, intensity and negation words and
    the discourse vocabulary (``data/discourse.yaml``)."""
    words: set[str] = set()
    words |= symptoms.understood_words()
    words |= discourse.understood_words()
    by_first: dict[str, list[str]] = {}
    for w in words:
        if w:
            by_first.setdefault(w[0], []).append(w)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in by_first.items()}
