"""From label probabilities to a consistent set of narratives and sub-narratives.

Coarse to fine: keep the narratives whose probability passes their threshold (only from
the article's most likely domain: the task's articles are about one topic), fall back to
the single best narrative when it is close enough, then keep the sub-narratives of the
kept narratives that pass theirs. :meth:`Taxonomy.consistent` adds ``Narrative: Other``
where a kept narrative has no sub-narrative and ``Other`` when nothing is kept.
"""

from __future__ import annotations

from typing import Any, Mapping

from ...taxonomies import Taxonomy

__all__ = ["decode", "DEFAULT_THRESHOLDS"]

DEFAULT_THRESHOLDS: dict[str, Any] = {
    "narrative": 0.5,  # keep a narrative at or above this probability
    "fallback": 0.3,  # ... or the best one, when nothing passes, at or above this
    "subnarrative": 0.5,  # keep a sub-narrative of a kept narrative at or above this
    "sub_fallback": 0.2,  # ... or the best one of each kept narrative at or above this
    "one_domain": True,  # keep labels of the most likely domain only
}


def decode(probs: Mapping[str, float], taxonomy: Taxonomy, thresholds: Mapping[str, Any]
           ) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """``(narratives, subnarratives)``, each a list of ``(label, score)``."""
    th = {**DEFAULT_THRESHOLDS, **thresholds}
    per_label = th.get("per_label", {})
    narrs = [n for n in taxonomy.narratives if n in probs]
    if th["one_domain"] and narrs and len(taxonomy.domains) > 1:
        best = max(narrs, key=probs.__getitem__)
        narrs = [n for n in narrs if taxonomy.domain[n] == taxonomy.domain[best]]
    kept = [n for n in narrs if probs[n] >= per_label.get(n, th["narrative"])]
    if not kept and narrs:
        best = max(narrs, key=probs.__getitem__)
        if probs[best] >= th["fallback"]:
            kept = [best]
    subs: list[str] = []
    for n in kept:
        children = [s for s in taxonomy.children(n) if s in probs]
        chosen = [s for s in children if probs[s] >= per_label.get(s, th["subnarrative"])]
        if not chosen and children:
            best = max(children, key=probs.__getitem__)
            if probs[best] >= th["sub_fallback"]:
                chosen = [best]
        subs += chosen
    narr_labels, sub_labels = taxonomy.consistent(kept, subs)
    nothing = 1.0 - max((probs[n] for n in narrs), default=0.0)

    def score(label: str, fallback: float) -> float:
        if label == taxonomy.other:
            return round(nothing, 4)
        return round(float(probs.get(label, fallback)), 4)

    return ([(n, score(n, 0.0)) for n in narr_labels],
            [(s, score(s, probs.get(taxonomy.parent.get(s, ""), 0.0))) for s in sub_labels])
