"""The task's entity-framing metrics: exact-match ratio of fine-role sets, main-role
accuracy, micro F1 over fine roles, and a per-role table."""

from __future__ import annotations

from typing import Any, Sequence

from ...train.scoring import prf as _prf
from ...train.scoring import set_counts
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
    tp, fp, fn = set_counts(pred_fine, gold_fine)
    micro = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return {
        "mentions": n,
        "exact_match_ratio": exact / n,
        "main_role_accuracy": main_ok / n,
        "fine_role_micro_f1": micro["f1"],
        "fine_role_micro_precision": micro["precision"],
        "fine_role_micro_recall": micro["recall"],
        "per_role": {r: _prf(tp[r], fp[r], fn[r]) for r in (*FINE_ROLES,) if tp[r] + fn[r] + fp[r]},
        "per_main": {m: _prf(sum(g == m and p == m for g, p in zip(gold_main, pred_main)),
                             sum(g != m and p == m for g, p in zip(gold_main, pred_main)),
                             sum(g == m and p != m for g, p in zip(gold_main, pred_main)))
                     for m in MAIN_ROLES},
    }


def table(metrics: dict[str, Any]) -> str:
    """The per-role table printed by ``narrascope evaluate framing``."""
    lines = [f"{'role':<20} {'prec':>6} {'rec':>6} {'f1':>6} {'gold':>6}"]
    for block in ("per_main", "per_role"):
        for role, m in metrics.get(block, {}).items():
            lines.append(f"{role:<20} {m['precision']:>6.3f} {m['recall']:>6.3f} "
                         f"{m['f1']:>6.3f} {m['support']:>6d}")
        lines.append("")
    return "\n".join(lines).rstrip()
