"""Distillation: teacher-tagged sentences of unlabelled text join the NER training data."""

from __future__ import annotations

import pytest

from narrascope.errors import NarrascopeError
from narrascope.train import get_trainer
from narrascope.train.ner_silver import _sentences_of, silver_sentences, text_files

from support import FIXTURES

TINY = FIXTURES / "entities"
TINY_ARCH = {"width": "32", "depth": "1", "rows": "0.1"}


def _doc(text: str, ents: list[tuple[int, int, str]]):
    import spacy

    nlp = spacy.blank("en")
    doc = nlp(text)
    doc.ents = [doc.char_span(s, e, label=lab) for s, e, lab in ents]
    return doc


def test_sentences_carry_bio_tags_without_whitespace_tokens():
    text = "Anna  Berg met the Harbour Trust in Porto today. Then she flew home to Oslo again."
    doc = _doc(text, [(0, 10, "PER"), (19, 32, "ORG"), (36, 41, "LOC"), (71, 75, "LOC")])
    first, second = list(_sentences_of(doc))
    assert first.words[:3] == ("Anna", "Berg", "met")  # the double space is no token
    assert first.tags[:3] == ("B-PER", "I-PER", "O")
    assert first.tags[first.words.index("Harbour"):][:2] == ("B-ORG", "I-ORG")
    assert second.words[0] == "Then" and second.tags[second.words.index("Oslo")] == "B-LOC"


def test_sentences_an_entity_crosses_are_skipped():
    text = "They met the envoy Anna. Berg came later today. It rained all day long here."
    start = text.index("Anna")
    doc = _doc(text, [(start, text.index(" came"), "PER")])
    kept = list(_sentences_of(doc))
    assert [s.words[0] for s in kept] == ["It"]


def test_missing_folder_is_a_one_line_error(tmp_path):
    with pytest.raises(NarrascopeError, match="unlabelled text"):
        text_files([tmp_path / "nowhere"])


def test_training_with_a_teacher_and_silver_text(tmp_path):
    t = get_trainer("ner")
    teacher = t.train([str(TINY / "tiny.conll")], str(tmp_path / "teacher"),
                      {"max_steps": "10", "eval_frequency": "5",
                       "dev": str(TINY / "tiny.conll"), **TINY_ARCH})
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text(
        "Maria Okafor visited Lisbon with the Harbour Trust on Monday.\n\n"
        "The Harbour Trust opened an office in Porto last week.\n", encoding="utf-8")
    silver = silver_sentences(teacher, "en", [news])
    assert [s.words[:2] for s in silver] == [("Maria", "Okafor"), ("The", "Harbour")]
    assert all(len(s.words) == len(s.tags) for s in silver)
    assert len(silver_sentences(teacher, "en", [news], limit=1)) == 1
    out = t.train([str(TINY / "tiny.conll")], str(tmp_path / "student"),
                  {"max_steps": "10", "eval_frequency": "5", "dev": str(TINY / "tiny.conll"),
                   "silver": str(news), "teacher": teacher, "gold_repeat": "2", **TINY_ARCH})
    assert t.evaluate(str(TINY / "tiny.conll"), out, {})["sentences"] == 5
    # neither the silver text's words nor the gold ones ship in the string table
    strings = (tmp_path / "student" / "vocab" / "strings.json").read_text(encoding="utf-8")
    assert "Okafor" not in strings and "Monday" not in strings
