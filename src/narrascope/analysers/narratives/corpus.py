"""Labelled articles for training and evaluation: SemEval-2025 Task 10 folders and JSON Lines.

A SemEval folder holds ``raw-documents/*.txt`` (title on the first line) and
``subtask-2-annotations.txt`` (``file<TAB>narratives<TAB>subnarratives``, ``;``-separated),
and may hold ``subtask-3-annotations.txt`` (``file<TAB>narrative<TAB>subnarrative<TAB>
explanation``: the annotators' sentence or two on the article's dominant narrative),
which the trainer can learn from as well.
The ``train/`` root with one such folder per language is read whole. A JSON Lines file
has one object per line with ``text`` and ``labels`` (narratives and sub-narratives
mixed; optional ``id``, ``title``, ``language``).

Articles are cleaned the way ``narrascope analyze`` cleans a text file, so the model
learns from the same text it will see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from ...errors import InputError, NarrascopeError
from ...taxonomies import Taxonomy

__all__ = ["Example", "Explanation", "read_data", "read_semeval", "read_jsonl",
           "is_semeval_folder", "ANNOTATIONS", "EXPLANATIONS"]

ANNOTATIONS = "subtask-2-annotations.txt"
EXPLANATIONS = "subtask-3-annotations.txt"


@dataclass(frozen=True)
class Explanation:
    """A short text on why an article carries ``labels`` (its dominant narrative and
    sub-narrative): written by an annotator, not part of the article."""

    text: str
    labels: frozenset[str]


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    language: str
    narratives: frozenset[str]
    subnarratives: frozenset[str]
    explanations: tuple[Explanation, ...] = ()


def is_semeval_folder(path: Path) -> bool:
    return (path / "raw-documents").is_dir() and (path / ANNOTATIONS).is_file()


def _clean_text(path: Path, raw: str) -> tuple[str, str | None]:
    from ...clean import clean
    from ...model import RawItem

    try:
        doc = clean(RawItem(source=str(path), text=raw, scraped=True, title_first_line=True)).doc
    except InputError:
        return raw.strip(), None
    return doc.text, doc.language


def _split_labels(labels: Iterable[str], taxonomy: Taxonomy, where: str
                  ) -> tuple[frozenset[str], frozenset[str]]:
    narrs, subs = set(), set()
    for lab in labels:
        lab = lab.strip()
        if not lab:
            continue
        if lab == taxonomy.other:
            narrs.add(lab)
            subs.add(lab)
        elif lab in taxonomy.domain:
            narrs.add(lab)
        elif lab in taxonomy.parent:
            subs.add(lab)
            narrs.add(taxonomy.parent[lab])
        else:
            raise NarrascopeError(f"{where}: label {lab!r} is not in taxonomy "
                                  f"{taxonomy.name!r}; give --option taxonomy=FILE with it")
    n, s = taxonomy.consistent(narrs, subs)
    return frozenset(n), frozenset(s)


def _read_explanations(folder: Path, taxonomy: Taxonomy) -> dict[str, list[Explanation]]:
    """The folder's explanations by file name (none when it has no such file); labels
    outside the taxonomy (``none`` where the annotator gave no sub-narrative) are left
    out."""
    path = folder / EXPLANATIONS
    out: dict[str, list[Explanation]] = {}
    if not path.is_file():
        return out
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) < 4 or not parts[3].strip():
                continue
            labels = frozenset(lab.strip() for lab in parts[1:3]
                               if taxonomy.is_label(lab.strip()) and lab.strip() != taxonomy.other)
            if labels:
                out.setdefault(parts[0], []).append(Explanation(parts[3].strip(), labels))
    return out


def read_semeval(folder: Path, taxonomy: Taxonomy) -> list[Example]:
    """One labelled folder (``raw-documents/`` + annotations, and explanations if any)."""
    out = []
    explained = _read_explanations(folder, taxonomy)
    ann = folder / ANNOTATIONS
    with open(ann, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 3:
                raise NarrascopeError(f"{ann}:{lineno}: expected FILE<TAB>narratives<TAB>"
                                      f"subnarratives, got {len(parts)} field(s)")
            name, narr, sub = parts
            path = folder / "raw-documents" / name
            if not path.is_file():
                raise NarrascopeError(f"{ann}:{lineno}: {name} is not in {path.parent}")
            text, lang = _clean_text(path, path.read_text(encoding="utf-8"))
            n, s = _split_labels(narr.split(";") + sub.split(";"), taxonomy, f"{ann}:{lineno}")
            # the task's folders are named after the language (EN, BG...): trust that first
            code = folder.name.lower() if len(folder.name) == 2 else (lang or "und")
            out.append(Example(name, text, code, n, s, tuple(explained.get(name, ()))))
    return out


def read_jsonl(path: Path, taxonomy: Taxonomy) -> list[Example]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                raise NarrascopeError(f"{where}: not a JSON object") from None
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) \
                    or not isinstance(obj.get("labels"), list):
                raise NarrascopeError(f"{where}: each line needs \"text\" (a string) and "
                                      "\"labels\" (a list of label strings)")
            text = obj["text"]
            if obj.get("title"):
                text = f"{obj['title']}\n\n{text}"
            n, s = _split_labels(obj["labels"], taxonomy, where)
            lang = obj.get("language")
            if not lang:
                from ...clean.language import detect_language

                lang = detect_language(text) or "und"
            out.append(Example(str(obj.get("id", f"{path.name}:{lineno}")), text, lang, n, s))
    return out


def read_data(paths: Sequence[str | Path], taxonomy: Taxonomy) -> list[Example]:
    """Every labelled article under ``paths`` (SemEval folders, their parent, JSON Lines)."""
    out: list[Example] = []
    for p in map(Path, paths):
        if p.is_file() and p.suffix.lower() in (".jsonl", ".json"):
            out += read_jsonl(p, taxonomy)
        elif p.is_dir() and is_semeval_folder(p):
            out += read_semeval(p, taxonomy)
        elif p.is_dir() and (subs := sorted(q for q in p.iterdir() if q.is_dir()
                                             and is_semeval_folder(q))):
            for q in subs:
                out += read_semeval(q, taxonomy)
        else:
            raise NarrascopeError(f"{p}: not labelled narrative data; give a folder with "
                                  f"raw-documents/ and {ANNOTATIONS}, a folder of such "
                                  "folders, or a .jsonl file with text and labels")
    if not out:
        raise NarrascopeError(f"no labelled articles found in {', '.join(map(str, paths))}")
    return out
