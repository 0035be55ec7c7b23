"""Evidence: the sentences that most support a label.

The model is linear, so a sentence's contribution to a label is its own TF-IDF vector
dotted with the label's weights. A sub-narrative's sentences are ranked by its weights
plus half of its narrative's, so the evidence fits both levels. The best sentence is
always given; up to two more follow when they score at least half as high.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ...model import Span
from ...text import sentences
from .model import NarrativeModel

__all__ = ["evidence_for", "MAX_EVIDENCE", "MAX_SENTENCES"]

MAX_EVIDENCE = 3
#: sentences looked at per article (a book-length input keeps its first ones)
MAX_SENTENCES = 400
#: sentences shorter than this (characters) are datelines and captions, not evidence
MIN_CHARS = 25


def _label_weights(model: NarrativeModel, label: str) -> np.ndarray | None:
    index = {lab: i for i, lab in enumerate(model.labels)}
    tax = model.taxonomy
    rows = []
    if label in index:
        rows.append((1.0, index[label]))
    parent = tax.parent.get(label)
    if parent is not None and parent in index:
        rows.append((0.5 if rows else 1.0, index[parent]))
    if not rows:
        return None
    return sum(w * model.coef[i] for w, i in rows)


def evidence_for(model: NarrativeModel, text: str, labels: Sequence[str]
                 ) -> dict[str, tuple[Span, ...]]:
    """For each label, 1-3 sentence spans of ``text`` ranked by their support for it."""
    sents = [s for s in sentences(text) if s.end - s.start >= MIN_CHARS][:MAX_SENTENCES]
    if not sents:
        sents = sentences(text)[:MAX_SENTENCES]
    wanted = [(lab, w) for lab in labels if (w := _label_weights(model, lab)) is not None]
    if not sents or not wanted:
        return {}
    x = model.featuriser.transform([s.text_in(text) for s in sents])
    scores = np.asarray(x @ np.stack([w for _, w in wanted]).T)
    out: dict[str, tuple[Span, ...]] = {}
    for j, (lab, _) in enumerate(wanted):
        col = scores[:, j]
        ranked = np.argsort(-col, kind="stable")[:MAX_EVIDENCE]
        top = float(col[ranked[0]])
        chosen = [ranked[0]] + [i for i in ranked[1:] if top > 0 and col[i] >= 0.5 * top]
        chosen.sort()
        out[lab] = tuple(Span(sents[i].start, sents[i].end, "evidence", round(float(col[i]), 4),
                              {"text": sents[i].text_in(text)}) for i in chosen)
    return out
