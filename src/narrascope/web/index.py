"""The app's in-memory facet index: per article, its metadata and the facets its views
yield (narratives, entities with roles, speakers, techniques, story), plus copy clusters.

Search filters and dashboard statistics read this index instead of decoding every stored
result on every request. It follows the store incrementally: rows get a larger ``rowid``
when they are added or replaced, so a refresh reads only the rows past the last ones it
saw (``max(rowid)`` is an index lookup, so checking costs next to nothing).
The index belongs to one app instance; it is not a module-level cache.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ..model import Document, Result
from .views import Facet

__all__ = ["DocMeta", "Cluster", "FacetIndex", "week_of", "article_results"]


@dataclass(frozen=True)
class DocMeta:
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    language: str | None
    ingested_at: str

    @property
    def day(self) -> str | None:
        """``YYYY-MM-DD`` of publication, when the date is known and well-formed."""
        p = self.published
        if p and len(p) >= 10 and p[4] == "-" and p[7] == "-":
            return p[:10]
        return None


@dataclass(frozen=True)
class Cluster:
    """Articles joined by copy relations (any chain of them)."""

    id: str
    members: tuple[str, ...]
    kinds: tuple[str, ...]
    newest: str


def week_of(day: str) -> str:
    """The Monday (``YYYY-MM-DD``) of the ISO week ``day`` falls in."""
    d = date.fromisoformat(day)
    return date.fromordinal(d.toordinal() - d.weekday()).isoformat()


def article_results(conn: sqlite3.Connection, doc_id: str,
                    versions: dict[str, str]) -> dict[str, Result]:
    """The stored results of ``doc_id`` for the registered analysers' current versions."""
    return many_results(conn, [doc_id], versions).get(doc_id, {})


def many_results(conn: sqlite3.Connection, doc_ids: list[str], versions: dict[str, str]
                 ) -> dict[str, dict[str, Result]]:
    """``article_results`` for many articles in one query."""
    out: dict[str, dict[str, Result]] = {}
    marks = ",".join("?" * len(doc_ids))
    for doc_id, analyser, version, payload in conn.execute(
            f"SELECT doc_id, analyser, version, payload FROM results WHERE doc_id IN ({marks})",
            doc_ids):
        if versions.get(analyser) == version:
            out.setdefault(doc_id, {})[analyser] = Result.from_dict(json.loads(payload))
    return out


def many_docs(conn: sqlite3.Connection, doc_ids: list[str]) -> dict[str, Document]:
    marks = ",".join("?" * len(doc_ids))
    return {r[0]: _row_doc(r) for r in conn.execute(
        f"SELECT id, text, title, url, outlet, published, authors, language, source "
        f"FROM documents WHERE id IN ({marks})", doc_ids)}


def _row_doc(row) -> Document:
    return Document(row[0], row[1], row[2], row[3], row[4], row[5],
                    tuple(json.loads(row[6] or "[]")), row[7], row[8])


