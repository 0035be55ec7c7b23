"""The quote finder: quote styles, cues, speakers and their resolution."""

from __future__ import annotations

import pytest

from narrascope.analysers.quotes import quotes_of


def _one(source: str, **want):
    quotes = quotes_of(source)
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



@pytest.mark.parametrize("open_, close", [("“", " ”"), ("«", " »")])
def test_a_closing_mark_after_a_space_still_closes(open_, close):
    text = (f"Maria Ivanova, the mayor of Tula, spoke on Monday. {open_}The bridge will "
            f"open next spring,{close} Ivanova said. “We will see.”")
    q = quotes_of(text)[0]
    assert (q["kind"], q["speaker"], q["text"]) == ("direct", "Maria Ivanova",
                                                    "The bridge will open next spring,")


def test_a_quote_loses_a_closing_mark_that_closes_nothing():
    text = ("Both the US and NATO realize that time is not on their side. They are losing "
            "in Ukraine\" , according to Mr. Gavrilov.")
    assert [q["text"] for q in quotes_of(text)] == ["They are losing in Ukraine"]

def test_offsets_round_trip():
    text = "Officials met.\n\n“We will not yield,” Sergei Orlov said. He added: “Never.”"
    for q in quotes_of(text):
        assert text[q["start"]:q["end"]] == q["text"]
        s, e = q["speaker_span"]
        assert text[s:e] == q["speaker_text"]
        s, e = q["cue_span"]
        assert text[s:e] == q["cue"]


def test_cross_paragraph_quote():
    text = ("The envoy spoke after the talks.\n\n“We made progress on the first file.\n\n"
            "“But the rest will take time,” Stefan Lorenz said.")
    q = _one(text, kind="direct", speaker="Stefan Lorenz")
    assert "first file" in q["text"] and "take time" in q["text"]


def test_cross_sentence_quote_and_continuation():
    text = ("Minister Anna Kovac opened the plant. “It is a good day. Jobs are coming back,” "
            "Kovac said. “We will build a second line.”")
    quotes = quotes_of(text)
    assert [q["speaker"] for q in quotes] == ["Anna Kovac", "Anna Kovac"]
    assert quotes[0]["text"].startswith("It is a good day. Jobs")
    assert quotes[1]["cue_span"] == quotes[0]["cue_span"]


def test_partial_quote_inside_indirect_speech():
    text = "Ambassador Ivan Petrov said the alliance was “playing with fire” in the region."
    q = _one(text, kind="indirect", speaker="Ivan Petrov")
    (s, e), = q["partial"]
    assert text[s:e] == "playing with fire"


def test_partial_quote_after_weaker_cue():
    text = "Ambassador Ivan Petrov accused Washington of “priming” public opinion."
    _one(text, kind="direct", speaker="Ivan Petrov", text="priming")


@pytest.mark.parametrize("text, speaker, content", [
    ("Kremlin aide Boris Lenkov said that the talks had stalled.", "Boris Lenkov",
     "the talks had stalled"),
    ("The talks had stalled, Boris Lenkov told reporters on Monday.", "Boris Lenkov",
     "The talks had stalled"),
    ("The talks had stalled, said Boris Lenkov.", "Boris Lenkov", "The talks had stalled"),
    ("Boris Lenkov warned on Friday that the talks had stalled.", "Boris Lenkov",
     "the talks had stalled"),
])
def test_indirect_speech(text, speaker, content):
    _one(text, kind="indirect", speaker=speaker, text=content)


@pytest.mark.parametrize("text, speaker, content", [
    ("According to Boris Lenkov, the talks had stalled.", "Boris Lenkov",
     "the talks had stalled"),
    ("The talks had stalled, according to Boris Lenkov.", "Boris Lenkov",
     "The talks had stalled"),
    ("As reported by Boris Lenkov, the talks had stalled.", "Boris Lenkov",
     "the talks had stalled"),
])
def test_according_to(text, speaker, content):
    q = _one(text, kind="indirect", speaker=speaker, text=content)
    assert text[slice(*q["cue_span"])].lower() in ("according to", "reported by")


