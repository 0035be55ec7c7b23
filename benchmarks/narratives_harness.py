"""What the narratives experiments share: the training corpus, one 5-fold article split,
out-of-fold scores from a ridge solved in the dual over a precomputed kernel, and a line
of F1 samples per language under expected-F1 decoding.

Imported by ``narratives_variants.py``, ``narratives_knn.py``,
``narratives_selftrain.py`` and the later ``narratives_*.py`` scripts (run as their
docstrings say). ``version4_f1`` decodes any out-of-fold scores the way version 4 does,
everything cross-fitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT.parent / "shared" / "data" / "semeval2025-t10"
DATA = BASE / "train"


@dataclass
class Corpus:
    """The labelled articles, their label matrix and the fixed fold split."""

    tax: object
    ex: list
    labels: list[str]
    y: np.ndarray
    langs: np.ndarray
    order: np.ndarray
    folds: list[np.ndarray]

    @property
    def n(self) -> int:
        return len(self.ex)

    @property
    def targets(self) -> np.ndarray:
        return 2.0 * self.y - 1


def load() -> Corpus:
    """The SemEval-2025 Task 10 training articles of every language, 5 folds (seed 13)."""
    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.corpus import read_data
    from narrascope.taxonomies import default_taxonomy

    tax = default_taxonomy()
    ex = read_data([DATA], tax)
    labels = fit._labels(ex, tax, 2)
    order = np.random.default_rng(13).permutation(len(ex))
    return Corpus(tax, ex, labels, fit._targets(ex, labels),
                  np.array([e.language for e in ex]), order, np.array_split(order, 5))


def idf(counts, rows: int) -> np.ndarray:
    """Smoothed IDF of the term counts' first ``rows`` documents (scikit-learn's formula)."""
    df = np.bincount(counts[:rows].indices, minlength=counts.shape[1])
    return (np.log((1 + rows) / (1 + df)) + 1).astype(np.float32)


def linear_kernel(x) -> np.ndarray:
    return np.asarray((x @ x.T).todense(), dtype=np.float64)


def solve(kern: np.ndarray, rows: np.ndarray, targets: np.ndarray,
          alpha: float = 0.3) -> np.ndarray:
    """Dual ridge coefficients over ``rows`` (a constant 1 in the kernel is the bias)."""
    return np.linalg.solve(kern[np.ix_(rows, rows)] + 1 + alpha * np.eye(len(rows)), targets)


def oof_ridge(corpus: Corpus, kern: np.ndarray, alpha: float = 0.3) -> np.ndarray:
    """Out-of-fold ridge scores, one row per article."""
    out = np.zeros(corpus.y.shape)
    for test in corpus.folds:
        train = np.setdiff1d(corpus.order, test)
        out[test] = (kern[np.ix_(test, train)] + 1) @ solve(kern, train,
                                                           corpus.targets[train], alpha)
    return out


def expected_f1_line(corpus: Corpus, scores: np.ndarray, c: float = 10.0) -> str:
    """``lang:coarse/fine`` for all articles and each language: per-label Platt scaling
    (inverse penalty ``c``) of the out-of-fold scores, then expected-F1 decoding."""
    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.expected import decode_expected_matrix
    from narrascope.analysers.narratives.tune import LabelSpace, f1_rows

    a, b = fit.calibrate(scores.astype(np.float32), corpus.y, c)
    probs = 1.0 / (1.0 + np.exp(-(scores * a + b)))
    space = LabelSpace(corpus.tax, corpus.labels)
    gn, gs = space.gold(corpus.ex)
    pn, ps = decode_expected_matrix(probs, space)
    fc, ff = f1_rows(pn, gn), f1_rows(ps, gs)
    parts = []
    for lang in ["all"] + sorted(set(corpus.langs)):
        mk = np.ones(corpus.n, bool) if lang == "all" else corpus.langs == lang
        parts.append(f"{lang}:{fc[mk].mean():.3f}/{ff[mk].mean():.3f}")
    return " ".join(parts)


def explanations(corpus) -> tuple[np.ndarray, list[str], np.ndarray]:
    """The article index, text and ridge targets (labels + Other) of each explanation."""
    index = {(e.language.upper(), e.id): i for i, e in enumerate(corpus.ex)}
    col = {lab: j for j, lab in enumerate(corpus.labels)}
    rows, texts, targets = [], [], []
    for f in sorted(DATA.glob("*/subtask-3-annotations.txt")):
        for line in f.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 4 or (f.parent.name, parts[0]) not in index:
                continue
            i = index[(f.parent.name, parts[0])]
            t = corpus.targets[i].astype(float)
            t[t > 0] = 0.0  # the article's other labels: the explanation says nothing
            for lab in parts[1:3]:
                if lab in col:
                    t[col[lab]] = 1.0
            rows.append(i)
            texts.append(parts[3])
            targets.append(np.append(t, -1.0))
    return np.array(rows), texts, np.array(targets)


def cache_dir(argv: list[str]) -> Path:
    """The folder given after ``--cache`` (made if absent), else /tmp/narratives-h3: where
    the scripts keep counts, embeddings and out-of-fold scores between runs."""
    cache = Path(argv[argv.index("--cache") + 1]) if "--cache" in argv \
        else Path("/tmp/narratives-h3")
    cache.mkdir(parents=True, exist_ok=True)
    return cache


def paired_summary(results: dict[str, list[np.ndarray]], masks: dict[str, np.ndarray],
                   seeds: list[int], base: str, width: int = 22) -> None:
    """Print each variant's F1 coarse/fine per language, meaned over the seeds' splits,
    with its paired difference to the ``base`` variant (± one standard error).

    ``results[v]``: one (articles, 2) array of per-article F1 per seed; ``masks``: the
    articles of each language."""
    print(f"mean over seeds, and the paired difference to {base} (± 1 s.e.):")
    ref = np.concatenate(results[base])
    for v in results:
        allr = np.concatenate(results[v])
        d = allr - ref
        parts = []
        for lang, m in masks.items():
            mm = np.tile(m, len(seeds))
            se = d[mm].std(axis=0, ddof=1) / np.sqrt(mm.sum() / len(seeds))
            parts.append(f"{lang}:{allr[mm].mean(axis=0)[0]:.3f}/{allr[mm].mean(axis=0)[1]:.3f}"
                         f" ({d[mm].mean(axis=0)[0]:+.3f}±{se[0]:.3f}/"
                         f"{d[mm].mean(axis=0)[1]:+.3f}±{se[1]:.3f})")
        print(f"{v:<{width}} " + "  ".join(parts), flush=True)


def featurise_cached(corpus, texts: list[str], weights, path: Path):
    """``texts`` as the analyser's TF-IDF counts rows (its vocabulary fitted on the
    articles), kept in ``path`` between runs (delete it when ``texts`` change)."""
    from scipy import sparse

    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.model import Featuriser

    if path.is_file():
        z = np.load(path)
        return sparse.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=z["shape"])
    counts = fit.count_terms([e.text for e in corpus.ex], fit._options({}))
    x = Featuriser(counts.vocabulary, weights, counts.settings).transform(texts).tocsr()
    np.savez(path, data=x.data, indices=x.indices, indptr=x.indptr, shape=x.shape)
    return x


def list_arg(argv: list[str], name: str, default: list, cast=float) -> list:
    """The comma-separated values given after ``name`` (each through ``cast``), else
    ``default``."""
    if name in argv:
        return [cast(v) for v in argv[argv.index(name) + 1].split(",")]
    return list(default)


def data_absent() -> bool:
    """Whether the task's training data is missing here (and say so: the script skips)."""
    if DATA.is_dir():
        return False
    print(f"skipped: {DATA} is absent")
    return True


