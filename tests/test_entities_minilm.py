"""The English word-vector table made from MiniLM (``train ner-vectors``), on tiny texts."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.errors import NarrascopeError
from narrascope.train import get_trainer
from narrascope.train.ner_minilm import vocabulary
from narrascope.train.ner_vectors import load_table

from support import FIXTURES

TINY = FIXTURES / "entities" / "tiny.conll"
HARBOUR_IN_TINY = sum(line.split()[0].lower() == "harbour"
                      for line in TINY.read_text(encoding="utf-8").splitlines() if line.strip())


def _articles(tmp_path):
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Okafor spoke on Monday.\n\nThe harbour reopened on Tuesday.",
                                  encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("Okafor left. THE HARBOUR closed.", encoding="utf-8")
    return folder


def test_vocabulary_counts_lower_case_words_of_conll_files_and_articles(tmp_path):
    texts = [TINY, _articles(tmp_path)]
    vocab = dict(vocabulary(texts, rows=1000, min_count=1, encoder_words=False))
    # "Okafor" twice in the CoNLL file, twice in the articles (one in a sub-folder)
    assert vocab["okafor"] == 4
    # every case form counts for the lower-case word ("Harbour", "harbour", "HARBOUR")
    assert vocab["harbour"] == HARBOUR_IN_TINY + 2
    assert "Okafor" not in vocab and "-DOCSTART-" not in vocab and "-docstart-" not in vocab
    ranked = vocabulary(texts, rows=1000, min_count=1, encoder_words=False)
    counts = [c for _, c in ranked]
    assert counts == sorted(counts, reverse=True)


def test_min_count_rows_and_encoder_words(tmp_path):
    texts = [TINY, _articles(tmp_path)]
    twice = vocabulary(texts, rows=1000, min_count=2, encoder_words=False)
    assert twice and all(c >= 2 for _, c in twice)
    assert "monday" not in dict(twice)  # seen once
    more = vocabulary(texts, rows=len(twice) + 50, min_count=2)
    assert more[: len(twice)] == twice  # the texts' words come first
    extra = more[len(twice):]
    assert len(extra) == 50 and all(c == 0 and w.isalpha() for w, c in extra)
    assert not {w for w, _ in extra} & {w for w, _ in twice}
    assert len(vocabulary(texts, rows=3, min_count=1)) == 3


def test_table_is_readable_by_the_ner_trainer_and_places_alike_words_together(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    week = "monday tuesday wednesday harbour"
    folder.joinpath("a.txt").write_text((week + "\n") * 2, encoding="utf-8")
    out = tmp_path / "v.txt"
    get_trainer("ner-vectors").train([str(folder)], str(out), {"encoder_words": "0"})
    words, matrix, counts = load_table(out)
    assert sorted(words) == sorted(week.split()) and matrix.shape == (4, 384)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-3)
    v = dict(zip(words, matrix))
    assert v["monday"] @ v["tuesday"] > v["monday"] @ v["harbour"]


def test_coverage_and_one_line_errors(tmp_path):
    table = tmp_path / "v.txt"
    table.write_text("2 3\nokafor 0 0 1\nthe 1 0 0\n", encoding="utf-8")
    m = get_trainer("ner-vectors").evaluate(str(TINY), str(table), {})
    assert m["words_in_table"] == 2
    assert 0 < m["entity_token_coverage"] < 1 and 0 < m["token_coverage"] < 1
    with pytest.raises(NarrascopeError, match="-o FILE"):
        get_trainer("ner-vectors").train([str(TINY)], None, {})
    with pytest.raises(NarrascopeError, match="no such file or folder"):
        vocabulary([tmp_path / "missing"])
    with pytest.raises(NarrascopeError, match="no words seen"):
        get_trainer("ner-vectors").train([str(TINY)], str(table),
                                         {"min_count": "1000", "encoder_words": "0"})
