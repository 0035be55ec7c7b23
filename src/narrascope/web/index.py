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
from ..model import Document, Result
from .views import Facet, view_for

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
    out: dict[str, Result] = {}
    for analyser, version, payload in conn.execute(
            "SELECT analyser, version, payload FROM results WHERE doc_id = ?", (doc_id,)):
        if versions.get(analyser) == version:
            out[analyser] = Result.from_dict(json.loads(payload))
    return out


@dataclass
class _Snapshot:
    docs: dict[str, DocMeta] = field(default_factory=dict)
    facets: dict[str, tuple[Facet, ...]] = field(default_factory=dict)
    #: (kind, value) -> ids of the articles with that facet
    inverted: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    order: list[str] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    cluster_of: dict[str, str] = field(default_factory=dict)


class FacetIndex:
    """Facets of every stored article; call :meth:`refresh` before reading."""

    def __init__(self, facets_of) -> None:
        #: ``facets_of(conn, doc) -> list[Facet]``: how an article's facets are computed
        self._facets_of = facets_of
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
    def clusters(self) -> list[Cluster]:
        """Copy clusters, newest first."""
        return self._snap.clusters

    def cluster_of(self, doc_id: str) -> Cluster | None:
        cid = self._snap.cluster_of.get(doc_id)
        return next((c for c in self._snap.clusters if c.id == cid), None) if cid else None

    def facets(self, doc_id: str) -> tuple[Facet, ...]:
        return self._snap.facets.get(doc_id, ())

    def with_facet(self, kind: str, value: str) -> set[str]:
        return self._snap.inverted.get((kind, value), set())

    def values(self, kind: str) -> list[str]:
        """Every value of facet ``kind`` present in the store, sorted."""
        return sorted({v for (k, v), ids in self._snap.inverted.items() if k == kind and ids})

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
            touched = {r[0] for r in conn.execute(
                "SELECT DISTINCT doc_id FROM results WHERE rowid > ? AND rowid <= ?",
                (seen_results, mark[1]))}
            facets = dict(snap.facets)
            inverted: dict[tuple[str, str], set[str]] = defaultdict(set, {
                k: set(v) for k, v in snap.inverted.items()}) if touched else snap.inverted
            for doc_id in touched & docs.keys():
                for f in facets.get(doc_id, ()):
                    inverted[(f[0], f[1])].discard(doc_id)
                doc = _load_doc(conn, doc_id)
                if doc is None:
                    continue
                fs = tuple(dict.fromkeys(self._facets_of(conn, doc)))
                facets[doc_id] = fs
                for f in fs:
                    inverted[(f[0], f[1])].add(doc_id)
            order = snap.order
            if new_docs:
                order = sorted(docs, key=lambda i: _order_key(docs[i]))
            clusters, cluster_of = snap.clusters, snap.cluster_of
            if mark[2] != seen_rel or new_docs:
                clusters, cluster_of = _clusters(conn, docs)
            self._snap = _Snapshot(docs, facets, inverted, order, clusters, cluster_of)
            self._seen = mark


def _load_doc(conn: sqlite3.Connection, doc_id: str) -> Document | None:
    row = conn.execute("SELECT id, text, title, url, outlet, published, authors, language, "
                       "source FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        return None
    return Document(row[0], row[1], row[2], row[3], row[4], row[5],
                    tuple(json.loads(row[6] or "[]")), row[7], row[8])


def _order_key(m: DocMeta) -> tuple:
    # newest first: invert the date's characters so an ascending sort puts it first
    p = m.published or ""
    return (p == "", "".join(chr(0x10FFFF - ord(c)) for c in p), m.id)


def facets_from_json(article: dict) -> list[Facet]:
    """The facets every view yields for one article's JSON."""
    from .render import BASE_KEYS

    out: list[Facet] = []
    for key, value in article.items():
        if key not in BASE_KEYS:
            out.extend(view_for(key).facets(value))
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

