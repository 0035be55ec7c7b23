"""Silver NER sentences: unlabelled news tagged by a teacher model, for distillation.

A small, fast model trained on CoNLL alone overfits its 14,000 sentences after a few
epochs and stays about a point below the larger model. Labelling plain news articles
with the larger model (the *teacher*) gives the small one many more sentences in the
register it will run on, tagged the way the teacher tags them; trained on gold and
silver together, it learns the teacher's decisions on text CoNLL never shows it.

The teacher reads each paragraph whole, as the recogniser runs it; the paragraph's
tokens are then cut into sentences (:func:`narrascope.text.sentences`), whitespace
tokens dropped, and each sentence becomes a :class:`Sentence` with BIO tags. A
sentence that an entity crosses is skipped.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from ..analysers.entities.corpus import Sentence, _repair
from ..errors import NarrascopeError
from . import number_option

__all__ = ["text_files", "silver_sentences"]

#: A sentence shorter than this (in words) is mostly a byline or a heading.
_MIN_WORDS = 4
_MAX_WORDS = 120


def text_files(paths: Iterable[str | Path]) -> list[Path]:
    """The ``*.txt`` files named by ``paths`` (folders are searched recursively)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*.txt") if f.is_file()))
        elif p.is_file():
            out.append(p)
        else:
            raise NarrascopeError(f"{p}: no such folder or file of unlabelled text; give "
                                  "folders of .txt articles (one article per file)")
    return out


def _paragraphs(files: Sequence[Path]) -> Iterator[str]:
    from ..text import paragraphs

    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        for para in paragraphs(text):
            yield text[para.start:para.end]


def _sentences_of(doc) -> Iterator[Sentence]:
    from ..text import sentences

    tags = ["O"] * len(doc)
    for ent in doc.ents:
        tags[ent.start] = "B-" + ent.label_
        for i in range(ent.start + 1, ent.end):
            tags[i] = "I-" + ent.label_
    starts = {t.idx: t.i for t in doc}
    for sent in sentences(doc.text):
        first = starts.get(sent.start)
        if first is None:
            continue
        end = first
        while end < len(doc) and doc[end].idx < sent.end:
            end += 1
        if tags[first].startswith("I-") or (end < len(doc) and tags[end].startswith("I-")):
            continue  # an entity crosses the sentence's start or end
        words = [(doc[i].text, tags[i]) for i in range(first, end) if not doc[i].is_space]
        if _MIN_WORDS <= len(words) <= _MAX_WORDS:
            # (a dropped whitespace token may have begun an entity: BIO is repaired)
            yield Sentence(tuple(w for w, _ in words), tuple(_repair([t for _, t in words])))


def silver_sentences(teacher_path: str | Path | None, lang: str, paths: Sequence[str | Path],
                     limit: int = 0, seed: int = 0) -> list[Sentence]:
    """Sentences of the articles under ``paths`` tagged by the teacher model (default: the
    model the recogniser uses for ``lang``); at most ``limit`` of them (0: all), drawn at
    random with ``seed``."""
    from ..analysers.entities.model import load_pipeline

    nlp = load_pipeline(lang, teacher_path)
    if nlp is None:
        raise NarrascopeError(f"no teacher NER model for language {lang!r}; give "
                              "--option teacher=MODEL_DIR")
    files = text_files(paths)
    if not files:
        raise NarrascopeError(f"no .txt articles under {', '.join(map(str, paths))}")
    out: list[Sentence] = []
    for doc in nlp.pipe(_paragraphs(files), batch_size=64):
        out.extend(_sentences_of(doc))
    if limit and len(out) > limit:
        out = random.Random(seed).sample(out, limit)
    return out


def silver_options(options: dict[str, Any]) -> tuple[list[str], str | None, int]:
    """``(folders, teacher, limit)`` from the trainer's ``silver``, ``teacher`` and
    ``silver_sentences`` options; ``silver`` lists folders separated by commas."""
    folders = [p for p in str(options.get("silver", "")).split(",") if p]
    return folders, options.get("teacher") or None, number_option(options, "silver_sentences", 0)
