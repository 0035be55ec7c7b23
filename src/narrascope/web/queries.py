"""What the API and the pages ask of the store: one article with its findings, filtered
and paged search, and corpus statistics.

Reads go through one read-only SQLite connection per server thread (WAL lets them read
while the writer commits); writes go through the single :class:`~narrascope.store.Store`
of the app. Counting uses the :class:`~.index.FacetIndex`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..analysers import registry
from ..errors import NarrascopeError
from ..model import Relation
from ..report import Article
from ..store import Store
from .index import DocMeta, FacetIndex, _load_doc, article_results, facets_from_json, week_of

__all__ = ["Database", "Filters", "SearchPage", "Hit", "search", "narrative_volume",
           "narratives_by_outlet", "top_entities", "top_speakers", "copy_clusters",
           "load_article", "article_dict"]

#: FTS snippet markers (private-use characters no article contains); the page turns them
#: into <mark> after escaping the text
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
#: a full-text query matching more articles than this is cut here before filtering
MAX_FTS_HITS = 50_000


class Database:
    """The store file behind the app: a writer and per-thread readers."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.writer = Store(self.path)  # creates and migrates the file if needed
        self.write_lock = threading.Lock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self.versions = {n: s.version for n, s in registry().items()}
        self.index = FacetIndex(self._facets_of)

    def reader(self) -> sqlite3.Connection:
        """This thread's read-only connection, with the index brought up to date."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                   check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=10000")
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        self.index.refresh(conn)
        return conn

    def _facets_of(self, conn: sqlite3.Connection, doc) -> list:
        art = Article(doc, article_results(conn, doc.id, self.versions))
        return facets_from_json(article_dict(art))

    def close(self) -> None:
        with self._readers_lock:
            for c in self._readers:
                c.close()
            self._readers.clear()
        self.writer.close()


def article_dict(article: Article) -> dict[str, Any]:
    """The article's JSON (the ``jsonl`` format's object) plus its cross-document relations."""
    from ..report.jsonl import article_json

    try:
        d = article_json(article)
    except Exception:  # one analyser's to_json failing must not hide the others
        d = _article_json_each(article)
    if article.relations and "relations" not in d:
        d["relations"] = [r.to_dict() for r in article.relations]
    return d


def _article_json_each(article: Article) -> dict[str, Any]:
    from ..analysers import load_analyser

    d = article.doc.to_dict()
    d["source"] = article.source or article.doc.source
    for name, result in sorted(article.results.items()):
        try:
            d.update(load_analyser(name).to_json(article.doc, result))
        except Exception as err:
            d.setdefault("errors", []).append(f"{name}: {type(err).__name__}: {err}")
    return d


def load_article(db: Database, doc_id: str) -> dict[str, Any] | None:
    """One stored article with every finding, or None. A unique id prefix (4+) works."""
    conn = db.reader()
    if not 4 <= len(doc_id) <= 64 or not all(c in "0123456789abcdef" for c in doc_id):
        return None
    doc = _load_doc(conn, doc_id)
    if doc is None and len(doc_id) < 16:
        rows = conn.execute("SELECT id FROM documents WHERE id >= ? AND id < ? LIMIT 2",
                            (doc_id, doc_id + "g")).fetchall()
        doc = _load_doc(conn, rows[0][0]) if len(rows) == 1 else None
    if doc is None:
        return None
    rels = tuple(Relation(r[0], r[1], r[2], r[4], r[3], json.loads(r[5])) for r in conn.execute(
        "SELECT a, b, kind, analyser, score, evidence FROM relations WHERE a = ? OR b = ? "
        "ORDER BY score DESC, a, b", (doc.id, doc.id)))
    art = Article(doc, article_results(conn, doc.id, db.versions), doc.source, None, rels)
    return article_dict(art)


# -- search ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """Search filters; every one that is set must hold."""

    narrative: str | None = None
    outlet: str | None = None
    language: str | None = None
    entity: str | None = None
    speaker: str | None = None
    technique: str | None = None
    since: str | None = None
    until: str | None = None

    FACETS = ("narrative", "entity", "speaker", "technique")

    def matches(self, m: DocMeta) -> bool:
        if self.outlet and m.outlet != self.outlet:
            return False
        if self.language and m.language != self.language:
            return False
        if self.since or self.until:
            day = m.day
            if day is None or (self.since and day < self.since) or (self.until and day > self.until):
                return False
        return True

    def as_params(self) -> dict[str, str]:
        return {k: v for k in (*self.FACETS, "outlet", "language", "since", "until")
                if (v := getattr(self, k))}


@dataclass(frozen=True)
class Hit:
    meta: DocMeta
    snippet: tuple[tuple[str, bool], ...]
    narratives: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        m = self.meta
        return {"id": m.id, "title": m.title, "outlet": m.outlet, "published": m.published,
                "language": m.language, "narratives": list(self.narratives),
                "snippet": "".join(t for t, _ in self.snippet)}


@dataclass(frozen=True)
class SearchPage:
    total: int
    page: int
    per_page: int
    hits: tuple[Hit, ...] = field(default=())

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _fts_ids(conn: sqlite3.Connection, q: str) -> list[str]:
    try:
        return [r[0] for r in conn.execute(
            "SELECT d.id FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH ? ORDER BY rank, d.id LIMIT ?", (q, MAX_FTS_HITS))]
    except sqlite3.OperationalError as e:
        raise NarrascopeError(f"bad search query {q!r} ({e}); use words, \"quoted phrases\", "
                              "AND/OR/NOT, prefix*") from None


def _snippets(conn: sqlite3.Connection, q: str | None, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    if q:
        rows = conn.execute(
            f"SELECT d.id, snippet(documents_fts, 1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 24) "
            f"FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
            f"WHERE documents_fts MATCH ? AND d.id IN ({marks})", (q, *ids))
    else:
        rows = conn.execute(f"SELECT id, substr(text, 1, 220) FROM documents WHERE id IN ({marks})",
                            ids)
    return {r[0]: r[1] for r in rows}


def split_marks(snippet: str) -> tuple[tuple[str, bool], ...]:
    """A snippet as ``(text, is_match)`` pieces, markers removed."""
    out: list[tuple[str, bool]] = []
    for i, part in enumerate(snippet.split(MARK_OPEN)):
        if i == 0:
            out.append((part, False))
            continue
        hit, _, rest = part.partition(MARK_CLOSE)
        out.append((hit, True))
        out.append((rest, False))
    return tuple((t.replace(MARK_CLOSE, ""), m) for t, m in out if t)


def filter_ids(db: Database, ids: Iterable[str], f: Filters) -> list[str]:
    idx = db.index
    allowed: set[str] | None = None
    for kind in Filters.FACETS:
        value = getattr(f, kind)
        if value:
            s = idx.with_facet(kind, value)
            allowed = s if allowed is None else allowed & s
    docs = idx.docs
    return [i for i in ids if (allowed is None or i in allowed) and i in docs
            and f.matches(docs[i])]


def search(db: Database, q: str | None, f: Filters, page: int = 1, per_page: int = 20
           ) -> SearchPage:
    """Articles matching the full-text query ``q`` (FTS5 syntax; best first) and every
    filter; with no query, newest first. Ties break on the id, so pages are stable."""
    conn = db.reader()
    q = (q or "").strip() or None
    ids = _fts_ids(conn, q) if q else db.index.order
    ids = filter_ids(db, ids, f)
    start = (page - 1) * per_page
    window = ids[start:start + per_page]
    snips = _snippets(conn, q, window)
    docs = db.index.docs
    hits = tuple(Hit(docs[i], split_marks(" ".join((snips.get(i) or "").split())),
                     tuple(v for k, v, _ in db.index.facets(i) if k == "narrative"))
                 for i in window)
    return SearchPage(len(ids), page, per_page, hits)


# -- statistics --------------------------------------------------------------------------

def _docs(db: Database, f: Filters) -> list[DocMeta]:
    db.reader()
    return [db.index.docs[i] for i in filter_ids(db, db.index.order, f)]


def narrative_volume(db: Database, f: Filters, by: str = "week") -> dict[str, Any]:
    """Articles per narrative per day or week: ``{"periods": [...], "series": {name: [...]}}``."""
    bucket = _BUCKETS.get(by)
    if bucket is None:
        raise NarrascopeError(f"unknown period {by!r}; allowed: {', '.join(sorted(_BUCKETS))}")
    counts: dict[str, Counter] = defaultdict(Counter)
    periods: set[str] = set()
    undated = Counter()
    for m in _docs(db, f):
        names = [v for k, v, _ in db.index.facets(m.id) if k == "narrative"]
        day = m.day
        if day is None:
            undated.update(names)
            continue
        p = bucket(day)
        periods.add(p)
        counts[p].update(names)
    order = sorted(periods)
    names = sorted({n for c in counts.values() for n in c})
    return {"by": by, "periods": order,
            "series": {n: [counts[p][n] for p in order] for n in names},
            "undated": dict(sorted(undated.items()))}


_BUCKETS = {"day": lambda d: d, "week": week_of, "month": lambda d: d[:7]}


def narratives_by_outlet(db: Database, f: Filters) -> dict[str, Any]:
    """A narratives × outlets table of article counts."""
    table: dict[str, Counter] = defaultdict(Counter)
    for m in _docs(db, f):
        for k, v, _ in db.index.facets(m.id):
            if k == "narrative":
                table[v][m.outlet or "(unknown)"] += 1
    outlets = sorted({o for c in table.values() for o in c})
    narratives = sorted(table)
    return {"narratives": narratives, "outlets": outlets,
            "counts": [[table[n][o] for o in outlets] for n in narratives]}


def top_entities(db: Database, f: Filters, role: str | None = None, limit: int = 20
                 ) -> list[dict[str, Any]]:
    """Entities by the number of articles that cast them, with their roles' counts."""
    per: dict[str, Counter] = defaultdict(Counter)
    articles: Counter = Counter()
    for m in _docs(db, f):
        seen = set()
        for k, v, r in db.index.facets(m.id):
            if k in ("entity", "actor") and (role is None or r == role):
                per[v][r or "none"] += 1
                if v not in seen:
                    articles[v] += 1
                    seen.add(v)
    return [{"entity": e, "articles": n, "roles": dict(per[e].most_common())}
            for e, n in sorted(articles.items(), key=lambda x: (-x[1], x[0]))[:limit]]


