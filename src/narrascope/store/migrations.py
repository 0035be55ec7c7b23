"""Append-only schema migrations: an ordered list of small functions.

Never edit or reorder a migration that has shipped; add a new one at the end.
``PRAGMA user_version`` records how many have run.
"""

from __future__ import annotations

import sqlite3
from typing import Callable

Migration = Callable[[sqlite3.Connection], None]


def m001_documents(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            title TEXT,
            url TEXT,
            outlet TEXT,
            published TEXT,
            authors TEXT NOT NULL DEFAULT '[]',
            language TEXT,
            source TEXT,
            ingested_at TEXT NOT NULL
        );
        CREATE INDEX documents_outlet ON documents(outlet);
        CREATE INDEX documents_published ON documents(published);
        CREATE INDEX documents_language ON documents(language);
        -- every place a document was seen, so a second sighting is not lost
        CREATE TABLE sightings (
            doc_id TEXT NOT NULL REFERENCES documents(id),
            source TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            -- OffsetMap segments from the cleaned text back into the text as read
            offsets TEXT,
            PRIMARY KEY (doc_id, source)
        );
        """
    )


def m002_fts(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE VIRTUAL TABLE documents_fts USING fts5(
            title, text, content='documents', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
            INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
            INSERT INTO documents_fts(documents_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        END;
        """
    )


def m003_results(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE results (
            doc_id TEXT NOT NULL REFERENCES documents(id),
            analyser TEXT NOT NULL,
            version TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (doc_id, analyser, version)
        );
        CREATE INDEX results_analyser ON results(analyser, version);
        CREATE TABLE relations (
            a TEXT NOT NULL REFERENCES documents(id),
            b TEXT NOT NULL REFERENCES documents(id),
            kind TEXT NOT NULL,
            analyser TEXT NOT NULL,
            score REAL NOT NULL,
            evidence TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            PRIMARY KEY (a, b, kind, analyser)
        );
        CREATE INDEX relations_b ON relations(b);
        """
    )


def m004_ingest_log(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE ingest_errors (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            reason TEXT NOT NULL,
            message TEXT NOT NULL,
            at TEXT NOT NULL
        );
        """
    )


def m005_copies_index(db: sqlite3.Connection) -> None:
    """The ``copies`` analyser's index: sentence MinHash band keys (candidate lookup),
    document frequencies and story clusters, so new articles are matched incrementally."""
    db.executescript(
        """
        CREATE TABLE copies_docs (
            seq INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL UNIQUE REFERENCES documents(id),
            published TEXT,
            story INTEGER
        );
        -- one row per (band key, document): a key is a band of a sentence's MinHash
        CREATE TABLE copies_keys (
            key INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (key, seq)
        ) WITHOUT ROWID;
        CREATE TABLE copies_df (
            term TEXT PRIMARY KEY,
            df INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE copies_stories (
            id INTEGER PRIMARY KEY,
            label TEXT NOT NULL DEFAULT '',
            size INTEGER NOT NULL DEFAULT 0,
            centroid TEXT NOT NULL DEFAULT '{}',
            first_published TEXT,
            last_published TEXT
        );
        CREATE TABLE copies_story_terms (
            term TEXT NOT NULL,
            story INTEGER NOT NULL,
            PRIMARY KEY (term, story)
        ) WITHOUT ROWID;
        CREATE INDEX copies_docs_story ON copies_docs(story);
        """
    )


MIGRATIONS: list[Migration] = [m001_documents, m002_fts, m003_results, m004_ingest_log,
                               m005_copies_index]


def migrate(db: sqlite3.Connection) -> int:
    """Run the migrations this database has not seen; return how many ran."""
    done = db.execute("PRAGMA user_version").fetchone()[0]
    for i, step in enumerate(MIGRATIONS[done:], start=done + 1):
        with db:
            step(db)
            db.execute(f"PRAGMA user_version = {i}")
    return len(MIGRATIONS) - done
