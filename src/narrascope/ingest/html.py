"""HTML files: the page as found, for :func:`narrascope.clean.clean` to extract.

The reader only decodes the bytes and notes the page's canonical URL; turning markup into
article text, title, date, author and site is the cleaner's job (trafilatura), so HTML
read from a file, a URL, a feed or a web archive is extracted the same way.

Decoding: a byte-order mark wins, then a charset the transport declared (an HTTP or WARC
``Content-Type`` header), then the page's own ``<meta charset>`` (or ``http-equiv``
``Content-Type``), and otherwise :func:`.base.decode` (UTF-8, else Windows-1251 or -1252).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from ..errors import InputError
from ..model import RawItem
from .base import IngestOptions, ItemOrError, decode, looks_binary, read_capped, register_reader

__all__ = ["read_html", "decode_html", "html_item", "canonical_url", "charset_of"]

#: How far into a page a ``<meta charset>`` is looked for (HTML5 says the first 1024 bytes;
#: real pages put long scripts first, so look further).
_PRESCAN_BYTES = 16_384

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_TAG = re.compile(r"<(link|meta)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_HEAD_END = re.compile(r"</head\s*>|<body\b", re.IGNORECASE)


def charset_of(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` value, if any."""
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip(" \"'"):
            return value.strip(" \"'")
    return None


def _codec(name: str | None) -> str | None:
    """A Python codec for a declared charset name, or None when unknown. Pages that say
    ISO-8859-1 or ASCII mean Windows-1252, as browsers assume."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip()).name
    except LookupError:
        return None
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def decode_html(data: bytes, source: str, declared: str | None = None) -> str:
    """Decode page bytes (see the module docstring for the order of evidence).

    Raises :class:`InputError` for bytes that are not text at all."""
    if looks_binary(data):
        raise InputError(source, "looks like a binary file, not HTML (allowed: an HTML page "
                                 "in any charset it declares, else UTF-8, Windows-1251 or -1252)",
                         "binary")
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data, source)
    codec = _codec(declared)
    if codec is None:
        m = _META_CHARSET.search(data[:_PRESCAN_BYTES])
        codec = _codec(m.group(1).decode("ascii", "replace")) if m else None
    if codec is None or codec.startswith("utf-16"):  # a page served as bytes is not UTF-16
        return decode(data, source)
    if codec == "utf-8":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:  # the declaration lied: fall back as for undeclared bytes
            return decode(data, source)
    return data.decode(codec, errors="replace")


def _attrs(raw: str) -> dict[str, str]:
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
            for m in _ATTR.finditer(raw)}


def canonical_url(html: str) -> str | None:
    """The absolute http(s) URL the page names as its own: ``<link rel="canonical">``,
    else ``<meta property="og:url">``; None when it names none."""
    head = html[: m.start()] if (m := _HEAD_END.search(html)) else html[:200_000]
    found: dict[str, str] = {}
    for tag in _TAG.finditer(head):
        attrs = _attrs(tag.group(2))
        if tag.group(1).lower() == "link" and "canonical" in attrs.get("rel", "").lower().split():
            found.setdefault("canonical", attrs.get("href", ""))
        elif attrs.get("property", attrs.get("name", "")).lower() == "og:url":
            found.setdefault("og", attrs.get("content", ""))
    for key in ("canonical", "og"):
        url = found.get(key, "").strip()
        if urlsplit(url).scheme.lower() in ("http", "https") and urlsplit(url).netloc:
            return url
    return None


def html_item(data: bytes, source: str, *, url: str | None = None,
              declared_charset: str | None = None, published: str | None = None) -> RawItem:
    """A raw HTML item from page bytes. ``url`` is where the page was fetched from (a
    URL's final address, a WARC record's target); without one, the page's canonical URL."""
    html = decode_html(data, source, declared_charset)
    if not html.strip():
        raise InputError(source, "HTML page is blank", "empty")
    return RawItem(source=source, html=html, url=url or canonical_url(html),
                   published=published, scraped=False, title_first_line=False)


@register_reader("html", (".html", ".htm", ".xhtml"))
def read_html(path: Path, opts: IngestOptions) -> Iterator[ItemOrError]:
    try:
        yield html_item(read_capped(path, opts.max_bytes), str(path))
    except InputError as e:
        yield e
