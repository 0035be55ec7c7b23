"""Report: turn stored documents and results into what people read or load elsewhere.

Every output format registers itself with :func:`register_format`; a module in this
package is found automatically. A writer receives :class:`Article` views (the document,
its results by analyser name, the source it was read from in this run) and the options
given on the command line.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, TextIO

from ..errors import UnknownName
from ..plugins import import_submodules, load_entry_points
from ..model import Document, Relation, Result

__all__ = ["Article", "register_format", "formats", "get_format", "FormatSpec"]


@dataclass(frozen=True)
class Article:
    doc: Document
    results: Mapping[str, Result]
    #: where this article was read from in this run (a path or URL), else the first sighting
    source: str | None = None
    #: OffsetMap JSON from ``doc.text`` back into ``source`` as read, when known
    offsets: list[list[int]] | None = None
    relations: tuple[Relation, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


Writer = Callable[[TextIO, Iterable[Article], Mapping[str, Any]], None]
#: validates a format's options before any work and returns them, with anything it read
#: (a file given as an option) added for the writer; raises NarrascopeError with one line
Check = Callable[[Mapping[str, Any]], Mapping[str, Any]]


@dataclass(frozen=True)
class FormatSpec:
    name: str
    writer: Writer
    description: str
    #: analysers whose results this format needs (run by ``analyze`` even if not named)
    requires: tuple[str, ...] = ()
    #: format-specific options it reads (e.g. ``mentions``); given to another format, an error
    options: tuple[str, ...] = ()
    #: called with the options before ingesting, so a bad option fails in seconds, not after
    #: an hour of analysis
    check: Check | None = None


_FORMATS: dict[str, FormatSpec] = {}


def register_format(name: str, *, description: str, requires: tuple[str, ...] = (),
                    options: tuple[str, ...] = (), check: Check | None = None):
    def deco(fn: Writer) -> Writer:
        _FORMATS[name] = FormatSpec(name, fn, description, requires, options, check)
        return fn

    return deco


def formats() -> dict[str, FormatSpec]:
    import_submodules(sys.modules[__name__])
    load_entry_points("narrascope.formats")
    return dict(_FORMATS)


def get_format(name: str) -> FormatSpec:
    fmts = formats()
    if name not in fmts:
        raise UnknownName("format", name, fmts)
    return fmts[name]
