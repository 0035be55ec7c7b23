"""Find the quotes of one article: direct ones in quote marks, indirect ones after a
verb of saying, and the speaker of each.

The finder works in three passes. Quote marks first: each quoted stretch looks for a
cue and a speaker right after it (“…,” Lavrov said) or right before it (He added: “…”);
a quote with neither continues the one before it when it opens a sentence. Then each
remaining cue makes an indirect quote from the clause it governs (Peskov said that …;
…, according to Stoltenberg). Quoted words inside that clause become its partial quotes;
quote marks left over join a sentence whose subject used a weaker cue ("accused
Washington of 'priming' opinion"), or are dropped as scare quotes. Last, speakers are
resolved in reading order (see :mod:`.people`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ...text import close_quotation, drop_stray_closer
from .cues import cue_at, nounish, skip_forward
from .doc import (_MARKS, _STOP, _Doc, _honorific_dot, _inside, _ltrim, _rtrim, _span,
                  _time_tokens, _tok_end)
from .lexicon import BARE_FORMS, DIRECT_ONLY_FORMS, PRONOUNS, SPEECH_FORMS, THAT_ONLY_FORMS
from .marks import QuoteMarks, find_quoted, normalise_marks
from .people import People, Person, Resolution
from .subjects import (_TELL, _THAT, _TOPIC, _comma_content, _np_to_comma, _objectish,
                       _speaker_before, _subject_start)
from .tokens import scan_right

__all__ = ["Quote", "find_quotes"]

#: a token range [start, end)
Range = tuple[int, int]

_GAP_OK = {"on", "in", "to", "at", "during", "after", "via", "last", "this", "reporters",
           "journalists", "monday", "tuesday", "wednesday", "thursday", "friday",
           "saturday", "sunday", "yesterday", "today", "earlier", "also", "then", "later"}


@dataclass
class Quote:
    start: int
    end: int
    kind: str
    cue: tuple[int, int]
    speaker: tuple[int, int] | None
    partial: list[tuple[int, int]] = field(default_factory=list)
    resolution: Resolution | None = None
    group: int = -1  # quotes sharing a cue and speaker (a quote and its continuation)


def _direct_after(d: _Doc, q: QuoteMarks, pend: int) -> tuple[Range, Range | None] | None:
    """Cue and speaker right after a quote: “…,” X said / said X / according to X."""
    if not _opens_sentence(d, q) and d.text[q.inner_start:q.inner_end].rstrip()[-1:] \
            not in ",.!?…—-":
        return None  # a title or a term in mid-sentence (on ''The Late Show'' last month)
    i = d.tok_index(q.end)
    lim = min(pend, i + 40)
    k = i
    while k < lim and d.toks[k].text in {",", "—", "–", "-"}:
        k += 1
    depth = 0
    for c in range(k, lim):
        t = d.toks[c]
        depth += (t.text == "(") - (t.text == ")")
        if depth > 0 or t.text == ")":
            continue  # Rep. Earl Blumenauer (D-Ore.) said
        if (t.text in _STOP and not _honorific_dot(d, c)) or t.text in _MARKS:
            break
        cue = cue_at(d.toks, c)
        if not cue:
            continue
        if d.toks[c].low == "according":
            sp = scan_right(d.toks, cue[1], pend) if c <= k + 1 else None
            return (cue, sp) if sp else None
        if c == k:  # said X
            sp = scan_right(d.toks, cue[1], pend)
            if not (sp and _ends_clause(d, q, sp[1], pend, strict=True)):
                sp = _np_to_comma(d, cue[1], min(pend, cue[1] + 12))
            return (cue, sp) if sp and _ends_clause(d, q, sp[1], pend, strict=True) else None
        sp = _speaker_before(d, c, k)
        if sp and sp[0] <= k + 1 and _ends_clause(d, q, cue[1], pend):
            return (cue, sp)
        return None
    return None


def _ends_clause(d: _Doc, q: QuoteMarks, i: int, pend: int, strict: bool = False) -> bool:
    """Whether an attribution after a quote ends at token ``i`` (time phrases aside).

    After a quote closing on a comma (“…,” he said) anything may follow; after one closing
    a sentence (“… done.” He said ...) the cue must not start a new reported clause."""
    if not strict and d.text[q.inner_start:q.inner_end].rstrip()[-1:] not in ".!?…":
        return True
    if i >= pend:
        return True
    pos = skip_forward(d.text, d.toks[i].start, d.paras[d.para_of(q.start)].end)
    j = d.tok_index(pos) if pos > d.toks[i].start else i
    k = j
    while k < pend and k - j < 6 and _objectish(d.toks[k]):
        k += 1  # he told Fox News.
    if k < pend and k > j and d.toks[k].text in _STOP | {","}:
        return True
    return j >= pend or d.toks[j].text in _STOP | {",", ":"} or d.toks[j].text in _MARKS \
        or d.toks[j].low in ("of", "in", "on", "at", "to", "after", "during", "when", "as",
                             "for", "before", "while", "from")


def _direct_before(d: _Doc, q: QuoteMarks, pstart: int
                   ) -> tuple[Range, Range | None, bool] | None:
    """Cue and speaker right before a quote: X said: “…” / X said that “…”.

    The third value says whether the quote is the whole content (True) or the cue governs
    more words before the quote (an indirect quote with a partial quotation)."""
    i = d.tok_index(q.start)
    floor = pstart
    for k in range(i - 1, max(pstart, i - 30) - 1, -1):
        if (d.toks[k].text in _STOP and not _honorific_dot(d, k)) or d.toks[k].text in _MARKS:
            floor = k + 1
            break
    for c in range(i - 1, floor - 1, -1):
        cue = cue_at(d.toks, c)
        if not cue:
            continue
        if d.toks[c].low == "according":
            return None
        gap = d.toks[cue[1]:i]
        sp = _speaker_before(d, c, floor)
        if sp is None:
            if c > floor and d.toks[c - 1].text == "," and d.toks[c].text.endswith("ing"):
                sp = scan_right(d.toks, floor, c)  # The Kremlin ..., saying “…”
            if sp is None:
                return None
        if not gap or gap[-1].text == ":" or (
                len(gap) <= 10 and (gap[-1].text in {",", "that"})
                and (len(gap) == 1 or gap[0].low in _GAP_OK
                     or _time_tokens(d, cue[1], i - 1))):
            return (cue, sp, True)
        return (cue, sp, False)
    return None


def find_quotes(text: str) -> tuple[list[Quote], People]:
    """The quotes of ``text`` and the people it names (offsets into ``text``)."""
    text = normalise_marks(text)
    d = _Doc(text)
    sent_toks = [d.toks[a:b] for a, b in (d.sent_tokens(k) for k in range(len(d.sents)))]
    people = People(text, sent_toks)
    quoted = find_quoted(text)
    quotes: list[Quote] = []
    used_cues: set[tuple[int, int]] = set()
    pending: list[QuoteMarks] = []
    group = 0
    for q in quoted:
        p = d.para_of(q.start)
        pa, pb = d.para_tokens(d.para_of(max(q.start, q.end - 1)))
        pa0, _ = d.para_tokens(p)
        before = _direct_before(d, q, pa0)
        if before is None and p > 0 and d.toks and _opens_sentence(d, q) and \
                d.text[:d.paras[p].start].rstrip().endswith(":"):
            before = _direct_before(d, q, d.para_tokens(p - 1)[0])  # X said:\n\n“…”
        after = _direct_after(d, q, pb)
        inner = (q.inner_start, q.inner_end)
        if before and (before[2] and (d.text[q.start - 2:q.start].strip().endswith(":")
                                      or not after)):
            cue, sp, whole = before
            gap = d.text[_tok_end(d, cue):q.start]
            if whole and gap.rstrip().endswith(":") and len(gap.split()) > 4:
                # he said he was too busy to look: "I have a lot going on"
                start = _ltrim(d.text, skip_forward(d.text, _tok_end(d, cue), q.start), q.start)
                if d.text.startswith("that ", start):
                    start += 5
                quotes.append(Quote(start, inner[1], "indirect", _span(d, cue), _span(d, sp),
                                    partial=[inner], group=group))
                used_cues.add(cue)
                group += 1
                continue
            if whole:
                s1 = d.sents[d.sent_of(max(q.start, q.end - 1))].end
                tail = d.text[q.end:s1]
                if len(tail.split()) >= 3 and "\n\n" not in tail and not _cue_between(
                        d, q.end, s1, cue):
                    # Tyler said, “We have three weeks to go” until the caucuses.
                    end = _rtrim(d.text, q.end, s1)
                    while end > q.end and d.text[end - 1] in ".!?":
                        end -= 1
                    quotes.append(Quote(inner[0], end, "indirect", _span(d, cue),
                                        _span(d, sp), partial=[inner], group=group))
                else:
                    quotes.append(Quote(*inner, "direct", _span(d, cue), _span(d, sp),
                                        group=group))
                used_cues.add(cue)
                group += 1
                continue
        if after:
            cue, sp = after
            s0 = d.sents[d.sent_of(q.start)].start
            lead = d.text[s0:q.start]
            if len(lead.split()) >= 2 and lead.rstrip()[-1:] not in ":,.!?…" and not before:
                # Nancy's "single most defining role was ...," Anthony says: a mixed quote
                quotes.append(Quote(s0, inner[1], "indirect", _span(d, cue), _span(d, sp),
                                    partial=[inner], group=group))
            else:
                quotes.append(Quote(*inner, "direct", _span(d, cue), _span(d, sp),
                                    group=group))
            used_cues.add(cue)
            group += 1
            continue
        if before and before[2]:
            cue, sp, _ = before
            quotes.append(Quote(*inner, "direct", _span(d, cue), _span(d, sp), group=group))
            used_cues.add(cue)
            group += 1
            continue
        prev = quotes[-1] if quotes else None
        if prev and (prev.kind == "direct" or prev.partial) and (
                _opens_sentence(d, q) or _resumes(d, prev, q)) \
                and d.para_of(prev.end) >= p - 1 and not _cue_between(d, prev.end, q.start,
                                                                       prev.cue):
            quotes.append(Quote(*inner, "direct", prev.cue, prev.speaker, group=prev.group))
            continue
        pending.append(q)
    quotes += _indirect(d, used_cues, quotes, pending)
    quotes.sort(key=lambda x: x.start)
    _resolve(d, people, quotes)
    return quotes, people


def _resumes(d: _Doc, prev: Quote, q: QuoteMarks) -> bool:
    """“The risk,” said X, a professor, “is that ...”: a quote interrupted by its own
    attribution resumes after a comma."""
    gap = d.text[prev.end:q.start]
    return prev.cue[0] >= prev.end and prev.cue[1] <= q.start and gap.rstrip()[-1:] == "," \
        and len(gap.split()) <= 30 and "\n\n" not in gap


def _opens_sentence(d: _Doc, q: QuoteMarks) -> bool:
    i = d.tok_index(q.start)
    return i == 0 or d.toks[i - 1].text in _STOP | {":"} or d.toks[i - 1].text in _MARKS \
        or d.para_of(d.toks[i - 1].start) != d.para_of(q.start)


def _cue_between(d: _Doc, a: int, b: int, own: tuple[int, int]) -> bool:
    """Whether a cue other than ``own`` (the previous quote's) lies between a and b."""
    # the sentence of the previous quote's own cue may hold other verbs ("said X, who
    # recalled ..."): look only after it
    a = max(a, d.sents[d.sent_of(own[0])].end)
    i, j = d.tok_index(a), d.tok_index(b)
    return any(cue_at(d.toks, k) and d.toks[k].start != own[0] for k in range(i, j))


def _indirect(d: _Doc, used: set[tuple[int, int]], direct: list[Quote],
              pending: list[QuoteMarks]) -> list[Quote]:
    """Indirect quotes from the cues not used by a direct quote."""
    out: list[Quote] = []
    covered = [(q.start - 1, q.end + 1) for q in direct]
    marks = [(q.start, q.end) for q in pending]
    for k, s in enumerate(d.sents):
        a, b = d.sent_tokens(k)
        c = a
        while c < b:
            cue = cue_at(d.toks, c)
            if cue and d.toks[c].text in DIRECT_ONLY_FORMS:
                cue = None
            if not cue or cue in used or _inside(covered, d.toks[c].start, d.toks[c].end) \
                    or _inside(marks, d.toks[c].start, d.toks[c].end):
                c += 1
                continue
            q = _clause(d, s.start, s.end, a, b, cue)
            if q is not None and d.toks[c].low in THAT_ONLY_FORMS and q.start >= q.cue[1] \
                    and not re.search(r"\bthat\b|:", d.text[q.cue[1]:q.start]):
                q = None  # "maintains a wide lead": an object, not speech
            if q is not None and not any(x.start <= q.start and q.end <= x.end for x in direct):
                q.partial = [(m.inner_start, m.inner_end) for m in pending
                             if q.start <= m.start and m.end <= q.end + 2]
                out.append(q)
                c = cue[1]
            else:
                c += 1
    taken = {p for q in out for p in q.partial}
    for m in pending:
        if (m.inner_start, m.inner_end) in taken:
            continue
        q = _weak(d, m)
        if q is not None:
            out.append(q)
    return out


def _clause(d: _Doc, s0: int, s1: int, a: int, b: int, cue: tuple[int, int]) -> Quote | None:
    """The indirect quote a cue governs inside the sentence ``[s0, s1)`` (tokens a..b)."""
    toks, c = d.toks, cue[0]
    end = s1
    while end > s0 and d.text[end - 1] in ".!?\"”’»' ":
        end -= 1
    if toks[c].low == "according" or toks[cue[1] - 1].low == "by":
        sp = scan_right(toks, cue[1], b) or _np_to_comma(d, cue[1], b)
        if not sp:
            return None
        after = sp[1]
        while after < b and toks[after].text in {",", "."}:
            after += 1
        if c == a or (c == a + 1 and toks[a].low == "as"):  # According to X, content.
            start = toks[after].start if after < b else end
            return _mk(d, start, end, cue, sp)
        if after >= b or toks[after].text in _STOP:  # content, according to X.
            if toks[c - 1].low == "as":
                c -= 1
            e = toks[c - 1].start if toks[c - 1].text == "," else toks[c].start
            return _mk(d, s0, _rtrim(d.text, s0, e), cue, sp)
        return _mk(d, s0, end, cue, sp)  # content, according to X, content.
    if c > a and toks[c - 1].text == "," and not nounish(toks[c].text):
        sp = scan_right(toks, cue[1], b)  # content, said X.
        if sp and toks[sp[0]].cap and (sp[1] >= b or toks[sp[1]].text in _STOP | {","}):
            return _mk(d, s0, _rtrim(d.text, s0, toks[c - 1].start), cue, sp)
    sp = _speaker_before(d, c, a)
    if sp is not None:
        pos = skip_forward(d.text, toks[cue[1] - 1].end, end)
        j = d.tok_index(pos)
        # told reporters / told RIA that ...: skip an object up to "that"
        for k in range(j, min(b, j + 10)):
            if toks[k].low in _THAT:
                if k == j or _time_tokens(d, j, k) or all(_objectish(toks[x])
                                                          for x in range(j, k)):
                    pos = toks[k].end
                break
        if pos == toks[cue[1] - 1].end and toks[c].low not in BARE_FORMS and \
                toks[cue[0]].text != "pointed" and not d.text.startswith(":", pos):
            if not _comma_content(d, sp, a):
                return None
        after_that = pos > toks[cue[1] - 1].end and d.text[:pos].rstrip().endswith("that")
        rest_start = _ltrim(d.text, pos, end)
        before_start = s0
        first = d.tok_index(s0)
        if not after_that and d.text[pos:rest_start].strip().startswith(","):
            nxt = d.tok_index(rest_start)
            if nxt < b and toks[nxt].low.endswith("ing") and cue_at(toks, nxt) and \
                    sp[0] > first:
                # “…” Putin said, describing ...: the content is what came first
                e = _rtrim(d.text, s0, toks[sp[0] - 1].start)
                return _mk(d, before_start, e, cue, sp)
        if sp[0] > first and toks[sp[0] - 1].text == ",":
            tail = d.tok_index(rest_start)
            rest = d.text[rest_start:end].split()
            if rest_start >= end or _time_tokens(d, tail, b) or (
                    len(rest) <= 2 and "that" not in rest) or (
                    len(rest) <= 8 and "that" not in rest and toks[c].low in _TELL
                    and (rest[0][0].isupper() or rest[0] in ("a", "the", "reporters"))):
                # content, X said.
                e = _rtrim(d.text, s0, toks[sp[0] - 1].start)
                return _mk(d, before_start, e, cue, sp)
            if not after_that and d.text[pos:rest_start].strip().startswith(","):
                nxt = d.tok_index(rest_start)
                if nxt < b and toks[nxt].low.endswith("ing") and cue_at(toks, nxt):
                    # content, X said, adding that ...: the content is what came first
                    e = _rtrim(d.text, s0, toks[sp[0] - 1].start)
                    return _mk(d, before_start, e, cue, sp)
                return _mk(d, s0, end, cue, sp)  # content, X said, content.
        pronoun = sp[1] - sp[0] == 1 and toks[sp[0]].low in PRONOUNS
        participle = toks[c].low.endswith("ing") and c > a and toks[c - 1].text == ","
        if sp[0] > first and not (pronoun or participle) and not _subject_start(d, first, sp[0]):
            return None
        rest = d.text[rest_start:end].split()
        if rest and rest[0].lower() in _TOPIC:
            # commented on the arrest ...: a topic, unless a "that" clause follows
            r = d.tok_index(rest_start)
            that = next((x for x in range(r, min(b, r + 14)) if toks[x].low == "that"), None)
            if that is None:
                return None
            rest_start = _ltrim(d.text, toks[that].end, end)
            rest = d.text[rest_start:end].split()
        if len(rest) >= 3:
            return _mk(d, rest_start, end, cue, sp)
        return None
    # content, said X.
    if c > a and toks[c - 1].text == "," and not nounish(toks[c].text):
        sp = scan_right(toks, cue[1], b)
        if sp and not (sp[1] >= b or toks[sp[1]].text in _STOP | {","}):
            sp = _np_to_comma(d, cue[1], b)  # said a former official who ...
        if sp and (sp[1] >= b or toks[sp[1]].text in _STOP | {","}):
            return _mk(d, s0, _rtrim(d.text, s0, toks[c - 1].start), cue, sp)
    return None


def _mk(d: _Doc, start: int, end: int, cue: tuple[int, int], sp: tuple[int, int] | None
        ) -> Quote | None:
    start = _ltrim(d.text, start, end)
    if end - start < 8 or len(d.text[start:end].split()) < 3:
        return None
    end = close_quotation(d.text, start, end)  # trimmed with the full stop
    end = drop_stray_closer(d.text, start, end)
    return Quote(start, end, "indirect", _span(d, cue), _span(d, sp))  # type: ignore[arg-type]


def _weak(d: _Doc, m: QuoteMarks) -> Quote | None:
    """A quoted stretch with no cue of its own, inside a sentence whose subject used a
    weaker verb of speech ("He referred to 'priming'", "accused Washington of 'x'")."""
    k = d.sent_of(m.start)
    a, b = d.sent_tokens(k)
    i = d.tok_index(m.start)
    for c in range(i - 1, a - 1, -1):
        cue = cue_at(d.toks, c, weak=True)
        if not cue:
            continue
        sp = _speaker_before(d, c, a)
        if sp is None:
            return None
        if d.toks[c].text in SPEECH_FORMS and m.start > d.toks[cue[1] - 1].end:
            # Pando, said he was ''utterly ashamed'' that ...: the clause is the quote
            start = skip_forward(d.text, d.toks[cue[1] - 1].end, m.start)
            nxt = d.tok_index(start)
            if nxt < len(d.toks) and d.toks[nxt].low in _THAT:
                start = d.toks[nxt].end
            end = d.sents[k].end
            while end > m.end and d.text[end - 1] in ".!?\"”’»' ":
                end -= 1
            return Quote(_ltrim(d.text, start, end), max(end, m.inner_end), "indirect",
                         _span(d, cue), _span(d, sp),
                         partial=[(m.inner_start, m.inner_end)])
        return Quote(m.inner_start, m.inner_end, "direct", _span(d, cue), _span(d, sp),
                     partial=[])
    return None


def _resolve(d: _Doc, people: People, quotes: list[Quote]) -> None:
    """Resolve speakers in reading order; pronouns go to the latest person the text was
    about, outside quoted words (a name inside a quote is seldom the next speaker)."""
    contents = [(q.start, q.end) for q in quotes]
    events: list[tuple[int, Person]] = [
        (off, people.people[name]) for off, name in people.mentions
        if not _inside(contents, off, off + 1) and name in people.people
        and off not in people.oblique]
    for q in sorted(quotes, key=lambda x: x.speaker[0] if x.speaker else x.start):
        if q.speaker is None:
            q.resolution = Resolution(None, None, "unknown", "no speaker given")
            continue
        toks = [t for t in d.toks[d.tok_index(q.speaker[0]):d.tok_index(q.speaker[1])]]
        if not toks:
            q.resolution = Resolution(None, None, "unknown", "no speaker given")
            continue
        recent = _latest(events, q.speaker[0], toks[0].low)
        q.resolution = people.resolve(toks, recent)
        if q.resolution.name and q.resolution.kind == "person" \
                and q.resolution.name in people.people:
            bisect.insort(events, (q.speaker[0], people.people[q.resolution.name]),
                          key=lambda e: e[0])


def _latest(events: list[tuple[int, Person]], before: int, pronoun: str) -> Person | None:
    g = {"he": "m", "she": "f"}.get(pronoun)
    for off, p in reversed(events):
        if off >= before:
            continue
        if g and p.gender and p.gender != g:
            continue
        return p
    return None
