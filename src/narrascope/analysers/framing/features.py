"""Features of a mention in its article, for the role classifier.

Each mention is described by blocks that are stacked side by side:

- ``sent``: character n-grams of its sentence with the mention itself replaced by a
  placeholder, so the classifier learns what is said about an actor, not who it is;
- ``words``: the same sentence's words and word pairs (cheaper than ``sent``);
- ``near``: the words right before and after it, tagged with their side (``l:against``,
  ``r:attacked``), which catches "attacked by X" against "X attacked";
- ``name``: character n-grams of the mention (some actors are nearly always cast the same
  way in this genre);
- ``emb``: a MiniLM embedding of the sentence with the mention marked (optional; the
  model is English, so it helps English most);
- ``prior``: how the same name was cast across the training corpus (smoothed shares of
  the three main roles and the log of its count);
- ``stance``: the article as a whole (its word TF-IDF reduced by SVD to a few dimensions,
  a rough "which outlet and which side" signal) crossed with the mention's camp from a
  small gazetteer (Russia, the West, Ukraine, other; see :mod:`.sides`), so a Russia-side
  actor can be read differently in articles that read differently;
- ``narr``: the narratives the article pushes (the narratives model's probabilities of
  its coarse labels) crossed with the mention's camp: NATO in an article that blames the
  war on the West is cast otherwise than in one that praises the West's help (see
  :mod:`.article_narratives`).

The vectorisers are kept as plain vocabularies and idf weights (JSON/npz), never pickled.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from ...text import sentences
from .article_narratives import NarrativeSource, default_labels, model_source
from .sides import SIDES, side_vector
from .taxonomy import MAIN_ROLES

__all__ = ["MentionContext", "contexts", "Featuriser", "normalise_name", "DEFAULT_BLOCKS"]

PLACEHOLDER = "ENT"
_WORD = re.compile(r"\w+", re.UNICODE)
_NEAR_WORDS = 6
_MAX_SENT = 400  # characters of sentence kept around a mention in a very long sentence
_STANCE_DIMS = 30  # SVD dimensions of the article vector in the ``stance`` block
_ARTICLE_VECTORISER: dict[str, Any] = dict(sublinear_tf=True, min_df=2, max_features=40000,
                                           token_pattern=r"(?u)\b\w\w+\b")
DEFAULT_BLOCKS = ("sent", "near", "name", "prior")

_VECTORISERS: dict[str, dict[str, Any]] = {
    "sent": dict(analyzer="char_wb", ngram_range=(2, 5), min_df=2, max_features=60000,
                 sublinear_tf=True),
    "words": dict(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b",
                  min_df=2, max_features=60000, sublinear_tf=True),
    "near": dict(analyzer=str.split, min_df=2, sublinear_tf=True),
    "name": dict(analyzer="char_wb", ngram_range=(2, 4), min_df=2, max_features=20000,
                 sublinear_tf=True),
}


def normalise_name(surface: str) -> str:
    """The key under which a name's corpus prior is kept: case-folded, accents and
    punctuation stripped, a leading article dropped."""
    s = unicodedata.normalize("NFKD", surface.casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch) or ord(ch) > 0x8FF)
    words = _WORD.findall(s)
    if len(words) > 1 and words[0] in ("the", "a", "an", "o", "a", "os", "as"):
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class MentionContext:
    """The pieces of text the features are computed from."""

    surface: str
    sentence: str  # with the mention replaced by PLACEHOLDER
    marked: str  # with the mention wrapped in brackets, for the embedding
    near: str  # side-tagged neighbouring words
    article: str = ""  # the whole text the mention is in (shared, not copied)


def contexts(text: str, mentions: Sequence[tuple[int, int]],
             sents: Sequence[tuple[int, int]] | None = None) -> list[MentionContext]:
    """The context of each ``(start, end)`` mention of ``text``."""
    if sents is None:
        sents = [(s.start, s.end) for s in sentences(text)] or [(0, len(text))]
    starts = [s for s, _ in sents]
    out = []
    for start, end in mentions:
        i = max(0, bisect.bisect_right(starts, start) - 1)
        s0, s1 = sents[i]
        # a mention that runs past its sentence (a splitting slip) takes the next one too
        while i + 1 < len(sents) and end > s1:
            i += 1
            s1 = sents[i][1]
        s0 = max(min(s0, start), start - _MAX_SENT // 2)
        s1 = min(max(s1, end), end + _MAX_SENT // 2)
        left, right, surface = text[s0:start], text[end:s1], text[start:end]
        lw = _WORD.findall(text[max(0, start - 80):start].casefold())[-_NEAR_WORDS:]
        rw = _WORD.findall(text[end:end + 80].casefold())[:_NEAR_WORDS]
        near = " ".join([f"l:{w}" for w in lw] + [f"r:{w}" for w in rw]
                        + [f"l1:{lw[-1]}" if lw else "l1:^", f"r1:{rw[0]}" if rw else "r1:$"])
        out.append(MentionContext(surface, f"{left}{PLACEHOLDER}{right}",
                                  f"{left}[{surface}]{right}", near, text))
    return out


def _text_of(block: str) -> Callable[[MentionContext], str]:
    return {"sent": lambda c: c.sentence, "words": lambda c: c.sentence, "near": lambda c: c.near,
            "name": lambda c: c.surface.casefold()}[block]


class Featuriser:
    """Turns mention contexts into one sparse row each. ``fit`` learns vocabularies;
    ``state``/``from_state`` round-trip them through JSON and arrays."""

    def __init__(self, blocks: Sequence[str] = DEFAULT_BLOCKS,
                 encode: Callable[[list[str]], np.ndarray] | None = None) -> None:
        self.blocks = tuple(blocks)
        self.vectorisers: dict[str, TfidfVectorizer] = {}
        self.priors: dict[str, list[float]] = {}
        self.article_vectoriser: TfidfVectorizer | None = None
        self.stance_axes: np.ndarray | None = None  # (dims, vocabulary) SVD components
        self._encode = encode
        #: the narrative labels of the ``narr`` block, and where their probabilities come
        #: from (default: the narratives model, see :mod:`.article_narratives`)
        self.narrative_labels: list[str] = []
        self.narrative_source: NarrativeSource | None = None

    # -- fitting -------------------------------------------------------------------------
    def fit(self, ctxs: Sequence[MentionContext], mains: Sequence[str]) -> "Featuriser":
        for block in self.blocks:
            if block in _VECTORISERS:
                vec = TfidfVectorizer(**_VECTORISERS[block])
                vec.fit([_text_of(block)(c) for c in ctxs])
                self.vectorisers[block] = vec
        if "prior" in self.blocks:
            self.priors = prior_counts(ctxs, mains)
        if "stance" in self.blocks:
            self._fit_stance(ctxs)
        if "narr" in self.blocks and not self.narrative_labels:
            self.narrative_labels = default_labels()
        return self

    def _fit_stance(self, ctxs: Sequence[MentionContext]) -> None:
        from sklearn.decomposition import TruncatedSVD

        articles = list(dict.fromkeys(c.article for c in ctxs))
        self.article_vectoriser = TfidfVectorizer(**_ARTICLE_VECTORISER).fit(articles)
        A = self.article_vectoriser.transform(articles)
        dims = max(1, min(_STANCE_DIMS, A.shape[1] - 1, len(articles) - 1))
        svd = TruncatedSVD(dims, random_state=0).fit(A)
        self.stance_axes = svd.components_.astype(np.float32)

    # -- transforming --------------------------------------------------------------------
    def transform(self, ctxs: Sequence[MentionContext],
                  prior_exclude: Sequence[Mapping[str, list[float]]] | None = None,
                  embeddings: np.ndarray | None = None) -> sparse.csr_matrix:
        """Feature rows. ``prior_exclude[i]`` holds counts to subtract from the corpus
        prior for row ``i`` (its own article's, when featurising training data), so a
        mention never sees its own label through the prior."""
        parts = []
        for block in self.blocks:
            if block in self.vectorisers:
                parts.append(self.vectorisers[block].transform([_text_of(block)(c) for c in ctxs]))
            elif block == "emb":
                if embeddings is None:
                    embeddings = self.embed(ctxs)
                parts.append(sparse.csr_matrix(embeddings))
            elif block == "prior":
                parts.append(sparse.csr_matrix(self._prior_rows(ctxs, prior_exclude)))
            elif block == "stance":
                parts.append(sparse.csr_matrix(self._stance_rows(ctxs)))
            elif block == "narr":
                parts.append(sparse.csr_matrix(self._narrative_rows(ctxs)))
        return sparse.hstack(parts, format="csr", dtype=np.float32)

    def embed(self, ctxs: Sequence[MentionContext]) -> np.ndarray:
        if self._encode is None:
            from ...embeddings import encode

            self._encode = encode
        return self._encode([c.marked for c in ctxs])

    def _prior_rows(self, ctxs, exclude) -> np.ndarray:
        rows = np.zeros((len(ctxs), len(MAIN_ROLES) + 2), dtype=np.float32)
        for i, c in enumerate(ctxs):
            key = normalise_name(c.surface)
            counts = np.array(self.priors.get(key, [0.0] * len(MAIN_ROLES)), dtype=np.float64)
            if exclude is not None and key in exclude[i]:
                counts = counts - np.array(exclude[i][key])
            n = counts.sum()
            rows[i, :len(MAIN_ROLES)] = (counts + 1.0) / (n + len(MAIN_ROLES))
            rows[i, -2] = np.log1p(n) / 5.0
            rows[i, -1] = float(n == 0)
        return rows

    def _stance_rows(self, ctxs: Sequence[MentionContext]) -> np.ndarray:
        """The mention's camp indicators, then each camp's copy of the article vector
        (non-zero only in the mention's own camp)."""
        articles = list(dict.fromkeys(c.article for c in ctxs))
        Z = np.asarray(self.article_vectoriser.transform(articles) @ self.stance_axes.T)
        Z /= np.linalg.norm(Z, axis=1, keepdims=True) + 1e-9
        S, _, crossed = _by_camp(ctxs, articles, Z)
        return np.hstack([S, crossed]).astype(np.float32)

    def _narrative_rows(self, ctxs: Sequence[MentionContext]) -> np.ndarray:
        """The article's narrative probabilities, then each camp's copy of them
        (non-zero only in the mention's own camp)."""
        if self.narrative_source is None:
            self.narrative_source = model_source(self.narrative_labels)
        articles = list(dict.fromkeys(c.article for c in ctxs))
        P = np.asarray(self.narrative_source(articles), dtype=np.float32)
        _, Pm, crossed = _by_camp(ctxs, articles, P)
        return np.hstack([Pm, crossed]).astype(np.float32)

    # -- persistence ---------------------------------------------------------------------
    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """JSON-able settings and the arrays to keep beside them."""
        settings: dict[str, Any] = {"blocks": list(self.blocks), "priors": self.priors,
                                    "vocabularies": {}}
        if self.narrative_labels:
            settings["narrative_labels"] = list(self.narrative_labels)
        arrays: dict[str, np.ndarray] = {}
        for block, vec in self.vectorisers.items():
            vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
            settings["vocabularies"][block] = vocab
            arrays[f"idf_{block}"] = vec.idf_.astype(np.float32)
        if self.article_vectoriser is not None:
            vec = self.article_vectoriser
            vocab = vec.vocabulary_
            settings["article_vocabulary"] = sorted(vocab, key=vocab.__getitem__)
            arrays["idf_article"] = vec.idf_.astype(np.float32)
            arrays["stance_axes"] = self.stance_axes
        return settings, arrays

    @classmethod
    def from_state(cls, settings: Mapping[str, Any], arrays: Mapping[str, np.ndarray]
                   ) -> "Featuriser":
        f = cls(settings["blocks"])
        f.priors = {k: list(v) for k, v in settings.get("priors", {}).items()}
        f.narrative_labels = list(settings.get("narrative_labels", []))
        for block, vocab in settings.get("vocabularies", {}).items():
            params = dict(_VECTORISERS[block])
            params.pop("max_features", None)
            params.pop("min_df", None)
            vec = TfidfVectorizer(**params, vocabulary={t: i for i, t in enumerate(vocab)})
            vec.idf_ = np.asarray(arrays[f"idf_{block}"], dtype=np.float64)
            f.vectorisers[block] = vec
        if "article_vocabulary" in settings:
            params = {k: v for k, v in _ARTICLE_VECTORISER.items()
                      if k not in ("max_features", "min_df")}
            vec = TfidfVectorizer(**params, vocabulary={t: i for i, t in
                                                        enumerate(settings["article_vocabulary"])})
            vec.idf_ = np.asarray(arrays["idf_article"], dtype=np.float64)
            f.article_vectoriser = vec
            f.stance_axes = np.asarray(arrays["stance_axes"], dtype=np.float32)
        return f


def _by_camp(ctxs: Sequence[MentionContext], articles: Sequence[str], Z: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each mention: its camp indicators, its article's row of ``Z`` (one row per
    article of ``articles``), and a copy of that row per camp, non-zero only in the
    mention's own camp(s)."""
    row_of = {a: i for i, a in enumerate(articles)}
    S = np.array([side_vector(c.surface) for c in ctxs], dtype=np.float32)
    Zm = Z[[row_of[c.article] for c in ctxs]]
    crossed = (S[:, :, None] * Zm[:, None, :]).reshape(len(ctxs), len(SIDES) * Z.shape[1])
    return S, Zm, crossed


def prior_counts(ctxs: Sequence[MentionContext], mains: Sequence[str]) -> dict[str, list[float]]:
    """Main-role counts per normalised name."""
    index = {m: i for i, m in enumerate(MAIN_ROLES)}
    out: dict[str, list[float]] = {}
    for c, main in zip(ctxs, mains):
        key = normalise_name(c.surface)
        if key:
            out.setdefault(key, [0.0] * len(MAIN_ROLES))[index[main]] += 1.0
    return out