def seeds_arg(argv: list[str], default: tuple[int, ...] = (13, 7, 21)) -> list[int]:
    """The fold-split seeds given after ``--seeds`` (comma-separated), else ``default``."""
    if "--seeds" in argv:
        return [int(s) for s in argv[argv.index("--seeds") + 1].split(",")]
    return list(default)


def stage2_cache(argv: list[str]) -> Path:
    """The folder of ``narratives_stage2.py``'s cached out-of-fold scores (``--stage2-cache``,
    else /tmp/narratives-h3)."""
    if "--stage2-cache" in argv:
        return Path(argv[argv.index("--stage2-cache") + 1])
    return Path("/tmp/narratives-h3")


class Gold(NamedTuple):
    """The corpus's gold label sets as the decoders see them, and per-language masks."""

    space: object
    narratives: np.ndarray
    subnarratives: np.ndarray
    is_other: np.ndarray
    langs: list[str]
    masks: dict[str, np.ndarray]


def gold_of(corpus: Corpus) -> Gold:
    """The label space, gold narrative and sub-narrative rows, which articles are
    ``Other``, and a mask per language (``all`` first)."""
    from narrascope.analysers.narratives.tune import LabelSpace

    space = LabelSpace(corpus.tax, corpus.labels)
    gn, gs = space.gold(corpus.ex)
    langs = ["all"] + sorted(set(corpus.langs))
    masks = {lg: np.ones(corpus.n, bool) if lg == "all" else corpus.langs == lg
             for lg in langs}
    return Gold(space, gn, gs, gn[:, -1], langs, masks)


