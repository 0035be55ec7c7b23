"""An article's text as the quote finder sees it: tokens, sentences and paragraphs with
offset lookups, and the small text helpers every pass shares."""

from __future__ import annotations

import bisect

from ...text import paragraphs, sentences
from .cues import skip_forward
from .lexicon import HONORIFICS
from .tokens import tokenise

_STOP = {".", "!", "?", ";"}

_MARKS = set("\"'“”‘’«»„‚‹›")


class _Doc:
    """Tokens of an article with sentence and paragraph lookups."""

    def __init__(self, text: str):
        self.text = text
        self.toks = tokenise(text)
        self.starts = [t.start for t in self.toks]
        self.sents = sentences(text)
        self.sent_starts = [s.start for s in self.sents]
        self.paras = paragraphs(text)
        self.para_starts = [p.start for p in self.paras]

    def tok_index(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset``."""
        return bisect.bisect_left(self.starts, offset)

    def sent_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, offset) - 1)

    def para_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, offset) - 1)

    def sent_tokens(self, k: int) -> tuple[int, int]:
        s = self.sents[k]
        return self.tok_index(s.start), self.tok_index(s.end)

    def para_tokens(self, k: int) -> tuple[int, int]:
        p = self.paras[k]
        return self.tok_index(p.start), self.tok_index(p.end)


def _honorific_dot(d: _Doc, k: int) -> bool:
    """Whether token ``k`` is the dot of "Mr." or of an initial ("John F. Kerry")."""
    if d.toks[k].text != "." or k == 0:
        return False
    prev = d.toks[k - 1]
    return prev.low in HONORIFICS or (len(prev.text) == 1 and prev.cap)


def _sentence_start(d: _Doc, i: int, floor: int) -> int:
    """First token of the sentence holding token ``i``, after a dateline
    ("WASHINGTON —", "DALLAS (AP) —")."""
    k = i
    while k > floor and (d.toks[k - 1].text not in _STOP or _honorific_dot(d, k - 1)):
        k -= 1
    if k < i and d.toks[k].text == "(":
        for x in range(k + 1, min(i, k + 6)):
            if d.toks[x].text == ")":
                k = x + 1
                if k < i and d.toks[k].text in ("—", "–", "-", "--"):
                    k += 1
                return k
    if k < i and d.toks[k].text.isupper() and len(d.toks[k].text) > 1:
        for x in range(k + 1, min(i, k + 8)):
            if d.toks[x].text in ("—", "–", "-", "--"):
                return x + 1
    return k


def _time_tokens(d: _Doc, a: int, b: int) -> bool:
    """Whether tokens ``[a, b)`` are only a time/setting phrase and punctuation."""
    if a >= b:
        return True
    pos = skip_forward(d.text, d.toks[a].start, d.toks[b - 1].end)
    return pos >= d.toks[b - 1].end


def _ltrim(text: str, a: int, b: int) -> int:
    while a < b and (text[a].isspace() or text[a] in ",:;—–"):
        a += 1
    return a


def _rtrim(text: str, a: int, b: int) -> int:
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:—–"):
        b -= 1
    return b


def _span(d: _Doc, r: tuple[int, int] | None) -> tuple[int, int] | None:
    """Character offsets of token range ``r`` (a leading "that" is left out)."""
    if r is None:
        return None
    a = r[0] + 1 if r[1] - r[0] > 1 and d.toks[r[0]].low == "that" else r[0]
    return (d.toks[a].start, d.toks[r[1] - 1].end)


def _tok_end(d: _Doc, r: tuple[int, int]) -> int:
    """End offset of token range ``r``."""
    return d.toks[r[1] - 1].end


def _inside(quoted: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(s <= a and b <= e for s, e in quoted)
