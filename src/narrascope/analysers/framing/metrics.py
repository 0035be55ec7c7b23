"""The task's entity-framing metrics: exact-match ratio of fine-role sets, main-role
accuracy, micro F1 over fine roles, and a per-role table."""

from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

from .taxonomy import FINE_ROLES, MAIN_ROLES

__all__ = ["score", "table"]


def score(gold_main: Sequence[str], gold_fine: Sequence[Sequence[str]],
          pred_main: Sequence[str], pred_fine: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Metrics of predictions against gold labels, one item per mention."""
    n = len(gold_main)
    if n == 0:
        return {"mentions": 0}
    exact = sum(set(g) == set(p) for g, p in zip(gold_fine, pred_fine))
    main_ok = sum(g == p for g, p in zip(gold_main, pred_main))
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p in zip(gold_fine, pred_fine):
        g, p = set(g), set(p)
        for r in g & p:
            tp[r] += 1
        for r in p - g:
            fp[r] += 1
        for r in g - p:
            fn[r] += 1
    t, f_p, f_n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    prec = t / (t + f_p) if t + f_p else 0.0
    rec = t / (t + f_n) if t + f_n else 0.0
    return {
        "mentions": n,
        "exact_match_ratio": exact / n,
        "main_role_accuracy": main_ok / n,
        "fine_role_micro_f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
        "fine_role_micro_precision": prec,
        "fine_role_micro_recall": rec,
        "per_role": {r: _prf(tp[r], fp[r], fn[r]) for r in (*FINE_ROLES,) if tp[r] + fn[r] + fp[r]},
        "per_main": {m: _prf(sum(g == m and p == m for g, p in zip(gold_main, pred_main)),
                             sum(g != m and p == m for g, p in zip(gold_main, pred_main)),
                             sum(g == m and p != m for g, p in zip(gold_main, pred_main)))
                     for m in MAIN_ROLES},
    }


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "support": tp + fn}


def table(metrics: dict[str, Any]) -> str:
    """The per-role table printed by ``narrascope evaluate framing``."""
    lines = [f"{'role':<20} {'prec':>6} {'rec':>6} {'f1':>6} {'gold':>6}"]
    for block in ("per_main", "per_role"):
        for role, m in metrics.get(block, {}).items():
            lines.append(f"{role:<20} {m['precision']:>6.3f} {m['recall']:>6.3f} "
                         f"{m['f1']:>6.3f} {m['support']:>6d}")
        lines.append("")
    return "\n".join(lines).rstrip()
