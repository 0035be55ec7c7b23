"""Read Propaganda Techniques Corpus folders (SemEval-2020 Task 11 layout).

A folder holds ``*-articles/article<ID>.txt`` (or the articles directly) and, for
training, a technique file ``*task-flc-tc.labels`` (``ID<TAB>Technique<TAB>start<TAB>end``);
a span file ``*task-si.labels`` (``ID<TAB>start<TAB>end``) is read when present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import NarrascopeError

__all__ = ["PTCArticle", "read_ptc", "article_id"]

_ARTICLE = re.compile(r"^article(.+)\.txt$")


@dataclass
class PTCArticle:
    id: str
    text: str
    #: gold technique spans ``(start, end, label)``
    techniques: list[tuple[int, int, str]] = field(default_factory=list)
    #: gold propaganda spans ``(start, end)`` (from the SI file, else from the techniques)
    spans: list[tuple[int, int]] = field(default_factory=list)


def article_id(path: str | Path) -> str:
    """``article123.txt`` -> ``123``; any other file name loses only its extension."""
    name = Path(path).name
    m = _ARTICLE.match(name)
    return m.group(1) if m else Path(name).stem


def _articles_dir(root: Path) -> Path:
    if any(root.glob("article*.txt")):
        return root
    for sub in sorted(root.glob("*articles*")):
        if sub.is_dir() and any(sub.glob("article*.txt")):
            return sub
    raise NarrascopeError(f"no article<ID>.txt files in {root} or its *-articles folder; "
                          "give a PTC folder such as ../shared/data/ptc2020/train")


def read_ptc(folder: str | Path, need_labels: bool = True) -> list[PTCArticle]:
    """The articles of a PTC folder with their gold spans, sorted by id."""
    root = Path(folder)
    if not root.is_dir():
        raise NarrascopeError(f"{root} is not a folder; give a PTC folder with article<ID>.txt files")
    arts = {}
    for p in sorted(_articles_dir(root).glob("article*.txt")):
        # newline="" keeps \r\n as read: offsets count characters of the file as read
        with open(p, encoding="utf-8", newline="") as fh:
            arts[article_id(p)] = PTCArticle(article_id(p), fh.read())
    tc = sorted(root.glob("*task-flc-tc.labels"))
    si = sorted(root.glob("*task-si.labels"))
    if need_labels and not tc:
        raise NarrascopeError(f"no *task-flc-tc.labels file in {root}; training and evaluation "
                              "need the technique labels (ID<TAB>Technique<TAB>start<TAB>end)")
    for path in tc:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            aid, lab, s, e = line.split("\t")[:4]
            if aid in arts:
                arts[aid].techniques.append((int(s), int(e), lab))
    for path in si:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            aid, s, e = line.split("\t")[:3]
            if aid in arts:
                arts[aid].spans.append((int(s), int(e)))
    for art in arts.values():
        if not art.spans:
            art.spans = [(s, e) for s, e, _ in art.techniques]
    return [arts[k] for k in sorted(arts)]
