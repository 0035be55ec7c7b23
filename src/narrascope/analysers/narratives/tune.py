"""Choose decoding thresholds on out-of-fold probabilities.

:func:`decode_matrix` is :func:`~.decode.decode` for a whole matrix of articles at
once, in numpy (a test checks they agree), so that a grid of thresholds can be scored
in seconds with the task's metric.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from ...taxonomies import Taxonomy
from .corpus import Example
from .decode import DEFAULT_THRESHOLDS
from .expected import decode_expected_matrix

__all__ = ["LabelSpace", "decode_matrix", "tune_thresholds", "cv_metrics", "f1_rows"]


@dataclass
class LabelSpace:
    """Index arithmetic between a model's label order and the taxonomy's two levels."""

    taxonomy: Taxonomy
    labels: Sequence[str]

    def __post_init__(self) -> None:
        tax = self.taxonomy
        self.narratives = list(tax.narratives)
        self.subs = list(tax.subnarratives)
        col = {lab: i for i, lab in enumerate(self.labels)}
        self.n_cols = np.array([col.get(n, -1) for n in self.narratives])
        self.s_cols = np.array([col.get(s, -1) for s in self.subs])
        nidx = {n: i for i, n in enumerate(self.narratives)}
        self.parent = np.array([nidx[tax.parent[s]] for s in self.subs])
        sidx = {s: i for i, s in enumerate(self.subs)}
        self.other = np.array([sidx.get(o, -1) if (o := tax.other_of(n)) else -1
                               for n in self.narratives])
        doms = {d: i for i, d in enumerate(tax.domains)}
        self.domain = np.array([doms[tax.domain[n]] for n in self.narratives])
        #: the column of the ``Other`` classifier, -1 when the model has none
        self.other_col = col.get(tax.other, -1)

    def other_logits(self, probs: np.ndarray) -> np.ndarray | None:
        """The ``Other`` classifier's calibrated score (the logit of its probability) per
        row; None when the model has no such classifier."""
        if self.other_col < 0:
            return None
        p = np.clip(probs[:, self.other_col].astype(np.float64), 1e-9, 1 - 1e-9)
        return np.log(p / (1.0 - p))

    def split(self, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Narrative and sub-narrative probabilities; -1 where a label has no classifier."""
        pad = np.concatenate([probs, -np.ones((len(probs), 1), dtype=probs.dtype)], axis=1)
        return pad[:, self.n_cols], pad[:, self.s_cols]

    def gold(self, examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray]:
        """Gold indicator matrices; the last column of each is ``other``."""
        other = self.taxonomy.other
        gn = np.array([[n in e.narratives for n in self.narratives] + [other in e.narratives]
                       for e in examples], dtype=bool)
        gs = np.array([[s in e.subnarratives for s in self.subs] + [other in e.subnarratives]
                       for e in examples], dtype=bool)
        return gn, gs


def _kept_narratives(pn: np.ndarray, space: LabelSpace, th: Mapping[str, Any]) -> np.ndarray:
    rows = np.arange(len(pn))
    best = pn.argmax(axis=1)
    if th["one_domain"] and len(space.taxonomy.domains) > 1:
        allowed = space.domain[None, :] == space.domain[best][:, None]
        pn = np.where(allowed & (pn >= 0), pn, -1.0)
    kept = pn >= th["narrative"]
    fb = ~kept.any(axis=1) & (pn[rows, best] >= th["fallback"])
    kept[rows[fb], best[fb]] = True
    return kept


def decode_matrix(probs: np.ndarray, space: LabelSpace, th: Mapping[str, Any]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Predicted indicator matrices (narratives + other, sub-narratives + other)."""
    th = {**DEFAULT_THRESHOLDS, **th}
    return _MATRIX_DECODERS[th["decoder"]](probs, space, th)


def _thresholds_matrix(probs: np.ndarray, space: LabelSpace, th: Mapping[str, Any]
                       ) -> tuple[np.ndarray, np.ndarray]:
    pn, ps = space.split(probs)
    kept = _kept_narratives(pn, space, th)
    chosen = kept[:, space.parent] & (ps >= th["subnarrative"])
    for n in range(len(space.narratives)):
        kids = np.flatnonzero(space.parent == n)
        if not len(kids):
            continue
        need = kept[:, n] & ~chosen[:, kids].any(axis=1)
        best = kids[ps[:, kids].argmax(axis=1)]
        take = need & (ps[np.arange(len(ps)), best] >= th["sub_fallback"])
        chosen[np.flatnonzero(take), best[take]] = True
        still = kept[:, n] & ~chosen[:, kids].any(axis=1)
        if space.other[n] >= 0:
            chosen[still, space.other[n]] = True
    none = ~kept.any(axis=1)
    return (np.concatenate([kept, none[:, None]], axis=1),
            np.concatenate([chosen, none[:, None]], axis=1))


_MATRIX_DECODERS = {
    "thresholds": _thresholds_matrix,
    "expected_f1": lambda probs, space, th: decode_expected_matrix(
        probs, space, space.other_logits(probs), th.get("other_weights")),
    "exact_f1": lambda probs, space, th: decode_expected_matrix(
        probs, space, space.other_logits(probs), th.get("other_weights"), exact=True),
}


def f1_rows(pred: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """Per-article F1 of indicator rows (0 where either side is empty)."""
    tp = (pred & gold).sum(axis=1)
    denom = pred.sum(axis=1) + gold.sum(axis=1)
    return np.where(denom > 0, 2.0 * tp / np.maximum(denom, 1), 0.0)


def _grid() -> list[float]:
    return [round(float(x), 3) for x in np.arange(0.05, 0.91, 0.025)]


def tune_thresholds(probs: np.ndarray, labels: Sequence[str], taxonomy: Taxonomy,
                    examples: Sequence[Example]) -> dict[str, Any]:
    """Narrative thresholds for the best coarse + fine F1, then sub-narrative thresholds
    for the best fine F1 (a grid search, in that order)."""
    space = LabelSpace(taxonomy, labels)
    gn, gs = space.gold(examples)
    th: dict[str, Any] = {**DEFAULT_THRESHOLDS, "decoder": "thresholds"}
    falls = [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4]
    for keys, objective in ((("narrative", "fallback"), lambda pn, ps: f1_rows(pn, gn).mean()
                             + f1_rows(ps, gs).mean()),
                            (("subnarrative", "sub_fallback"),
                             lambda pn, ps: f1_rows(ps, gs).mean())):
        best = (-1.0, th)
        for t, f in itertools.product(_grid(), falls):
            if f > t:
                continue
            cand = {**th, keys[0]: t, keys[1]: f}
            score = objective(*decode_matrix(probs, space, cand))
            if score > best[0]:
                best = (score, cand)
        th = best[1]
    return th


def cv_metrics(probs: np.ndarray, labels: Sequence[str], taxonomy: Taxonomy,
               th: Mapping[str, Any], examples: Sequence[Example]) -> dict[str, Any]:
    """F1 samples, coarse and fine, over all articles and per language."""
    space = LabelSpace(taxonomy, labels)
    gn, gs = space.gold(examples)
    pn, ps = decode_matrix(probs, space, th)
    fc, ff = f1_rows(pn, gn), f1_rows(ps, gs)
    out: dict[str, Any] = {}
    langs = np.array([e.language for e in examples])
    for lang in ["all"] + sorted(set(langs)):
        m = np.ones(len(examples), bool) if lang == "all" else langs == lang
        out[str(lang)] = {"articles": int(m.sum()), "f1_coarse": round(float(fc[m].mean()), 4),
                          "f1_fine": round(float(ff[m].mean()), 4)}
    return out
