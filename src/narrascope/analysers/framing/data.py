"""Read SemEval-2025 Task 10 subtask 1 folders into mentions on cleaned text.

A folder holds ``raw-documents/*.txt`` and ``subtask-1-annotations.txt``
(``file<TAB>mention<TAB>start<TAB>end<TAB>main<TAB>fine...``, ``end`` inclusive, offsets
into the file as read). Each article is cleaned exactly as ``narrascope analyze`` cleans
it, and every mention is mapped onto the clean text, so training sees the same text the
analyser sees later. A handful of the task's offsets are off by a few characters; the
reader looks for the mention nearby and drops it when it is not there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ...clean import clean
from ...errors import NarrascopeError
from ...ingest.base import decode
from ...model import RawItem
from .taxonomy import ROLES, consistent

__all__ = ["Mention", "find_folders", "read_folder", "read_mentions", "ANNOTATIONS"]

ANNOTATIONS = "subtask-1-annotations.txt"
_SEARCH = 8  # characters either side where a misplaced mention is looked for


@dataclass(frozen=True)
class Mention:
    """One annotated mention, with offsets into the clean text ``text`` of its article."""

    article: str  # "EN/EN_UA_300009.txt": the grouping key for cross-validation
    language: str
    text: str
    start: int
    end: int  # exclusive
    main: str
    fines: tuple[str, ...]

    @property
    def surface(self) -> str:
        return self.text[self.start:self.end]


def find_folders(paths: Iterable[str | Path]) -> list[Path]:
    """The annotated folders under ``paths``: each path is such a folder or holds some."""
    out: list[Path] = []
    for p in map(Path, paths):
        if (p / ANNOTATIONS).is_file():
            out.append(p)
        elif p.is_dir():
            out.extend(sorted(d for d in p.iterdir() if (d / ANNOTATIONS).is_file()))
        else:
            raise NarrascopeError(f"{p}: not a folder; give SemEval-2025 Task 10 folders "
                                  f"holding {ANNOTATIONS} and raw-documents/")
    if not out:
        raise NarrascopeError(f"no {ANNOTATIONS} under {', '.join(map(str, paths))}; give "
                              "SemEval-2025 Task 10 language folders (e.g. train/EN)")
    return out


def _locate(raw: str, surface: str, start: int, end_incl: int) -> int | None:
    if raw[start:end_incl + 1] == surface:
        return start
    for d in range(1, _SEARCH + 1):
        for s in (start - d, start + d):
            if s >= 0 and raw[s:s + len(surface)] == surface:
                return s
    return None


def read_folder(folder: Path) -> Iterator[Mention]:
    """The mentions annotated in one language folder, in file order."""
    lang = folder.name
    docs: dict[str, tuple[str, object] | None] = {}
    with open(folder / ANNOTATIONS, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) < 6:
                continue
            name, surface, start, end, main, *fines = parts
            fines = tuple(dict.fromkeys(f.strip() for f in fines if f.strip()))
            if main not in ROLES or not consistent(main, fines):
                continue
            if name not in docs:
                path = folder / "raw-documents" / name
                if not path.is_file():
                    docs[name] = None
                else:
                    raw = decode(path.read_bytes(), str(path))
                    cleaned = clean(RawItem(source=str(path), text=raw))
                    docs[name] = (raw, cleaned)
            entry = docs[name]
            if entry is None:
                continue
            raw, cleaned = entry
            s = _locate(raw, surface, int(start), int(end))
            if s is None:
                continue
            cs, ce = cleaned.offsets.span_to_clean(s, s + len(surface))
            text = cleaned.doc.text
            if text[cs:ce] != surface:
                continue  # cleaning dropped or reshaped the mention's line
            yield Mention(f"{lang}/{name}", lang, text, cs, ce, main, fines)


def read_mentions(paths: Iterable[str | Path]) -> list[Mention]:
    """Every mention under ``paths`` (see :func:`find_folders`)."""
    return [m for folder in find_folders(paths) for m in read_folder(folder)]
