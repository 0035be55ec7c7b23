"""Reading NER corpora, the entity-level scorer, and a tiny training run."""

from __future__ import annotations

import json

import pytest

from narrascope.analysers.entities.corpus import entity_spans, read_sentences
from narrascope.train import get_trainer
from narrascope.train.ner import score

from support import FIXTURES

TINY = FIXTURES / "entities"


def test_read_conll_and_wikiann():
    conll = list(read_sentences(TINY / "tiny.conll"))
    assert len(conll) == 5
    assert conll[0].words[:2] == ("Maria", "Okafor")
    assert entity_spans(conll[0].tags) == {(0, 2, "PER"), (3, 4, "LOC"), (6, 8, "ORG")}
    wiki = list(read_sentences(TINY / "tiny.wikiann"))
    assert [s.words[0] for s in wiki] == ["Anna", "Nordic"]  # the xx: prefix is gone
    dropped = list(read_sentences(TINY / "tiny.conll", {"MISC": ""}))
    assert all("MISC" not in t for s in dropped for t in s.tags)


def test_bio_repair_and_spans():
    from narrascope.analysers.entities.corpus import _repair

    assert _repair(["O", "I-PER", "I-PER", "I-LOC"]) == ["O", "B-PER", "I-PER", "B-LOC"]
    assert entity_spans(["B-PER", "B-PER", "O", "B-ORG", "I-ORG"]) == {
        (0, 1, "PER"), (1, 2, "PER"), (3, 5, "ORG")}


def test_scorer():
    gold = [{(0, 2, "PER"), (3, 4, "LOC")}, {(1, 2, "ORG")}]
    pred = [{(0, 2, "PER"), (3, 4, "ORG")}, {(1, 2, "ORG")}]
    m = score(gold, pred)
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["per_type"]["LOC"]["recall"] == 0.0
    assert m["per_type"]["PER"]["f1"] == 1.0
    assert "PER" in m["table"]


def test_tiny_training_run(tmp_path):
    t = get_trainer("ner")
    out = t.train([str(TINY / "tiny.conll")], str(tmp_path / "m"),
                  {"max_steps": "12", "eval_frequency": "6", "dev": str(TINY / "tiny.conll"),
                   "width": "32", "depth": "1", "rows": "0.1"})
    assert (tmp_path / "m" / "config.cfg").exists() and out == str(tmp_path / "m")
    # the temporary corpus paths of the run are not left in the shipped config
    assert "train = null" in (tmp_path / "m" / "config.cfg").read_text(encoding="utf-8")
    m = t.evaluate(str(TINY / "tiny.conll"), out, {})
    assert m["language"] == "en" and m["sentences"] == 5 and m["entities"] == 13
    assert 0.0 <= m["f1"] <= 1.0
    # the vocabulary of the training text is not shipped with the model
    strings = (tmp_path / "m" / "vocab" / "strings.json").read_text(encoding="utf-8")
    assert "Okafor" not in strings
    # the model lists what it learnt from, and a score on that file is flagged as such
    meta = json.loads((tmp_path / "m" / "meta.json").read_text(encoding="utf-8"))
    assert [(d["file"], d["sentences"]) for d in meta["narrascope_training_data"]] == [
        ("entities/tiny.conll", 5)]
    assert m["warning"] == "the model was trained on tiny.conll: this is not a held-out score"
    # the same sentences under another name are still training data; other files are not
    copy = tmp_path / "copy.conll"
    copy.write_bytes((TINY / "tiny.conll").read_bytes())
    assert "copy.conll" in t.evaluate(str(copy), out, {})["warning"]
    other = tmp_path / "other.conll"
    other.write_text("Ana B-PER\nspoke O\n", encoding="utf-8")
    assert "warning" not in t.evaluate(str(other), out, {})


def test_evaluate_reports_the_models_language(tmp_path):
    # a data file outside a wikiann/<lang>/ folder names no language: the model's is shown
    t = get_trainer("ner")
    out = t.train([str(TINY / "tiny.conll")], str(tmp_path / "m"),
                  {"max_steps": "2", "eval_frequency": "2", "dev": str(TINY / "tiny.conll"),
                   "width": "32", "depth": "1", "rows": "0.1", "lang": "pt"})
    assert t.evaluate(str(TINY / "tiny.conll"), out, {})["language"] == "pt"
