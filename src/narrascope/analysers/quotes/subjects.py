"""Finding the speaker phrase of a cue when it is not right next to it: clause subjects
("nearly two-thirds of Democratic primary voters said"), the main subject shared by a
participle or a coordinated verb ("..., saying", "... and said"), appositions ("Gavrilov,
a Russian diplomat, told"), and addressees between a cue and its content."""

from __future__ import annotations

from .cues import _TIME_WORDS, cue_at, skip_back
from .doc import _MARKS, _STOP, _Doc, _honorific_dot, _sentence_start
from .lexicon import ADVERBS, NOT_NAME, PRONOUNS, TITLE_WORDS
from .tokens import Token, scan_left, scan_right

_THAT = {"that", "whether"}

#: "commented on X", "asked about X": X is a topic, not what was said.
_TOPIC = {"on", "about", "upon", "regarding"}

_TELL = {"told", "tells", "tell", "telling"}

_CLAUSE_LINK = {"and", "but", "while", "as", "when", "so", "because", "though", "although",
                "after", "before", "since", "where", "yet", "that", "meanwhile", "however",
                "then", "now", "if", "which", "in", "whom", "of", "also"}

_CLAUSE_PUNCT = {",", ";", ":", "—", "–", "-", "(", ")", "--", "<", ">", "[", "]"} | _MARKS

_NOT_SUBJECT = {"is", "are", "was", "were", "has", "have", "had", "do", "does", "did",
                "be", "been", "will", "would", "can", "could", "should", "may", "might",
                "must", "it", "there", "this", "not", "than"}


def _clause_subject(d: _Doc, j: int, floor: int) -> tuple[int, int] | None:
    """The words from the start of the clause to token ``j``, when they can be a subject
    ("those surveyed", "32 percent", "Republican front-runner Donald Trump")."""
    k = j
    while k > floor and d.toks[k - 1].text not in _CLAUSE_PUNCT and d.toks[k - 1].text not in _STOP:
        k -= 1
    while k < j and d.toks[k].low in _CLAUSE_LINK:
        k += 1
    for x in range(k + 1, j):
        if d.toks[x].low in ("on", "at", "during", "last", "this", "earlier", "in"):
            j = x
            break
    if k >= j or j - k > 7:
        return None
    words = d.toks[k:j]
    if any(t.low in _NOT_SUBJECT or t.text in _MARKS or cue_at(d.toks, x)
           for x, t in zip(range(k, j), words)):
        return None
    if all(t.low in ADVERBS or t.low in NOT_NAME or t.low.endswith("ly") or t.low in _TIME_WORDS
           for t in words):
        return None  # "finally", "at once": no subject
    if j - k > 10 or any(_verbish(t) for t in words):
        return None
    return (k, j)

_PARTICIPLE_ADJ = {"surveyed", "polled", "questioned", "interviewed", "registered", "elected",
                   "retired", "unnamed", "unidentified", "concerned", "related", "involved",
                   "briefed", "informed", "based", "appointed", "affiliated"}


def _verbish(t: Token) -> bool:
    """A lower-case word that looks like a finite verb ("offered", "captured")."""
    low = t.low
    return (not t.cap and low.endswith("ed") and low not in _PARTICIPLE_ADJ
            and low.isalpha()) or low in _NOT_SUBJECT


def _main_subject(d: _Doc, first: int, limit: int) -> tuple[int, int] | None:
    """The subject of a sentence's main clause, after an opening adverbial ("Last month,",
    "In three interviews,"): for cues that share it ("... and said", "..., saying")."""
    toks = d.toks
    if first < limit and toks[first].low in _OPENERS:
        for x in range(first + 1, min(limit, first + 9)):
            if toks[x].text == ",":
                first = x + 1
                break
    sp = scan_right(toks, first, limit)
    if sp and (toks[sp[0]].cap or toks[sp[0]].low in PRONOUNS) and not (
            sp[1] - sp[0] == 1 and toks[sp[0]].low in NOT_NAME and toks[sp[0]].low not in PRONOUNS):
        return sp
    k = first  # "Both parents stiffened ...": determiners, modifiers and plurals
    while k < limit and k - first < 6 and (toks[k].low in _DET_WORDS or toks[k].cap or (
            toks[k].low.endswith("s") and toks[k].low.isalpha())):
        k += 1
    if k > first and not all(t.low in NOT_NAME for t in toks[first:k]):
        return (first, k)
    return None

