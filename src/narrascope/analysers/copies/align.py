"""Compare two articles that the index put side by side, and say how they are related.

Two signals, computed only for candidate pairs:

- verbatim passages: runs of shared word 5-grams that go forward in both texts (small
  gaps allowed, so one changed word does not split a paragraph), mapped to character
  spans in both articles;
- aligned sentences: each sentence's best partner in the other article by the overlap of
  their content words, which survives synonyms, clause swaps and light rewording.

``classify`` turns them into ``duplicate`` (nearly all of both articles is shared
verbatim and nothing inside the shared passages changed), ``rewrite`` (words swapped
inside the shared passages, or most of both articles aligned sentence by sentence while
neither is mostly inside the other) or ``partial`` (one or more verbatim passages), or
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .features import SHINGLE, Features

__all__ = ["Passage", "Match", "classify", "verbatim_passages", "aligned_sentences",
           "Thresholds"]


@dataclass(frozen=True)
class Thresholds:
    """The decision thresholds (tuned on the benchmark in ``benchmarks/copies_bench.py``)."""

    #: tokens a verbatim passage needs to make a partial copy (stock phrases are shorter)
    min_passage: int = 15
    #: tokens a shared run needs to count towards coverage (short paragraphs of a
    #: duplicate are shorter than ``min_passage``)
    min_run: int = 8
    #: tokens a passage may skip on either side and still be one passage
    gap: int = 6
    #: verbatim coverage both articles need to be duplicates (boilerplate and a new
    #: headline can take a quarter of a short article)
    duplicate: float = 0.72
    #: content-word Jaccard for two sentences to align
    sentence: float = 0.35
    #: share of an article's words changed inside shared passages that makes a mostly
    #: verbatim copy a (light) rewrite rather than a duplicate
    reworded: float = 0.005
    #: aligned share both articles need to be rewrites
    rewrite: float = 0.5
    #: an article this much inside the other is an excerpt (partial), not a rewrite
    rewrite_max_verbatim: float = 0.8
    #: content-word overlap (of the smaller vocabulary) below which sentences are not
    #: even aligned: same-topic articles stay well below it
    rewrite_words: float = 0.4


@dataclass(frozen=True)
class Passage:
    """A stretch shared by articles A and B: character spans in both."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int


@dataclass(frozen=True)
class Match:
    kind: str
    score: float
    passages: tuple[Passage, ...]
    #: share of A's and B's words inside the passages
    cover_a: float
    cover_b: float


def _member(x: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Whether each element of ``x`` is in ``sorted_set`` (sorted, unique): a binary
    search per element, cheaper than ``np.isin``'s sort of both arrays."""
    if not len(sorted_set):
        return np.zeros(len(x), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, x), len(sorted_set) - 1)
    return sorted_set[at] == x


