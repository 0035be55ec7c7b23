"""The store: idempotent ingest, migrations, FTS search, results and relations."""

from __future__ import annotations

import sqlite3

import pytest

from narrascope.errors import NarrascopeError
from narrascope.model import Document, Label, Relation, Result, Span, doc_id_for
from narrascope.pipeline import RunSummary, ingest
from narrascope.store import Store
from narrascope.store.migrations import MIGRATIONS

from support import EXAMPLES


def _doc(text: str, **kw) -> Document:
    return Document(id=doc_id_for(text), text=text, **kw)


def test_wal_and_migrations(store, tmp_path):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    store.close()
    # reopening runs nothing again and keeps the data
    again = Store(tmp_path / "test.db")
    assert again.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    again.close()


def test_same_text_is_stored_once(store):
    d = _doc("A short article about talks in Geneva.", title="Talks", source="a.txt")
    assert store.add_document(d) is True
    assert store.add_document(Document(**{**d.__dict__, "source": "b.txt"})) is False
    assert store.count_documents() == 1
    assert store.sources_of(d.id) == ["a.txt", "b.txt"]  # the second sighting is kept


def test_ingesting_twice_adds_nothing(store):
    first, second = RunSummary(), RunSummary()
    s1 = ingest([str(EXAMPLES)], store, summary=first, quiet=True)
    n = store.count_documents()
    s2 = ingest([str(EXAMPLES)], store, summary=second, quiet=True)
    assert n == len(s1) == len(s2) >= 5
    assert first.added == n and second.added == 0 and second.duplicates == n
    assert store.count_documents() == n
    assert [s.doc_id for s in s1] == [s.doc_id for s in s2]


def test_full_text_search(store):
    store.add_document(_doc("Grain ships leave Odesa under a new corridor.", title="Grain"))
    store.add_document(_doc("The summit in Vilnius ended without an invitation.", title="Summit"))
    hits = store.search("vilnius")
    assert [d.title for d, _ in hits] == ["Summit"]
    assert "[Vilnius]" in hits[0][1]
    assert store.search("grain OR summit", limit=1, offset=1)
    with pytest.raises(NarrascopeError, match="bad search query"):
        store.search('"unbalanced')


def test_results_round_trip(store):
    d = _doc("NATO expands east, the minister said.")
    store.add_document(d)
    r = Result("demo", "1", d.id, labels=(Label("X", 0.5, (Span(0, 4, "ev"),)),),
               spans=(Span(0, 4, "ORG", 0.9, {"entity": "NATO"}),), data={"n": 1})
    store.add_results([r])
    assert store.has_result(d.id, "demo", "1") and not store.has_result(d.id, "demo", "2")
    assert store.get_result(d.id, "demo", "1") == r
    assert list(store.iter_results("demo")) == [r]


def test_results_of_many_articles_in_one_call(store):
    docs = [_doc(f"Article number {i} on the summit.") for i in range(620)]
    for d in docs:
        store.add_document(d)
    # every third article has a result; one at another version must not be returned
    store.add_results([Result("demo", "1", d.id, data={"i": i})
                       for i, d in enumerate(docs) if i % 3 == 0])
    store.add_results([Result("demo", "2", docs[1].id, data={"i": 1})])
    got = store.get_results([d.id for d in docs] + [docs[0].id], "demo", "1")
    assert sorted(r.data["i"] for r in got.values()) == list(range(0, 620, 3))
    assert all(got[d.id] == store.get_result(d.id, "demo", "1") for d in docs[::3])
    assert store.get_results([], "demo", "1") == {}


def test_relations(store):
    a, b = _doc("First text about the summit."), _doc("Second text about the summit.")
    store.add_document(a)
    store.add_document(b)
    store.add_relations([Relation(a.id, b.id, "partial", 0.8, "copies", {"spans": [[0, 5]]})])
    rel = store.relations_of(b.id)
    assert len(rel) == 1 and rel[0].kind == "partial" and rel[0].evidence == {"spans": [[0, 5]]}


def test_readers_see_committed_writes_while_a_writer_is_open(store, tmp_path):
    store.add_document(_doc("Committed at once, visible to a second connection."))
    reader = sqlite3.connect(tmp_path / "test.db")
    assert reader.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    reader.close()


def test_unopenable_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "not-a-dir"
    bad.write_text("x")
    with pytest.raises(NarrascopeError, match="cannot open database"):
        Store(bad / "sub.db")


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(NarrascopeError, match="cannot open database"):
        Store(junk)


def test_an_id_prefix_is_literal_and_must_be_unique(store):
    """``_`` and ``%`` in a typed prefix are characters, not wildcards; a prefix shared by
    two ids finds nothing; hex ids are found from an upper-case prefix too."""
    for doc_id in ("ab_c1234", "abxc5678", "cafe0001", "cafe0002", "deadbeef01"):
        store.add_document(Document(id=doc_id, text=f"text of {doc_id}"))
    assert store.get_document("ab_c").id == "ab_c1234"
    assert store.get_document("abxc").id == "abxc5678"
    assert store.get_document("ab%c") is None
    assert store.get_document("cafe") is None  # two ids start with it
    assert store.get_document("DEADBEEF").id == "deadbeef01"
