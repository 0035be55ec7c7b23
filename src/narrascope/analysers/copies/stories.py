"""Story clusters: articles about the same event, grouped incrementally.

An article is described by its salient terms: content words weighted by how early they
come (the headline and lead name the event; a name in paragraph twenty rarely does), by
capitalisation inside a sentence (a cheap stand-in for named entities) and by inverse
document frequency over the indexed corpus plus a background table counted on a large
news corpus (:mod:`.background`). A new article joins the closest existing
cluster whose centroid is similar enough (and whose dates are within a window, when both
are known), or one it copies, else it starts its own. Clusters keep their centroid and
top terms in the store, so nothing is recomputed when articles arrive.
"""

from __future__ import annotations

import json
import math
import sqlite3
from bisect import insort
from collections import Counter
from dataclasses import dataclass
from datetime import date
from itertools import islice, repeat
from typing import Iterable, Iterator, Mapping, Sequence

import numpy as np

from .background import Background
from .features import _WORD, Features
from .features import _story_term as story_term
from .sql import insert_rows

__all__ = ["StoryIndex", "Story", "TermIdf", "salient_terms", "salient_terms_batch", "shortlist",
           "shortlists_batch"]

_CHUNK = 500


@dataclass(frozen=True)
class Story:
    id: int
    label: str
    size: int


def document_terms(text: str) -> set[str]:
    """The distinct story terms of a text (what the background table counts)."""
    out = set()
    for m in _WORD.finditer(text):
        t = story_term(m.group().lower())
        if t:
            out.add(t)
    return out


class Display(Mapping[str, str]):
    """Each story term's display form: its first capitalised spelling in the text, else
    its first spelling. Worked out only for the terms asked for (a cluster label needs a
    handful of an article's hundreds of terms)."""

    def __init__(self, text: str, first: dict[str, int], capital: dict[str, int]):
        self._text, self._first, self._capital = text, first, capital

    def __getitem__(self, term: str) -> str:
        s = self._first[term]
        shown = self._text[s:s + len(term)]
        if shown.islower() and term in self._capital:
            s = self._capital[term]
            shown = self._text[s:s + len(term)]
        return shown

    def get(self, term: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return self[term] if term in self._first else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._first)

    def __len__(self) -> int:
        return len(self._first)


@dataclass(frozen=True)
class Salient:
    """An article's story terms: weights by term, the same as arrays over the
    vocabulary's term ids (so per-term tables are gathered, not looked up), and how
    each term is shown."""

    tf: dict[str, float]
    ids: np.ndarray
    values: np.ndarray
    vocabulary: list[str]
    display: Display


def salient_terms(f: Features, lead: float = 3.0, decay: float = 2.0, cap: float = 3.0
                  ) -> Salient:
    """Position- and case-weighted term frequencies (log-scaled) and each term's display
    form (its first capitalised spelling, else the lower-case one).

    A token in sentence ``i`` weighs ``1 + lead / (1 + i / decay)``; capitalised inside
    a sentence, ``cap`` times that. See :func:`salient_terms_batch`."""
    return salient_terms_batch([f], lead, decay, cap)[0]


@dataclass(frozen=True)
class _TermTable:
    """Every (text, story term) of a batch of texts, sorted by text then term id: the
    term's summed weight, where it first occurs, and where it first occurs capitalised
    (for the pairs that do), with each text's slice of both tables."""

    width: int
    term_ids: np.ndarray
    weight: np.ndarray
    first: np.ndarray
    cap_codes: np.ndarray
    cap_start: np.ndarray
    cut: list[int]
    cap_cut: list[int]


