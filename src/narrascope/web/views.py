"""Views: how the web app shows each analysis.

An analyser contributes keys to an article's JSON object (``quotes``, ``entities``...).
A *view* is registered for one such key and says three things about its value:

* ``highlights``: the stretches of text to mark on the article page, with a CSS class
  (one colour per kind) and a tooltip;
* ``items``: what to list beside the text (a speaker and what they said, a narrative
  and its score...), optionally linking to a page of the app;
* ``facets``: the ``(kind, value, role)`` triples the search filters and the dashboard
  count (a narrative name, an entity with its role, a speaker).

A key without a registered view still shows: :func:`generic_view` highlights any list
of objects that carry ``start``/``end`` and lists the rest. Adding an analysis to the
app is one small function decorated with :func:`register_view`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

__all__ = ["Highlight", "Item", "Facet", "ViewSpec", "register_view", "views", "view_for",
           "generic_view"]


@dataclass(frozen=True)
class Highlight:
    """A stretch of article text to mark: ``[start, end)`` with a CSS class and a tooltip."""

    start: int
    end: int
    css: str
    title: str


@dataclass(frozen=True)
class Item:
    """One line beside the article: a label, a detail, an optional link and anchor."""

    label: str
    detail: str = ""
    href: str | None = None
    #: the highlight this item points at (start offset), so the page can link to it
    anchor: int | None = None
    css: str = ""
    #: a longer explanation, shown on hover
    about: str = ""


#: ``(kind, value, role)``: what the search filters and dashboard statistics count.
Facet = tuple[str, str, str]


@dataclass(frozen=True)
class ViewSpec:
    key: str
    title: str
    #: CSS class of its highlights, and the legend's wording for it
    css: str
    legend: str
    highlights: Callable[[str, Any], list[Highlight]]
    items: Callable[[str, Any], list[Item]]
    facets: Callable[[Any], list[Facet]]
    #: order on the article page (lower first)
    order: int = 50
    extra_legend: tuple[tuple[str, str], ...] = field(default=())


_VIEWS: dict[str, ViewSpec] = {}


def register_view(key: str, *, title: str, css: str, legend: str, order: int = 50,
                  extra_legend: Sequence[tuple[str, str]] = ()):
    """Decorator on a class with static ``highlights``, ``items`` and ``facets``
    (any of them may be left out)."""

    def deco(cls):
        _VIEWS[key] = ViewSpec(
            key, title, css, legend,
            getattr(cls, "highlights", lambda text, value: []),
            getattr(cls, "items", lambda text, value: []),
            getattr(cls, "facets", lambda value: []),
            order, tuple(extra_legend))
        return cls

    return deco


def views() -> dict[str, ViewSpec]:
    from . import builtin_views  # noqa: F401  (registers the views of the built-in analyses)

    return dict(_VIEWS)


def view_for(key: str) -> ViewSpec:
    return views().get(key) or generic_view(key)


# -- helpers the views share -----------------------------------------------------------

def as_list(value: Any) -> list[Any]:
    """``value`` as a list of its entries (a dict of lists is flattened one level)."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        out: list[Any] = []
        for v in value.values():
            out.extend(v if isinstance(v, list) else [v])
        return out
    return [value]


def offsets(obj: Any, text_len: int) -> tuple[int, int] | None:
    """``(start, end)`` of ``obj`` when it carries valid offsets into the text."""
    if not isinstance(obj, dict):
        return None
    s, e = obj.get("start"), obj.get("end")
    if isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= text_len:
        return s, e
    return None


def first_str(obj: Mapping[str, Any], *keys: str, default: str = "") -> str:
    for k in keys:
        v = obj.get(k)
        if isinstance(v, str) and v:
            return v
    return default


def score_text(obj: Mapping[str, Any]) -> str:
    s = obj.get("score")
    return f"{float(s):.2f}" if isinstance(s, (int, float)) else ""


def spans_in(obj: Mapping[str, Any], text_len: int, *keys: str) -> Iterable[tuple[int, int]]:
    """Offsets of the spans listed under ``keys`` (``evidence``...) of ``obj``."""
    for k in keys:
        for sp in as_list(obj.get(k)):
            o = offsets(sp, text_len)
            if o:
                yield o


def generic_view(key: str) -> ViewSpec:
    """The view of a key no view was registered for: highlight whatever has offsets."""

    def highlights(text: str, value: Any) -> list[Highlight]:
        out = []
        for obj in as_list(value):
            o = offsets(obj, len(text))
            if o:
                out.append(Highlight(*o, "hl-other", f"{key}: {first_str(obj, 'label', 'name', 'kind')}"))
        return out

    def items(text: str, value: Any) -> list[Item]:
        if isinstance(value, dict) and not any(
                isinstance(v, list) and any(isinstance(x, dict) for x in v)
                for v in value.values()):
            return _record_items(value)
        out = []
        for obj in as_list(value)[:200]:
            if isinstance(obj, dict):
                o = offsets(obj, len(text))
                label = first_str(obj, "label", "name", "text", "kind", default=key)
                detail = ", ".join(f"{k}: {v}" for k, v in obj.items()
                                   if isinstance(v, (str, int, float)) and k not in
                                   ("start", "end", "label", "name"))[:200]
                out.append(Item(label, detail, anchor=o[0] if o else None))
            elif isinstance(obj, (str, int, float)):
                out.append(Item(str(obj)))
        return out

    return ViewSpec(key, key.replace("_", " ").capitalize(), "hl-other", key, highlights, items,
                    lambda value: [], 90)


def _record_items(value: Mapping[str, Any]) -> list[Item]:
    """One object of named values (a summary, counts): each name with its value, so the
    page never lists a bare number without saying what it counts."""
    out = []
    for k, v in list(value.items())[:200]:
        name = str(k).replace("_", " ")
        if isinstance(v, dict):
            detail = ", ".join(f"{a}: {b}" for a, b in v.items()
                               if isinstance(b, (str, int, float)))[:200]
        elif isinstance(v, list):
            detail = ", ".join(str(x) for x in v if isinstance(x, (str, int, float)))[:200]
        elif isinstance(v, (str, int, float)):
            detail = str(v)
        else:
            continue
        out.append(Item(name, detail))
    return out
