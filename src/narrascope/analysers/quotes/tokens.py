"""A small tokenizer with character offsets, and the speaker-phrase scanners.

A speaker phrase is what stands next to a cue: a pronoun, a name with its titles
("Kremlin spokesman Dmitry Peskov", "Mr. Antonov"), a role ("the NATO secretary
general", "a Turkish official") or an institution ("the White House"). The scanners
walk outwards from the cue over tokens that can belong to such a phrase.
"""

from __future__ import annotations

import re

from .lexicon import HONORIFICS, NOT_NAME, PRONOUNS, TITLE_WORDS

__all__ = ["Token", "tokenise", "scan_left", "scan_right", "is_cap"]

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|\w+(?:[’'\-]\w+)*(?:[’']s?)?|[^\w\s]", re.UNICODE)


_POSSESSIVE = ("’s", "'s", "’", "'")


class Token:
    """A word or punctuation mark with its offsets, lower-cased and possessive-free forms
    computed once (the finder looks at each token many times)."""

    __slots__ = ("text", "start", "end", "low", "bare", "cap")

    def __init__(self, text: str, start: int, end: int):
        self.text = text
        self.start = start
        self.end = end
        self.low = low = text.lower()
        bare = low
        if low.endswith(_POSSESSIVE):
            for suf in _POSSESSIVE:
                if low.endswith(suf) and len(low) > len(suf):
                    bare = low[: -len(suf)]
                    break
        self.bare = bare
        self.cap = text[0].isupper()

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.end})"


def tokenise(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    end = len(text) if end is None else end
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


def is_cap(tok: Token) -> bool:
    return tok.cap


_CONNECT = {"of", "for", "to", "and", "the", "in", "from", "-", "&"}
_TIME = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
         "january", "february", "march", "april", "june", "july", "august", "september",
         "october", "november", "december", "today", "yesterday"}
_DET = {"the", "a", "an", "his", "her", "its", "their", "our", "this", "that", "these",
        "those", "another", "some", "several", "many", "two", "three", "four", "five",
        "one", "both", "other", "most", "all", "any"}
_ADJ = {"senior", "former", "top", "chief", "deputy", "leading", "veteran", "unnamed",
        "anonymous", "local", "foreign", "military", "western", "independent", "official",
        "acting", "current", "outgoing", "incoming", "longtime", "retired", "ex", "then",
        "defence", "defense", "political", "presidential", "republican", "democratic",
        "conservative", "liberal", "russian", "american", "ukrainian", "british",
        "european", "chinese", "french", "german", "israeli", "turkish", "polish",
        "other", "some", "many", "several", "few", "press", "white", "house", "state",
        "government", "administration", "campaign", "news", "agency", "ministry",
        "department", "office", "kremlin", "nato", "u.s", "us", "un", "eu", "media",
        "communications", "national", "security", "intelligence", "high-ranking",
        "high", "ranking", "unidentified", "public", "health", "election", "party",
        "close", "familiar", "knowledgeable", "regional", "federal", "city", "county",
        "new", "latest", "recent", "previous", "same", "first", "second", "third"}


def _word(tok: Token) -> bool:
    return tok.text[0].isalnum()


def _fits(tok: Token) -> bool:
    """Whether ``tok`` may be part of a speaker phrase (not at its left edge)."""
    if not _word(tok) or tok.low in _TIME:
        return False
    return (is_cap(tok) and tok.low not in PRONOUNS) or tok.bare in TITLE_WORDS \
        or tok.bare in _ADJ or tok.low in HONORIFICS


def scan_left(toks: list[Token], i: int, floor: int = 0) -> tuple[int, int] | None:
    """Token range ``[a, b)`` of the speaker phrase ending just before token ``i``."""
    j = i - 1
    if j < floor:
        return None
    if toks[j].low in PRONOUNS and toks[j].low not in ("you", "him", "her"):
        if j - 1 >= floor and _fits(toks[j - 1]) and is_cap(toks[j - 1]) \
                and toks[j - 1].low not in NOT_NAME:
            return None  # "... Smith he said" is odd: leave it
        return (j, i)
    b = i
    a = i
    k = j
    while k >= floor:
        t = toks[k]
        if _fits(t):
            a = k
        elif t.text == "." and k - 1 >= floor and (toks[k - 1].low in HONORIFICS or (
                len(toks[k - 1].text) == 1 and toks[k - 1].cap)):
            a = k  # Mr. / John F. Kerry
        elif t.low in _CONNECT and k - 1 >= floor and _fits(toks[k - 1]) and a < b:
            a = k
        elif t.low in ("the", "a") and a < b and k - 2 >= floor and \
                toks[k - 1].low in ("of", "to", "for", "from", "in") and _fits(toks[k - 2]):
            a = k - 1  # "Secretary of the Security Council"
            k -= 1
        elif t.low in _DET and a < b:
            a = k
            break
        elif t.text in {"’s", "'s"} and a < b:
            a = k
        else:
            break
        k -= 1
    # drop connectors left at the left edge
    while a < b and toks[a].low in _CONNECT and toks[a].low != "the":
        a += 1
    if a >= b:
        return None
    phrase = toks[a:b]
    if not any((is_cap(t) and t.low not in NOT_NAME) or t.bare in TITLE_WORDS for t in phrase):
        return None
    # a lone sentence-initial word like "Meanwhile" or "However" is no speaker
    if len(phrase) == 1 and phrase[0].low in NOT_NAME:
        return None
    return (a, b)


def scan_right(toks: list[Token], i: int, ceil: int | None = None) -> tuple[int, int] | None:
    """Token range ``[a, b)`` of the speaker phrase starting at token ``i``."""
    ceil = len(toks) if ceil is None else ceil
    if i >= ceil:
        return None
    if toks[i].low in PRONOUNS and toks[i].low not in ("it", "you", "him", "her"):
        return (i, i + 1)
    a = i
    k = i
    if toks[k].low in _DET:
        k += 1
    b = a
    while k < ceil:
        t = toks[k]
        if _fits(t):
            b = k + 1
        elif t.text == "." and (toks[k - 1].low in HONORIFICS or (
                len(toks[k - 1].text) == 1 and toks[k - 1].cap)):
            b = k + 1
        elif t.low in _CONNECT and k + 1 < ceil and _fits(toks[k + 1]) and b > a:
            pass
        elif t.text in {"’s", "'s"} and b > a:
            pass
        else:
            break
        k += 1
    if b <= a or (b == a + 1 and toks[a].low in _DET):
        return None
    phrase = toks[a:b]
    if not any((is_cap(t) and t.low not in NOT_NAME) or t.bare in TITLE_WORDS for t in phrase):
        return None
    return (a, b)
