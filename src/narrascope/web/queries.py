"""What the API and the pages ask of the store: one article with its findings, filtered
and paged search, and corpus statistics.

Reads go through one read-only SQLite connection per server thread (WAL lets them read
while the writer commits); writes go through the single :class:`~narrascope.store.Store`
of the app. Counting uses the :class:`~.index.FacetIndex`.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from ..analysers import registry, stored_version
from ..clean.query import fts_query
from ..errors import NarrascopeError
from ..model import Relation
from ..report import Article
from ..store import Store
from .index import (DocMeta, FacetIndex, _days, _load_doc, article_results,
                    facets_from_json, many_docs, many_results)

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
        self.versions = {n: stored_version(n) for n in registry()}
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
        # this thread works on one snapshot until its next reader() call: positions,
        # masks and arrays from one snapshot never meet those of another
        self._local.snapshot = self.index.current()
        return conn

    @property
    def snapshot(self):
        """The index snapshot this thread's last :meth:`reader` call saw."""
        snap = getattr(self._local, "snapshot", None)
        if snap is None:
            self.reader()
            snap = self._local.snapshot
        return snap

    def memo(self, key, compute):
        """``compute()``, remembered on this thread's snapshot (see ``FacetIndex.memo``)."""
        return self.index.memo(key, compute, self.snapshot)

    def _facets_of(self, conn: sqlite3.Connection, doc_ids: list[str]) -> dict[str, list]:
        docs = many_docs(conn, doc_ids)
        results = many_results(conn, doc_ids, self.versions)
        return {i: facets_from_json(article_dict(Article(doc, results.get(i, {}))))
                for i, doc in docs.items()}

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
            "WHERE documents_fts MATCH ? ORDER BY rank, d.id LIMIT ?",
            (fts_query(q), MAX_FTS_HITS))]
    except sqlite3.OperationalError as e:
        raise NarrascopeError(f"bad search query {q!r} ({e}); use words, \"quoted phrases\", "
                              "AND/OR/NOT, prefix*") from None