def top_speakers(db: Database, f: Filters, limit: int = 20) -> list[dict[str, Any]]:
    """Speakers by the number of articles quoting them."""
    c: Counter = Counter()
    for m in _docs(db, f):
        c.update({v for k, v, _ in db.index.facets(m.id) if k == "speaker"})
    return [{"speaker": s, "articles": n}
            for s, n in sorted(c.items(), key=lambda x: (-x[1], x[0]))[:limit]]


def facet_counts(db: Database, f: Filters, kind: str, limit: int = 50) -> list[tuple[str, int]]:
    c: Counter = Counter()
    for m in _docs(db, f):
        c.update({v for k, v, _ in db.index.facets(m.id) if k == kind})
    return sorted(c.items(), key=lambda x: (-x[1], x[0]))[:limit]


def outlet_counts(db: Database, f: Filters) -> list[tuple[str, int]]:
    c = Counter(m.outlet or "(unknown)" for m in _docs(db, f))
    return sorted(c.items(), key=lambda x: (-x[1], x[0]))


def copy_clusters(db: Database, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """Copy clusters, newest first, each with its members' titles and outlets."""
    db.reader()
    docs = db.index.docs
    clusters = db.index.clusters
    out = []
    for c in clusters[offset:offset + limit]:
        out.append({"id": c.id, "size": len(c.members), "kinds": list(c.kinds),
                    "newest": c.newest,
                    "members": [{"id": i, "title": docs[i].title if i in docs else None,
                                 "outlet": docs[i].outlet if i in docs else None,
                                 "published": docs[i].published if i in docs else None}
                                for i in c.members]})
    return {"total": len(clusters), "clusters": out}
