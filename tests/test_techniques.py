"""The techniques analyser: training on a fixture corpus, offsets, the ptc-techniques
format, and the shipped model on the seed articles."""

from __future__ import annotations

import io
import json

import pytest

from support import FIXTURES, SEEDS
from narrascope.analysers.techniques import TECHNIQUES, TechniquesAnalyser, describe, summary
from narrascope.analysers.techniques.ptc import article_id, read_ptc
from narrascope.clean import clean
from narrascope.model import Document, RawItem, Result, Span, doc_id_for
from narrascope.report import Article, get_format
from narrascope.report.ptc_techniques import ptc_id

PTC = FIXTURES / "techniques"


def test_every_technique_is_described():
    for lab in TECHNIQUES:
        assert len(describe(lab)) > 40, lab
    assert describe("Not_A_Technique") == ""


def test_fixture_corpus_offsets_point_at_phrases():
    arts = read_ptc(PTC)
    assert [a.id for a in arts] == ["9001", "9002", "9003", "9004", "9005", "9006"]
    for a in arts:
        for s, e, lab in a.techniques:
            assert lab in TECHNIQUES
            assert 0 <= s < e <= len(a.text) and a.text[s:e].strip() == a.text[s:e]
    assert article_id("x/article771.txt") == "771" and ptc_id("x/article771.txt", "d") == "771"
    assert ptc_id("/a/b/seed_01.txt", "d") == "seed_01" and ptc_id(None, "d") == "d"


@pytest.fixture(scope="module")
def fixture_model(tmp_path_factory):
    """A model trained on the six fixture articles (a few seconds)."""
    from narrascope.train import get_trainer

    out = tmp_path_factory.mktemp("model") / "techniques"
    get_trainer("techniques").train([str(PTC)], str(out), {"inner_folds": "2"})
    return out


def test_training_writes_a_loadable_model_without_pickles(fixture_model):
    files = sorted(p.name for p in fixture_model.iterdir())
    assert files == ["settings.json", "weights.npz"]
    meta = json.loads((fixture_model / "settings.json").read_text())
    assert set(meta["labels"]) <= set(TECHNIQUES) and len(meta["labels"]) >= 2
    import numpy as np

    with np.load(fixture_model / "weights.npz", allow_pickle=False) as w:
        assert w["clf_coef"].shape[0] == len(meta["labels"])


def test_fixture_model_learns_its_training_spans(fixture_model):
    from narrascope.train import get_trainer

    m = get_trainer("techniques").evaluate(str(PTC), str(fixture_model), {})
    assert m["articles"] == 6
    assert m["span_f1"] > 0.3 and m["technique_micro_f1_given_spans"] > 0.5
    assert "Loaded_Language" in m["table"]


def test_spans_round_trip_against_the_text(fixture_model):
    analyser = TechniquesAnalyser(fixture_model)
    text = (PTC / "train-articles" / "article9004.txt").read_text()
    doc = Document(doc_id_for(text), text, language="en")
    result = analyser.analyse([doc], [{}])[0]
    assert result.spans
    payload = analyser.to_json(doc, result)
    for item, span in zip(payload["techniques"], result.spans):
        assert item["text"] == text[item["start"]:item["end"]] == span.text_in(text)
        assert item["label"] in TECHNIQUES and 0 < item["score"] <= 1
    assert Result.from_dict(json.loads(json.dumps(result.to_dict()))) == result
    assert payload["techniques_summary"]["spans"] == len(result.spans)
    lines = analyser.to_text(doc, result)
    assert any(describe(result.spans[0].label) in line for line in lines)
    n = len(result.spans)
    assert lines[0].startswith(f"  {n} technique span{'' if n == 1 else 's'}, ")
    one = Result(result.analyser, result.version, result.doc_id, spans=result.spans[:1],
                 data=summary(text, result.spans[:1]))
    assert analyser.to_text(doc, one)[0].startswith("  1 technique span, ")


def test_non_english_documents_are_skipped(fixture_model):
    doc = Document("x", "Министр заявил, что переговоры продолжатся.", language="ru")
    result = TechniquesAnalyser(fixture_model).analyse([doc], [{}])[0]
    assert not result.spans and "skipped" in result.data


def test_summary_counts_and_density():
    text = "one two three four five six seven eight nine ten"
    spans = [Span(0, 3, "Doubt"), Span(4, 7, "Doubt"), Span(8, 13, "Slogans")]
    s = summary(text, spans)
    assert s["counts"] == {"Doubt": 2, "Slogans": 1} and s["techniques"][0] == "Doubt"
    assert s["per_1000_words"] == 300.0 and s["density_by_technique"]["Slogans"] == 100.0


