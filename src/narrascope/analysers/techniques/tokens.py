"""Word tokens with character offsets, grouped by sentence: the units the tagger labels."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...text import close_quotation, sentences

__all__ = ["Tokens", "tokenize"]

# words (with inner hyphens, apostrophes and dots: "so-called", "don't", "U.S"), or one
# character of punctuation
_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")


@dataclass
class Tokens:
    """The tokens of one text, as parallel lists (faster to build and slice than objects)."""

    text: str
    starts: list[int]
    ends: list[int]
    words: list[str]
    lower: list[str]
    #: sentence index of each token
    sent: list[int]
    #: ``[first, last)`` token index of each sentence
    sent_bounds: list[tuple[int, int]]

    def __len__(self) -> int:
        return len(self.words)

    def char_span(self, i: int, j: int) -> tuple[int, int]:
        """Character ``[start, end)`` of tokens ``[i, j)``, with the closing quotation
        mark right after them when it closes one opened inside (see
        :func:`narrascope.text.close_quotation`)."""
        start = self.starts[i]
        return start, close_quotation(self.text, start, self.ends[j - 1])

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Tokens ``[i, j)`` that overlap characters ``[start, end)`` (``i == j`` if none)."""
        import bisect

        i = bisect.bisect_right(self.ends, start)
        j = bisect.bisect_left(self.starts, end)
        return i, max(i, j)


def tokenize(text: str) -> Tokens:
    """Tokens of ``text``; sentences come from :func:`narrascope.text.sentences`, and a
    line break always ends a sentence (titles and list items have no full stop)."""
    starts: list[int] = []
    ends: list[int] = []
    words: list[str] = []
    sent: list[int] = []
    bounds: list[tuple[int, int]] = []
    pieces = []
    for s in sentences(text):
        pos = s.start
        for line in text[s.start:s.end].split("\n"):
            if line.strip():
                pieces.append((pos, pos + len(line)))
            pos += len(line) + 1
    for a, b in pieces:
        first = len(words)
        for m in _TOKEN.finditer(text, a, b):
            starts.append(m.start())
            ends.append(m.end())
            words.append(m.group())
            sent.append(len(bounds))
        if len(words) > first:
            bounds.append((first, len(words)))
    return Tokens(text, starts, ends, words, [w.lower() for w in words], sent, bounds)
