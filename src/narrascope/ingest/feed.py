"""RSS and Atom feeds, from files (``.rss``, ``.atom``, ``.xml``) or fetched by URL.

Each entry becomes one article. An entry that carries its article (``content:encoded``,
Atom ``content``, or a ``description``/``summary`` of at least
:data:`CONTENT_MIN_CHARS` characters of text) is used as it is: an HTML item with the
entry's title, link, date (ISO 8601, UTC) and authors, the feed's title as outlet. An
entry with only a teaser is fetched from its link with :func:`.url.read_url` (under the
same URL guard, and only when ``opts.fetch``; :data:`FETCH_WORKERS` at a time, the
entries keeping their order); an entry with a short body and no link
is used as it is. ``opts.follow_feed_links`` fetches the link even when the content is
there, falling back to the content if the fetch fails.
"""

from __future__ import annotations

import html as htmllib
import io
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError
from ..model import RawItem
from .base import IngestOptions, ItemOrError, read_capped, register_reader

__all__ = ["read_feed", "parse_feed", "CONTENT_MIN_CHARS", "FETCH_WORKERS"]

#: An entry's own content is the article when its text is at least this long; shorter
#: ones are teasers, and the entry's link is fetched instead.
CONTENT_MIN_CHARS = 400

#: Entry links fetched at once. Each fetch is guarded and timed out on its own.
FETCH_WORKERS = 4

# a DOCTYPE with an internal subset, where entities are declared; a feed has no use for
# them, and nested ones ("billion laughs") keep the XML parser busy for many seconds
_INTERNAL_DTD = re.compile(rb"<!DOCTYPE[^>\[]*\[.*?\]\s*>", re.DOTALL | re.IGNORECASE)
_PROLOG_BYTES = 65_536

_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def _text_length(markup: str) -> int:
    return len(_SPACE.sub(" ", htmllib.unescape(_TAGS.sub(" ", markup))).strip())


def _iso(parsed: Any) -> str | None:
    """An ISO 8601 UTC timestamp from feedparser's ``*_parsed`` time tuple."""
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=timezone.utc).isoformat()
    except (TypeError, ValueError):
        return None


def _authors(entry: Any) -> tuple[str, ...]:
    names = [a.get("name") for a in entry.get("authors") or () if hasattr(a, "get")]
    names.append(entry.get("author"))
    return tuple(dict.fromkeys(" ".join(n.split()) for n in names if isinstance(n, str)
                               and n.strip()))


def _body(entry: Any) -> tuple[str, str] | None:
    """The entry's longest body with any text, ``(value, mime type)``."""
    bodies = [(c.get("value") or "", c.get("type") or "text/html")
              for c in entry.get("content") or ()]
    if entry.get("summary"):
        detail = entry.get("summary_detail") or {}
        bodies.append((entry["summary"], detail.get("type") or "text/html"))
    best = max(bodies, key=lambda b: _text_length(b[0]), default=None)
    return best if best is not None and _text_length(best[0]) else None


def _content_item(source: str, value: str, mime: str, meta: dict) -> RawItem:
    if "html" in mime:
        return RawItem(source=source, html=f"<html><body><article>{value}</article></body></html>",
                       scraped=False, title_first_line=False, **meta)
    title = meta.get("title")
    text = f"{title}\n\n{value}" if title else value
    return RawItem(source=source, text=text, scraped=False, title_first_line=bool(title), **meta)


def _entry_items(entry: Any, source: str, opts: IngestOptions, outlet: str | None
                 ) -> Iterator[ItemOrError]:
    title = _SPACE.sub(" ", entry.get("title") or "").strip() or None
    link = (entry.get("link") or "").strip() or None
    meta = dict(title=title, url=link, outlet=outlet, authors=_authors(entry),
                published=_iso(entry.get("published_parsed") or entry.get("updated_parsed")))
    body = _body(entry)
    full = body is not None and _text_length(body[0]) >= CONTENT_MIN_CHARS
    if link and (not full or opts.follow_feed_links):
        fetched = list(_fetch_link(link, opts, meta, fallback=full))
        if fetched:
            yield from fetched
            return
    if body is not None:  # the article, or all there is of it when the entry has no link
        yield _content_item(source, *body, meta)
    else:
        yield InputError(source, "feed entry has no content and no link", "no text")