_OPENERS = {"in", "on", "at", "after", "before", "during", "last", "this", "earlier", "later",
            "since", "while", "when", "with", "without", "despite", "for", "from", "under",
            "over", "speaking", "asked", "meanwhile", "still", "yet", "but", "and", "however",
            "then", "now", "also", "instead", "separately", "elsewhere", "continuing",
            "like", "unlike", "amid", "as", "citing", "following", "by", "within", "until",
            "throughout", "behind", "beyond", "besides", "according"}

_DET_WORDS = {"the", "a", "an", "both", "two", "three", "several", "many", "some", "other",
              "his", "her", "their", "its"}


def _first_verbish(d: _Doc, a: int, b: int) -> int:
    """A guess at where the subject of a clause ends: before its first lower-case word that
    is no determiner, modifier or title (good enough for "She also compared ...")."""
    from .tokens import _fits

    k = a
    while k < b and (_fits(d.toks[k]) or d.toks[k].low in ("the", "a", "an", "of")
                     or d.toks[k].text == "." or d.toks[k].low in PRONOUNS):
        k += 1
    return k


def _speaker_before(d: _Doc, c: int, floor: int) -> tuple[int, int] | None:
    """Speaker phrase ending just before cue token ``c`` (adverbs and auxiliaries skipped),
    or the name before an apposition (``Gavrilov, a Russian diplomat, told``)."""
    j = skip_back(d.toks, c, floor)
    close = d.toks[j - 1].text if j - 1 >= floor else ""
    if close in (")", "—", "–", "--", "-"):
        opener = "(" if close == ")" else close
        k = j - 2
        while k > floor and d.toks[k].text != opener and j - k < 30:
            k -= 1
        if d.toks[k].text == opener:
            sp = scan_left(d.toks, k, floor)
            clause = _clause_subject(d, k, floor)
            if clause and (sp is None or clause[0] < sp[0]):
                sp = clause
            if sp:
                return (sp[0], j - 1)
    if j - 1 >= floor and d.toks[j - 1].text == "," and d.toks[c].low.endswith("ing"):
        for c2 in range(j - 2, max(floor, j - 22) - 1, -1):  # Putin said (...), describing
            if d.toks[c2].text in _STOP:
                break
            if cue_at(d.toks, c2) and d.toks[c2].low != "according":
                return _speaker_before(d, c2, floor) or scan_right(d.toks, c2 + 1, j - 1)
        return _main_subject(d, _sentence_start(d, j - 1, floor), j - 1)
    if j - 1 >= floor and d.toks[j - 1].low == "who":
        return (j - 1, j)
    if j - 1 >= floor and d.toks[j - 1].low in ("and", "but"):
        # the subject of the clause the coordinated verb belongs to: after a dash or
        # semicolon if there is one ("... - he called her 'weak' and said ..."), else
        # the sentence's
        start = _sentence_start(d, j - 1, floor)
        for x in range(j - 2, start, -1):
            if d.toks[x].text in ("—", "–", "-", "--", ";"):
                sp = _main_subject(d, x + 1, j - 1)
                if sp:
                    return sp
                break
        return _main_subject(d, start, j - 1)
    span = scan_left(d.toks, j, floor)
    pronoun = span is not None and span[1] - span[0] == 1 and d.toks[span[0]].low in PRONOUNS
    clause = None if pronoun else _clause_subject(d, j, floor)
    if clause and (span is None or clause[0] < span[0]):
        span = clause
    if span and d.toks[span[0]].text[0].isupper() or span and any(
            d.toks[k].bare in TITLE_WORDS or d.toks[k].low in ("he", "she", "they", "we", "i")
            for k in range(*span)):
        return span
    if j - 1 >= floor and d.toks[j - 1].text == ",":
        # NAME, apposition, CUE  /  TITLE, NAME, CUE  /  NAME, 27, a user in New York, CUE
        k = j - 2
        found: tuple[int, int] | None = None
        for _ in range(3):
            while k >= floor and (d.toks[k].text not in {",", ".", ";", ":"}
                                  or _honorific_dot(d, k)) and j - k < 40:
                k -= 1
            if k < floor or d.toks[k].text != ",":
                break
            inner = scan_left(d.toks, k, floor)
            wider = _clause_subject(d, k, floor)
            if wider and inner and wider[0] < inner[0]:
                inner = wider  # The group's executive director, Betty Bradley, said
            middle = d.toks[k + 1:j - 1]
            named = any(t.cap and t.low not in NOT_NAME for t in middle)
            cand = None
            if inner and (named or any(d.toks[x].cap or d.toks[x].bare in TITLE_WORDS
                                       for x in range(*inner))):
                cand = (inner[0], j - 1)
            elif named and len(middle) <= 4:
                cand = (k + 1, j - 1)  # Her rival, Jonas Keller, said
            if cand:
                found = found or cand
                if cand[0] <= floor or d.toks[cand[0] - 1].text in _CLAUSE_PUNCT \
                        or d.toks[cand[0] - 1].low in _CLAUSE_LINK:
                    return cand  # starts its clause: "Christopher Harvey, a delegate
                    # from Houston, Texas, said" rather than "Houston, Texas"
            k -= 1
        return found or span
    return span