def test_ptc_format_maps_offsets_back_to_the_file(tmp_path):
    # indented paragraphs and doubled spaces: cleaning moves every offset
    raw = "Title  of the piece\n\n   First  paragraph is here.\n\n\n  So-called experts lied again.\n"
    cleaned = clean(RawItem(source=str(tmp_path / "article4242.txt"), text=raw, scraped=False))
    doc = cleaned.doc
    s = doc.text.index("So-called experts")
    e = doc.text.index("lied") + len("lied")
    spans = (Span(s, s + len("So-called"), "Doubt", 0.9), Span(s, e, "Loaded_Language", 0.5))
    art = Article(doc, {"techniques": Result("techniques", "1", doc.id, spans=spans)},
                  source=str(tmp_path / "article4242.txt"), offsets=cleaned.offsets.to_json())
    out = io.StringIO()
    get_format("ptc-techniques").writer(out, [art], {})
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    for line, want in zip(lines, ["So-called", "So-called experts lied"]):
        aid, lab, a, b = line.split("\t")
        assert aid == "4242" and lab in TECHNIQUES
        assert raw[int(a):int(b)] == want


def test_cli_analyze_writes_ptc_lines_for_a_file(tmp_path, fixture_model, monkeypatch, capsys):
    from narrascope.analysers import base
    from narrascope.cli import main

    spec = base.get_spec("techniques")
    monkeypatch.setitem(base._LOADED, spec.key, TechniquesAnalyser(fixture_model))
    src = tmp_path / "article555.txt"
    text = (PTC / "train-articles" / "article9004.txt").read_text()
    src.write_text(text.replace("\n\n", "\n\n  "))
    rc = main(["analyze", str(src), "-a", "techniques", "-f", "ptc-techniques", "-q",
               "--db", str(tmp_path / "t.db")])
    assert rc == 0
    raw = src.read_text()
    lines = capsys.readouterr().out.splitlines()
    assert lines
    for line in lines:
        aid, lab, a, b = line.split("\t")
        assert aid == "555" and lab in TECHNIQUES
        assert raw[int(a):int(b)].strip() and not raw[int(a):int(b)].startswith(" ")


RUSSIAN_STATE_MEDIA_SEEDS = ("002_b232453251fffb58.txt", "003_e42db7be3a9563e0.txt",
                             "004_e86d332d8d1959f5.txt")
READER_TECHNIQUES = {"Loaded_Language", "Name_Calling,Labeling", "Appeal_to_fear-prejudice",
                     "Whataboutism,Straw_Men,Red_Herring"}


@pytest.mark.parametrize("name", RUSSIAN_STATE_MEDIA_SEEDS)
def test_shipped_model_marks_persuasion_in_state_media_seeds(name):
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"{path} is absent (the seed articles live beside the checkout)")
    cleaned = clean(RawItem(source=str(path), text=path.read_text(encoding="utf-8")))
    doc = cleaned.doc
    result = TechniquesAnalyser().analyse([doc], [{}])[0]
    found = {s.label for s in result.spans}
    assert found & READER_TECHNIQUES, (name, found)


def test_whataboutism_cue_marks_to_the_end_of_its_sentence():
    from narrascope.analysers.techniques.patterns import pattern_spans
    from narrascope.analysers.techniques.tokens import tokenize

    text = ("The envoy rejected the report. Do not forget that they flattened two towns "
            "last spring, he told the press. Talks resume on Monday.")
    spans = pattern_spans(tokenize(text))
    assert len(spans) == 1
    s, e, lab, _ = spans[0]
    assert lab == "Whataboutism,Straw_Men,Red_Herring"
    assert text[s:e] == "Do not forget that they flattened two towns last spring, he told the press"


def test_shipped_model_marks_the_whataboutism_of_the_issue():
    path = SEEDS / "001_fdf5a3c8ae985b17.txt"
    if not path.exists():
        pytest.skip(f"{path} is absent (the seed articles live beside the checkout)")
    doc = clean(RawItem(source=str(path), text=path.read_text(encoding="utf-8"))).doc
    at = doc.text.find("Do not forget that")
    if at < 0:
        pytest.skip("the seed no longer carries the issue's example")
    result = TechniquesAnalyser().analyse([doc], [{}])[0]
    assert any(s.label == "Whataboutism,Straw_Men,Red_Herring" and s.start <= at < s.end
               for s in result.spans)


def test_a_model_trained_without_output_is_the_one_analyse_uses(fixture_model):
    import shutil

    from narrascope.analysers import stored_version
    from narrascope.analysers.techniques import (default_model_dir, shipped_model_dir,
                                                 user_model_dir)

    assert default_model_dir() == shipped_model_dir() and stored_version("techniques") == "7"
    shutil.copytree(fixture_model, user_model_dir())  # what `train techniques` without -o writes
    assert default_model_dir() == user_model_dir()
    assert stored_version("techniques").startswith("7+user.")
    model = TechniquesAnalyser().model
    assert len(model.labels) < len(TECHNIQUES)  # the fixture's few labels: not the shipped model
    assert json.loads((user_model_dir() / "settings.json").read_text())["labels"] == list(model.labels)
