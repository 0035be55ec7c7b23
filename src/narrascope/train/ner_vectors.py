"""Pretrained static word vectors as features of the NER model's ``tok2vec``.

A CNN trained from scratch on 20,000 WikiANN sentences knows only the words it saw in
them; about a third of the tokens of a Russian entity never occur in training. Word
vectors trained on a large news corpus tell the model which unseen words behave like
which seen ones (a surname like another surname, a town like another town).

The ``vectors`` option of ``narrascope train ner`` names a table:

* ``navec``: the Russian news vectors (navec ``news_v1``, 250,000 words x 300 dims,
  MIT licence) that the PyPI package ``natasha`` ships in its package data (no download
  at run time: ``pip install natasha``);
* a navec ``.tar`` file;
* a word2vec text file (``.txt``/``.vec``: an optional ``N DIMS`` header, then one
  ``word v1 v2 ...`` per line, most frequent words first), such as the English table
  ``narrascope train ner-vectors`` makes from MiniLM (:mod:`narrascope.train.ner_minilm`).

``vector_forms`` (default ``lower,title,upper``) says which case forms of each word of the
table get its vector.

The table is cut to the ``vector_rows`` most frequent words and projected onto its
``vector_dims`` principal components (a PCA of the kept rows), so that the model folder
stays small; each row is keyed by the word in lower, title and upper case, as the navec
table is lower-case. The words of the table are the only strings it adds, and
they come from the vector table, not from the training corpus.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..errors import NarrascopeError
from . import number_option

__all__ = ["vector_options", "load_table", "reduce_table", "vectors_model"]

_DEFAULT_ROWS = 100_000
_DEFAULT_DIMS = 64


def _natasha_navec() -> Path:
    """The navec table bundled with the ``natasha`` package (found without importing it)."""
    spec = importlib.util.find_spec("natasha")
    if spec is None or not spec.submodule_search_locations:
        raise NarrascopeError("vectors=navec needs the natasha package (pip install "
                              "natasha==1.6.0), which ships the navec news vectors")
    found = sorted(Path(next(iter(spec.submodule_search_locations)), "data", "emb")
                   .glob("navec_*.tar"))
    if not found:
        raise NarrascopeError("the natasha package has no data/emb/navec_*.tar; "
                              "reinstall natasha==1.6.0 or give a navec .tar path")
    return found[0]


#: Named tables the ``vectors`` option accepts besides a path.
NAMED: dict[str, Callable[[], Path]] = {"navec": _natasha_navec}


def _read_navec(path: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    try:
        from navec import Navec
    except ImportError as e:
        raise NarrascopeError("reading a navec table needs the navec package "
                              "(pip install navec)") from e
    nv = Navec.load(str(path))
    words = list(nv.vocab.words)
    counts = np.asarray(nv.vocab.counts, dtype=np.float64)
    # Every word's vector, unpacked from the product quantiser's codes.
    matrix = np.asarray(nv.pq.unpack(), dtype=np.float32)
    keep = np.array([not w.startswith("<") for w in words])
    return ([w for w, k in zip(words, keep) if k], matrix[keep], counts[keep])


def _read_text(path: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    words: list[str] = []
    rows: list[np.ndarray] = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for i, line in enumerate(f):
            parts = line.rstrip("\n").split(" ")
            if i == 0 and len(parts) == 2:
                continue
            if len(parts) < 3:
                continue
            words.append(parts[0])
            rows.append(np.asarray(parts[1:], dtype=np.float32))
    if not rows:
        raise NarrascopeError(f"{path}: no vectors; give `word v1 v2 ...` lines")
    # File order is frequency order: give the first word the highest count.
    return words, np.vstack(rows), -np.arange(len(words), dtype=np.float64)


#: Readers by file suffix.
READERS: dict[str, Callable[[Path], tuple[list[str], np.ndarray, np.ndarray]]] = {
    ".tar": _read_navec, ".txt": _read_text, ".vec": _read_text}


def vector_options(options: dict[str, Any]) -> tuple[Path | None, int, int]:
    """``(table path or None, rows, dims)`` from the ``vectors``, ``vector_rows`` and
    ``vector_dims`` options."""
    spec = str(options.get("vectors") or "")
    rows = number_option(options, "vector_rows", _DEFAULT_ROWS)
    dims = number_option(options, "vector_dims", _DEFAULT_DIMS)
    if not spec:
        return None, rows, dims
    path = NAMED[spec]() if spec in NAMED else Path(spec)
    if not path.is_file():
        raise NarrascopeError(f"vectors={spec}: no such file; give "
                              f"{' or '.join(sorted(NAMED))}, a navec .tar or a .txt/.vec table")
    return path, rows, dims


def load_table(path: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """``(words, matrix, counts)`` of a vector table, read by its file suffix."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise NarrascopeError(f"{path}: unknown vector table format; allowed suffixes: "
                              f"{', '.join(sorted(READERS))}")
    return reader(path)


