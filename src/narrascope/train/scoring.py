"""Counting shared by the set-valued metrics of several tasks (narrative labels per
article, fine roles per mention): per-label true/false positives and negatives, and
precision, recall and F1 from them."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

__all__ = ["set_counts", "prf"]


def set_counts(preds: Iterable[Iterable[str]], golds: Iterable[Iterable[str]]
               ) -> tuple[Counter, Counter, Counter]:
    """Per-label (true positives, false positives, false negatives) over paired label sets."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for p, g in zip(preds, golds):
        p, g = set(p), set(g)
        tp.update(p & g)
        fp.update(p - g)
        fn.update(g - p)
    return tp, fp, fn


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall, F1 (0 where undefined) and support (``tp + fn``)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "support": tp + fn}
