"""From label probabilities to a consistent set of narratives and sub-narratives.

Coarse to fine: keep the narratives whose probability passes their threshold (only from
the article's most likely domain: the task's articles are about one topic), fall back to
the single best narrative when it is close enough, then keep the sub-narratives of the
kept narratives that pass theirs (or, with the ``exact_f1`` and ``expected_f1`` decoders
of :mod:`.expected`, the set with the highest expected F1, exact or approximated). :meth:`Taxonomy.consistent` adds ``Narrative: Other``
where a kept narrative has no sub-narrative and ``Other`` when nothing is kept.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Mapping

from ...errors import NarrascopeError
from ...taxonomies import Taxonomy

__all__ = ["decode", "DEFAULT_THRESHOLDS"]

DEFAULT_THRESHOLDS: dict[str, Any] = {
    "narrative": 0.5,  # keep a narrative at or above this probability
    "fallback": 0.3,  # ... or the best one, when nothing passes, at or above this
    "subnarrative": 0.5,  # keep a sub-narrative of a kept narrative at or above this
    "sub_fallback": 0.2,  # ... or the best one of each kept narrative at or above this
    "one_domain": True,  # keep labels of the most likely domain only
    # or "exact_f1" / "expected_f1" (see .expected; they ignore the four above)
    "decoder": "thresholds",
}


def _by_thresholds(probs: Mapping[str, float], taxonomy: Taxonomy, th: Mapping[str, Any],
                   narrs: list[str]) -> tuple[list[str], list[str]]:
    per_label = th.get("per_label", {})
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
    return kept, subs


def _other_model(probs: Mapping[str, float], taxonomy: Taxonomy, th: Mapping[str, Any]
                 ) -> Callable[[float], float] | None:
    """P(Other) as a function of the product of the narratives' 1 - p, when the model has
    an ``Other`` classifier (see :func:`.expected.other_model`), else None."""
    if not th.get("other_weights") or taxonomy.other not in probs:
        return None
    import math

    from .expected import other_model

    p = min(max(float(probs[taxonomy.other]), 1e-9), 1 - 1e-9)
    return other_model(math.log(p / (1.0 - p)), th["other_weights"])


def _by_expected_f1(probs: Mapping[str, float], taxonomy: Taxonomy, th: Mapping[str, Any],
                    narrs: list[str], exact: bool = False) -> tuple[list[str], list[str]]:
    import numpy as np

    from .expected import choose

    subs = [s for s in taxonomy.subnarratives if s in probs and taxonomy.parent[s] in narrs]
    nidx = {n: i for i, n in enumerate(narrs)}
    other = _other_model(probs, taxonomy, th)
    kept, chosen = choose(np.array([probs[n] for n in narrs]), np.zeros(len(narrs), int),
                          np.array([probs[s] for s in subs]),
                          np.array([nidx[taxonomy.parent[s]] for s in subs], dtype=int), other,
                          exact)
    return [narrs[i] for i in kept], [subs[j] for j in chosen]


#: how the label set is chosen from the probabilities (``thresholds["decoder"]``)
DECODERS: dict[str, Callable[..., tuple[list[str], list[str]]]] = {
    "thresholds": _by_thresholds,
    "expected_f1": _by_expected_f1,
    "exact_f1": partial(_by_expected_f1, exact=True),
}


def decode(probs: Mapping[str, float], taxonomy: Taxonomy, thresholds: Mapping[str, Any]
           ) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """``(narratives, subnarratives)``, each a list of ``(label, score)``."""
    th = {**DEFAULT_THRESHOLDS, **thresholds}
    narrs = [n for n in taxonomy.narratives if n in probs]
    if th["one_domain"] and narrs and len(taxonomy.domains) > 1:
        best = max(narrs, key=probs.__getitem__)
        narrs = [n for n in narrs if taxonomy.domain[n] == taxonomy.domain[best]]
    if th["decoder"] not in DECODERS:
        raise NarrascopeError(f"unknown narratives decoder {th['decoder']!r}; allowed: "
                              f"{', '.join(sorted(DECODERS))}")
    kept, subs = DECODERS[th["decoder"]](probs, taxonomy, th, narrs)
    narr_labels, sub_labels = taxonomy.consistent(kept, subs)
    nothing = 1.0 - max((probs[n] for n in narrs), default=0.0)
    if (other := _other_model(probs, taxonomy, th)) is not None:
        absent = 1.0
        for n in narrs:
            absent *= 1.0 - probs[n]
        nothing = other(absent)

    def score(label: str, fallback: float) -> float:
        if label == taxonomy.other:
            return round(nothing, 4)
        return round(float(probs.get(label, fallback)), 4)

    return ([(n, score(n, 0.0)) for n in narr_labels],
            [(s, score(s, probs.get(taxonomy.parent.get(s, ""), 0.0))) for s in sub_labels])
