"""The store: one SQLite file (WAL, FTS5), documents keyed by the hash of their text.

One :class:`Store` owns the writes of a process; readers may open the same file in
parallel (WAL lets them). Every write commits at once, so a batch killed half-way keeps
what it had stored.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from ..errors import NarrascopeError
from ..model import Document, Relation, Result
from .migrations import migrate

__all__ = ["Store", "open_store"]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _row_to_doc(row: sqlite3.Row) -> Document:
    return Document(
        id=row["id"], text=row["text"], title=row["title"], url=row["url"],
        outlet=row["outlet"], published=row["published"],
        authors=tuple(json.loads(row["authors"] or "[]")), language=row["language"],
        source=row["source"],
    )


class Store:
    def __init__(self, path: str | Path, *, readonly: bool = False):
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            if readonly:
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                          check_same_thread=False)
            else:
                self.db = sqlite3.connect(str(self.path), check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA busy_timeout=10000")
            if not readonly:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.execute("PRAGMA foreign_keys=ON")
                migrate(self.db)
        except (sqlite3.Error, OSError) as e:
            raise NarrascopeError(f"cannot open database {self.path}: {e}; pass --db PATH "
                                  "or set NARRASCOPE_HOME to a writable folder") from None
        self._lock = threading.RLock()

    # -- documents -------------------------------------------------------------------
    def add_document(self, doc: Document, offsets: list[list[int]] | None = None) -> bool:
        """Store ``doc``; return False when a document with the same text was stored already.
        ``offsets`` (an OffsetMap as JSON) maps the text back into the source as read."""
        with self._lock, self.db:
            cur = self.db.execute(
                "INSERT OR IGNORE INTO documents (id, text, title, url, outlet, published, "
                "authors, language, source, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (doc.id, doc.text, doc.title, doc.url, doc.outlet, doc.published,
                 json.dumps(list(doc.authors), ensure_ascii=False), doc.language, doc.source,
                 _now()),
            )
            if doc.source:
                self.db.execute(
                    "INSERT OR REPLACE INTO sightings (doc_id, source, seen_at, offsets) "
                    "VALUES (?,?,?,?)",
                    (doc.id, doc.source, _now(),
                     json.dumps(offsets) if offsets is not None else None),
                )
            return cur.rowcount == 1

    def get_document(self, doc_id: str) -> Document | None:
        row = self.db.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None and 4 <= len(doc_id) < 16:
            # a unique prefix, as a range of the primary key: LIKE would read ``_`` and
            # ``%`` in an id as wildcards (and scan the table)
            for prefix in dict.fromkeys((doc_id, doc_id.lower())):
                rows = self.db.execute("SELECT * FROM documents WHERE id >= ? AND id < ? "
                                       "LIMIT 2", (prefix, prefix + "\U0010ffff")).fetchall()
                if rows:
                    row = rows[0] if len(rows) == 1 else None
                    break
        return _row_to_doc(row) if row else None

    def sources_of(self, doc_id: str) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT source FROM sightings WHERE doc_id = ? ORDER BY seen_at, source", (doc_id,))]

    def offsets_of(self, doc_id: str, source: str) -> list[list[int]] | None:
        """The offset map from ``doc_id``'s text into ``source`` as read, if recorded."""
        row = self.db.execute("SELECT offsets FROM sightings WHERE doc_id=? AND source=?",
                              (doc_id, source)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def iter_documents(self, *, where: str = "", params: Sequence[Any] = (),
                       order: str = "published, id") -> Iterator[Document]:
        sql = "SELECT * FROM documents" + (f" WHERE {where}" if where else "") + f" ORDER BY {order}"
        for row in self.db.execute(sql, params):
            yield _row_to_doc(row)

    def count_documents(self) -> int:
        return self.db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[tuple[Document, str]]:
        """Full-text search; returns documents with a highlighted snippet, best first."""
        try:
            rows = self.db.execute(
                "SELECT d.*, snippet(documents_fts, 1, '[', ']', '…', 12) AS snip "
                "FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
                "WHERE documents_fts MATCH ? ORDER BY rank, d.id LIMIT ? OFFSET ?",
                (query, limit, offset),
            ).fetchall()
        except sqlite3.OperationalError as e:
            raise NarrascopeError(
                f"bad search query {query!r} ({e}); use words, \"quoted phrases\", "
                "AND/OR/NOT, prefix*") from None
        return [(_row_to_doc(r), r["snip"]) for r in rows]

    # -- results ---------------------------------------------------------------------
    def has_result(self, doc_id: str, analyser: str, version: str) -> bool:
        return self.db.execute(
            "SELECT 1 FROM results WHERE doc_id=? AND analyser=? AND version=?",
            (doc_id, analyser, version)).fetchone() is not None

    def add_results(self, results: Iterable[Result]) -> None:
        rows = [(r.doc_id, r.analyser, r.version, json.dumps(r.to_dict(), ensure_ascii=False),
                 _now()) for r in results]
        with self._lock, self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO results (doc_id, analyser, version, payload, created_at) "
                "VALUES (?,?,?,?,?)", rows)

    def get_result(self, doc_id: str, analyser: str, version: str | None = None) -> Result | None:
        if version is None:
            row = self.db.execute(
                "SELECT payload FROM results WHERE doc_id=? AND analyser=? "
                "ORDER BY created_at DESC LIMIT 1", (doc_id, analyser)).fetchone()
        else:
            row = self.db.execute(
                "SELECT payload FROM results WHERE doc_id=? AND analyser=? AND version=?",
                (doc_id, analyser, version)).fetchone()
        return Result.from_dict(json.loads(row[0])) if row else None

    def get_results(self, doc_ids: Sequence[str], analyser: str, version: str
                    ) -> dict[str, Result]:
        """The results of ``analyser`` at ``version`` for those of ``doc_ids`` that have
        one, by document id: :meth:`get_result` for many articles, a few queries in all."""
        out: dict[str, Result] = {}
        ids = list(dict.fromkeys(doc_ids))
        for i in range(0, len(ids), 500):  # SQLite limits the parameters of a statement
            part = ids[i:i + 500]
            rows = self.db.execute(
                "SELECT doc_id, payload FROM results WHERE analyser=? AND version=? "
                "AND doc_id IN (%s)" % ",".join("?" * len(part)), [analyser, version, *part])
            out.update((d, Result.from_dict(json.loads(payload))) for d, payload in rows)
        return out

    def iter_results(self, analyser: str, version: str | None = None) -> Iterator[Result]:
        sql = "SELECT payload FROM results WHERE analyser=?"
        params: list[Any] = [analyser]
        if version is not None:
            sql += " AND version=?"
            params.append(version)
        for (payload,) in self.db.execute(sql + " ORDER BY doc_id", params):
            yield Result.from_dict(json.loads(payload))

    # -- relations -------------------------------------------------------------------
    def add_relations(self, relations: Iterable[Relation]) -> None:
        rows = [(r.a, r.b, r.kind, r.analyser, r.score,
                 json.dumps(dict(r.evidence), ensure_ascii=False), _now()) for r in relations]
        with self._lock, self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO relations (a, b, kind, analyser, score, evidence, "
                "created_at) VALUES (?,?,?,?,?,?,?)", rows)

    def relations_of(self, doc_id: str, analyser: str | None = None) -> list[Relation]:
        sql = "SELECT * FROM relations WHERE (a = ? OR b = ?)"
        params: list[Any] = [doc_id, doc_id]
        if analyser:
            sql += " AND analyser = ?"
            params.append(analyser)
        return [Relation(r["a"], r["b"], r["kind"], r["score"], r["analyser"],
                         json.loads(r["evidence"]))
                for r in self.db.execute(sql + " ORDER BY score DESC, a, b", params)]

    # -- ingest log ------------------------------------------------------------------
    def log_ingest_error(self, source: str, reason: str, message: str) -> None:
        with self._lock, self.db:
            self.db.execute(
                "INSERT INTO ingest_errors (source, reason, message, at) VALUES (?,?,?,?)",
                (source, reason, message, _now()))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(path: str | Path | None = None, *, readonly: bool = False) -> Store:
    from ..settings import default_db_path

    return Store(path or default_db_path(), readonly=readonly)