def test_pronoun_surname_and_title_resolution():
    text = ("Kremlin spokesman Dmitry Peskov spoke to reporters. “The door is open,” he said.\n\n"
            "Later, Peskov said that no meeting was planned. “We see no reason,” the Kremlin "
            "spokesman added.")
    quotes = quotes_of(text)
    assert [q["speaker"] for q in quotes] == ["Dmitry Peskov"] * 3
    assert all(q["speaker_title"] == "Kremlin spokesman" for q in quotes)
    assert [q["speaker_text"] for q in quotes] == ["he", "Peskov", "the Kremlin spokesman"]


def test_pronoun_skips_names_inside_quotes_and_after_prepositions():
    text = ("NATO Secretary General Jens Holm met the Turkish President Erdan Kaya. "
            "Holm said: “Mr. Kaya was helpful.” Talks with Erdan Kaya went on.\n\n"
            "“This is a historic step,” he said.")
    assert quotes_of(text)[-1]["speaker"] == "Jens Holm"


def test_apposition_title():
    text = ("Konstantin Orlov, a Russian diplomat serving in Vienna, told RIA that the West "
            "was losing.")
    q = _one(text, speaker="Konstantin Orlov")
    assert q["speaker_title"] == "Russian diplomat serving in Vienna"


@pytest.mark.parametrize("text, reason", [
    ("Officials met. “Nothing is decided,” they said.", "plural pronoun"),
    ("The meeting ended. “Nothing is decided,” a senior official said.", "unnamed person"),
    ("“Nothing is decided,” he said.", "no earlier person to refer to"),
])
def test_unresolved_speakers_say_why(text, reason):
    q = _one(text, speaker=None)
    assert q["unresolved"] == reason
    assert q["speaker_span"] is not None


def test_scare_quotes_are_not_quotes():
    assert quotes_of("The so-called “peace plan” was published on Monday.") == []


@pytest.mark.parametrize("text", [
    "Olga Sarina did not say that the plant would close.",
    "Olga Sarina declined to comment on whether the plant would close.",
])
def test_negated_speech_is_no_quote(text):
    assert quotes_of(text) == []



@pytest.mark.parametrize("text", [
    "Though Sanders is gaining ground, Hillary Clinton maintains a commanding lock on the "
    "party's leadership.",
    "With Ukraine's forces seemingly unable to reclaim lost territories, a growing number "
    "of Western officials have suggested that Kiev may have to seek a peace deal with "
    "Russia and concede its former territories.",
    "On Thursday, Bernie Sanders told the AP that he would not seek a recount, conceding "
    "the race to Clinton.",
])
def test_maintain_and_concede_with_an_object_are_no_quotes(text):
    assert [q["text"] for q in quotes_of(text) if q["cue"].startswith(("maint", "conc"))] == []


@pytest.mark.parametrize("text, content", [
    ("Olga Sarina conceded that the plant would close next year.",
     "the plant would close next year"),
    ("The plant will close next year, Olga Sarina conceded.", "The plant will close next year"),
])
def test_maintain_and_concede_report_a_that_clause_or_what_came_before(text, content):
    _one(text, kind="indirect", speaker="Olga Sarina", text=content)

def test_participle_takes_the_main_subject():
    text = ("In a televised interview on Sunday, Senator Paul Ridley defended the plan, "
            "saying that the budget would balance by 2030.")
    _one(text, kind="indirect", speaker="Paul Ridley",
         text="the budget would balance by 2030")


def test_role_named_only_later_resolves_when_unique():
    text = ("Russia's foreign minister claims that the talks failed.\n\n"
            "In an interview, Foreign Minister Pavel Orlov blamed the West.")
    q = quotes_of(text)[0]
    assert q["speaker"] == "Pavel Orlov" and q["speaker_text"] == "Russia's foreign minister"


@pytest.mark.parametrize("open_, close", [('"', '"'), ("“", "”"), ("«", "»")])
def test_indirect_speech_ending_in_a_quoted_phrase_keeps_its_closing_mark(open_, close):
    text = (f"Boris Lenkov said that Moscow would talk only on the basis of {open_}the facts "
            f"on the ground{close}.")
    q = [q for q in quotes_of(text) if q["kind"] == "indirect"]
    assert len(q) == 1, quotes_of(text)
    assert q[0]["text"] == f"Moscow would talk only on the basis of {open_}the facts on the ground{close}"
    plain = _one("Boris Lenkov said that the talks had stalled again.", kind="indirect")
    assert plain["text"] == "the talks had stalled again"