def reduce_table(words: list[str], matrix: np.ndarray, counts: np.ndarray, rows: int,
                 dims: int) -> tuple[list[str], np.ndarray]:
    """The ``rows`` most frequent words (one row per lower-cased form), projected onto
    the first ``dims`` principal components of the kept rows and scaled to unit
    variance overall, so the features start at the scale of the hashed embeddings."""
    order = np.argsort(-counts, kind="stable")
    seen: set[str] = set()
    kept: list[int] = []
    for i in order:
        w = words[i].lower()
        if w in seen:
            continue
        seen.add(w)
        kept.append(int(i))
        if len(kept) >= rows:
            break
    m = matrix[kept].astype(np.float64)
    m -= m.mean(axis=0)
    dims = min(dims, m.shape[1])
    _, _, vt = np.linalg.svd(m[: min(len(m), 50_000)], full_matrices=False)
    out = m @ vt[:dims].T
    out /= out.std() or 1.0
    return [words[i].lower() for i in kept], out.astype(np.float32)


#: The case forms a vector row can be keyed by (``vector_forms`` option).
FORMS: dict[str, Callable[[str], str]] = {
    "lower": str.lower, "title": lambda w: w[:1].upper() + w[1:], "upper": str.upper}


def _forms(options: dict[str, Any]) -> list[Callable[[str], str]]:
    names = [f for f in str(options.get("vector_forms", "lower,title,upper")).split(",") if f]
    bad = [f for f in names if f not in FORMS]
    if bad or not names:
        raise NarrascopeError(f"vector_forms={','.join(bad) or '(none)'}: allowed forms are "
                              f"{', '.join(FORMS)} (comma-separated)")
    return [FORMS[f] for f in names]


def _cased_vectors(strings, words: list[str], matrix: np.ndarray,
                   forms: Sequence[Callable[[str], str]] = tuple(FORMS.values())):
    """A spaCy table keyed by each word's exact form (``ORTH``) in lower case, title
    case and upper case ("москва", "Москва", "МОСКВА"), all three sharing one row.

    spaCy can key vectors by ``LOWER``, but in its default mode it does not save that
    setting with the table: a model reloaded from disk would look words up by their
    exact form and miss every capitalised name. Three keys per row cost only the key
    table, not the vectors. ``forms`` may leave some out: keying only the title and
    upper case forms gives names vectors and leaves lower-case words to the hashed
    features."""
    from spacy.vectors import Vectors

    table = Vectors(strings=strings, data=matrix)
    for row, word in enumerate(words):
        for form in dict.fromkeys(f(word) for f in forms):
            table.add(form, row=row)
    return table


def vectors_model(lang: str, options: dict[str, Any], folder: Path) -> Path | None:
    """Write a blank pipeline holding the reduced vector table to ``folder`` (what
    spaCy's ``[initialize] vectors`` loads), or return None without the option."""
    import spacy

    path, rows, dims = vector_options(options)
    if path is None:
        return None
    forms = _forms(options)
    words, matrix = reduce_table(*load_table(path), rows, dims)
    nlp = spacy.blank(lang)
    nlp.vocab.vectors = _cased_vectors(nlp.vocab.strings, words, matrix, forms)
    nlp.to_disk(folder)
    print(f"vectors: {len(words)} words x {matrix.shape[1]} dims from {path.name}", flush=True)
    return folder