def _snippets(conn: sqlite3.Connection, q: str | None, ids: list[str]) -> dict[str, str]:
    """A snippet per article: around the first match of ``q``'s words, else the text's
    start. Cut in Python from the text: asking FTS5 for snippets re-reads the query's
    whole posting lists, which costs milliseconds for a common word or a prefix."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT id, text FROM documents WHERE id IN ({marks})", ids)
    pattern = _query_pattern(q) if q else None
    return {doc_id: _cut(text, pattern) for doc_id, text in rows}


_OPERATORS = {"AND", "OR", "NOT", "NEAR"}


def _query_pattern(q: str) -> re.Pattern | None:
    """A regex for the words of an FTS5 query (``word*`` as a prefix)."""
    parts = []
    for term in re.findall(r"\w+\*?", q):
        if term in _OPERATORS:
            continue
        stem = term.rstrip("*")
        parts.append(rf"\b{re.escape(stem)}" + (r"\w*" if term.endswith("*") else r"\b"))
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _cut(text: str, pattern: re.Pattern | None, width: int = 240) -> str:
    first = pattern.search(text) if pattern else None
    if first is None:
        return text[:width]
    start = max(0, first.start() - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first.start() else start
    window = text[start:start + width]
    marked = pattern.sub(lambda m: MARK_OPEN + m.group(0) + MARK_CLOSE, window)
    return ("…" if start else "") + marked + ("…" if start + width < len(text) else "")


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


def mask(db: Database, f: Filters) -> np.ndarray:
    """Which articles (by place in the index's order) pass every filter (remembered per
    snapshot; callers must not modify it)."""
    return db.memo(("mask", f), lambda: _mask(db, f))


def _mask(db: Database, f: Filters) -> np.ndarray:
    a = db.snapshot.arrays
    m = np.ones(len(a.ids), dtype=bool)
    if f.outlet:
        m &= a.outlet == a.lookup(f.outlet)
    if f.language:
        m &= a.language == a.lookup(f.language)
    if f.since:
        m &= a.day >= _days(f.since)
    if f.until:
        m &= (a.day <= _days(f.until)) & (a.day >= 0)
    for kind in Filters.FACETS:
        value = getattr(f, kind)
        if value:
            m &= a.with_facet(kind, value)
    return m


def filter_ids(db: Database, ids: Iterable[str], f: Filters) -> list[str]:
    """``ids``, in their order, that pass every filter."""
    a = db.snapshot.arrays
    m = mask(db, f)
    pos = a.pos
    return [i for i in ids if i in pos and m[pos[i]]]


_NO_FILTERS = Filters()


def matching_ids(db: Database, q: str | None, f: Filters) -> list[str]:
    """Ids of every article matching ``q`` and the filters, in search order."""
    conn = db.reader()
    q = (q or "").strip() or None
    a = db.snapshot.arrays
    if not q:
        return [a.ids[i] for i in np.flatnonzero(mask(db, f))]

    def positions() -> np.ndarray:
        pos = a.pos
        return np.array([pos[i] for i in _fts_ids(conn, q) if i in pos], dtype=np.intp)

    hits = db.memo(("fts", q), positions)
    if f != _NO_FILTERS:
        hits = hits[mask(db, f)[hits]]
    ids = a.ids
    return [ids[i] for i in hits.tolist()]


def search(db: Database, q: str | None, f: Filters, page: int = 1, per_page: int = 20
           ) -> SearchPage:
    """Articles matching the full-text query ``q`` (FTS5 syntax; best first) and every
    filter; with no query, newest first. Ties break on the id, so pages are stable."""
    q = (q or "").strip() or None
    ids = matching_ids(db, q, f)
    conn = db.reader()
    start = (page - 1) * per_page
    window = ids[start:start + per_page]
    snips = _snippets(conn, q, window)
    docs = db.index.docs
    hits = tuple(Hit(docs[i], split_marks(" ".join((snips.get(i) or "").split())),
                     tuple(v for k, v, _ in db.index.facets(i) if k == "narrative"))
                 for i in window)
    return SearchPage(len(ids), page, per_page, hits)


# -- statistics --------------------------------------------------------------------------

def memoized(fn):
    """Statistics are remembered per index snapshot: the dashboard's second view, and
    every view until the next article arrives, costs a dictionary lookup. Callers must
    not modify what they get."""

    @functools.wraps(fn)
    def wrapper(db: Database, *args):
        db.reader()
        return db.memo((fn.__name__, args), lambda: fn(db, *args))

    return wrapper


def _periods(days: np.ndarray, by: str) -> tuple[np.ndarray, list[str]]:
    """Each day's period code and the periods' labels (``YYYY-MM-DD`` or ``YYYY-MM``)."""
    d = days.astype("datetime64[D]")
    if by == "week":  # the Monday of the ISO week (1970-01-01 was a Thursday)
        d = (days - (days + 3) % 7).astype("datetime64[D]")
    elif by == "month":
        d = d.astype("datetime64[M]")
    codes, _, inverse = unique_counts(d, inverse=True)
    return inverse, [str(c) for c in codes]


@memoized
def narrative_volume(db: Database, f: Filters, by: str = "week") -> dict[str, Any]:
    """Articles per narrative per day, week or month:
    ``{"periods": [...], "series": {name: [count per period]}, "undated": {...}}``.
    Every period with a (filtered) article is listed, so quiet periods show as gaps."""
    a, m, dated = _filtered_dated(db, f, by)
    period_of = np.full(len(a.ids), -1)
    period_of[dated], labels = _periods(a.day[dated], by)
    rows = a.rows("narrative", m)
    docs, values = a.f_doc[rows], a.f_value[rows]
    series: dict[str, list[int]] = {}
    undated: dict[str, int] = {}
    for v in unique_counts(values)[0]:
        sel = docs[values == v]
        p = period_of[sel]
        name = a.strings[v]
        series[name] = np.bincount(p[p >= 0], minlength=len(labels)).tolist()
        if (p < 0).any():
            undated[name] = int((p < 0).sum())
    return {"by": by, "periods": labels, "series": dict(sorted(series.items())),
            "undated": dict(sorted(undated.items()))}


_BUCKETS = ("day", "week", "month")


def _filtered_dated(db: Database, f: Filters, by: str):
    """The snapshot's arrays, the articles the filters keep, and those of them with a
    date; ``by`` checked first (a period that is not a day, week or month)."""
    if by not in _BUCKETS:
        raise NarrascopeError(f"unknown period {by!r}; allowed: {', '.join(_BUCKETS)}")
    db.reader()
    a = db.snapshot.arrays
    m = mask(db, f)
    return a, m, m & (a.day >= 0)


@memoized
def article_volume(db: Database, f: Filters, by: str = "week") -> dict[str, Any]:
    """Articles (each counted once, whatever its narratives) per day, week or month:
    ``{"periods": [...], "counts": [...], "undated": n}``."""
    a, m, dated = _filtered_dated(db, f, by)
    codes, labels = _periods(a.day[dated], by)
    counts = np.bincount(codes, minlength=len(labels)).tolist() if len(labels) else []
    return {"by": by, "periods": labels, "counts": counts,
            "undated": int(m.sum() - dated.sum())}


@memoized
def narratives_by_outlet(db: Database, f: Filters) -> dict[str, Any]:
    """A narratives × outlets table of article counts."""
    db.reader()
    a = db.snapshot.arrays
    rows = a.rows("narrative", mask(db, f))
    outlet = a.outlet[a.f_doc[rows]]
    values = a.f_value[rows]
    names = sorted({a.strings[v] for v in unique_counts(values)[0]})
    outlets = sorted({a.strings[o] if o >= 0 else "(unknown)" for o in unique_counts(outlet)[0]})
    counts = Counter(zip(values.tolist(), outlet.tolist()))
    table = {(a.strings[v], a.strings[o] if o >= 0 else "(unknown)"): n
             for (v, o), n in counts.items()}
    return {"narratives": names, "outlets": outlets,
            "counts": [[table.get((n, o), 0) for o in outlets] for n in names]}


def unique_counts(x: np.ndarray, inverse: bool = False):
    """Sorted distinct values of ``x`` with their counts (and, with ``inverse``, each
    element's place among them). By sorting: numpy's hash-based ``unique`` is several
    times slower on these arrays."""
    order = np.argsort(x, kind="stable")
    xs = x[order]
    starts = np.flatnonzero(np.concatenate(([True], xs[1:] != xs[:-1]))) if len(xs) else \
        np.zeros(0, dtype=np.intp)
    counts = np.diff(np.append(starts, len(xs)))
    if not inverse:
        return xs[starts], counts
    inv = np.empty(len(x), dtype=np.intp)
    inv[order] = np.repeat(np.arange(len(starts)), counts)
    return xs[starts], counts, inv


def _ranked(a, rows: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """``(value code, articles)`` of facet rows, most articles first, then by name."""
    n = max(1, len(a.ids))
    pairs, _ = unique_counts(a.f_value[rows].astype(np.int64) * n + a.f_doc[rows])
    values, counts = unique_counts(pairs // n)
    top = np.argsort(-counts, kind="stable")
    # enough candidates to break ties at the cut by name
    if len(top) > limit:
        cut = counts[top[limit - 1]]
        top = top[counts[top] >= cut]
    order = sorted(((int(values[i]), int(counts[i])) for i in top),
                   key=lambda x: (-x[1], a.strings[x[0]]))
    return order[:limit]


@memoized
def top_entities(db: Database, f: Filters, role: str | None = None, limit: int = 20
                 ) -> list[dict[str, Any]]:
    """Entities by the number of articles that mention them (with ``role``, if given),
    with how often each role was given to them."""
    db.reader()
    a = db.snapshot.arrays
    m = mask(db, f)
    actor_rows = a.rows("actor", m)
    rows = np.concatenate([a.rows("entity", m), actor_rows])
    if role is not None:
        rows = rows[a.f_role[rows] == a.lookup(role)]
    is_actor = np.isin(rows, actor_rows)
    out = []
    for v, n in _ranked(a, rows, limit):
        sel = a.f_value[rows] == v
        # an article's actor (its mentions' roles rolled up) counts once, when there is one
        sel = rows[sel & is_actor] if (sel & is_actor).any() else rows[sel]
        roles = Counter(a.strings[r] if r >= 0 and a.strings[r] else "none"
                        for r in a.f_role[sel].tolist())
        out.append({"entity": a.strings[v], "articles": n, "roles": dict(roles.most_common())})
    return out


def top_speakers(db: Database, f: Filters, limit: int = 20) -> list[dict[str, Any]]:
    """Speakers by the number of articles quoting them."""
    return [{"speaker": s, "articles": n} for s, n in facet_counts(db, f, "speaker", limit)]


@memoized
def facet_counts(db: Database, f: Filters, kind: str, limit: int = 50) -> list[tuple[str, int]]:
    """Values of facet ``kind`` by the number of articles that have them."""
    db.reader()
    a = db.snapshot.arrays
    return [(a.strings[v], n) for v, n in _ranked(a, a.rows(kind, mask(db, f)), limit)]


@memoized
def field_counts(db: Database, f: Filters, field: str) -> list[tuple[str, int]]:
    """Articles per outlet or language."""
    db.reader()
    a = db.snapshot.arrays
    codes, counts = unique_counts(getattr(a, field)[mask(db, f)])
    pairs = [(a.strings[c] if c >= 0 else "(unknown)", int(n)) for c, n in zip(codes, counts)]
    return sorted(pairs, key=lambda x: (-x[1], x[0]))


def outlet_counts(db: Database, f: Filters) -> list[tuple[str, int]]:
    return field_counts(db, f, "outlet")


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
