"""What every ingest module shares: the reader registry, size caps and text decoding."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Mapping

from ..errors import InputError
from ..model import RawItem

__all__ = ["IngestOptions", "Reader", "register_reader", "readers", "read_capped", "decode",
           "ItemOrError", "NotRead"]

ItemOrError = RawItem | InputError


class NotRead(InputError):
    """Files in a folder that no reader takes (images, PDFs, Word files...). A notice, said
    once per folder so they do not vanish unseen; not a skipped input, so it does not make
    a run partial."""


@dataclass(frozen=True)
class IngestOptions:
    """How sources are read. Constructed once per run and passed to every reader."""

    max_bytes: int = 50_000_000
    timeout: float = 20.0
    allow_private: bool = False
    #: column mapping for JSON Lines / CSV: our field name -> the file's column name
    columns: Mapping[str, str] = field(default_factory=dict)
    #: fetch each feed entry's link even when the entry carries content
    follow_feed_links: bool = False
    #: fetch URLs at all (tests and offline runs may turn it off)
    fetch: bool = True


#: A reader takes a local path and yields raw items or per-item errors.
Reader = Callable[[Path, IngestOptions], Iterator[ItemOrError]]


@dataclass(frozen=True)
class _Entry:
    name: str
    suffixes: tuple[str, ...]
    reader: Reader


_READERS: dict[str, _Entry] = {}


def register_reader(name: str, suffixes: tuple[str, ...]):
    """Decorator: ``@register_reader("warc", (".warc", ".warc.gz"))``."""

    def deco(fn: Reader) -> Reader:
        _READERS[name] = _Entry(name, tuple(s.lower() for s in suffixes), fn)
        return fn

    return deco


def readers() -> dict[str, _Entry]:
    return dict(_READERS)


def reader_for(path: Path) -> _Entry | None:
    """The reader whose longest suffix matches ``path`` (``.warc.gz`` beats ``.gz``)."""
    name = path.name.lower()
    best: tuple[int, _Entry] | None = None
    for entry in _READERS.values():
        for suf in entry.suffixes:
            if name.endswith(suf) and (best is None or len(suf) > best[0]):
                best = (len(suf), entry)
    return best[1] if best else None


def read_capped(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path``; an :class:`InputError` if it is missing, empty or too big."""
    src = str(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InputError(src, f"cannot read file ({e.strerror})", "unreadable") from None
    if size == 0:
        raise InputError(src, "file is empty", "empty")
    if size > max_bytes:
        raise InputError(src, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit "
                              "(set NARRASCOPE_MAX_BYTES to raise it)", "too large")
    try:
        return path.read_bytes()
    except OSError as e:
        raise InputError(src, f"cannot read file ({e.strerror})", "unreadable") from None


_CONTROL = [bytes([b]) for b in range(32) if b not in (9, 10, 12, 13)]


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text: NULs, or many control characters, near the start."""
    head = data[:8192]
    if not head:
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    ctrl = sum(head.count(c) for c in _CONTROL)
    return ctrl / len(head) > 0.05


#: runs of bytes that are letters in Windows-1251 (Cyrillic) and in Windows-1252 (accents)
_HIGH_RUN = re.compile(rb"[\xc0-\xff]+")


def _is_ascii_letter(data: bytes, i: int) -> bool:
    return 0 <= i < len(data) and (65 <= data[i] <= 90 or 97 <= data[i] <= 122)


def legacy_codec(data: bytes) -> str:
    """Which legacy single-byte codepage non-UTF-8 ``data`` is in: ``cp1251`` or ``cp1252``.

    Bytes 0xC0-0xFF are letters in both. In Western text (Windows-1252) they are accented
    letters inside words of ASCII letters ('Café', 'São'); in Cyrillic text (Windows-1251,
    Russian and Bulgarian) whole words are made of them, with ASCII letters only in separate
    Latin words. So long runs of such bytes that rarely touch an ASCII letter mean Cyrillic.
    """
    runs = [m.span() for m in _HIGH_RUN.finditer(data[:65536])]
    if not runs:
        return "cp1252"
    touching = sum(1 for a, b in runs if _is_ascii_letter(data, a - 1) or _is_ascii_letter(data, b))
    mean_len = sum(b - a for a, b in runs) / len(runs)
    return "cp1251" if touching / len(runs) < 0.25 and mean_len >= 3 else "cp1252"


def decode(data: bytes, source: str) -> str:
    """Decode text bytes: UTF-8 (a BOM is dropped), UTF-16 when it has a BOM, and otherwise,
    for bytes that are not valid UTF-8, Windows-1251 (Cyrillic) or Windows-1252 (Western) as
    :func:`legacy_codec` judges, with undecodable bytes replaced by U+FFFD. Binary data
    raises :class:`InputError`."""
    if looks_binary(data):
        raise InputError(source, "looks like a binary file, not text (allowed: UTF-8, UTF-16 "
                                 "with BOM, Windows-1251 or Windows-1252 text)", "binary")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(legacy_codec(data), errors="replace")