class Arrays:
    """The snapshot's articles and facets as integer arrays, so that filters are masks
    and statistics are counts over arrays rather than Python loops over every article.

    Articles are numbered by their place in :attr:`order` (newest first); facets are rows
    ``(article, kind, value, role)`` of interned strings.
    """

    def __init__(self, order: list[str], docs: dict[str, DocMeta],
                 facets: dict[str, tuple[Facet, ...]]) -> None:
        self.ids = order
        self.pos = {d: i for i, d in enumerate(order)}
        self.strings: list[str] = []
        self.code: dict[str, int] = {}
        metas = [docs[i] for i in order]
        self.day = np.array([_days(m.day) for m in metas], dtype=np.int32)
        self.outlet = np.array([self.intern(m.outlet) for m in metas], dtype=np.int32)
        self.language = np.array([self.intern(m.language) for m in metas], dtype=np.int32)
        rows = [(i, self.intern(k), self.intern(v), self.intern(r))
                for i, d in enumerate(order) for k, v, r in facets.get(d, ())]
        table = np.array(rows, dtype=np.int32).reshape(-1, 4)
        self.f_doc, self.f_kind, self.f_value, self.f_role = table.T

    def intern(self, s: str | None) -> int:
        if s is None:
            return -1
        c = self.code.get(s)
        if c is None:
            c = self.code[s] = len(self.strings)
            self.strings.append(s)
        return c

    def lookup(self, s: str | None) -> int:
        """The code of ``s``; -2 (matching nothing) when it never occurs."""
        return -2 if s is None else self.code.get(s, -2)

    def rows(self, kind: str, docs: np.ndarray | None = None) -> np.ndarray:
        """Indices of the facet rows of ``kind`` (of the articles in mask ``docs``)."""
        sel = self.f_kind == self.lookup(kind)
        if docs is not None:
            sel &= docs[self.f_doc]
        return np.flatnonzero(sel)

    def with_facet(self, kind: str, value: str) -> np.ndarray:
        """Mask of the articles with facet ``(kind, value)``. A value that never occurs as
        written matches regardless of case ('kyiv' finds Kyiv), since the search form's
        entity and speaker fields are typed by hand."""
        m = np.zeros(len(self.ids), dtype=bool)
        codes = [self.lookup(value)]
        if codes[0] == -2:
            folded = value.casefold()
            codes = [c for s, c in self.code.items() if s.casefold() == folded] or codes
        sel = (self.f_kind == self.lookup(kind)) & np.isin(self.f_value, codes)
        m[self.f_doc[sel]] = True
        return m


def _days(day: str | None) -> int:
    """Days since 1970-01-01, or -1 for an unknown date."""
    if day is None:
        return -1
    try:
        return date.fromisoformat(day).toordinal() - _EPOCH
    except ValueError:
        return -1


_EPOCH = date(1970, 1, 1).toordinal()