def version4_f1(corpus: Corpus, scores: np.ndarray, order: np.ndarray, gold: Gold
                ) -> np.ndarray:
    """Per-article F1 coarse and fine (articles x 2) of out-of-fold ridge-like
    ``scores`` (labels, then ``Other``) through version 4's decoding, everything
    cross-fitted over the 5-fold split of ``order``: each fold's per-label calibration
    (sub-narratives reading their narrative's score) and ``P(Other)`` regression are
    fitted on the other folds, then the exact expected-F1 decoder."""
    from sklearn.linear_model import LogisticRegression

    from narratives_langcal import _logit, _sigmoid
    from narratives_subcond import calibrate_subs
    from narrascope.analysers.narratives import expected
    from narrascope.analysers.narratives.tune import f1_rows

    own = scores[:, :-1]
    folds = np.array_split(order, 5)
    z = np.zeros(own.shape)
    for test in folds:
        train = np.setdiff1d(order, test)
        z[test] = _logit(calibrate_subs([own], corpus.y, corpus, train)(test))
    probs = _sigmoid(z)
    xo = np.column_stack([np.log(np.clip(expected.nothing_probabilities(probs, gold.space),
                                         1e-9, 1)), scores[:, -1]])
    logit = np.zeros(corpus.n)
    for test in folds:
        train = np.setdiff1d(order, test)
        logit[test] = LogisticRegression(C=10.0).fit(
            xo[train], gold.is_other[train]).decision_function(xo[test])
    pn, ps = expected.decode_expected_matrix(probs, gold.space, logit, (0.0, 1.0, 0.0),
                                             exact=True)
    return np.column_stack([f1_rows(pn, gold.narratives), f1_rows(ps, gold.subnarratives)])


def f1_line(rows_f1: np.ndarray, masks: dict[str, np.ndarray]) -> str:
    """``lang:coarse/fine`` for each mask of per-article F1 rows."""
    return " ".join(f"{lg}:{rows_f1[m].mean(axis=0)[0]:.3f}/{rows_f1[m].mean(axis=0)[1]:.3f}"
                    for lg, m in masks.items())


def compare_variants(corpus: Corpus, cache: Path, seeds: list[int], variants: list[str],
                     scores_of, base: str, extra=None) -> dict[str, list[np.ndarray]]:
    """For each seed's split, decode each variant's out-of-fold scores the way version 4
    does (:func:`version4_f1`), print its line, then the mean over the seeds with the
    paired difference to ``base``. ``scores_of(seed, stage2, variant)`` gives a variant's
    scores (``stage2``: ``narratives_stage2.oof_scores`` of the seed, version 4's);
    ``extra(seed, rows)``, if given, returns more named rows of per-article F1 built
    from the seed's (e.g. a choice among the variants)."""
    from narratives_stage2 import oof_scores

    gold = gold_of(corpus)
    width = max(len(v) for v in variants) + 1
    results: dict[str, list[np.ndarray]] = {v: [] for v in variants}
    for seed in seeds:
        d = oof_scores(corpus, cache, seed)
        rows = {v: version4_f1(corpus, scores_of(seed, d, v), d["order"], gold)
                for v in variants}
        rows.update(extra(seed, rows) if extra else {})
        for v, r in rows.items():
            results.setdefault(v, []).append(r)
            print(f"seed {seed:<3} {v:<{width}} {f1_line(r, gold.masks)}", flush=True)
    paired_summary(results, gold.masks, seeds, base, width=width)
    return results
