"""The candidate index, kept in the store's own SQLite tables (see migration
``m005_copies_index``).

Each indexed sentence contributes six MinHash band keys over its content words; a stored
article becomes a candidate for a new one when it shares most keys of one of the new
article's sentences (a copied sentence), or some keys of at least half of them (a
rewrite). A lookup is a handful of B-tree seeks, so its cost grows with the
log of the corpus, not with its size.
"""

from __future__ import annotations

import sqlite3
from itertools import chain
from typing import Sequence

import numpy as np

from .features import distinct
from .sql import insert_rows

__all__ = ["CopyIndex"]

_CHUNK = 500  # SQLite host parameters per IN (...) query


def _runs_of(*cols: np.ndarray) -> np.ndarray:
    """Where a new run of equal rows starts, over columns already sorted together."""
    start = np.zeros(len(cols[0]), dtype=bool)
    if len(start):
        start[0] = True
        for c in cols:
            start[1:] |= c[1:] != c[:-1]
    return start


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For runs of the given lengths laid end to end: the run of each element and its
    offset inside the run (``np.repeat`` plus a ramp)."""
    run = np.repeat(np.arange(len(counts)), counts)
    offset = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return run, offset


def _by_article_key_sentence(tb: np.ndarray, tk: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """The order of rows by article, key, sentence. Band keys come article by article
    with their sentences in order, so two stable sorts (by key, then by article) give
    it, which is cheaper than a sort on three columns; any other input takes that."""
    if len(ts) > 1 and not bool(np.all((ts[1:] >= ts[:-1]) | (tb[1:] != tb[:-1]))):
        return np.lexsort((ts, tk, tb))
    order = np.argsort(tk, kind="stable")
    small = tb.astype(np.uint16) if len(tb) and int(tb.max()) < 2**16 else tb
    return order[np.argsort(small[order], kind="stable")]


class CopyIndex:
    #: this object's keys kept in memory for its lookups (16 bytes each); past this
    #: many the table answers for them
    max_kept = 2_000_000

    def __init__(self, db: sqlite3.Connection, *, max_posting: int = 500, stock: int = 20,
                 strong: int = 4, rewrite_share: float = 0.5, min_sentences: int = 2,
                 max_candidates: int = 50):
        self.db = db
        #: keys shared by more articles than this are ignored altogether
        self.max_posting = max_posting
        #: keys shared by this many articles mark stock text
        self.stock = stock
        #: keys (of six) a sentence must share to count as copied
        self.strong = strong
        #: share of the new article's indexed sentences a rewrite must hit
        self.rewrite_share = rewrite_share
        self.min_sentences = min_sentences
        self.max_candidates = max_candidates
        #: keys indexed by this object, as ``(keys, seqs)`` chunks each sorted by key
        #: then article, and the last article the table answers for in lookups (None:
        #: all); see :meth:`add_batch`
        self._kept: list[tuple[np.ndarray, np.ndarray]] = []
        self._n_kept = 0
        self._before: int | None = None
        #: this object's articles by id, and the stories given to them and not written
        #: (by article, and each story's articles in order)
        self._seqs: dict[str, int] = {}
        self._story_of: dict[int, int] = {}
        self._story_docs: dict[int, list[str]] = {}
        #: whether :meth:`write` has written stories given by this object
        self._wrote_stories = False

    def indexed(self, doc_ids: Sequence[str]) -> set[str]:
        """Which of ``doc_ids`` are indexed already."""
        out: set[str] = set()
        for i in range(0, len(doc_ids), _CHUNK):
            part = list(doc_ids[i:i + _CHUNK])
            q = "SELECT doc_id FROM copies_docs WHERE doc_id IN (%s)" % ",".join("?" * len(part))
            out.update(r[0] for r in self.db.execute(q, part))
        return out

    def seq_of(self, doc_id: str) -> int | None:
        row = self.db.execute("SELECT seq FROM copies_docs WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def doc_ids(self, seqs: Sequence[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for i in range(0, len(seqs), _CHUNK):
            part = list(seqs[i:i + _CHUNK])
            q = "SELECT seq, doc_id FROM copies_docs WHERE seq IN (%s)" % ",".join("?" * len(part))
            out.update(self.db.execute(q, part).fetchall())
        return out

    def add_batch(self, docs: Sequence[tuple[str, str | None]],
                  keys: Sequence[np.ndarray]) -> list[int]:
        """Index a batch of articles (``(doc_id, published)`` and band keys each): their
        rows, and their keys in key order (B-tree inserts in key order touch each page
        once), many rows per statement. Returns their sequence numbers, in order.

        The keys are also kept here: the lookups of an update's later batches find them
        by a binary search in memory and read the table only for the articles indexed
        before the update, instead of reading back rows written moments before."""
        base = self.count()
        if self._before is None:
            self._before = base
        seqs = list(range(base + 1, base + 1 + len(docs)))
        self.db.executemany("INSERT INTO copies_docs (seq, doc_id, published) VALUES (?, ?, ?)",
                            [(s, d, p) for s, (d, p) in zip(seqs, docs)])
        self._seqs.update((d, s) for s, (d, _) in zip(seqs, docs))
        if docs:
            per_doc = [distinct(x) for x in keys]
            k = np.concatenate(per_doc)
            q = np.repeat(np.array(seqs, dtype=np.int64), [len(x) for x in per_doc])
            order = np.lexsort((q, k))
            k, q = k[order], q[order]
            rows = np.empty((len(k), 2), dtype=np.int64)
            rows[:, 0], rows[:, 1] = k, q
            insert_rows(self.db, "INSERT OR IGNORE INTO copies_keys (key, seq)",
                        rows.ravel().tolist(), 2)
            self._kept.append((k, q))
            self._n_kept += len(k)
            if self._n_kept > self.max_kept:  # the table answers for them from now on
                self._kept, self._n_kept, self._before = [], 0, seqs[-1]
                self.write()
        return seqs

    def write(self) -> None:
        """Write the stories given since the last call (:meth:`set_story` keeps them
        here, so an update writes them in one statement rather than one per article).
        Call it before the transaction commits: a story not written is lost."""
        if self._story_of:
            self.db.executemany("UPDATE copies_docs SET story=? WHERE seq=?",
                                [(st, seq) for seq, st in sorted(self._story_of.items())])
            self._story_of, self._story_docs = {}, {}
            self._wrote_stories = True

    def add(self, doc_id: str, published: str | None, keys: np.ndarray) -> int:
        """Index one article; return its sequence number (ingest order)."""
        return self.add_batch([(doc_id, published)], [keys])[0]

    def _stored(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The indexed ``(key, seq)`` rows of ``keys`` (sorted, distinct): this object's
        from memory, the others from the table (see :meth:`add_batch`)."""
        ks, qs = [], []
        for pk, pq in self._kept:
            lo = np.searchsorted(pk, keys, side="left")
            n = np.searchsorted(pk, keys, side="right") - lo
            if n.any():
                run, off = _expand(n)
                at = lo[run] + off
                ks.append(pk[at])
                qs.append(pq[at])
        rows: list[tuple[int, int]] = []
        wanted = keys.tolist()
        bound = "" if self._before is None else f" AND seq <= {int(self._before)}"
        for i in range(0, len(wanted), _CHUNK):
            part = wanted[i:i + _CHUNK]
            q = ("SELECT key, seq FROM copies_keys WHERE key IN (%s)" % ",".join("?" * len(part))
                 + bound)
            rows += self.db.execute(q, part).fetchall()
        if rows:
            # flattened through fromiter: several times faster than np.array on a list of
            # tuples, and a stock sentence's keys return thousands of rows
            arr = np.fromiter(chain.from_iterable(rows), dtype=np.int64,
                              count=2 * len(rows)).reshape(-1, 2)
            ks.append(arr[:, 0])
            qs.append(arr[:, 1])
        if not ks:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(ks), np.concatenate(qs)

    def candidates(self, keys: np.ndarray, sent_ids: np.ndarray) -> list[tuple[int, int]]:
        """Stored articles that share a copied sentence with a new one, see
        :meth:`candidates_batch`."""
        return self.candidates_batch([(keys, sent_ids)])[0]

    def candidates_batch(self, queries: Sequence[tuple[np.ndarray, np.ndarray]]
                         ) -> list[list[tuple[int, int]]]:
        """For each new article of a batch (its band keys and the sentence of each), the
        articles before it (stored, or earlier in the batch, which will get the next
        sequence numbers in order) that share a copied sentence with it (most keys of a
        sentence that is not stock text) or whose sentences match at least half of its
        own (a rewrite), as ``(seq, sentences hit)``, most hits first.

        Each article sees exactly what a lookup made after indexing the ones before it
        would see: a key's postings are its stored rows plus the batch's earlier
        articles. One SQL pass and a few sorts serve the whole batch."""
        n_q = len(queries)
        out: list[list[tuple[int, int]]] = [[] for _ in range(n_q)]
        lens = [len(k) for k, _ in queries]
        if not sum(lens):
            return out
        base = self.count()
        # the distinct (article, key, sentence) triples: a key can come from more than
        # one sentence of an article (a sentence printed twice)
        tb = np.repeat(np.arange(n_q, dtype=np.int64), lens)
        tk = np.concatenate([np.asarray(k, dtype=np.int64) for k, _ in queries])
        ts = np.concatenate([np.asarray(s, dtype=np.int64) for _, s in queries])
        order = _by_article_key_sentence(tb, tk, ts)
        tb, tk, ts = tb[order], tk[order], ts[order]
        first = _runs_of(tb, tk, ts)
        tb, tk, ts = tb[first], tk[first], ts[first]
        # the distinct (article, key) pairs, and each triple's pair
        new_pair = _runs_of(tb, tk)
        pair = np.cumsum(new_pair) - 1
        pb, pk = tb[new_pair], tk[new_pair]
        p_start = np.flatnonzero(new_pair)
        p_len = np.diff(np.r_[p_start, len(tb)])
        # postings: stored rows, then the batch's articles in order
        sk, sseq = self._stored(distinct(pk))
        ek = np.r_[sk, pk]
        eseq = np.r_[sseq, base + 1 + pb]
        # by key, then article: stored ones have the lower numbers, and the batch's
        # follow in order (a key's rows are distinct, so the order is total)
        order = np.lexsort((eseq, ek))
        ek, eseq = ek[order], eseq[order]
        pos = np.arange(len(ek))
        gs = np.maximum.accumulate(np.where(_runs_of(ek), pos, 0))  # each row's key's first
        of_pair = order - len(sk)  # the pair of each batch posting, negative if stored
        is_batch = of_pair >= 0
        prior = np.zeros(len(pk), dtype=np.int64)  # postings before the article's own
        prior[of_pair[is_batch]] = (pos - gs)[is_batch]
        g0 = np.zeros(len(pk), dtype=np.int64)
        g0[of_pair[is_batch]] = gs[is_batch]
        # a sentence most of whose keys are in many articles is stock text (a site's
        # subscription line, a disclaimer): it never makes a candidate on its own
        width = int(ts.max()) + 1
        stock_hits = np.bincount((tb * width + ts)[prior[pair] >= self.stock],
                                 minlength=n_q * width)
        stock = stock_hits >= self.strong - 1
        # rows (article, earlier article, sentence) for keys not in too many articles
        use = np.flatnonzero((prior > 0) & (prior <= self.max_posting))
        if not len(use):
            return out
        run, off = _expand(prior[use])
        p = use[run]
        other = eseq[g0[p] + off]
        run2, off2 = _expand(p_len[p])
        t = p_start[p[run2]] + off2
        rb, ro, rs = tb[t], other[run2], ts[t]
        # keys shared per (article, earlier article, sentence): equal triples together,
        # in order (one sort of the triple packed in one number when it fits)
        hi_o = int(ro.max()) + 1
        if n_q * hi_o * width < 2**62:
            order = np.sort((rb * hi_o + ro) * width + rs)
            rb, rest = np.divmod(order, hi_o * width)
            ro, rs = np.divmod(rest, width)
        else:
            order = np.lexsort((rs, ro, rb))
            rb, ro, rs = rb[order], ro[order], rs[order]
        start = np.flatnonzero(_runs_of(rb, ro, rs))
        n_keys = np.diff(np.r_[start, len(rb)])
        xb, xo, xs = rb[start], ro[start], rs[start]
        strong = (n_keys >= self.strong) & ~stock[xb * width + xs]
        # per (article, earlier article): sentences hit, and whether one is copied
        start = np.flatnonzero(_runs_of(xb, xo))
        n_sent = np.diff(np.r_[start, len(xb)])
        any_strong = np.logical_or.reduceat(strong, start)
        cb, co = xb[start], xo[start]
        bs = distinct(tb * width + ts)  # distinct (article, sentence)
        sents = np.bincount(bs // width, minlength=n_q)
        need = np.maximum(self.min_sentences, np.ceil(self.rewrite_share * sents).astype(np.int64))
        ok = any_strong | (n_sent >= need[cb])
        cb, co, n_sent = cb[ok], co[ok], n_sent[ok]
        order = np.lexsort((co, -n_sent, cb))
        cb, co, n_sent = cb[order], co[order], n_sent[order]
        start = np.flatnonzero(_runs_of(cb))
        rank = np.arange(len(cb)) - np.repeat(start, np.diff(np.r_[start, len(cb)]))
        keep = rank < self.max_candidates
        for b, o, n in zip(cb[keep].tolist(), co[keep].tolist(), n_sent[keep].tolist()):
            out[b].append((o, n))
        return out

    def set_story(self, doc_id: str, seq: int, story: int) -> None:
        """Put an article in a story (kept here until :meth:`write`)."""
        self._story_of[seq] = story
        self._story_docs.setdefault(story, []).append(doc_id)

    def story_of(self, doc_id: str) -> int | None:
        """The story of an indexed article, None if it has none yet."""
        seq = self._seqs.get(doc_id)
        if seq is not None and seq in self._story_of:
            return self._story_of[seq]
        row = self.db.execute("SELECT story FROM copies_docs WHERE doc_id=?",
                              (doc_id,)).fetchone()
        return row[0] if row else None

    def story_docs(self, story: int, stored: bool = True) -> list[str]:
        """The articles of a story, in indexing order. ``stored=False`` says the story
        had none before this object gave it some (it was made in this update): the table
        is then read only if :meth:`write` has written stories since."""
        written = [r[0] for r in self.db.execute(
            "SELECT doc_id FROM copies_docs WHERE story=? ORDER BY seq", (story,))
                   ] if stored or self._wrote_stories else []
        return written + self._story_docs.get(story, [])

    def count(self) -> int:
        """How many articles are indexed (the last sequence number: a B-tree lookup)."""
        return self.db.execute("SELECT coalesce(max(seq), 0) FROM copies_docs").fetchone()[0]
