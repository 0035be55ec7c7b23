"""Find stretches of text inside quotation marks, in any of the usual conventions.

Pairs recognised: “…” ‘…’ «…» „…“ „…” ‚…‘ ‹…› and straight "…" and '…'. A quotation may
run across sentences, and across paragraphs in the English style where each paragraph
reopens the quote and only the last one closes it. Apostrophes (O’Malley’s, don't,
the Kennedys') are told apart from single quotes by the characters around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["QuoteMarks", "find_quoted", "normalise_marks"]

_DOUBLED = re.compile(r"''|``")


def normalise_marks(text: str) -> str:
    """``text`` with doubled apostrophes and backticks (the ''…'' and ``…'' of some
    newspapers' archives) turned into a straight double quote plus a space, on the side
    that keeps the offsets and the quote's words in place."""
    def sub(m: re.Match) -> str:
        i = m.start()
        before = text[i - 1] if i else " "
        after = text[m.end()] if m.end() < len(text) else " "
        opens = m.group() == "``" or (
            (before.isspace() or before in "([{—–-") and not (after.isspace() or after in ".,;:!?)"))
        return ' "' if opens else '" '

    return _DOUBLED.sub(sub, text)

#: Mixed typography happens (“…" and "…”), so curly and straight double quotes close each other.
_OPEN_CLOSE = {"“": "”\"“", "«": "»", "„": "“”", "‘": "’", "‹": "›", "‚": "‘’", '"': '"”', "'": "'"}
#: German „…“ closes with “, so “ is an opener only when no „ is pending.
_ANY_MARK = re.compile("[\"'“”‘’«»„‚‹›]")
_SINGLE = {"‘", "’", "'", "‚"}
#: Closing marks that open nothing in any convention recognised here.
_ONLY_CLOSE = {"”", "»", "›"}


@dataclass(frozen=True)
class QuoteMarks:
    """A quoted stretch: ``start``/``end`` enclose the marks, ``inner_*`` the words."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool = True


def _is_apostrophe(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isalnum() and after.isalnum():
        return True  # O’Malley, don't
    if before.isalpha() and before.lower() == "s" and not after.isalnum():
        return None  # type: ignore[return-value]  # plural possessive or a closing quote
    return False


def _can_open(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (not before.isalnum() or before in "‘“") and not after.isspace() and after != ""


def _can_close(text: str, i: int) -> bool:
    """A mark closes after a word, or after a stray space when it is a mark that only
    ever closes (``months. ”``, ``весной »``), and never right before a word."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (not before.isspace() or text[i] in _ONLY_CLOSE) and not after.isalnum()


def _closers(opener: str) -> str:
    return _OPEN_CLOSE[opener]


def find_quoted(text: str, max_len: int = 4000) -> list[QuoteMarks]:
    """Quoted stretches of ``text``, outermost only, in order of position.

    A mark opens a quote when it can (start of a word, not an apostrophe); the matching
    closer ends it. Nested quotes inside a quote are kept inside it. An unclosed quote
    ends at the end of its paragraph, unless the next paragraph reopens it (the English
    multi-paragraph convention), in which case the quote continues.
    """
    out: list[QuoteMarks] = []
    i, n = 0, len(text)
    while i < n:
        m = _ANY_MARK.search(text, i)
        if not m:
            break
        i = m.start()
        ch = text[i]
        if ch not in _OPEN_CLOSE or not _can_open(text, i) or (
                ch in _SINGLE and _is_apostrophe(text, i)):
            i += 1
            continue
        end = _find_close(text, i, ch, max_len)
        if end is None:
            i += 1
            continue
        close_at, closed = end
        inner_end = close_at if closed else close_at
        stop = close_at + 1 if closed else close_at
        inner = text[i + 1:inner_end]
        if inner.strip() and (closed or len(inner.split()) >= 3):
            out.append(QuoteMarks(i, stop, i + 1, _rstrip(text, i + 1, inner_end), closed))
            i = stop
        else:
            i += 1
    return out


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _find_close(text: str, i: int, opener: str, max_len: int) -> tuple[int, bool] | None:
    """Offset of the mark closing the quote opened at ``i`` and whether it was closed.

    Returns ``(offset, False)`` when the quote runs to a paragraph end without a closer
    (and no following paragraph reopens it); ``None`` when a single quote finds no closer
    in its paragraph (it was most likely an apostrophe)."""
    closers = _closers(opener)
    single = opener in _SINGLE
    j, limit = i + 1, min(len(text), i + max_len)
    depth = 0
    while j < limit:
        c = text[j]
        if c == "\n" and text.startswith("\n\n", j):
            # paragraph break: continue only if the next paragraph reopens the quote
            k = j
            while k < len(text) and text[k].isspace():
                k += 1
            if single:
                return None
            if k < len(text) and text[k] == opener and depth == 0:
                j = k + 1
                continue
            return (j, False)
        if c in closers and _can_close(text, j) and not (
                single and _is_apostrophe(text, j) is True):
            if depth == 0:
                if single and _is_apostrophe(text, j) is None and _later_close(text, j, closers):
                    j += 1
                    continue
                return (j, True)
            depth -= 1
        elif c == opener and opener not in closers and _can_open(text, j):
            depth += 1
        j += 1
    return None if single else (j, False)


def _later_close(text: str, j: int, closers: str) -> bool:
    """Whether another closer follows before the paragraph ends (``Kennedys' 'x'``)."""
    end = text.find("\n\n", j + 1)
    seg = text[j + 1: end if end >= 0 else len(text)]
    return any(c in closers for c in seg[:300])
