"""Spotting cues: the verb of saying (or "according to") that ties words to a speaker."""

from __future__ import annotations

import re

from .lexicon import ADVERBS, AUX, SPEECH_FORMS, TITLE_WORDS, WEAK_FORMS
from .tokens import Token

__all__ = ["cue_at", "skip_back", "skip_forward", "is_cue"]

_NOUNISH = {"report", "reports", "claim", "claims", "comment", "comments", "post", "posts",
            "note", "notes", "tweet", "tweets", "answer", "answers", "charge", "charges",
            "counter", "estimate", "estimates", "forecast", "forecasts", "promise",
            "promises", "signal", "signals", "repeat", "protest", "protests", "demand",
            "demands", "state", "states", "judge", "reply", "replies", "joke", "jokes",
            "threat", "warning", "statement", "add", "ask", "call", "calls", "quote",
            "quotes", "object", "objects", "continue", "hint", "hints", "remark", "remarks",
            "concern", "report", "describe", "suggest", "summarise", "summarize", "agree",
            "maintain", "label", "term", "terms", "post", "praise", "mock", "cite",
            "continued", "continues", "continuing", "estimated", "agreed", "agrees",
            "agreeing", "maintained", "maintains", "charged", "suggests", "suggesting",
            "suggested", "describing", "described", "describes", "demanded", "protested",
            "signalled", "signaled", "highlighted", "highlights", "touted", "called",
            "asked", "asking", "asks", "objected", "judged", "hinted", "concluded",
            "forecasted", "revealed", "reveals", "predicted", "predicts"}
#: Forms that need a clear speaker-cue-content shape (no content-first use, no ", saying").
_DET_BEFORE = {"the", "a", "an", "his", "her", "its", "their", "our", "this", "that", "these",
               "those", "your", "my", "whose", "which", "to"}
_MODAL_OK = {"to"}


_FIRST = SPEECH_FORMS | WEAK_FORMS | {"pointed", "point", "points", "pointing"}
_NOUN_VERBS = {"claims", "states", "notes", "reports", "charges", "estimates", "warns",
               "insists", "demands", "promises", "comments"}


def is_cue(toks: list[Token], i: int, weak: bool = False) -> int:
    """Number of tokens of the cue starting at ``i`` (0 when there is none)."""
    t = toks[i]
    low = t.text
    if t.low in _NOUN_VERBS and i + 1 < len(toks) and toks[i + 1].low == "that" and i > 0 \
            and (toks[i - 1].cap or toks[i - 1].bare in TITLE_WORDS
                 or toks[i - 1].low in ("he", "she", "it", "they")):
        return 1  # "Russia's foreign minister claims that ...": the noun-like form as a verb
    if low not in _FIRST and t.low != "according":
        if not (t.cap and t.low in SPEECH_FORMS and not t.low.endswith("ing")
                and 0 < i < len(toks) - 1
                and toks[i - 1].cap and toks[i + 1].text[:1].isupper()):
            return 0  # a title-case headline: "Clinton Says Russians Hacked DNC"
        low = t.low
    if t.low == "according" and i + 1 < len(toks) and toks[i + 1].text == "to":
        return 2
    if low in ("pointed", "point", "points", "pointing") and i + 1 < len(toks) \
            and toks[i + 1].text == "out":
        return 2
    if low not in SPEECH_FORMS and not (weak and low in WEAK_FORMS):
        return 0
    if i > 0 and toks[i - 1].low in _DET_BEFORE and low not in ("say", "tell", "write") \
            and toks[i - 1].low not in _MODAL_OK:
        return 0
    if i + 1 < len(toks) and toks[i + 1].low == "by" and low.endswith("ed"):
        if i > 0 and toks[i - 1].low == "as":
            return 2  # "as reported by Reuters": like "according to"
        return 0  # "claimed by the Islamic State": a passive, not speech
    # "did not say", "declined to comment": reports that nothing was said
    k = i - 1
    while k >= 0 and k >= i - 4 and (toks[k].low in ADVERBS or toks[k].low in AUX
                                     or toks[k].low in _NEG or toks[k].low == "to"):
        if toks[k].low in _NEG or (toks[k].low == "to" and k == i - 1):
            return 0
        k -= 1
    return 1


_NEG = {"not", "n't", "never", "declined", "refused", "cannot", "didn’t", "didn't",
        "doesn’t", "doesn't", "won’t", "won't", "wouldn’t", "wouldn't", "hasn’t", "hasn't"}


def cue_at(toks: list[Token], i: int, weak: bool = False) -> tuple[int, int] | None:
    n = is_cue(toks, i, weak)
    return (i, i + n) if n else None


def nounish(word: str) -> bool:
    """Cue forms that are often nouns or mean something else: trusted only with a
    speaker right before them."""
    return word in _NOUNISH


_TIME_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
               "week", "month", "year", "weekend", "morning", "evening", "night",
               "afternoon", "yesterday", "today", "tonight", "this", "last", "past", "on",
               "earlier", "late"}


def skip_back(toks: list[Token], i: int, floor: int = 0) -> int:
    """Index just after the speaker phrase, skipping adverbs, auxiliaries and time phrases
    ("this past week", "on Monday") before ``i``."""
    j = i
    while j - 1 >= floor and (toks[j - 1].low in ADVERBS or toks[j - 1].low in AUX
                              or toks[j - 1].low in ("quoted", "as", "not", "n't")
                              or (toks[j - 1].low in _TIME_WORDS and _timeish(toks, j - 1))):
        j -= 1
    return j


def _timeish(toks: list[Token], k: int) -> bool:
    """Whether token ``k`` belongs to a time phrase ending before a cue."""
    low = toks[k].low
    if low in ("this", "last", "past", "on", "late", "earlier"):
        return k + 1 < len(toks) and toks[k + 1].low in _TIME_WORDS
    return True


_SKIP = re.compile(
    r"\s*,?\s*(?:(?:on|last|this|early|late|earlier|late|next)\s+(?:\w+\s+)?"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|month|year|night|"
    r"morning|evening|afternoon|weekend|day)\b|(?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)\b|yesterday\b|today\b|tonight\b|earlier\b|later\b|also\b|again\b|"
    r"repeatedly\b|previously\b|recently\b|publicly\b|"
    r"(?:in|on|during|at|via|through|after|before)\s+(?:an?|the|his|her|their|its)\s+"
    r"(?:[\w’'\-]+\s+){0,5}?(?:statement|interview|post|tweet|briefing|speech|address|"
    r"letter|message|release|conference|meeting|rally|event|hearing|call|broadcast|"
    r"video|op-ed|article|remarks|appearance|email|e-mail|channel|show|programme|program|"
    r"podcast|debate|session|summit|visit|talks|telegram|twitter|x|facebook)\b"
    r"(?:\s+(?:with|to|on|at|by|for|of)\s+(?:the\s+)?(?:[\w’'\-.]+\s+){0,4}?"
    r"[A-Z][\w’'\-.]*)?|to\s+reporters\b|to\s+journalists\b|to\s+the\s+press\b)",
    re.IGNORECASE)


def skip_forward(text: str, pos: int, end: int) -> int:
    """Offset after time and setting phrases following a cue ("on Monday, in a statement")."""
    while True:
        m = _SKIP.match(text, pos, end)
        if not m or m.end() == pos:
            return pos
        pos = m.end()
