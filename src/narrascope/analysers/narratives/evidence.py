"""Evidence: the sentences that most support a label.

The model is linear, so a sentence's contribution to a label is its own TF-IDF vector
dotted with the label's weights. A sub-narrative's sentences are ranked by its weights
plus half of its narrative's, so the evidence fits both levels. The best sentence is
always given; up to two more follow when they score at least half as high and do not
repeat one already given (letters and digits compared, so a headline repeated in the
body counts once).
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
    out: dict[str, tuple[Span, ...]] = {}
    for lab, rows in wanted:
        score = sum(w * raw[:, col[i]] for w, i in rows)
        ranked = [int(i) for i in np.argsort(-score, kind="stable")]
        top = float(score[ranked[0]])
        chosen, seen = [ranked[0]], {_key(text, spans[keep[ranked[0]]])}
        for i in ranked[1:]:
            if len(chosen) == MAX_EVIDENCE or top <= 0 or score[i] < 0.5 * top:
                break
            key = _key(text, spans[keep[i]])
            if key not in seen:  # a title repeated as the first line is one piece of evidence
                seen.add(key)
                chosen.append(i)
        chosen.sort()
        out[lab] = tuple(Span(spans[keep[i]].start, spans[keep[i]].end, "evidence",
                              round(float(score[i]), 4), {"text": spans[keep[i]].text_in(text)})
                         for i in chosen)
    return out
