"""Turn an article's JSON into what its page shows: text segments with highlight classes,
side panels and a legend. Pure functions of the JSON, so they are easy to test.

The text is cut at every highlight boundary; each piece carries the classes of every
highlight that covers it, so overlapping findings (a quote inside a narrative's evidence
sentence, an entity inside the quote) all stay visible. The template escapes the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .views import Highlight, Item, ViewSpec, view_for

__all__ = ["Segment", "Panel", "ArticleView", "article_view", "segments", "BASE_KEYS"]

#: keys of an article's JSON that are the document itself, not an analysis
BASE_KEYS = frozenset({"id", "source", "title", "url", "outlet", "published", "authors",
                       "language", "text", "relations"})


@dataclass(frozen=True)
class Segment:
    text: str
    css: str
    title: str
    #: offsets of highlights starting here (the page's anchors ``h-<offset>``)
    anchors: tuple[int, ...] = ()


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class ArticleView:
    segments: tuple[Segment, ...]
    panels: tuple[Panel, ...]
    legend: tuple[tuple[str, str], ...]


def segments(text: str, highlights: list[Highlight]) -> list[Segment]:
    """``text`` cut at every highlight boundary, each piece with its covering classes."""
    if not highlights:
        return [Segment(text, "", "")] if text else []
    cuts = {0, len(text)}
    for h in highlights:
        cuts.add(h.start)
        cuts.add(h.end)
    points = sorted(cuts)
    starts: dict[int, list[Highlight]] = {}
    for h in highlights:
        starts.setdefault(h.start, []).append(h)
    active: list[Highlight] = []
    out: list[Segment] = []
    for a, b in zip(points, points[1:]):
        active = [h for h in active if h.end > a] + starts.get(a, [])
        if not active:
            out.append(Segment(text[a:b], "", "", ()))
            continue
        classes = " ".join(dict.fromkeys(c for h in active for c in h.css.split()))
        titles = "\n".join(dict.fromkeys(h.title for h in active if h.title))
        anchors = tuple(sorted({h.start for h in starts.get(a, [])}))
        out.append(Segment(text[a:b], "hl " + classes, titles, anchors))
    return out


def article_view(article: Mapping[str, Any]) -> ArticleView:
    """Segments, panels and legend for one article's JSON (``article_json`` output)."""
    text = article.get("text") or ""
    specs: list[tuple[ViewSpec, Any]] = sorted(
        ((view_for(k), v) for k, v in article.items() if k not in BASE_KEYS),
        key=lambda sv: (sv[0].order, sv[0].key))
    highlights: list[Highlight] = []
    panels: list[Panel] = []
    legend: dict[str, str] = {}
    for spec, value in specs:
        hs = spec.highlights(text, value)
        highlights.extend(hs)
        used = {c for h in hs for c in h.css.split()}
        # the legend names only the kinds this article's text shows
        for css, words in ((spec.css, spec.legend), *spec.extra_legend):
            if words and css and set(css.split()) <= used:
                legend.setdefault(css, words)
        items = spec.items(text, value)
        panels.append(Panel(spec.key, spec.title, tuple(items)))
    return ArticleView(tuple(segments(text, highlights)), tuple(panels), tuple(legend.items()))
