"""The narratives model: TF-IDF word and character n-grams, one linear classifier per
label, and the thresholds that turn its scores into label sets.

Everything is stored without pickle: ``weights.npz`` holds the IDF vector, the weight
matrix (int8 with a scale per label) and the biases; ``settings.json`` the vocabulary,
the label names, the thresholds, the feature settings and the taxonomy the model was
trained on.

An article's term counts are the sum of its sentences' counts (so word bigrams do not
span sentences): the sentences are counted once and serve both the article's scores
and, since the model is linear, each sentence's own score, which is how the evidence
is chosen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
from scipy import sparse

from ...errors import ModelNotFound, NarrascopeError
from ...model import Span
from ...taxonomies import Taxonomy, from_dict
from ...text import sentences

__all__ = ["Featuriser", "NarrativeModel", "FORMAT", "tfidf", "segments", "SplitCounts"]

#: bump when the files' layout changes
FORMAT = 1


def segments(text: str) -> list[Span]:
    """The units an article is counted in: its sentences (the whole text if it has none)."""
    found = sentences(text)
    if not found and text.strip():
        found = [Span(0, len(text), "sentence")]
    return found


@dataclass
class SplitCounts:
    """Term counts of several texts, by sentence and summed per text."""

    documents: sparse.csr_matrix  # texts x vocabulary
    sentences: sparse.csr_matrix  # all sentences x vocabulary, text by text
    spans: list[list[Span]]  # each text's sentences

    def rows(self, i: int) -> slice:
        start = sum(len(s) for s in self.spans[:i])
        return slice(start, start + len(self.spans[i]))


def sum_rows(m: sparse.csr_matrix, sizes: Sequence[int]) -> sparse.csr_matrix:
    """Add up consecutive blocks of rows (``sizes[i]`` rows for output row ``i``)."""
    owner = np.repeat(np.arange(len(sizes)), sizes)
    g = sparse.csr_matrix((np.ones(len(owner), dtype=np.float32), (owner, np.arange(len(owner)))),
                          shape=(len(sizes), m.shape[0]))
    return (g @ m).tocsr()


class Featuriser:
    """TF-IDF over a fixed vocabulary of word n-grams and character n-grams (``char_wb``).

    The vocabulary is a list of terms; a term of the character analyser is prefixed with
    ``"\\x01"`` so the two analysers never collide. Rows are L2-normalised, with
    sublinear term frequency, as scikit-learn's ``TfidfVectorizer`` makes them.
    """

    def __init__(self, vocabulary: Sequence[str], idf: np.ndarray, settings: Mapping[str, Any]):
        from sklearn.feature_extraction.text import CountVectorizer

        self.vocabulary = list(vocabulary)
        self.idf = np.asarray(idf, dtype=np.float32)
        self.settings = dict(settings)
        words = {t: i for i, t in enumerate(self.vocabulary) if not t.startswith("\x01")}
        chars = {t[1:]: i for i, t in enumerate(self.vocabulary) if t.startswith("\x01")}
        self._idx_words = np.fromiter(words.values(), dtype=np.int64, count=len(words))
        self._idx_chars = np.fromiter(chars.values(), dtype=np.int64, count=len(chars))
        self._words = CountVectorizer(
            vocabulary={t: j for j, t in enumerate(words)}, lowercase=True,
            ngram_range=tuple(self.settings["word_ngrams"]),
            token_pattern=r"(?u)\b\w\w+\b", dtype=np.float32) if words else None
        self._chars = CountVectorizer(
            vocabulary={t: j for j, t in enumerate(chars)}, lowercase=True, analyzer="char_wb",
            ngram_range=tuple(self.settings["char_ngrams"]), dtype=np.float32) if chars else None

    @property
    def size(self) -> int:
        return len(self.vocabulary)

    def counts(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Raw term counts, columns in vocabulary order."""
        n = len(texts)
        parts, cols = [], []
        for vec, idx in ((self._words, self._idx_words), (self._chars, self._idx_chars)):
            if vec is not None:
                parts.append(vec.transform(texts))
                cols.append(idx)
        if not parts:
            return sparse.csr_matrix((n, self.size), dtype=np.float32)
        m = sparse.hstack(parts, format="csr")
        order = np.concatenate(cols)
        # put every column where the vocabulary says it belongs
        perm = np.empty_like(order)
        perm[order] = np.arange(len(order))
        return m[:, perm].tocsr() if not np.array_equal(order, np.arange(len(order))) else m

    def split_counts(self, texts: Sequence[str]) -> SplitCounts:
        spans = [segments(t) for t in texts]
        flat = [s.text_in(t) for t, ss in zip(texts, spans) for s in ss]
        m = self.counts(flat)
        return SplitCounts(sum_rows(m, [len(ss) for ss in spans]), m, spans)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """TF-IDF rows of whole texts (their sentences' counts summed)."""
        return tfidf(self.split_counts(texts).documents, self.idf)


