"""The quote finder: quote styles, cues, speakers and their resolution."""

from __future__ import annotations

import pytest

from narrascope.analysers.quotes import quotes_of


def _one(text: str, **want):
    quotes = quotes_of(text)
    assert len(quotes) == 1, quotes
    q = quotes[0]
    for k, v in want.items():
        assert q[k] == v, (k, q)
    return q


@pytest.mark.parametrize("open_, close", [("“", "”"), ('"', '"'), ("«", "»"), ("„", "“"),
                                           ("‘", "’"), ("'", "'")])
def test_each_quote_style(open_, close):
    text = (f"Maria Ivanova, the mayor of Tula, spoke on Monday. {open_}The bridge will "
            f"open next spring,{close} Ivanova said.")
    q = _one(text, kind="direct", speaker="Maria Ivanova")
    assert q["text"] == "The bridge will open next spring,"
    assert text[q["start"]:q["end"]] == q["text"]
    assert text[slice(*q["cue_span"])] == "said"
    assert text[slice(*q["speaker_span"])] == "Ivanova"


def test_offsets_round_trip():
    text = "Officials met.\n\n“We will not yield,” Sergei Orlov said. He added: “Never.”"
    for q in quotes_of(text):
        assert text[q["start"]:q["end"]] == q["text"]
        s, e = q["speaker_span"]
        assert text[s:e] == q["speaker_text"]
        s, e = q["cue_span"]
        assert text[s:e] == q["cue"]
