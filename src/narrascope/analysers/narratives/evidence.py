"""Evidence: the sentences that most support a label.

The model is linear, so a sentence's contribution to a label is its own TF-IDF vector
dotted with the label's weights. A sub-narrative's sentences are scored by its weights
plus half of its narrative's, so the evidence fits both levels, minus what the same
sentence gives the average label: a dense headline that every label likes a little does
not become every label's evidence. That support and the sentence's place in the article
(a news article states its point early) are ranked together, each z-scored within the
article, the place at half weight. The best sentence is always given; up to two more
follow when they support the label more than the average label and do not repeat one
already given (letters and digits compared, so a headline repeated in the body counts
once).

Against the annotators' explanations of the task's training articles, with models
cross-validated so that none saw the article (``benchmarks/narratives_evidence.py``),
this ranking finds the sentence closest to the English explanation among its first three
in 54% of articles, against 43% for the label's weights alone and 42% for the first
three sentences; see ``docs/benchmarks.md``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy import sparse

from ...model import Span
from .model import NarrativeModel, tfidf

__all__ = ["evidence_for", "MAX_EVIDENCE", "MAX_SENTENCES"]

MAX_EVIDENCE = 3
#: sentences looked at per article
MAX_SENTENCES = 400
#: sentences shorter than this (characters) are datelines and captions, not evidence
MIN_CHARS = 25
#: weight of a sentence's place in the article against its support for the label (both
#: z-scored): 0.5 was the better of 0.5 and 1.0 on the explanations' benchmark, and 1.0
#: gave more labels the same sentences
LEAD_WEIGHT = 0.5


def _z(v: np.ndarray) -> np.ndarray:
    sd = float(v.std())
    return (v - v.mean()) / sd if sd > 0 else np.zeros_like(v)


def _key(text: str, span: Span) -> str:
    return "".join(ch for ch in span.text_in(text).lower() if ch.isalnum())


def evidence_for(model: NarrativeModel, text: str, labels: Sequence[str], spans: Sequence[Span],
                 counts: sparse.csr_matrix) -> dict[str, tuple[Span, ...]]:
    """For each label, 1-3 of the sentences ``spans`` (whose term counts are the rows of
    ``counts``) ranked by their support for it."""
    keep = [i for i, s in enumerate(spans) if s.end - s.start >= MIN_CHARS][:MAX_SENTENCES]
    if not keep:
        keep = list(range(min(len(spans), MAX_SENTENCES)))
    index = model.label_index()
    tax = model.taxonomy
    wanted = []
    for lab in labels:
        rows = [(1.0, index[lab])] if lab in index else []
        parent = tax.parent.get(lab)
        if parent in index:
            rows.append((0.5 if rows else 1.0, index[parent]))
        if rows:
            wanted.append((lab, rows))
    if not keep or not wanted:
        return {}
    used = sorted({i for _, rows in wanted for _, i in rows})
    col = {i: j for j, i in enumerate(used)}
    x = tfidf(counts[keep], model.featuriser.idf)
    raw = np.asarray(x @ model.coef[used].T)
    average = np.asarray(x @ model.mean_coef()).ravel()
    place = LEAD_WEIGHT * _z(-np.log1p(np.arange(len(keep), dtype=np.float64)))
    out: dict[str, tuple[Span, ...]] = {}
    for lab, rows in wanted:
        support = sum(w * raw[:, col[i]] for w, i in rows) - sum(w for w, _ in rows) * average
        ranked = [int(i) for i in np.argsort(-(_z(support) + place), kind="stable")]
        chosen, seen = [ranked[0]], {_key(text, spans[keep[ranked[0]]])}
        for i in ranked[1:]:
            if len(chosen) == MAX_EVIDENCE:
                break
            key = _key(text, spans[keep[i]])
            # a title repeated as the first line is one piece of evidence
            if support[i] > 0 and key not in seen:
                seen.add(key)
                chosen.append(i)
        chosen.sort()
        out[lab] = tuple(Span(spans[keep[i]].start, spans[keep[i]].end, "evidence",
                              round(float(support[i]), 4), {"text": spans[keep[i]].text_in(text)})
                         for i in chosen)
    return out
