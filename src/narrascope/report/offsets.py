"""Offsets into the file an article was read from, for the shared tasks' formats.

The tasks count characters of their plain-text files. An article's :class:`OffsetMap`
maps its stored text back into the text it was cleaned from; for a plain-text file that
is the file itself, but for an HTML page, a feed entry, a table row or an archive record
it is text extracted from the markup, which no one can open. For those, the formats give
offsets into the stored article text (what ``narrascope show ID`` prints) and say so once.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..clean import OffsetMap
from . import Article

__all__ = ["OffsetNote"]


def _is_text_file(source: str | None) -> bool:
    """Whether ``source`` is a local plain-text file (read whole by the text reader)."""
    from ..ingest.base import reader_for

    if not source or "#" in source or "://" in source:
        return False
    path = Path(source)
    entry = reader_for(path)
    if entry is not None:
        return entry.name == "text"
    try:
        from ..ingest import _sniff
        from ..ingest.base import IngestOptions

        return path.is_file() and _sniff(path, IngestOptions()) == "text"
    except Exception:  # noqa: BLE001 - unreadable now: do not claim file offsets
        return False


class OffsetNote:
    """Picks each article's offset map for a task format, and tells the user once about the
    articles whose offsets count the stored text rather than their file."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.ids: list[str] = []

    def omap(self, art: Article) -> OffsetMap | None:
        """The map from ``art.doc.text`` into its plain-text source file; None when the
        offsets are the stored text's own (no map recorded, or not a plain-text file)."""
        if _is_text_file(art.source or art.doc.source):
            return OffsetMap.from_json(art.offsets) if art.offsets else None
        self.ids.append(art.doc.id)
        return None

    def say(self) -> None:
        if self.ids:
            print(f"{self.fmt}: {len(self.ids)} article(s) were not read from plain-text files "
                  f"(HTML, feeds, tables, archives, standard input; first: {self.ids[0]}); "
                  "their offsets count characters of the stored text, as `narrascope show "
                  "ID` prints it, not of the file", file=sys.stderr)