def _shared(fa: Features, fb: Features) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The shingles both texts have (sorted), and where each text has them."""
    common = np.intersect1d(fa.shingle_set, fb.shingle_set, assume_unique=True)
    return common, _member(fa.shingles, common), _member(fb.shingles, common)


def verbatim_passages(fa: Features, fb: Features, th: Thresholds = Thresholds(),
                      shared: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
                      ) -> list[tuple[int, int, int, int]]:
    """Shared passages as token ranges ``(a0, a1, b0, b1)`` (end-exclusive);
    ``shared`` is :func:`_shared` of the pair when the caller has it already."""
    sa, sb = fa.shingles, fb.shingles
    common, in_a, in_b_mask = shared or _shared(fa, fb)
    if len(common) < th.min_run - SHINGLE + 1:
        return []
    # a shingle that straddles a paragraph break matches nothing
    ok_a = fa.para[:len(sa)] == fa.para[SHINGLE - 1:]
    ok_b = fb.para[:len(sb)] == fb.para[SHINGLE - 1:]
    hit = np.flatnonzero(in_a & ok_a)
    if not len(hit):
        return []
    in_b = np.flatnonzero(in_b_mask & ok_b)
    if not len(in_b):
        return []
    runs = _runs(sa[hit], hit, sb[in_b], in_b, fa.para, fb.para, th.gap)
    out = []
    for i0, i1, j0, j1 in runs:
        a0, a1, b0, b1 = i0, i1 + SHINGLE, j0, j1 + SHINGLE
        if min(a1 - a0, b1 - b0) >= th.min_run:
            out.append((a0, a1, b0, b1))
    return out


def _runs(ha: np.ndarray, hit: np.ndarray, hb: np.ndarray, in_b: np.ndarray,
          pa: np.ndarray, pb: np.ndarray, gap: int) -> list[list[int]]:
    """Runs ``[i0, i_last, j0, j_last]`` of shared shingles: A's hits (positions ``hit``,
    hashes ``ha``) in order, each paired with a position of its shingle in B (``in_b``,
    ascending, hashes ``hb``); a hit continues the run of the hit before it when both
    texts moved forward by at most ``gap + 1`` words inside one paragraph.

    A shingle found once in B (nearly all) has its partner fixed. One found more than
    once (text repeated inside an article) takes the first occurrence that continues
    the run, else the first after the run's end, else its first: that depends on the
    partner of the hit before it, so only those hits are paired one by one, and the runs
    are then cut with array operations."""
    order = np.argsort(hb, kind="stable")  # equal hashes keep B's order
    hb_sorted, jb = hb[order], in_b[order]
    lo = np.searchsorted(hb_sorted, ha, side="left")
    n = np.searchsorted(hb_sorted, ha, side="right") - lo
    found = n > 0  # False where the shingle is shared only across a break in B
    i, lo, n = hit[found], lo[found], n[found]
    if not len(i):
        return []
    j = jb[lo]
    multi = np.flatnonzero(n > 1)
    if len(multi):
        il, jl = i.tolist(), j.tolist()
        for k in multi.tolist():
            if not k:
                continue  # the first hit starts a run at its first occurrence
            js = jb[lo[k]:lo[k] + n[k]].tolist()
            r1, r3 = il[k - 1], jl[k - 1]
            near = next((x for x in js if 0 < x - r3 <= gap + 1), None)
            if (near is not None and 0 < il[k] - r1 <= gap + 1
                    and pa[il[k]] == pa[r1] and pb[near] == pb[r3]):
                jl[k] = near
            else:
                jl[k] = next((x for x in js if x > r3), js[0])
        j = np.array(jl, dtype=i.dtype)
    di, dj = np.diff(i), np.diff(j)
    cont = ((di > 0) & (di <= gap + 1) & (dj > 0) & (dj <= gap + 1)
            & (pa[i[1:]] == pa[i[:-1]]) & (pb[j[1:]] == pb[j[:-1]]))
    first = np.r_[0, np.flatnonzero(~cont) + 1]
    last = np.r_[first[1:] - 1, len(i) - 1]
    return np.stack([i[first], i[last], j[first], j[last]], axis=1).tolist()


def aligned_sentences(fa: Features, fb: Features, th: Thresholds = Thresholds(),
                      min_words: int = 4) -> list[tuple[int, int, float]]:
    """``(sentence of A, sentence of B, Jaccard)`` for each sentence of A whose best
    partner in B shares enough content words."""
    bw = [(j, w) for j, w in enumerate(fb.sent_words) if len(w) >= min_words]
    if not bw:
        return []
    out = []
    for i, wa in enumerate(fa.sent_words):
        if len(wa) < min_words:
            continue
        best, best_j = 0.0, -1
        for j, wb in bw:
            inter = len(wa & wb)
            if inter:
                jac = inter / (len(wa) + len(wb) - inter)
                if jac > best:
                    best, best_j = jac, j
        if best >= th.sentence:
            out.append((i, best_j, best))
    return out


def _covered(n: int, ranges: list[tuple[int, int]]) -> int:
    mask = np.zeros(n, dtype=bool)
    for lo, hi in ranges:
        mask[lo:hi] = True
    return int(mask.sum())


def _sentence_share(f: Features, idx: set[int]) -> float:
    total = sum(e - s for (s, e), w in zip(f.sent_spans, f.sent_words) if w)
    got = sum(f.sent_spans[i][1] - f.sent_spans[i][0] for i in idx)
    return got / total if total else 0.0


def _overlap(fa: Features, fb: Features) -> float:
    wa, wb = fa.words, fb.words
    if not len(wa) or not len(wb):
        return 0.0
    return len(np.intersect1d(wa, wb, assume_unique=True)) / min(len(wa), len(wb))


def _reworded(n: int, in_common: np.ndarray, runs) -> float:
    """Share of a text's ``n`` words that sit inside shared passages (``runs``, its token
    ranges first) without being in a shared shingle (``in_common``, per shingle): the
    words a light rewrite swapped. A duplicate has none (its differences are a headline
    and boilerplate, outside the passages)."""
    hit = np.flatnonzero(in_common)
    exact = np.zeros(n + SHINGLE, dtype=bool)
    for k in range(SHINGLE):
        exact[hit + k] = True
    inside = np.zeros(n, dtype=bool)
    for a0, a1, _, _ in runs:
        inside[a0:a1] = True
    return float((inside & ~exact[:n]).mean())


def classify(fa: Features, fb: Features, th: Thresholds = Thresholds()) -> Match | None:
    """How A and B are related, or None when they merely share a topic."""
    na, nb = fa.n_tokens, fb.n_tokens
    if not na or not nb:
        return None
    shared = _shared(fa, fb)
    runs = verbatim_passages(fa, fb, th, shared)
    cov_a = _covered(na, [(r[0], r[1]) for r in runs]) / na
    cov_b = _covered(nb, [(r[2], r[3]) for r in runs]) / nb
    passages = tuple(Passage(int(fa.starts[a0]), int(fa.ends[a1 - 1]),
                             int(fb.starts[b0]), int(fb.ends[b1 - 1]))
                     for a0, a1, b0, b1 in runs)
    light = False
    if min(cov_a, cov_b) >= th.duplicate:
        light = max(_reworded(na, shared[1], runs),
                    _reworded(nb, shared[2], [(r[2], r[3], r[0], r[1]) for r in runs])
                    ) >= th.reworded
        if not light:
            return Match("duplicate", round(min(cov_a, cov_b), 4), passages, cov_a, cov_b)
    if light or (max(cov_a, cov_b) < th.rewrite_max_verbatim
                 and _overlap(fa, fb) >= th.rewrite_words):
        pairs = aligned_sentences(fa, fb, th)
        share_a = _sentence_share(fa, {i for i, _, _ in pairs})
        share_b = _sentence_share(fb, {j for _, j, _ in pairs})
        if min(share_a, share_b) >= th.rewrite:
            mean_j = sum(p[2] for p in pairs) / len(pairs)
            spans = tuple(Passage(*fa.sent_spans[i], *fb.sent_spans[j]) for i, j, _ in pairs)
            score = min(share_a, share_b) * min(1.0, 0.5 + mean_j)
            return Match("rewrite", round(score, 4), spans, share_a, share_b)
    long = tuple(p for p, r in zip(passages, runs) if min(r[1] - r[0], r[3] - r[2]) >= th.min_passage)
    if long:
        return Match("partial", round(max(cov_a, cov_b), 4), long, cov_a, cov_b)
    return None
