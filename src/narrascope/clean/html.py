"""HTML to article text and metadata, with trafilatura."""

from __future__ import annotations

from dataclasses import replace

from ..errors import InputError
from ..model import RawItem

__all__ = ["extract_html"]


def extract_html(raw: RawItem) -> RawItem:
    """``raw`` with ``text``, ``title``, ``published``, ``authors`` and ``outlet`` filled
    from its ``html``; :class:`InputError` when the page holds no article."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(raw.html, url=raw.url, with_metadata=True,
                                          include_comments=False, include_tables=False,
                                          favor_precision=True)
    except Exception as e:  # trafilatura raises assorted errors on broken markup
        raise InputError(raw.source, f"cannot parse HTML ({type(e).__name__})", "bad html") from None
    if doc is None:
        raise InputError(raw.source, "HTML page holds no article text", "no text")
    get = (lambda k: getattr(doc, k, None)) if not isinstance(doc, dict) else doc.get
    body = (get("text") or "").strip()
    if not body:
        raise InputError(raw.source, "HTML page holds no article text", "no text")
    title = (raw.title or get("title") or "").strip()
    authors = raw.authors or tuple(a.strip() for a in (get("author") or "").split(";") if a.strip())
    # the title goes first, as in text files, so it is part of the analysed text; pages
    # whose text already opens with their headline (an <h1>) keep it once
    first = body.split("\n", 1)[0].strip()
    if title and " ".join(first.split()).casefold() == " ".join(title.split()).casefold():
        text = body
    else:
        text = f"{title}\n\n{body}" if title else body
    return replace(raw, html=None, text=text, title=title or None,
                   # the page's own date beats a capture or feed date
                   published=get("date") or raw.published,
                   outlet=raw.outlet or get("sitename") or get("hostname"),
                   url=raw.url or get("url"), authors=authors,
                   scraped=False, title_first_line=bool(title))