def tfidf(counts: sparse.spmatrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear TF times IDF, rows L2-normalised (as scikit-learn's TfidfVectorizer)."""
    m = sparse.csr_matrix(counts, dtype=np.float32, copy=True)
    m.data = (1.0 + np.log(m.data)) * idf[m.indices]
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    m.data /= np.repeat(norms, np.diff(m.indptr)).astype(np.float32)
    return m


@dataclass
class NarrativeModel:
    """Linear scores per label and the decoding settings learnt by cross-validation."""

    taxonomy: Taxonomy
    labels: list[str]
    featuriser: Featuriser
    coef: np.ndarray  # (labels, features) float32
    intercept: np.ndarray  # (labels,)
    thresholds: dict[str, Any]
    info: dict[str, Any]

    def decision(self, x: sparse.csr_matrix) -> np.ndarray:
        """Raw linear scores, one column per label."""
        return np.asarray(x @ self.coef.T) + self.intercept[None, :]

    def probabilities(self, texts: Sequence[str], counts: SplitCounts | None = None
                      ) -> np.ndarray:
        counts = counts or self.featuriser.split_counts(texts)
        z = self.decision(tfidf(counts.documents, self.featuriser.idf))
        return 1.0 / (1.0 + np.exp(-z))

    def mean_coef(self) -> np.ndarray:
        """The labels' weights averaged: what a sentence gives the average label."""
        if not hasattr(self, "_mean_coef"):
            self._mean_coef = self.coef.mean(axis=0)
        return self._mean_coef

    def label_index(self) -> dict[str, int]:
        if not hasattr(self, "_index"):
            self._index = {lab: i for i, lab in enumerate(self.labels)}
        return self._index

    # -- files -------------------------------------------------------------------------

    def save(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        # int8 weights with one scale per label: a quarter of float32, and no loss a
        # cross-validated F1 can see
        scale = np.abs(self.coef).max(axis=1) / 127.0
        scale[scale == 0] = 1.0
        q = np.round(self.coef / scale[:, None]).astype(np.int8)
        np.savez_compressed(folder / "weights.npz", idf=self.featuriser.idf.astype(np.float32),
                            coef=q, scale=scale.astype(np.float32),
                            intercept=self.intercept.astype(np.float32))
        settings = {
            "format": FORMAT,
            "labels": self.labels,
            "thresholds": self.thresholds,
            "features": self.featuriser.settings,
            "vocabulary": self.featuriser.vocabulary,
            "taxonomy": self.taxonomy.to_dict(),
            "info": self.info,
        }
        with open(folder / "settings.json", "w", encoding="utf-8") as fh:
            json.dump(settings, fh, ensure_ascii=False, separators=(",", ":"))
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> "NarrativeModel":
        folder = Path(folder)
        if not (folder / "settings.json").is_file() or not (folder / "weights.npz").is_file():
            raise ModelNotFound(f"no narratives model in {folder}: it needs settings.json and "
                                "weights.npz (make one with `narrascope train narratives`)")
        with open(folder / "settings.json", encoding="utf-8") as fh:
            settings = json.load(fh)
        if settings.get("format") != FORMAT:
            raise NarrascopeError(f"{folder}: narratives model format {settings.get('format')} "
                                  f"is not supported; this narrascope reads format {FORMAT}")
        with np.load(folder / "weights.npz", allow_pickle=False) as w:
            idf, intercept = w["idf"], w["intercept"]
            coef = w["coef"].astype(np.float32) * w["scale"][:, None]
        feat = Featuriser(settings["vocabulary"], idf, settings["features"])
        return cls(from_dict(settings["taxonomy"], str(folder)), list(settings["labels"]), feat,
                   coef, intercept.astype(np.float32), dict(settings["thresholds"]),
                   dict(settings.get("info", {})))
