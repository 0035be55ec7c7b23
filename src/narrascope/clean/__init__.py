"""Clean: make the one text that every finding points into.

``clean(raw)`` turns a :class:`~narrascope.model.RawItem` into a
:class:`~narrascope.model.Document`: HTML becomes article text (trafilatura), scraped
text loses its page furniture (see :mod:`.boilerplate`), the title is the first real
line and a site suffix in it names the outlet, a date line under it the publication
date, whitespace is normalised and the language identified. Cleaning only deletes
characters or swaps one for one (a no-break space for a space), so an
:class:`OffsetMap` maps every offset back into the raw text exactly; the shared tasks'
file formats use it to report offsets into the files as read.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..errors import InputError
from ..model import Document, RawItem, doc_id_for
from .boilerplate import is_boilerplate_line, is_head_category, is_tail_marker
from .language import detect_language
from .meta import parse_date_line, split_title_suffix

__all__ = ["clean", "Cleaned", "OffsetMap", "MIN_TEXT_CHARS"]

#: A document needs at least this many characters of text after cleaning.
MIN_TEXT_CHARS = 20

# zero-width space, word joiner, BOM, soft hyphen (ZWJ/ZWNJ carry meaning in Indic scripts: kept)
_INVISIBLE_RE = re.compile(r"[\u200b\u2060\ufeff\u00ad]")
#: what normalisation rewrites: an invisible character, a run of whitespace, or one
#: whitespace character other than a plain space
_FIX = re.compile(r"[\u200b\u2060\ufeff\u00ad]|\s{2,}|[^\S ]")
_LEAD = re.compile(r"[\s\u200b\u2060\ufeff\u00ad]*")
_TRAIL = re.compile(r"[\s\u200b\u2060\ufeff\u00ad]*$")


@dataclass(frozen=True)
class OffsetMap:
    """Segments ``(clean_start, raw_start, length)`` in order: clean text
    ``[c, c+n)`` is raw text ``[r, r+n)`` (character for character, up to whitespace)."""

    segments: tuple[tuple[int, int, int], ...]

    def to_raw(self, pos: int) -> int:
        """The raw offset of clean offset ``pos`` (an end offset maps past its last char)."""
        if not self.segments:
            return pos
        starts = [s[0] for s in self.segments]
        i = max(0, bisect.bisect_right(starts, pos) - 1)
        c, r, n = self.segments[i]
        if pos <= c + n:
            return r + (pos - c)
        # inside text cleaning added (a paragraph break): the next segment's start
        return self.segments[i + 1][1] if i + 1 < len(self.segments) else r + n

    def span_to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``[start, end)`` for a clean ``[start, end)``."""
        if end <= start:
            s = self.to_raw(start)
            return s, s
        return self.to_raw(start), self.to_raw(end - 1) + 1

    def to_clean(self, raw_pos: int) -> int:
        """The clean offset of raw offset ``raw_pos``; a raw position that cleaning deleted
        maps to the next clean character."""
        for c, r, n in self.segments:
            if raw_pos < r:
                return c
            if raw_pos < r + n:
                return c + (raw_pos - r)
        return self.segments[-1][0] + self.segments[-1][2] if self.segments else raw_pos

    def span_to_clean(self, start: int, end: int) -> tuple[int, int]:
        """Clean ``[start, end)`` for a raw ``[start, end)``."""
        if end <= start:
            s = self.to_clean(start)
            return s, s
        return self.to_clean(start), self.to_clean(end - 1) + 1

    def to_json(self) -> list[list[int]]:
        return [list(s) for s in self.segments]

    @classmethod
    def from_json(cls, data) -> "OffsetMap":
        return cls(tuple(tuple(int(x) for x in s) for s in data or ()))  # type: ignore[misc]