def _comma_content(d: _Doc, sp: tuple[int, int], a: int) -> bool:
    """Whether the speaker phrase follows a comma (``content, X warned.``)."""
    return sp[0] > a and d.toks[sp[0] - 1].text == ","


def _np_to_comma(d: _Doc, i: int, b: int) -> tuple[int, int] | None:
    """The words after "according to" up to a comma or the sentence end (at most 12)."""
    k = i
    while k < b and (d.toks[k].text not in {",", ";", ":"} | _STOP or _honorific_dot(d, k)) \
            and k - i < 12:
        k += 1
    return (i, k) if k > i and (k >= b or d.toks[k].text in {",", ";", ":"} | _STOP) else None

_OBJECTS = {"reporters", "journalists", "me", "us", "him", "her", "them", "audience",
            "crowd", "supporters", "voters", "people", "listeners", "viewers", "readers",
            "members", "lawmakers", "congress", "staff", "employees", "colleagues",
            "interviewer", "interviewers", "students", "delegates", "donors", "a", "an"}


def _objectish(t: Token) -> bool:
    """Whether a word may sit in the addressee of a cue ("told the state agency RIA")."""
    from .tokens import _ADJ, _CONNECT, _DET

    return (t.cap or t.low in _OBJECTS or t.low in _DET or t.low in _CONNECT
            or t.low in _ADJ or t.bare in TITLE_WORDS or t.low in ("news", "agency",
                                                                    "channel", "newspaper",
                                                                    "station", "network"))


def _subject_start(d: _Doc, first: int, sp0: int) -> bool:
    """Whether the words before a speaker phrase let it be the clause's subject: a
    sentence opener ("On Monday,", "Meanwhile", "But") or a subordinate link."""
    toks = d.toks
    prev = toks[sp0 - 1]
    if prev.text in _CLAUSE_PUNCT or prev.text in _MARKS or _honorific_dot(d, sp0 - 1):
        return True
    return prev.low in {"and", "but", "while", "as", "when", "so", "because", "though",
                        "although", "after", "before", "since", "where", "yet", "that",
                        "meanwhile", "also", "however", "then", "now", "if", "which", "who"}
