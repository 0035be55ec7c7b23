"""Hindi rules (nukta spellings, names in Latin letters, group nouns, repeated names) and
the document-level hold-out of the NER trainer."""

from __future__ import annotations

import pytest

from narrascope.analysers.entities.corpus import read_documents
from narrascope.analysers.entities.recogniser import Recogniser, repeat_names
from narrascope.analysers.entities.rules import Candidate, LanguageRules
from narrascope.train.ner import _settings, split_documents

from support import FIXTURES


@pytest.fixture(scope="module")
def hi_rules() -> LanguageRules:
    return LanguageRules.load("hi")


def test_gazetteer_matches_with_and_without_nukta(tmp_path):
    # one entry written with a nukta; the text spells it three ways: precomposed nukta
    # letter, letter + combining nukta, and no nukta at all
    (tmp_path / "xx.tsv").write_text("PER\tज़ेलेंस्की\tज़ेलेंस्की\n", encoding="utf-8")
    rules = LanguageRules("xx")
    rules._load_gazetteer(tmp_path / "xx.tsv")
    forms = ["\u095bेलेंस्की", "\u091c\u093cेलेंस्की", "जेलेंस्की"]
    text = " और ".join(forms)
    found = rules.find_gazetteer(text)
    assert [text[c.start:c.end] for c in found] == forms
    assert {c.canonical for c in found} == {"ज़ेलेंस्की"}


def test_latin_names_in_hindi_text(hi_rules):
    text = "एजेंसी Reuters के मुताबिक USSR के दौर में, देखें example.com/News पर"
    assert [text[c.start:c.end] for c in hi_rules.find_latin(text)] == ["Reuters", "USSR"]
    # other languages are written in Latin (or have capitals): the rule is Hindi's only
    assert LanguageRules.load("en").find_latin("Reuters said") == []


def test_hindi_group_nouns_and_demonyms():
    text = ("भारतीय अधिकारियों ने कहा कि रूसी सेना पर पश्चिमी देशों का आरोप है, और "
            "यूक्रेनियों ने मदद माँगी।")
    spans = Recogniser().recognise(text, "hi")
    by_text = {s.attrs["text"]: s.label for s in spans}
    assert by_text.get("भारतीय अधिकारियों") == "NORP"
    # "the Western countries" is the gazetteer's West, an actor of its own
    west = LanguageRules.load("hi").find_gazetteer("पश्चिमी देशों ने कहा")
    assert [(c.end, c.canonical) for c in west] == [(len("पश्चिमी देशों"), "पश्चिम")]
    assert by_text.get("रूसी सेना") == "ORG"
    assert by_text.get("यूक्रेनियों") == "NORP"


def test_names_repeat_in_a_script_without_capitals():
    text = "तारिणी वर्मा ने कहा। बाद में वर्मा ने फिर कहा।"
    found = [Candidate(0, len("तारिणी वर्मा"), "PER", "model")]
    again = repeat_names(text, found, "hi", capitalised=False)
    assert [text[c.start:c.end] for c in again] == ["तारिणी वर्मा", "वर्मा"]
    # where names are told by their capital letter, these words are not names
    assert repeat_names(text, found, "hi", capitalised=True) == []


def test_hindi_common_nouns_are_no_names_and_are_not_repeated(monkeypatch):
    """"युद्ध" (war) tagged once by the Hindi model was a name, and then every "युद्ध" of
    the article; common nouns, verbs, months and weekdays are no names, as a span of
    their own or as the last word of a person the model found ("... रही")."""
    from narrascope.analysers.entities.recogniser import Recogniser

    text = "रूस और यूक्रेन के बीच युद्ध जारी है। सुनीता रही ने कहा कि युद्ध शुक्रवार को रुकेगा।"
    spans = [(text.index("युद्ध"), text.index("युद्ध") + len("युद्ध")),
             (text.index("सुनीता"), text.index(" ने"))]
    rec = Recogniser()
    monkeypatch.setattr(rec, "model_candidates", lambda texts, lang: [
        [Candidate(spans[0][0], spans[0][1], "GPE", "model"),
         Candidate(spans[1][0], spans[1][1], "PER", "model")]])
    found = [text[s.start:s.end] for s in rec.recognise(text, "hi")]
    assert "युद्ध" not in found and "रही" not in found and "शुक्रवार" not in found, found
    assert "सुनीता रही" in found and "रूस" in found, found


CONLL_DOCS = """-DOCSTART- -X- -X- O

Ana NNP B-NP B-PER
left VBD B-VP O

Ana NNP B-NP B-PER
returned VBD B-VP O

-DOCSTART- -X- -X- O

Oslo NNP B-NP B-LOC
votes VBZ B-VP O

-DOCSTART- -X- -X- O

Bern NNP B-NP B-LOC
waits VBZ B-VP O

Bern NNP B-NP B-LOC
votes VBZ B-VP O

Bern NNP B-NP B-LOC
sleeps VBZ B-VP O
"""


def test_documents_are_held_out_whole(tmp_path):
    path = tmp_path / "docs.conll"
    path.write_text(CONLL_DOCS, encoding="utf-8")
    docs = read_documents(path)
    assert [len(d) for d in docs] == [2, 1, 3]
    firsts = {d[0].words[0]: len(d) for d in docs}
    for seed in range(6):
        train, dev = split_documents(docs, _settings({"dev_fraction": "0.34", "seed": seed}))
        assert len(train) + len(dev) == 6
        # the held-out sentences are one whole document, absent from training
        assert {s.words[0] for s in dev} & {s.words[0] for s in train} == set()
        assert len(dev) == firsts[dev[0].words[0]]
    # a given dev file: every training document is used
    train, dev = split_documents(docs, _settings({"dev_fraction": "0"}))
    assert len(train) == 6 and dev == []


def test_wikiann_sentences_are_their_own_documents():
    docs = read_documents(FIXTURES / "entities" / "tiny.wikiann")
    assert [len(d) for d in docs] == [1, 1]


def test_dropout_option_reaches_the_training_config(tmp_path):
    from narrascope.train.ner import _config

    cfg = _config("en", _settings({"dropout": "0.25"}), tmp_path / "t", tmp_path / "d")
    assert cfg["training"]["dropout"] == 0.25
    assert _config("en", _settings({}), tmp_path / "t", tmp_path / "d")["training"]["dropout"] == 0.1


def test_average_option_makes_the_optimizer_keep_averaged_weights(tmp_path):
    from narrascope.train.ner import _config

    cfg = _config("pt", _settings({"average": "1"}), tmp_path / "t", tmp_path / "d")
    assert cfg["training"]["optimizer"]["use_averages"] is True
    off = _config("pt", _settings({}), tmp_path / "t", tmp_path / "d")
    assert off["training"]["optimizer"]["use_averages"] is False
