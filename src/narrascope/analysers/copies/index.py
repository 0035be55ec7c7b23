"""The candidate index, kept in the store's own SQLite tables (see migration
``m005_copies_index``).

Each indexed sentence contributes six MinHash band keys over its content words; a stored
article becomes a candidate for a new one when keys of at least two of the new article's
sentences point at it, or most keys of one sentence do. A lookup is a handful of B-tree seeks, so its cost grows with the
log of the corpus, not with its size.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from typing import Sequence

import numpy as np

__all__ = ["CopyIndex"]

_CHUNK = 500  # SQLite host parameters per IN (...) query


class CopyIndex:
    def __init__(self, db: sqlite3.Connection, *, max_posting: int = 500,
                 min_sentences: int = 2, strong: int = 4, max_candidates: int = 50):
        self.db = db
        #: keys shared by more articles than this are stock phrases; they are ignored
        self.max_posting = max_posting
        self.min_sentences = min_sentences
        self.strong = strong
        self.max_candidates = max_candidates

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
        self.db.executemany("INSERT OR IGNORE INTO copies_keys (key, seq) VALUES (?, ?)",
                            [(k, seq) for k in uniq])
        return seq

    def candidates(self, keys: np.ndarray, sent_ids: np.ndarray) -> list[tuple[int, int]]:
        """Stored articles sharing keys with at least ``min_sentences`` sentences, as
        ``(seq, sentences hit)``, most hits first."""
        if not len(keys):
            return []
        by_key: dict[int, set[int]] = defaultdict(set)
        for k, s in zip(keys.tolist(), sent_ids.tolist()):
            by_key[k].add(s)
        postings: dict[int, list[int]] = defaultdict(list)
        uniq = list(by_key)
        for i in range(0, len(uniq), _CHUNK):
            part = uniq[i:i + _CHUNK]
            q = "SELECT key, seq FROM copies_keys WHERE key IN (%s)" % ",".join("?" * len(part))
            for k, seq in self.db.execute(q, part):
                postings[k].append(seq)
        hits: dict[int, Counter] = defaultdict(Counter)
        for k, seqs in postings.items():
            if len(seqs) > self.max_posting:
                continue
            for seq in seqs:
                hits[seq].update(by_key[k])
        # enough sentences hit, or one sentence hit by most of its keys (a copied sentence)
        scored = Counter({seq: len(c) for seq, c in hits.items()
                          if len(c) >= self.min_sentences or max(c.values()) >= self.strong})
        return scored.most_common(self.max_candidates)

    def set_story(self, seq: int, story: int) -> None:
        self.db.execute("UPDATE copies_docs SET story=? WHERE seq=?", (story, seq))

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM copies_docs").fetchone()[0]
