"""Shared text helpers: sentences, paragraphs and closing quotation marks."""

from __future__ import annotations

import pytest

from narrascope.analysers.techniques.tokens import tokenize
from narrascope.text import close_quotation, drop_stray_closer, paragraphs, sentences


def test_sentences_and_paragraphs_round_trip():
    text = 'Mr. Orlov spoke. He said "no."\n\nA new paragraph? Yes.'
    sents = sentences(text)
    assert [text[s.start:s.end] for s in sents] == [
        "Mr. Orlov spoke.", 'He said "no."', "A new paragraph?", "Yes."]
    assert [text[p.start:p.end] for p in paragraphs(text)] == [
        'Mr. Orlov spoke. He said "no."', "A new paragraph? Yes."]


@pytest.mark.parametrize("text, span, want", [
    ('the West "doomed to fail" in Ukraine', "the West \"doomed to fail", 'the West "doomed to fail"'),
    ("the West «doomed to fail» in Ukraine", "the West «doomed to fail", "the West «doomed to fail»"),
    ("a “doomed” plan", "a “doomed", "a “doomed”"),
    ('"doomed" and "lost" plans', '"doomed" and "lost', '"doomed" and "lost"'),
    ('"doomed" and "lost" plans', '"doomed" and', '"doomed" and'),  # balanced: unchanged
    ('he said "doomed"', "doomed", "doomed"),  # the opener is outside: unchanged
    ("no marks here", "no marks", "no marks"),
])
def test_close_quotation_takes_the_mark_that_closes_an_opened_quotation(text, span, want):
    start = text.index(span)
    end = close_quotation(text, start, start + len(span))
    assert text[start:end] == want



@pytest.mark.parametrize("text, span, want", [
    ('They are losing in Ukraine" , he said', 'They are losing in Ukraine"',
     "They are losing in Ukraine"),  # the source lost the opening mark
    ("They are losing » , he said", "They are losing »", "They are losing"),
    ("They are losing” , he said", "They are losing”", "They are losing"),
    ('the West is "losing" now', 'the West is "losing"', 'the West is "losing"'),
    ("the West is «losing»", "the West is «losing»", "the West is «losing»"),
    ("a “doomed” plan", "a “doomed”", "a “doomed”"),
    ("no marks here", "no marks", "no marks"),
])
def test_drop_stray_closer_keeps_only_marks_that_close_something(text, span, want):
    start = text.index(span)
    end = drop_stray_closer(text, start, start + len(span))
    assert text[start:end] == want

def test_technique_spans_end_after_the_quotation_they_open():
    text = 'Officials called the West "doomed to fail" in Ukraine.'
    tok = tokenize(text)
    i = tok.words.index("West")
    j = tok.words.index("fail") + 1
    s, e = tok.char_span(i, j)
    assert text[s:e] == 'West "doomed to fail"'
    assert text[slice(*tok.char_span(i, i + 1))] == "West"