@dataclass
class _Snapshot:
    docs: dict[str, DocMeta] = field(default_factory=dict)
    facets: dict[str, tuple[Facet, ...]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    cluster_of: dict[str, str] = field(default_factory=dict)
    arrays: Arrays = field(default_factory=lambda: Arrays([], {}, {}))
    #: statistics computed on this snapshot, by call; dropped with the snapshot
    memo: dict = field(default_factory=dict)


class FacetIndex:
    """Facets of every stored article; call :meth:`refresh` before reading."""

    def __init__(self, facets_of, chunk: int = 500) -> None:
        #: ``facets_of(conn, doc_ids) -> {doc_id: [Facet, ...]}``: how articles' facets
        #: are computed, a chunk at a time
        self._facets_of = facets_of
        self._chunk = chunk
        self._lock = threading.Lock()
        self._seen = (0, 0, 0)
        self._snap = _Snapshot()

    # -- reading ---------------------------------------------------------------------
    @property
    def docs(self) -> dict[str, DocMeta]:
        return self._snap.docs

    @property
    def order(self) -> list[str]:
        """Every article id, newest publication first (undated last), then by id."""
        return self._snap.order

    @property
    def arrays(self) -> Arrays:
        return self._snap.arrays

    @property
    def clusters(self) -> list[Cluster]:
        """Copy clusters, newest first."""
        return self._snap.clusters

    def cluster_of(self, doc_id: str) -> Cluster | None:
        cid = self._snap.cluster_of.get(doc_id)
        return next((c for c in self._snap.clusters if c.id == cid), None) if cid else None

    def current(self) -> "_Snapshot":
        return self._snap

    def memo(self, key, compute, snapshot: "_Snapshot | None" = None):
        """``compute()``, remembered until the store changes (at most 512 entries)."""
        memo = (snapshot or self._snap).memo
        if key not in memo:
            if len(memo) >= 512:
                memo.clear()
            memo[key] = compute()
        return memo[key]

    def facets(self, doc_id: str) -> tuple[Facet, ...]:
        return self._snap.facets.get(doc_id, ())

    def with_facet(self, kind: str, value: str) -> set[str]:
        a = self._snap.arrays
        return {a.ids[i] for i in np.flatnonzero(a.with_facet(kind, value))}

    def values(self, kind: str) -> list[str]:
        """Every value of facet ``kind`` present in the store, sorted."""
        a = self._snap.arrays
        return sorted({a.strings[c] for c in a.f_value[a.rows(kind)].tolist()})

    # -- following the store ---------------------------------------------------------
    def refresh(self, conn: sqlite3.Connection) -> None:
        """Take in what was stored since the last refresh."""
        mark = tuple(conn.execute(
            "SELECT (SELECT coalesce(max(rowid), 0) FROM documents), "
            "(SELECT coalesce(max(rowid), 0) FROM results), "
            "(SELECT coalesce(max(rowid), 0) FROM relations)").fetchone())
        if mark == self._seen:
            return
        with self._lock:
            if mark == self._seen:
                return
            snap = self._snap
            seen_docs, seen_results, seen_rel = self._seen
            docs = dict(snap.docs)
            new_docs = [DocMeta(r[0], r[1], r[2], r[3], r[4], r[5]) for r in conn.execute(
                "SELECT id, title, outlet, published, language, ingested_at FROM documents "
                "WHERE rowid > ? AND rowid <= ?", (seen_docs, mark[0]))]
            for m in new_docs:
                docs[m.id] = m
            touched = sorted({r[0] for r in conn.execute(
                "SELECT DISTINCT doc_id FROM results WHERE rowid > ? AND rowid <= ?",
                (seen_results, mark[1]))} & docs.keys())
            facets = dict(snap.facets)
            for n in range(0, len(touched), self._chunk):
                for doc_id, fs in self._facets_of(conn, touched[n:n + self._chunk]).items():
                    facets[doc_id] = tuple(dict.fromkeys(fs))
            order = snap.order
            if new_docs:
                order = sorted(docs, key=lambda i: _order_key(docs[i]))
            clusters, cluster_of = snap.clusters, snap.cluster_of
            if mark[2] != seen_rel or new_docs:
                clusters, cluster_of = _clusters(conn, docs)
            arrays = Arrays(order, docs, facets) if (new_docs or touched) else snap.arrays
            self._snap = _Snapshot(docs, facets, order, clusters, cluster_of, arrays)
            self._seen = mark


def _load_doc(conn: sqlite3.Connection, doc_id: str) -> Document | None:
    row = conn.execute("SELECT id, text, title, url, outlet, published, authors, language, "
                       "source FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return _row_doc(row) if row is not None else None


def _order_key(m: DocMeta) -> tuple:
    # newest first: invert the date's characters so an ascending sort puts it first
    p = m.published or ""
    return (p == "", "".join(chr(0x10FFFF - ord(c)) for c in p), m.id)


def facets_from_json(article: dict) -> list[Facet]:
    """The facets every view yields for one article's JSON."""
    from .render import BASE_KEYS
    from .views import generic_view, views

    known = views()
    out: list[Facet] = []
    for key, value in article.items():
        if key not in BASE_KEYS:
            out.extend((known.get(key) or generic_view(key)).facets(value))
    return out


def _clusters(conn: sqlite3.Connection, docs: dict[str, DocMeta]
              ) -> tuple[list[Cluster], dict[str, str]]:
    """Connected components of the copy relations (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    kinds: dict[str, set[str]] = defaultdict(set)
    edges: list[tuple[str, str, str]] = [
        (a, b, kind) for a, b, kind in conn.execute("SELECT a, b, kind FROM relations")
        if "story" not in kind]
    for a, b, _ in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in list(parent):
        groups[find(x)].append(x)
    for a, _, kind in edges:
        kinds[find(a)].add(kind)
    clusters = []
    for root, members in groups.items():
        if len(members) < 2:
            continue
        newest = max((docs[m].published or docs[m].ingested_at) if m in docs else ""
                     for m in members)
        clusters.append(Cluster(root, tuple(sorted(members)), tuple(sorted(kinds[root])), newest))
    clusters.sort(key=lambda c: (c.newest, c.id), reverse=True)
    return clusters, {m: c.id for c in clusters for m in c.members}

