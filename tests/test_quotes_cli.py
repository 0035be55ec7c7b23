"""``narrascope quotes``: counts per speaker, outlet and narrative; text and CSV."""

from __future__ import annotations

import csv
import io

from narrascope.cli import main
from narrascope.model import Document, Label, Result, doc_id_for


def _doc(store, text: str, outlet: str) -> str:
    doc = Document(doc_id_for(text), text, outlet=outlet)
    store.add_document(doc)
    from narrascope.analysers import load_analyser

    store.add_results(load_analyser("quotes").analyse([doc], [{}]))
    return doc.id


def _fill(store):
    a = _doc(store, "Minister Olga Sarina spoke. “We are ready,” she said. “Fully.”", "Wire A")
    _doc(store, "“Not now,” Olga Sarina said. “Later,” Petr Volkov said.", "Blog B")
    _doc(store, "“We shall see,” they said.", "Blog B")
    store.add_results([Result("narratives", "1", a, labels=(Label("URW: Blaming the West"),))])


def test_quotes_by_speaker_csv(store, capsys):
    _fill(store)
    assert main(["quotes", "--db", str(store.path), "--format", "csv", "-q"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["speaker"] == "Olga Sarina" and rows[0]["quotes"] == "3"
    assert rows[0]["articles"] == "2" and rows[0]["title"] == "Minister"
    assert {r["speaker"] for r in rows} == {"Olga Sarina", "Petr Volkov"}


def test_quotes_by_outlet_and_limit(store, capsys):
    _fill(store)
    assert main(["quotes", "--db", str(store.path), "--by", "outlet", "--limit", "1"]) == 0
    out = capsys.readouterr()
    lines = out.out.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("Wire A") and "Olga Sarina" in lines[1]
    assert "unresolved speaker" in out.err


def test_quotes_by_narrative(store, capsys):
    _fill(store)
    assert main(["quotes", "--db", str(store.path), "--by", "narrative", "-f", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows == [{"narrative": "URW: Blaming the West", "speaker": "Olga Sarina",
                     "title": "Minister", "quotes": "2", "articles": "1"}]


def test_quotes_empty_store_and_bad_limit(store, capsys):
    assert main(["quotes", "--db", str(store.path)]) == 3
    assert "no quotes" in capsys.readouterr().err
    assert main(["quotes", "--db", str(store.path), "--limit", "-2"]) == 2


def test_train_quotes_explains_there_is_nothing_to_train(tmp_path, capsys):
    assert main(["train", "quotes", str(tmp_path)]) == 2
    assert "rule-based" in capsys.readouterr().err


def test_evaluate_quotes_on_own_set(fixtures, capsys):
    assert main(["evaluate", "quotes", str(fixtures / "quotes"), "--json"]) == 0
    out = capsys.readouterr().out
    assert '"pronoun_resolution"' in out and '"documents": ' in out
