"""The rules' alternations grouped by first character match what the plain ones match."""

from __future__ import annotations

import re

import pytest

from narrascope.analysers.entities.rules import LanguageRules, _alternation

TEXT = ("Prime Minister Ana Lima met President Bo Park and the press secretary; "
        "Pres. Ito, Secretary-General Kim, Spokeswoman Ruth Ng, Sen. Ola Ade, "
        "U.S. Defense Secretary Lee, US Defence Minister Roe, and a Minister of nothing.")

CASES = [
    ["President", "Prime Minister", "Pres\\.", "[Ss]pokes(?:man|woman)", "[Pp]ress [Ss]ecretary",
     "Secretary", "Secretary-General", "Sen\\.", "Defen[cs]e Secretary", "Defen[cs]e Minister",
     "Minister"],
    ["U\\.?S\\.?", "US", "U", "Ukrainian"],
    ["\\s+x", "a"],  # a branch beginning with an escape class: stays a plain alternation
    ["(ab)", "a"],  # a capturing group: stays a plain alternation
]


def _plain(patterns: list[str]) -> str:
    return "|".join(sorted(patterns, key=len, reverse=True))


@pytest.mark.parametrize("patterns", CASES)
def test_grouped_alternation_matches_like_the_plain_one(patterns):
    grouped = re.compile(rf"(?<![\w\-])(?:{_alternation(patterns)})(?=\W)")
    plain = re.compile(rf"(?<![\w\-])(?:{_plain(patterns)})(?=\W)")
    assert [m.span() for m in grouped.finditer(TEXT)] == [m.span() for m in plain.finditer(TEXT)]
    for at in range(len(TEXT)):
        a, b = grouped.match(TEXT, at), plain.match(TEXT, at)
        assert (a and a.span()) == (b and b.span())


def test_alternation_groups_by_first_character_or_falls_back():
    assert _alternation(["Ab", "Ac", "[Bb]x"]) == "B(?:x)|b(?:x)|A(?:b|c)"
    assert _alternation(["(ab)", "a"]) == "(ab)|a"
    assert _alternation(["a?b", "c"]) == "a?b|c"
    assert _alternation([]) == ""


def test_title_rule_finds_titled_names():
    rules = LanguageRules.load("en")
    names = [TEXT[c.start:c.end] for c in rules.find_titles(TEXT)]
    assert "Ana Lima" in names and "Bo Park" in names and "Ruth Ng" in names