def _fetch_link(link: str, opts: IngestOptions, meta: dict, fallback: bool
                ) -> Iterator[ItemOrError]:
    """The article at an entry's link, with the entry's title, date and authors (cleaner
    than a page's, which carry site suffixes); the outlet is left to the page's own site
    name. Nothing when the fetch failed (or is off) and the entry's content can stand in."""
    if not opts.fetch and fallback:
        return
    from .url import read_url

    items = list(read_url(link, opts, feeds=False))
    if fallback and all(isinstance(i, InputError) for i in items):
        return
    for item in items:
        if isinstance(item, RawItem):
            item = replace(item, title=meta["title"] or item.title,
                           published=meta["published"] or item.published,
                           authors=meta["authors"] or item.authors)
        yield item


def parse_feed(data: bytes, source: str, opts: IngestOptions, base_url: str | None = None
               ) -> Iterator[ItemOrError]:
    """The items of a feed's entries; one :class:`InputError` if ``data`` is not a feed.
    Entries with their own content are named ``source#N`` (N counting from 1); fetched
    ones by their link."""
    import feedparser

    headers = {"content-location": base_url} if base_url else None
    data = _INTERNAL_DTD.sub(b"", data[:_PROLOG_BYTES], count=1) + data[_PROLOG_BYTES:]
    try:
        # the entries' HTML only feeds text extraction, never a browser: skipping the
        # sanitiser and the rewriting of relative links in it reads feeds 2-3x faster
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers,
                                  sanitize_html=False, resolve_relative_uris=False)
    except Exception as e:  # feedparser gives up on some damaged byte sequences
        yield InputError(source, f"cannot parse as a feed ({type(e).__name__}); allowed: RSS "
                                 "0.9x/1.0/2.0 or Atom XML", "not a feed")
        return
    if not parsed.get("version") and not parsed.entries:
        why = parsed.get("bozo_exception")
        detail = f": {str(why).splitlines()[0]}" if why else ""
        yield InputError(source, f"not an RSS or Atom feed{detail} (allowed: RSS 0.9x/1.0/2.0 "
                                 "or Atom XML)", "not a feed")
        return
    if not parsed.entries:
        yield InputError(source, "feed has no entries", "empty")
        return
    outlet = _SPACE.sub(" ", parsed.feed.get("title") or "").strip() or None

    def entry_items(numbered: tuple[int, Any]) -> list[ItemOrError]:
        n, entry = numbered
        try:
            return list(_entry_items(entry, f"{source}#{n}", opts, outlet))
        except Exception as e:  # one odd entry must not lose the rest of the feed
            return [InputError(f"{source}#{n}", f"unexpected error in feed entry "
                                                f"({type(e).__name__}: {e})", "error")]

    entries = list(enumerate(parsed.entries, 1))
    if not opts.fetch or len(entries) < 2:
        for numbered in entries:
            yield from entry_items(numbered)
        return
    # teaser entries wait on their links: fetch a few at a time, keeping the feed's order
    with ThreadPoolExecutor(FETCH_WORKERS, thread_name_prefix="narrascope-feed") as pool:
        for start in range(0, len(entries), 4 * FETCH_WORKERS):
            for items in pool.map(entry_items, entries[start:start + 4 * FETCH_WORKERS]):
                yield from items


@register_reader("feed", (".rss", ".atom", ".xml"))
def read_feed(path: Path, opts: IngestOptions) -> Iterator[ItemOrError]:
    try:
        data = read_capped(path, opts.max_bytes)
    except InputError as e:
        yield e
        return
    yield from parse_feed(data, str(path), opts)