class _Builder:
    """Accumulates clean text with the raw index of every character."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.segments: list[list[int]] = []
        self.length = 0

    def add(self, text: str, raw_start: int | None, contiguous: bool = True) -> None:
        """Append ``text`` read from ``raw_start``; None for text cleaning made up (a
        paragraph break), which gets no segment."""
        if not text:
            return
        if raw_start is None:
            self.parts.append(text)
            self.length += len(text)
            return
        seg = self.segments[-1] if self.segments else None
        if contiguous and seg and seg[0] + seg[2] == self.length and seg[1] + seg[2] == raw_start:
            seg[2] += len(text)
        else:
            self.segments.append([self.length, raw_start, len(text)])
        self.parts.append(text)
        self.length += len(text)

    def add_line(self, line: str, raw_start: int) -> None:
        """Add ``line`` normalised: invisible characters dropped, each run of whitespace
        made one space, ends stripped (all deletions or 1:1 swaps, so offsets map)."""
        i = _LEAD.match(line).end()
        n = _TRAIL.search(line, i).start()
        pos = i
        for m in _FIX.finditer(line, i, n):
            self.add(line[pos:m.start()], raw_start + pos)
            if not _INVISIBLE_RE.fullmatch(m.group()):
                self.add(" ", raw_start + m.start())
            pos = m.end()
        self.add(line[pos:n], raw_start + pos)

    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class Cleaned:
    doc: Document
    offsets: OffsetMap


def _lines(text: str) -> list[tuple[str, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((line.rstrip("\r"), pos))
        pos += len(line) + 1
    return out


def clean(raw: RawItem) -> Cleaned:
    """Clean one raw item; raises :class:`InputError` when no article text is left."""
    if raw.text is None and raw.html is not None:
        from .html import extract_html

        raw = extract_html(raw)
    text = raw.text or ""
    lines = [(ln, off) for ln, off in _lines(text)]
    b = _Builder()
    title, outlet, published = raw.title, raw.outlet, raw.published

    i = 0
    if raw.scraped:
        while i < len(lines) and (not lines[i][0].strip() or is_boilerplate_line(lines[i][0])
                                  or (is_head_category(lines[i][0]) and _next_real(lines, i))):
            i += 1
    if raw.title_first_line and i < len(lines):
        line, off = lines[i]
        t, site, cut = split_title_suffix(line.strip()) if raw.scraped else (line.strip(), None, 0)
        lead = len(line) - len(line.lstrip())
        b.add_line(line[: lead + len(t)], off)
        title = title or b.text().strip() or None
        outlet = outlet or site
        i += 1
        # a date line straight under the title is the publication date
        j = i
        while j < len(lines) and not lines[j][0].strip():
            j += 1
        if raw.scraped and j < len(lines) and (d := parse_date_line(lines[j][0])):
            published = published or d
            i = j + 1
    body_start = i
    body_chars = sum(len(ln) for ln, _ in lines[body_start:]) or 1
    seen = 0
    headline = _letters(title) if raw.scraped and title else None
    for k, (ln, off) in enumerate(lines[body_start:]):
        if not ln.strip():
            continue
        if headline and k < 6 and _letters(ln) == headline:
            continue  # the page's headline repeated above the body (an <h1>)
        if raw.scraped:
            if is_tail_marker(ln) and seen > 0.3 * body_chars:
                break
            if is_boilerplate_line(ln):
                seen += len(ln)
                continue
        seen += len(ln)
        if b.length:
            b.add("\n\n", None)
        b.add_line(ln, off)
    out = b.text()
    if len(out.strip()) < MIN_TEXT_CHARS:
        raise InputError(raw.source, "no article text left after cleaning "
                                     f"(needs at least {MIN_TEXT_CHARS} characters)", "no text")
    language = raw.language or detect_language(out)
    doc = Document(id=doc_id_for(out), text=out, title=title, url=raw.url, outlet=outlet,
                   published=published, authors=tuple(raw.authors), language=language,
                   source=raw.source)
    return Cleaned(doc, OffsetMap(tuple(tuple(s) for s in b.segments)))  # type: ignore[misc]


def _letters(text: str) -> str:
    """Letters and digits only, case-folded: two headlines that differ only in quotes,
    dashes or spacing compare equal."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _next_real(lines: list[tuple[str, int]], i: int) -> bool:
    """True when a longer line follows line ``i``: then ``i`` is a label above a title."""
    for ln, _ in lines[i + 1:]:
        if ln.strip():
            return len(ln.split()) >= 4
    return False
