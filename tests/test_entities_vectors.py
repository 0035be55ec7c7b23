"""Static word vectors and tok2vec pretraining for the NER trainer (tiny tables and runs)."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.errors import NarrascopeError
from narrascope.train import get_trainer
from narrascope.train.ner_pretrain import pretrain_options, raw_texts
from narrascope.train.ner_vectors import load_table, reduce_table, vector_options

from support import FIXTURES

TINY = FIXTURES / "entities"


def _table(path, words, dims=6, seed=0):
    rng = np.random.default_rng(seed)
    lines = [f"{len(words)} {dims}"]
    lines += [w + " " + " ".join(f"{x:.4f}" for x in rng.normal(size=dims)) for w in words]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_text_table_keeps_file_order_as_frequency(tmp_path):
    words, matrix, counts = load_table(_table(tmp_path / "v.txt", ["the", "of", "maria"]))
    assert words == ["the", "of", "maria"] and matrix.shape == (3, 6)
    assert counts[0] > counts[1] > counts[2]


def test_reduce_keeps_most_frequent_lowercased_words_once():
    rng = np.random.default_rng(1)
    words = ["Rare", "common", "Common", "middle", "other"]
    matrix = rng.normal(size=(5, 8)).astype(np.float32)
    counts = np.array([1.0, 50.0, 40.0, 10.0, 5.0])
    kept, reduced = reduce_table(words, matrix, counts, rows=3, dims=2)
    # "Common" lower-cases to a word already kept; "Rare" is least frequent
    assert kept == ["common", "middle", "other"]
    assert reduced.shape == (3, 2) and reduced.dtype == np.float32
    assert reduced.std() == pytest.approx(1.0, rel=1e-4)


def test_vector_option_errors_are_one_line(tmp_path):
    assert vector_options({})[0] is None
    with pytest.raises(NarrascopeError, match="no such file"):
        vector_options({"vectors": str(tmp_path / "missing.txt")})
    (tmp_path / "v.bin").write_bytes(b"\0")
    with pytest.raises(NarrascopeError, match="allowed suffixes"):
        load_table(tmp_path / "v.bin")
    from narrascope.train.ner_vectors import _forms

    with pytest.raises(NarrascopeError, match="allowed forms are lower, title, upper"):
        _forms({"vector_forms": "title,mixed"})
    assert [f("москва") for f in _forms({"vector_forms": "title,upper"})] == ["Москва", "МОСКВА"]


def test_pretrain_texts_are_training_sentences_and_articles(tmp_path):
    from narrascope.analysers.entities.corpus import Sentence

    (tmp_path / "a.txt").write_text("First paragraph here.\n\nSecond one.", encoding="utf-8")
    sents = [Sentence(("Maria", "spoke"), ("B-PER", "O"))]
    assert pretrain_options({"pretrain": "train,x", "pretrain_epochs": "2"}) == (["train", "x"], 2)
    texts = list(raw_texts(["train", str(tmp_path)], sents))
    assert texts == ["Maria spoke", "First paragraph here.", "Second one."]


def test_training_with_static_vectors(tmp_path):
    words = ["maria", "okafor", "spoke", "in", "lagos", "the", "bank", "of", "nigeria"]
    table = _table(tmp_path / "v.txt", words)
    t = get_trainer("ner")
    out = t.train([str(TINY / "tiny.conll")], str(tmp_path / "m"),
                  {"max_steps": "6", "eval_frequency": "3", "dev": str(TINY / "tiny.conll"),
                   "width": "32", "depth": "1", "rows": "0.1", "vectors": str(table),
                   "vector_rows": "5", "vector_dims": "4"})
    cfg = (tmp_path / "m" / "config.cfg").read_text(encoding="utf-8")
    assert "include_static_vectors = true" in cfg
    assert "\nvectors = null" in cfg  # the temporary vectors folder is not named
    from narrascope.analysers.entities.model import load_pipeline

    nlp = load_pipeline("en", out)
    assert nlp.vocab.vectors.shape == (5, 4)
    # each lower-case word of the table is found in lower, title and upper case
    vec = nlp.vocab.vectors
    rows = {vec.find(key=nlp.vocab.strings[w]) for w in ("maria", "Maria", "MARIA")}
    assert len(rows) == 1 and rows != {-1}
    assert vec.find(key=nlp.vocab.strings["Nigeria"]) == -1  # not among the 5 kept rows
    # the model runs on text whose words are and are not in the table
    nlp("Maria Okafor spoke in Abuja .")
    strings = (tmp_path / "m" / "vocab" / "strings.json").read_text(encoding="utf-8")
    assert "Okafor" not in strings


def test_pretraining_writes_tok2vec_weights_the_training_starts_from(tmp_path):
    from narrascope.analysers.entities.corpus import read_sentences
    from narrascope.train.ner import _config, _settings
    from narrascope.train.ner_pretrain import pretrain_tok2vec

    sents = list(read_sentences(TINY / "tiny.conll"))
    st = _settings({"width": "32", "depth": "1", "rows": "0.1"})
    cfg = _config("en", st, tmp_path / "train.spacy", tmp_path / "dev.spacy")
    assert pretrain_tok2vec(cfg, {}, sents, tmp_path / "none") is None
    weights = pretrain_tok2vec(cfg, {"pretrain": "train", "pretrain_epochs": "1"}, sents,
                               tmp_path / "pre")
    assert weights.is_file() and weights.stat().st_size > 0
    # the training config itself is not changed by pretraining
    assert "pretraining" not in cfg or not cfg["pretraining"]
