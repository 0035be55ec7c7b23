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

__all__ = ["CopyIndex"]

_CHUNK = 500  # SQLite host parameters per IN (...) query


class CopyIndex:
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
        #: keys of the articles added since the last :meth:`flush`, key -> sequence
        #: numbers: looked up like the table, written to it in one sorted batch
        self._fresh: dict[int, list[int]] = {}
        self._n_fresh = 0
        #: rows buffered before a flush (bounds the memory of a long run)
        self.buffer = 500_000

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

    def add(self, doc_id: str, published: str | None, keys: np.ndarray) -> int:
        """Index one article; return its sequence number (ingest order)."""
        cur = self.db.execute("INSERT INTO copies_docs (doc_id, published) VALUES (?, ?)",
                              (doc_id, published))
        seq = int(cur.lastrowid)
        uniq = np.unique(keys).tolist()
        fresh = self._fresh
        for k in uniq:
            if k in fresh:
                fresh[k].append(seq)
            else:
                fresh[k] = [seq]
        self._n_fresh += len(uniq)
        if self._n_fresh >= self.buffer:
            self.flush()
        return seq

    def flush(self) -> None:
        """Write the buffered keys, sorted (B-tree inserts in key order touch each page
        once); call before the transaction ends."""
        rows = sorted((k, s) for k, seqs in self._fresh.items() for s in seqs)
        self.db.executemany("INSERT OR IGNORE INTO copies_keys (key, seq) VALUES (?, ?)", rows)
        self._fresh.clear()
        self._n_fresh = 0

    def candidates(self, keys: np.ndarray, sent_ids: np.ndarray) -> list[tuple[int, int]]:
        """Stored articles that share a copied sentence with the new one (most keys of a
        sentence that is not stock text) or whose sentences match at least half of the
        new one's (a rewrite), as ``(seq, sentences hit)``, most hits first."""
        if not len(keys):
            return []
        # (key, sentence) pairs of the new article, sorted by key: a key can come from
        # more than one sentence (a sentence printed twice)
        pairs = np.unique(np.stack([keys, sent_ids], axis=1), axis=0)
        qk, qs = pairs[:, 0], pairs[:, 1]
        uniq = np.unique(qk).tolist()
        rows: list[tuple[int, int]] = []
        for i in range(0, len(uniq), _CHUNK):
            part = uniq[i:i + _CHUNK]
            q = "SELECT key, seq FROM copies_keys WHERE key IN (%s)" % ",".join("?" * len(part))
            rows += self.db.execute(q, part).fetchall()
        fresh = self._fresh
        rows += [(k, s) for k in uniq if k in fresh for s in fresh[k]]
        if not rows:
            return []
        # flattened through fromiter: several times faster than np.array on a list of
        # tuples, and a stock sentence's keys return thousands of rows
        arr = np.fromiter(chain.from_iterable(rows), dtype=np.int64,
                          count=2 * len(rows)).reshape(-1, 2)
        lo, hi = np.searchsorted(qk, arr[:, 0], "left"), np.searchsorted(qk, arr[:, 0], "right")
        n = hi - lo  # one row per (stored article, key, sentence of the new article)
        row = np.repeat(np.arange(len(arr)), n)
        offset = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
        k_arr, seq = arr[row, 0], arr[row, 1]
        sent = qs[np.repeat(lo, n) + offset]
        # postings per key (rows are unique per key and article: the table's key)
        kk, per_key = np.unique(arr[:, 0], return_counts=True)
        posting = per_key[np.searchsorted(kk, k_arr)]
        keep = posting <= self.max_posting
        # a sentence most of whose keys are in many articles is stock text (a site's
        # subscription line, a disclaimer): it never makes a candidate on its own
        common = kk[per_key >= self.stock]
        in_common = np.isin(qk, common)
        stock_hits = np.bincount(qs[in_common], minlength=int(max(qs.max(), sent.max())) + 1)
        stock = stock_hits >= self.strong - 1
        seq, sent = seq[keep], sent[keep]
        if not len(seq):
            return []
        width = int(sent.max()) + 1
        pair, n_keys = np.unique(seq * width + sent, return_counts=True)
        p_seq, p_sent = pair // width, pair % width
        strong = (n_keys >= self.strong) & ~stock[p_sent]
        seqs, first, n_sent = np.unique(p_seq, return_index=True, return_counts=True)
        any_strong = np.maximum.reduceat(strong.astype(np.int8), first) > 0
        need = max(self.min_sentences, int(np.ceil(self.rewrite_share * len(np.unique(sent_ids)))))
        ok = any_strong | (n_sent >= need)
        order = np.lexsort((seqs[ok], -n_sent[ok]))[:self.max_candidates]
        return [(int(a), int(b)) for a, b in zip(seqs[ok][order], n_sent[ok][order])]

    def set_story(self, seq: int, story: int) -> None:
        self.db.execute("UPDATE copies_docs SET story=? WHERE seq=?", (story, seq))

    def count(self) -> int:
        """How many articles are indexed (the last sequence number: a B-tree lookup)."""
        return self.db.execute("SELECT coalesce(max(seq), 0) FROM copies_docs").fetchone()[0]
