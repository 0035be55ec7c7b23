"""A few high-precision cue patterns that mark a technique the learned tagger rarely finds
on its own because the training corpus has few examples of it (whataboutism: 107 of
6,128 spans). A match marks from the cue to the end of its sentence.
"""

from __future__ import annotations

import re

from .tokens import Tokens

__all__ = ["PATTERNS", "PATTERN_SCORE", "pattern_spans", "with_patterns"]

#: technique -> cue patterns (case-insensitive); each is our own wording of a common move
PATTERNS: dict[str, tuple[str, ...]] = {
    "Whataboutism,Straw_Men,Red_Herring": (
        r"\b(?:do not|don't|don’t|let us not|let's not|let’s not|we should not|never) "
        r"forget (?:that|how|about)\b",
        r"\bbut what about\b",
        r"\bwhere (?:was|were) (?:the|their|your) (?:outrage|concern|protests?)\b",
    ),
}

#: the score given to a span found by a pattern
PATTERN_SCORE = 0.5

_COMPILED = {lab: tuple(re.compile(p, re.IGNORECASE) for p in pats)
             for lab, pats in PATTERNS.items()}


def pattern_spans(tok: Tokens) -> list[tuple[int, int, str, float]]:
    """``(start, end, technique, score)`` for every cue match: from the cue to the end of
    its sentence, without the closing punctuation."""
    out = []
    text = tok.text
    for a, b in tok.sent_bounds:
        s, e = tok.char_span(a, b)
        while e > s and not text[e - 1].isalnum():
            e -= 1
        for lab, regexes in _COMPILED.items():
            for rx in regexes:
                m = rx.search(text, s, e)
                if m:
                    out.append((m.start(), e, lab, PATTERN_SCORE))
                    break
    return out


def with_patterns(tok: Tokens, spans: list[tuple[int, int, str, float]]
                  ) -> list[tuple[int, int, str, float]]:
    """``spans`` plus every cue match that no span of the same technique overlaps, sorted:
    the cues add what a model missed and never double what it found."""
    out = list(spans)
    for s, e, lab, score in pattern_spans(tok):
        if not any(lab == o[2] and o[0] < e and s < o[1] for o in spans):
            out.append((s, e, lab, score))
    return sorted(out)