def _term_table(feats: Sequence[Features], lead: float, decay: float, cap: float
                ) -> _TermTable | None:
    """The per-token work of :func:`salient_terms_batch`, numpy over all texts at once
    (over the story term ids the vocabulary gave each token); None when no text has a
    story term."""
    counts = [f.n_tokens for f in feats]
    total = sum(counts)
    if not total:
        return None
    offset = np.zeros(len(feats) + 1, dtype=np.int64)
    np.cumsum(counts, out=offset[1:])
    sent_idx = np.concatenate([f.token_sentence for f in feats])
    n_sents = np.repeat([len(f.sent_lo) for f in feats], counts)
    sent = np.where(sent_idx >= 0, sent_idx, n_sents).astype(np.float64)
    first = np.zeros(total, dtype=bool)
    first[np.concatenate([f.sent_lo[f.sent_hi > f.sent_lo] + o
                          for f, o in zip(feats, offset.tolist())])] = True
    capital = np.concatenate([f.upper for f in feats]) & ~first
    weight = (1.0 + lead / (1.0 + sent / decay)) * np.where(capital, cap, 1.0)
    tid = np.concatenate([f.term for f in feats])
    starts = np.concatenate([f.starts for f in feats])
    where = np.flatnonzero(tid >= 0)
    if not len(where):
        return None
    width = len(feats[0].terms) + 1
    code = np.searchsorted(offset, where, side="right") - 1  # the text of each token
    code = code * width + tid[where]  # (text, term) as one number
    ids, first_at, inv = np.unique(code, return_index=True, return_inverse=True)
    # bincount adds in token order, as a running sum would
    tf_all = np.bincount(inv, weights=weight[where], minlength=len(ids))
    cap_where = where[capital[where]]
    cap_codes, cap_at = np.unique(code[capital[where]], return_index=True)
    texts = np.arange(len(feats) + 1)
    return _TermTable(width, ids % width, tf_all, starts[where[first_at]], cap_codes,
                      starts[cap_where[cap_at]],
                      np.searchsorted(ids // width, texts).tolist(),
                      np.searchsorted(cap_codes // width, texts).tolist())


def _log_tf(weight: list[float]) -> list[float]:
    """Log-scaled term frequencies (``math.log``, which numpy's log does not always
    equal in the last bit)."""
    if weight and min(weight) >= 1:  # always, with the default weights
        return [1.0 + x for x in map(math.log, weight)]
    return [1.0 + math.log(v) if v >= 1 else v for v in weight]


def salient_terms_batch(feats: Sequence[Features], lead: float = 3.0, decay: float = 2.0,
                        cap: float = 3.0) -> list[Salient]:
    """:func:`salient_terms` of several texts: the per-token work is numpy over all of
    them at once (over the story term ids the vocabulary gave each token); Python sees
    each distinct term of each text once."""
    if len({id(f.terms) for f in feats}) > 1:  # the vocabulary started afresh mid-batch
        return [salient_terms_batch([f], lead, decay, cap)[0] for f in feats]
    out: list[Salient] = [Salient({}, np.zeros(0, dtype=np.int64), np.zeros(0), f.terms,
                                  Display(f.text, {}, {})) for f in feats]
    table = _term_table(feats, lead, decay, cap)
    if table is None:
        return out
    width, cut, cap_cut = table.width, table.cut, table.cap_cut
    for j, f in enumerate(feats):
        lo, hi = cut[j], cut[j + 1]
        if lo == hi:
            continue
        t_ids = table.term_ids[lo:hi]
        tf = _log_tf(table.weight[lo:hi].tolist())
        name = f.terms.__getitem__
        names = list(map(name, t_ids.tolist()))
        c_lo, c_hi = cap_cut[j], cap_cut[j + 1]
        cap_pos = dict(zip(map(name, (table.cap_codes[c_lo:c_hi] % width).tolist()),
                           table.cap_start[c_lo:c_hi].tolist()))
        out[j] = Salient(dict(zip(names, tf)), t_ids, np.array(tf), f.terms,
                         Display(f.text, dict(zip(names, table.first[lo:hi].tolist())),
                                 cap_pos))
    return out


def shortlists_batch(feats: Sequence[Features], term_idf: "TermIdf", k: int,
                     lead: float = 3.0, decay: float = 2.0, cap: float = 3.0
                     ) -> list[tuple[list[str], list[float], dict[str, str]]]:
    """For each text, what :func:`shortlist` of its :func:`salient_terms` gives, with
    each shortlisted term's weight and display form: the same values, with Python
    objects made only for the shortlisted terms (a text has hundreds of terms, its
    shortlist ``k``)."""
    if len({id(f.terms) for f in feats}) > 1:  # the vocabulary started afresh mid-batch
        return [shortlists_batch([f], term_idf, k, lead, decay, cap)[0] for f in feats]
    out: list[tuple[list[str], list[float], dict[str, str]]] = [([], [], {}) for _ in feats]
    table = _term_table(feats, lead, decay, cap)
    if table is None:
        return out
    tf = np.array(_log_tf(table.weight.tolist()))
    score = tf * term_idf.of(feats[0].terms)[table.term_ids]
    width, cut, cap_cut = table.width, table.cut, table.cap_cut
    for j, f in enumerate(feats):
        lo, hi = cut[j], cut[j + 1]
        if lo == hi:
            continue
        best = score[lo:hi]
        n = hi - lo
        pick = (np.flatnonzero(best >= np.partition(best, n - k)[n - k]) if n > k
                else np.arange(n))
        names = [f.terms[t] for t in table.term_ids[lo + pick].tolist()]
        ranked = sorted(zip((-best[pick]).tolist(), names, pick.tolist()))[:k]
        at = [lo + i for _, _, i in ranked]
        short = [t for _, t, _ in ranked]
        caps = table.cap_codes[cap_cut[j]:cap_cut[j + 1]]
        capital = {}
        if len(caps):
            codes = j * width + table.term_ids[at]
            where = np.minimum(np.searchsorted(caps, codes), len(caps) - 1)
            found = caps[where] == codes
            capital = {t: s for t, s, ok in zip(
                short, table.cap_start[cap_cut[j] + where].tolist(), found.tolist()) if ok}
        shown = Display(f.text, dict(zip(short, table.first[at].tolist())), capital)
        out[j] = (short, tf[at].tolist(), {t: shown[t] for t in short})
    return out


class TermIdf:
    """The background idf of every term of a vocabulary by term id, worked out once per
    term (an article's few hundred terms are then one gather)."""

    def __init__(self, background: Background):
        self.background = background
        self._vocabulary: list[str] | None = None
        self._idf = np.zeros(0)

    def of(self, vocabulary: list[str]) -> np.ndarray:
        if vocabulary is not self._vocabulary:
            self._vocabulary, self._idf = vocabulary, np.zeros(0)
        if len(self._idf) < len(vocabulary):
            idf, rare = self.background.idf, self.background.rare
            more = np.fromiter(map(idf.get, vocabulary[len(self._idf):], repeat(rare)),
                               dtype=np.float64)
            self._idf = np.concatenate([self._idf, more])
        return self._idf


def shortlist(sal: Salient, term_idf: TermIdf, k: int) -> list[str]:
    """The article's ``k`` best story terms by tf × background idf, best first (and any
    tied with the k-th; ties go by the term). It depends on the article alone, so it can
    be worked out beside the sequential part of an update (see :mod:`.prepare`); the
    store's own counts then re-weigh these terms only (:meth:`StoryIndex.weigh`)."""
    terms = list(sal.tf)
    first = sal.values * term_idf.of(sal.vocabulary)[sal.ids]
    pick: Sequence[int] = range(len(terms))
    if len(terms) > k:
        pick = np.flatnonzero(first >= np.partition(first, len(terms) - k)[len(terms) - k])
    best = first.tolist()
    return [terms[i] for i in sorted(pick, key=lambda i: (-best[i], terms[i]))[:k]]


def _day(published: str | None) -> date | None:
    try:
        return date.fromisoformat((published or "")[:10])
    except ValueError:
        return None


class StoryIndex:
    """Clusters and document frequencies in the store (tables ``copies_stories``,
    ``copies_story_terms``, ``copies_df``)."""

    def __init__(self, db: sqlite3.Connection, *, background: Background | None = None,
                 threshold: float = 0.2, top: int = 20, window_days: int = 7,
                 label_terms: int = 4, max_compare: int = 8):
        self.db = db
        self.background = background or Background()
        self.threshold = threshold
        self.top = top
        self.window_days = window_days
        self.label_terms = label_terms
        #: clusters compared per article: those sharing most of its top terms
        self.max_compare = max_compare
        self._rows: dict[int, tuple] = {}
        self._counts: dict[str, int] = {}
        self._added: dict[str, int] = {}
        self._term_idf = TermIdf(self.background)
        #: clusters changed since the last :meth:`flush` (their rows are in ``_rows``)
        self._dirty: set[int] = set()
        #: the clusters listing each term among their top terms (sorted), for the terms
        #: read so far, with this run's changes; the changes are written by :meth:`flush`
        self._members: dict[str, list[int]] = {}
        self._member_changes: dict[tuple[str, int], bool] = {}
        #: each cluster's centroid weights and their norm, as :meth:`nearest` compares them
        self._weights: dict[int, tuple[dict[str, float], float]] = {}
        #: the next cluster's id (read once), and the clusters made and not written yet
        self._next_id: int | None = None
        self._new: set[int] = set()
        #: the first cluster this object made (those from it on are this run's)
        self.first_new: int | None = None

    # -- document frequencies -------------------------------------------------------------
    def _df(self, terms: list[str]) -> None:
        """Read the store counts of ``terms`` into ``_counts``, once per run; they are
        kept there with this run's increments (written by :meth:`flush`)."""
        if len(self._counts) > 500_000:  # bound the memory of a very long run
            self.flush()
            self._counts.clear()
        missing = [t for t in terms if t not in self._counts]
        for i in range(0, len(missing), _CHUNK):
            part = missing[i:i + _CHUNK]
            q = "SELECT term, df FROM copies_df WHERE term IN (%s)" % ",".join("?" * len(part))
            self._counts.update(self.db.execute(q, part).fetchall())
            for t in part:
                self._counts.setdefault(t, 0)

    def prefetch(self, terms: Iterable[str]) -> None:
        """Read the store counts and clusters of ``terms`` at once (a batch's
        shortlists), rather than article by article."""
        terms = list(dict.fromkeys(terms))
        self._df(terms)
        self._terms_members(terms)

    def _terms_members(self, terms: Iterable[str]) -> dict[str, list[int]]:
        """The clusters of each of ``terms`` (read from the store the first time)."""
        members = self._members
        missing = sorted(set(terms).difference(members))
        if missing:
            if len(members) > 200_000:  # bound the memory of a very long run
                self._write_members()
                members.clear()
                missing = sorted(set(terms))
            for t in missing:
                members[t] = []
            for i in range(0, len(missing), _CHUNK):
                part = missing[i:i + _CHUNK]
                q = ("SELECT term, story FROM copies_story_terms WHERE term IN (%s) "
                     "ORDER BY term, story" % ",".join("?" * len(part)))
                for t, story in self.db.execute(q, part):
                    members[t].append(story)
        return members

    def _write_members(self) -> None:
        changes = sorted(self._member_changes.items())
        self.db.executemany("DELETE FROM copies_story_terms WHERE term=? AND story=?",
                            [k for k, add in changes if not add])
        insert_rows(self.db, "INSERT OR IGNORE INTO copies_story_terms (term, story)",
                    [x for k, add in changes if add for x in k], 2)
        self._member_changes.clear()

    def flush(self) -> None:
        """Write the changed clusters and this run's term counts to the store."""
        self._write_stories()
        self._write_members()
        insert_rows(self.db, "INSERT INTO copies_df (term, df)",
                    [x for kv in sorted(self._added.items()) for x in kv], 2,
                    "ON CONFLICT(term) DO UPDATE SET df = df + excluded.df")
        self._added.clear()

    def vector(self, sal: Salient, n_docs: int) -> dict[str, float]:
        """The article's top terms, tf × idf, L2-normalised; and count them (see
        :func:`shortlist` and :meth:`weigh`)."""
        short = shortlist(sal, self._term_idf, 2 * self.top)
        return self.weigh(short, [sal.tf[t] for t in short], n_docs)

    def weigh(self, short: Sequence[str], tf: Sequence[float], n_docs: int
              ) -> dict[str, float]:
        """The top terms of an article's ``short`` list (with their ``tf``), weighted by
        the idf of the background plus the store's own counts, L2-normalised; and count
        the shortlisted terms.

        The store's counts therefore count the articles a term is salient in: enough to
        learn that a word the background thinks rare is common in this corpus, at a fixed
        cost per article. This is the part of an article's story vector that depends on
        the articles before it."""
        bg, n_bg = self.background.df.get, self.background.docs
        self._df(short)
        counts = self._counts  # the store's counts of every term of ``short`` now
        n = n_docs + n_bg
        w = {t: v * (math.log((n + 1) / (counts[t] + bg(t, 0) + 1)) + 1.0)
             for t, v in zip(short, tf)}
        top = dict(sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))[:self.top])
        norm = math.sqrt(sum(v * v for v in top.values())) or 1.0
        added = self._added
        for t in short:
            counts[t] += 1
            added[t] = added.get(t, 0) + 1
        return {t: v / norm for t, v in top.items()}

    # -- clusters -------------------------------------------------------------------------
    def _load(self, story: int) -> tuple[dict[str, list], int, date | None, date | None, str]:
        """A cluster's centroid, size, date range and label; read through a cache that
        lives as long as this object (one ``update`` call)."""
        if story not in self._rows:
            if len(self._rows) > 20000:
                self._write_stories()
                self._rows.clear()
                self._weights.clear()
            row = self.db.execute("SELECT centroid, size, first_published, last_published, "
                                  "label FROM copies_stories WHERE id=?", (story,)).fetchone()
            self._rows[story] = (json.loads(row[0]), row[1], _day(row[2]), _day(row[3]),
                                 row[4])
        return self._rows[story]

    def _in_window(self, day: date | None, lo: date | None, hi: date | None) -> bool:
        if day is None or lo is None or hi is None:
            return True
        return (lo - day).days <= self.window_days and (day - hi).days <= self.window_days

    def nearest(self, vec: Mapping[str, float], published: str | None) -> tuple[int, float] | None:
        """The most similar existing cluster above the threshold, with its similarity;
        ``vec`` as :meth:`weigh` gives it, heaviest term first."""
        terms = list(islice(vec, 15))  # vectors are kept heaviest first (see weigh)
        if not terms:
            return None
        # the clusters of each term, in the order the store lists them (term, then
        # cluster): ties in the count keep that order
        members = self._terms_members(terms)
        counts = Counter(story for t in sorted(set(terms)) for story in members[t])
        day = _day(published)
        best: tuple[int, float] | None = None
        for story, _ in counts.most_common(self.max_compare):
            centroid, size, lo, hi, _ = self._load(story)
            if not self._in_window(day, lo, hi):
                continue
            if story not in self._weights:
                c = {t: v[0] for t, v in centroid.items()}
                self._weights[story] = (c, math.sqrt(sum(v * v for v in c.values())) or 1.0)
            c, norm = self._weights[story]
            sim = sum(vec[t] * c[t] for t in vec if t in c) / norm
            if sim >= self.threshold and (best is None or sim > best[1]):
                best = (story, sim)
        return best

    def join(self, story: int | None, vec: Mapping[str, float], display: Mapping[str, str],
             published: str | None) -> tuple[int, bool]:
        """Add an article's vector to ``story`` (a new cluster when None); return the
        cluster id and whether its label changed."""
        if story is None:  # the id SQLite would give it; the row is written by flush
            if self._next_id is None:
                self._next_id = self.first_new = self.db.execute(
                    "SELECT coalesce(max(id), 0) + 1 FROM copies_stories").fetchone()[0]
            story, self._next_id = self._next_id, self._next_id + 1
            self._new.add(story)
            centroid, size, lo, hi, old_label = {}, 0, None, None, ""
        else:
            centroid, size, lo, hi, old_label = self._load(story)
        old_top = set(islice(centroid, self.top))
        centroid = dict(centroid)
        for t, v in vec.items():
            old = centroid.get(t)
            if old is None:
                centroid[t] = [v, display.get(t, t)]
            else:  # a capitalised spelling, once seen, stays
                centroid[t] = [old[0] + v, old[1] if old[1][:1].isupper() else display.get(t, t)]
        keep = sorted(centroid.items(), key=lambda kv: (-kv[1][0], kv[0]))[:self.top * 2]
        # weights are kept rounded; those this article did not change are already
        # (rounding a rounded value changes nothing), and their entries are never mutated
        centroid = {t: [round(v[0], 5), v[1]] if t in vec else v for t, v in keep}
        label = " · ".join(v[1] for _, v in keep[:self.label_terms])
        day = _day(published)
        lo = min(x for x in (lo, day) if x) if (lo or day) else None
        hi = max(x for x in (hi, day) if x) if (hi or day) else None
        self._rows[story] = (centroid, size + 1, lo, hi, label)
        self._dirty.add(story)
        new_top = [t for t, _ in keep[:self.top]]
        self._weights.pop(story, None)
        if set(new_top) != old_top:
            # only the terms that changed, kept here and written by ``flush``, each by
            # its primary key (a delete by story alone would scan every cluster's terms)
            gone = old_top.difference(new_top)
            came = [t for t in new_top if t not in old_top]
            members = self._terms_members(list(gone) + came)
            for t in gone:
                members[t].remove(story)
                self._member_changes[(t, story)] = False
            for t in came:
                insort(members[t], story)
                self._member_changes[(t, story)] = True
        return story, label != old_label

    def _write_stories(self) -> None:
        """Write the clusters changed since the last call (a cluster joined by several
        articles of a run is written once)."""
        rows = []
        for story in sorted(self._dirty):
            centroid, size, lo, hi, label = self._rows[story]
            rows.append((label, size, json.dumps(centroid, ensure_ascii=False),
                         lo.isoformat() if lo else None, hi.isoformat() if hi else None,
                         story))
        self.db.executemany("INSERT INTO copies_stories (label, size, centroid, "
                            "first_published, last_published, id) VALUES (?, ?, ?, ?, ?, ?)",
                            [r for r in rows if r[-1] in self._new])
        self.db.executemany("UPDATE copies_stories SET label=?, size=?, centroid=?, "
                            "first_published=?, last_published=? WHERE id=?",
                            [r for r in rows if r[-1] not in self._new])
        self._dirty.clear()
        self._new.clear()

    def get(self, story: int) -> Story:
        _, size, _, _, label = self._load(story)
        return Story(story, label, size)
