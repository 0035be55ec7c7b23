"""The task's metrics: F1 per article between predicted and gold label sets, averaged
over articles ("F1 samples"), plus a per-label precision/recall/F1 table."""

from __future__ import annotations

from typing import Sequence

from ...train.scoring import prf, set_counts

__all__ = ["f1_samples", "per_label", "format_table"]


def _f1(pred: frozenset[str] | set[str], gold: frozenset[str] | set[str]) -> float:
    if not pred or not gold:
        return 0.0
    tp = len(pred & gold)
    return 2.0 * tp / (len(pred) + len(gold))


def f1_samples(preds: Sequence[set[str]], golds: Sequence[set[str]]) -> float:
    """Mean per-article F1; an article with no prediction scores 0."""
    if not golds:
        return 0.0
    return sum(_f1(set(p), set(g)) for p, g in zip(preds, golds)) / len(golds)


def per_label(preds: Sequence[set[str]], golds: Sequence[set[str]]) -> list[dict]:
    """Support, precision, recall and F1 of every label seen in gold or predictions."""
    tp, fp, fn = set_counts(preds, golds)
    return [{"label": lab, **prf(tp[lab], fp[lab], fn[lab])}
            for lab in sorted(set(tp) | set(fp) | set(fn))]


def format_table(rows: list[dict], width: int = 72) -> str:
    head = f"{'label':<{width}} {'supp':>5} {'prec':>6} {'rec':>6} {'f1':>6}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lab = r["label"] if len(r["label"]) <= width else r["label"][: width - 1] + "…"
        lines.append(f"{lab:<{width}} {r['support']:>5} {r['precision']:>6.3f} "
                     f"{r['recall']:>6.3f} {r['f1']:>6.3f}")
    return "\n".join(lines)
