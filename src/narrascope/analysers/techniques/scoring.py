"""The metrics of SemEval-2020 Task 11, written for narrascope.

Spans are ``(start, end)`` or ``(start, end, label)`` tuples, end exclusive, grouped by
article id. Partial credit: a predicted span ``s`` earns ``|s ∩ t| / |s|`` of precision
for every gold span ``t`` it overlaps, a gold span earns ``|s ∩ t| / |t|`` of recall;
both are averaged over the spans (precision over predicted, recall over gold).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Mapping, Sequence

__all__ = ["merge", "span_prf", "technique_prf", "classification_micro_f1", "per_technique"]

Spans = Mapping[str, Sequence[tuple]]


def merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching-free union of ``spans``: overlapping spans become one."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _overlap_sums(pred: list[tuple[int, int]], gold: list[tuple[int, int]]
                  ) -> tuple[float, float]:
    """(Σ over pred of covered fraction, Σ over gold of covered fraction)."""
    p_sum = r_sum = 0.0
    for s, e in pred:
        p_sum += sum(max(0, min(e, ge) - max(s, gs)) for gs, ge in gold) / (e - s)
    for gs, ge in gold:
        r_sum += sum(max(0, min(e, ge) - max(s, gs)) for s, e in pred) / (ge - gs)
    return p_sum, r_sum


def _prf(p_sum: float, n_pred: int, r_sum: float, n_gold: int) -> dict[str, float]:
    p = p_sum / n_pred if n_pred else 0.0
    r = r_sum / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "n_pred": n_pred, "n_gold": n_gold}


def span_prf(pred: Spans, gold: Spans) -> dict[str, float]:
    """Span identification with partial credit; labels (if any) are ignored and
    overlapping spans of one article are merged first, as the task's scorer does."""
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for doc in set(pred) | set(gold):
        ps = merge((x[0], x[1]) for x in pred.get(doc, ()))
        gs = merge((x[0], x[1]) for x in gold.get(doc, ()))
        a, b = _overlap_sums(ps, gs)
        p_sum, r_sum = p_sum + a, r_sum + b
        n_pred, n_gold = n_pred + len(ps), n_gold + len(gs)
    return _prf(p_sum, n_pred, r_sum, n_gold)


def _by_label(spans: Sequence[tuple]) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for s, e, lab, *_ in spans:
        out[lab].append((s, e))
    return {k: merge(v) for k, v in out.items()}


def per_technique(pred: Spans, gold: Spans) -> dict[str, dict[str, float]]:
    """Partial-credit precision/recall/F1 of every technique, counting an overlap only
    when the labels agree."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0, 0.0, 0])
    for doc in set(pred) | set(gold):
        pl, gl = _by_label(pred.get(doc, ())), _by_label(gold.get(doc, ()))
        for lab in set(pl) | set(gl):
            ps, gs = pl.get(lab, []), gl.get(lab, [])
            a, b = _overlap_sums(ps, gs)
            acc = sums[lab]
            acc[0] += a
            acc[1] += len(ps)
            acc[2] += b
            acc[3] += len(gs)
    return {lab: _prf(a, int(n), b, int(m)) for lab, (a, n, b, m) in sums.items()}


def technique_prf(pred: Spans, gold: Spans) -> dict[str, float]:
    """End-to-end technique F1: span and label both right, partial overlap credit,
    micro-averaged over all spans of all techniques."""
    tab = per_technique(pred, gold)
    p_sum = sum(v["precision"] * v["n_pred"] for v in tab.values())
    r_sum = sum(v["recall"] * v["n_gold"] for v in tab.values())
    return _prf(p_sum, sum(int(v["n_pred"]) for v in tab.values()), r_sum,
                sum(int(v["n_gold"]) for v in tab.values()))


def classification_micro_f1(pred: Spans, gold: Spans) -> dict[str, float]:
    """Technique classification on given spans: micro precision/recall/F1 over
    ``(start, end, label)`` instances (a span annotated twice counts twice)."""
    hit = n_pred = n_gold = 0
    for doc in set(pred) | set(gold):
        p = Counter((s, e, lab) for s, e, lab, *_ in pred.get(doc, ()))
        g = Counter((s, e, lab) for s, e, lab, *_ in gold.get(doc, ()))
        hit += sum((p & g).values())
        n_pred += sum(p.values())
        n_gold += sum(g.values())
    pr = hit / n_pred if n_pred else 0.0
    rc = hit / n_gold if n_gold else 0.0
    return {"precision": pr, "recall": rc, "f1": 2 * pr * rc / (pr + rc) if pr + rc else 0.0}
