"""Readers for the token-per-line NER corpora the recogniser is trained on.

Two layouts are accepted, told apart line by line:

* CoNLL-2003: ``token POS chunk TAG`` separated by spaces, ``-DOCSTART-`` lines between
  documents;
* WikiANN: ``xx:token<TAB>TAG`` (the ``xx:`` language prefix is optional).

Sentences are separated by blank lines. Tags are BIO (``B-PER``, ``I-ORG``, ``O``); an
``I-`` tag that does not continue an entity of the same type is read as ``B-``, since
both corpora contain a few of those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

__all__ = ["Sentence", "read_sentences", "read_documents", "data_files", "entity_spans"]

_LANG_PREFIX = re.compile(r"^[a-z]{2,3}:(?=.)")


@dataclass(frozen=True)
class Sentence:
    words: tuple[str, ...]
    tags: tuple[str, ...]


def data_files(paths: Iterable[str | Path], split: str = "train") -> list[Path]:
    """Files named by ``paths``; a folder stands for its files whose name starts with ``split``."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.is_file() and f.name.startswith(split)))
        elif p.is_file():
            out.append(p)
        else:
            from ...errors import NarrascopeError

            raise NarrascopeError(f"{p}: no such NER data file or folder; give CoNLL or "
                                  "WikiANN files (token ... TAG per line)")
    return out


def _parse(line: str) -> tuple[str, str] | None:
    fields = line.split("\t") if "\t" in line else line.split()
    if len(fields) < 2 or fields[0] == "-DOCSTART-":
        return None
    word, tag = _LANG_PREFIX.sub("", fields[0]), fields[-1].strip()
    if tag != "O" and not re.match(r"^[BI]-\w+$", tag):
        return None
    return word, tag


def _repair(tags: list[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        if tag.startswith("I-") and (not out or out[-1] == "O" or out[-1][2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
    return out


def _read(path: str | Path, label_map: dict[str, str] | None) -> Iterator[Sentence | None]:
    """Sentences of one corpus file, with ``None`` where a ``-DOCSTART-`` line starts a
    new document."""
    words: list[str] = []
    tags: list[str] = []

    def flush() -> Sentence | None:
        if not words:
            return None
        mapped = []
        for t in tags:
            if t != "O" and label_map is not None and t[2:] in label_map:
                new = label_map[t[2:]]
                t = f"{t[:2]}{new}" if new else "O"
            mapped.append(t)
        s = Sentence(tuple(words), tuple(_repair(mapped)))
        words.clear()
        tags.clear()
        return s

    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                s = flush()
                if s:
                    yield s
                continue
            parsed = _parse(line)
            if parsed is None:
                if line.startswith("-DOCSTART-"):
                    s = flush()
                    if s:
                        yield s
                    yield None
                continue
            words.append(parsed[0])
            tags.append(parsed[1])
    s = flush()
    if s:
        yield s


def read_sentences(path: str | Path, label_map: dict[str, str] | None = None
                   ) -> Iterator[Sentence]:
    """Sentences of one corpus file. ``label_map`` renames (or, mapped to "", drops) types."""
    return (s for s in _read(path, label_map) if s is not None)


def read_documents(path: str | Path, label_map: dict[str, str] | None = None
                   ) -> list[list[Sentence]]:
    """The sentences of one corpus file grouped by document (CoNLL's ``-DOCSTART-`` lines).

    A file without such lines (WikiANN) is one document per sentence, since its sentences
    are independent of one another.
    """
    items = list(_read(path, label_map))
    if None not in items:
        return [[s] for s in items if s is not None]
    docs: list[list[Sentence]] = [[]]
    for item in items:
        if item is None:
            docs.append([])
        else:
            docs[-1].append(item)
    return [d for d in docs if d]


def entity_spans(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """``(start, end, type)`` token spans (end exclusive) of a BIO tag sequence."""
    out: set[tuple[int, int, str]] = set()
    start, kind = -1, ""
    for i, tag in enumerate(list(tags) + ["O"]):
        if start >= 0 and (tag == "O" or tag.startswith("B-") or tag[2:] != kind):
            out.add((start, i, kind))
            start = -1
        if tag.startswith("B-") or (tag.startswith("I-") and start < 0):
            start, kind = i, tag[2:]
    return out
