"""Sentence splitting shared by the analysers: offsets into the document text."""

from __future__ import annotations

import re

from .model import Span

__all__ = ["sentences", "paragraphs", "close_quotation"]

# A sentence ends at . ! ? … (optionally followed by closing quotes/brackets) before
# whitespace and an upper-case letter, a digit or an opening quote; or at a paragraph break.
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Sgt|Capt|Sen|Rep|Gov|St|Jr|Sr|Inc|Ltd|Co|Corp|vs|"
    r"etc|No|Fig|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|U\.N|E\.U|"
    r"т\.е|т\.д|г|гг|им|ул)|\b[A-Z])\.$")
_END = re.compile(r"[.!?…।]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-ZА-ЯЁ0-9\u0900-\u097F])")
_PARA = re.compile(r"\n\s*\n")


def paragraphs(text: str) -> list[Span]:
    out, pos = [], 0
    for m in _PARA.finditer(text):
        _add(out, text, pos, m.start(), "paragraph")
        pos = m.end()
    _add(out, text, pos, len(text), "paragraph")
    return out


def _add(out: list[Span], text: str, start: int, end: int, label: str) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Span(start, end, label))


def sentences(text: str) -> list[Span]:
    """Sentence spans of ``text`` (end-exclusive offsets, whitespace trimmed)."""
    out: list[Span] = []
    for para in paragraphs(text):
        pos = para.start
        for m in _END.finditer(text, para.start, para.end):
            if _ABBREV.search(text, max(para.start, m.start() - 6), m.start() + 1):
                continue
            _add(out, text, pos, m.end(), "sentence")
            pos = m.end()
        _add(out, text, pos, para.end, "sentence")
    return out


#: closing quotation marks, and the opening mark each closes
_CLOSERS = {'"': '"', "”": "“", "»": "«"}


def close_quotation(text: str, start: int, end: int) -> int:
    """``end``, moved past the quotation mark right after it when that mark closes a
    quotation opened inside ``[start, end)``: a span found word by word (a persuasion
    technique, an indirect quote trimmed at the full stop) should read
    ``West "doomed to fail"``, not ``West "doomed to fail``."""
    closer = text[end:end + 1]
    opener = _CLOSERS.get(closer)
    if opener is None:
        return end
    return end + 1 if _unbalanced(text[start:end], opener, closer) else end


def _unbalanced(inner: str, opener: str, closer: str) -> bool:
    """Whether ``inner`` holds a quotation opened with ``opener`` and not yet closed."""
    return (inner.count('"') % 2 == 1 if opener == '"'
            else inner.count(opener) > inner.count(closer))


def drop_stray_closer(text: str, start: int, end: int) -> int:
    """``end``, moved before a closing quotation mark that ends ``[start, end)`` but closes
    nothing opened inside it (and the spaces before that mark): a quotation whose
    opening mark the source lost (``They are losing" , according to ...``) should read
    ``They are losing``, not ``They are losing"``."""
    closer = text[end - 1:end] if end > start else ""
    opener = _CLOSERS.get(closer)
    if opener is None or _unbalanced(text[start:end - 1], opener, closer):
        return end
    end -= 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
