"""The narratives analyser end to end on a tiny fixture corpus: train, evaluate, analyse,
and the semeval-narratives format."""

from __future__ import annotations

import csv
import io
import json

import pytest

from narrascope.analysers.narratives import NarrativesAnalyser
from narrascope.analysers.narratives.corpus import read_data
from narrascope.analysers.narratives.metrics import f1_samples
from narrascope.model import Document, doc_id_for
from narrascope.report import Article, get_format
from narrascope.taxonomies import default_taxonomy

from support import FIXTURES, assert_decoders_agree

CORPUS = FIXTURES / "narratives"


@pytest.fixture(scope="module")
def fixture_model(tmp_path_factory):
    from narrascope.train import get_trainer

    out = tmp_path_factory.mktemp("model") / "narratives"
    get_trainer("narratives").train([str(CORPUS)], str(out), {"folds": "3", "C": "10"})
    return out


def test_metric_is_the_tasks():
    gold = [{"a", "b"}, {"c"}, {"d"}]
    assert f1_samples([{"a"}, {"c"}, set()], gold) == pytest.approx((2 / 3 + 1 + 0) / 3)


def test_reads_semeval_folders_and_jsonl(tmp_path):
    tax = default_taxonomy()
    examples = read_data([CORPUS], tax)
    assert len(examples) == 15 and {e.language for e in examples} == {"en"}
    ex = next(e for e in examples if e.id == "EN_UA_F04.txt")
    assert ex.narratives == {"URW: Amplifying war-related fears"}
    jl = tmp_path / "mine.jsonl"
    jl.write_text(json.dumps({"text": "Wind turbines stop when the wind drops.", "labels": [
        "CC: Controversy about green technologies: Renewable energy is unreliable"]}) + "\n",
        encoding="utf-8")
    (ex,) = read_data([jl], tax)
    # a sub-narrative brings its narrative
    assert ex.narratives == {"CC: Controversy about green technologies"}
    jl.write_text(json.dumps({"text": "x", "labels": ["Not a label"]}) + "\n", encoding="utf-8")
    with pytest.raises(Exception, match="not in taxonomy"):
        read_data([jl], tax)


@pytest.mark.slow
def test_train_writes_model_and_card(fixture_model):
    names = {p.name for p in fixture_model.iterdir()}
    assert names == {"settings.json", "weights.npz", "MODEL_CARD.md"}
    card = (fixture_model / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "narrascope train narratives" in card and "research use only" in card


@pytest.mark.slow
def test_evaluate_on_training_fixture(fixture_model):
    from narrascope.train import get_trainer

    m = get_trainer("narratives").evaluate(str(CORPUS), str(fixture_model), {})
    # a model fitted on these 15 articles must recall its own training data
    assert m["f1_samples_coarse"] > 0.8 and m["f1_samples_fine"] > 0.8
    assert "URW: Discrediting Ukraine" in m["table"]


def _doc(text: str) -> Document:
    return Document(id=doc_id_for(text), text=text, title=text.split("\n")[0])


@pytest.mark.slow
def test_labels_are_consistent_and_evidence_round_trips(fixture_model):
    analyser = NarrativesAnalyser(fixture_model)
    tax = analyser.model.taxonomy
    docs = [_doc("Nuclear risk\n\nExperts warn that nuclear weapons may be used. A nuclear "
                 "strike on Europe is a real possibility, the channel said."),
            _doc("Garden show\n\nThe garden show opened with roses and tulips on Saturday."),
            _doc("x")]
    results = analyser.analyse(docs, [{} for _ in docs])
    for doc, r in zip(docs, results):
        narrs = [lab for lab in r.labels if lab.attrs["level"] == "narrative"]
        subs = [lab for lab in r.labels if lab.attrs["level"] == "subnarrative"]
        names_n = {lab.name for lab in narrs}
        assert narrs and subs
        for s in subs:
            if s.name != "Other":
                assert tax.parent[s.name] in names_n
        assert ("Other" in names_n) == (names_n == {"Other"})
        for lab in r.labels:
            assert 0.0 <= lab.score <= 1.0
            if lab.name != "Other":
                assert 1 <= len(lab.evidence) <= 3
            for e in lab.evidence:
                assert e.attrs["text"] == doc.text[e.start:e.end]
        payload = analyser.to_json(doc, r)
        for item in payload["narratives"] + payload["subnarratives"]:
            for e in item["evidence"]:
                assert doc.text[e["start"]:e["end"]] == e["text"]
        assert all(isinstance(line, str) for line in analyser.to_text(doc, r))
    top = {lab.name for lab in results[0].labels}
    assert "URW: Amplifying war-related fears" in top
    assert {lab.name for lab in results[1].labels} == {"Other"}



def test_reports_list_the_likeliest_labels_first():
    from narrascope.model import Label, Result

    doc = _doc("Headline\n\nNATO provoked the war. Russia is only defending itself.")
    war = "URW: Blaming the war on others rather than the invader"
    victim = "URW: Russia is the Victim"
    labels = (Label(war, 0.3, (), {"level": "narrative"}),
              Label(victim, 0.6, (), {"level": "narrative"}),
              Label(f"{war}: The West are the aggressors", 0.2, (), {"level": "subnarrative"}),
              Label(f"{victim}: The West is russophobic", 0.1, (), {"level": "subnarrative"}),
              Label(f"{victim}: Russia actions in Ukraine are only self-defence", 0.5, (),
                    {"level": "subnarrative"}))
    result = Result("narratives", "5", doc.id, labels=labels)
    analyser = NarrativesAnalyser()
    payload = analyser.to_json(doc, result)
    assert [x["label"] for x in payload["narratives"]] == [victim, war]
    assert [x["score"] for x in payload["subnarratives"]] == [0.5, 0.2, 0.1]
    lines = [line.strip() for line in analyser.to_text(doc, result)]
    assert lines == [f"{victim}  (0.60)",
                     "└ Russia actions in Ukraine are only self-defence  (0.50)",
                     "└ The West is russophobic  (0.10)",
                     f"{war}  (0.30)",
                     "└ The West are the aggressors  (0.20)"]

@pytest.mark.slow
def test_semeval_format_one_line_per_input(fixture_model):
    analyser = NarrativesAnalyser(fixture_model)
    files = sorted((CORPUS / "EN" / "raw-documents").glob("*.txt"))[:4]
    docs = [_doc(p.read_text(encoding="utf-8")) for p in files]
    results = analyser.analyse(docs, [{} for _ in docs])
    # the same article read from two files gives two lines
    arts = [Article(d, {"narratives": r}, source=str(p)) for d, r, p in zip(docs, results, files)]
    arts.append(Article(docs[0], {"narratives": results[0]}, source="/elsewhere/copy.txt"))
    out = io.StringIO()
    get_format("semeval-narratives").writer(out, arts, {})
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert [r[0] for r in rows] == [p.name for p in files] + ["copy.txt"]
    tax = analyser.model.taxonomy
    for r in rows:
        assert len(r) == 3
        narrs, subs = r[1].split(";"), r[2].split(";")
        assert all(tax.is_label(x) for x in narrs + subs)
        assert ("Other" in narrs) == (narrs == ["Other"])


@pytest.mark.parametrize("decoder", ["thresholds", "expected_f1"])
def test_matrix_decoder_agrees_with_decode(decoder):
    """CV figures come from the vectorised decoder: it must decide as decode() does."""
    import numpy as np

    tax = default_taxonomy()
    labels = list(tax.narratives) + list(tax.subnarratives)[::2]  # some labels untrained
    probs = np.random.default_rng(0).random((200, len(labels))) ** 3
    th = {"narrative": 0.5, "fallback": 0.2, "subnarrative": 0.4, "sub_fallback": 0.1,
          "decoder": decoder}
    assert_decoders_agree(tax, labels, probs, th)


def test_expected_f1_prefix():
    """The expected-F1 decoder keeps a confident second label and drops a weak one, never
    goes below its forced minimum, and answers Other when every label is unlikely."""
    import numpy as np

    from narrascope.analysers.narratives.expected import best_prefix, choose

    assert best_prefix(np.array([0.9, 0.8, 0.05]), 1, 1.75) == 2
    assert best_prefix(np.array([0.9, 0.1]), 1, 1.0) == 1
    assert best_prefix(np.array([0.3, 0.01, 0.01]), 3, 0.32) == 3
    domain = np.zeros(3, int)
    parent = np.array([0, 0, 1])
    assert choose(np.array([0.02, 0.01, 0.03]), domain, np.array([0.1, 0.1, 0.1]), parent) \
        == ([], [])
    kept, subs = choose(np.array([0.9, 0.01, 0.02]), domain, np.array([0.05, 0.03, 0.2]), parent)
    assert kept == [0] and subs == [0]  # the best child of a kept narrative, however weak


@pytest.mark.slow
def test_train_on_own_taxonomy_from_jsonl(tmp_path):
    """A user's taxonomy (no domains) and JSON Lines labels: the model carries the taxonomy."""
    from narrascope.train import get_trainer

    tax = tmp_path / "pets.yaml"
    tax.write_text("name: pets\nnarratives:\n  Cats rule:\n    subnarratives:\n"
                   "      Cats are clever: smart cats\n  Dogs rule: {}\n", encoding="utf-8")
    rows = [("The cat opened the door and solved the puzzle, a clever cat indeed.",
             ["Cats rule: Cats are clever"]),
            ("Our clever cat learned to open the fridge and the puzzle box.",
             ["Cats rule: Cats are clever"]),
            ("A dog guards the house and the dog fetches the ball every day.", ["Dogs rule"]),
            ("The loyal dog walked the child to school, as dogs do.", ["Dogs rule"]),
            ("The bus timetable changes on Monday for the summer.", ["Other"]),
            ("Rain is expected on Tuesday with cooler weather.", ["Other"])]
    data = tmp_path / "pets.jsonl"
    data.write_text("".join(json.dumps({"text": t, "labels": labs}) + "\n" for t, labs in rows),
                    encoding="utf-8")
    out = tmp_path / "model"
    get_trainer("narratives").train([str(data)], str(out),
                                    {"taxonomy": str(tax), "folds": "2", "min_df": "1"})
    analyser = NarrativesAnalyser(out)
    assert analyser.model.taxonomy.name == "pets"
    (narrs, subs), = analyser.predict(["A clever cat solved the puzzle and opened the door."])
    assert [n for n, _ in narrs] == ["Cats rule"]
    assert all(s.startswith("Cats rule: ") for s, _ in subs)


def test_unknown_training_option_is_refused():
    from narrascope.errors import NarrascopeError
    from narrascope.train import get_trainer

    with pytest.raises(NarrascopeError, match="unknown narratives option 'alpah'; allowed: "):
        get_trainer("narratives").train([str(CORPUS)], None, {"alpah": "1"})


@pytest.mark.slow
def test_evidence_does_not_repeat_a_headline(fixture_model):
    analyser = NarrativesAnalyser(fixture_model)
    line = "Analysts warn that nuclear weapons could be used within weeks."
    doc = _doc(f"{line}\n\n{line}\n\nA nuclear strike is a real possibility, experts say.")
    (r,) = analyser.analyse([doc], [{}])
    for lab in r.labels:
        texts = ["".join(c for c in doc.text[e.start:e.end].lower() if c.isalnum())
                 for e in lab.evidence]
        assert len(texts) == len(set(texts))
    assert any(len(lab.evidence) >= 2 for lab in r.labels)


class _LinearStub:
    """What ``evidence_for`` reads of a model: two labels over three terms, the first
    term liked by both labels alike."""

    def __init__(self):
        import numpy as np
        from types import SimpleNamespace

        self.coef = np.array([[2.0, 1.0, -1.0], [2.0, -1.0, 1.0]], dtype=np.float32)
        self.featuriser = SimpleNamespace(idf=np.ones(3, dtype=np.float32))
        self.taxonomy = SimpleNamespace(parent={})

    def label_index(self):
        return {"A": 0, "B": 1}

    def mean_coef(self):
        return self.coef.mean(axis=0)


def test_evidence_skips_a_sentence_every_label_likes():
    from scipy import sparse

    from narrascope.analysers.narratives.evidence import evidence_for
    from narrascope.text import sentences

    text = ("A headline that every label scores the same way.\n\n"
            "This sentence speaks for the first label only.\n\n"
            "This sentence speaks for the second label only.")
    spans = sentences(text)
    assert len(spans) == 3
    # term 0 fills the headline; terms 1 and 2 the two labels' own sentences
    counts = sparse.csr_matrix([[5.0, 0.0, 0.0], [1.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    got = evidence_for(_LinearStub(), text, ["A", "B"], spans, counts)
    assert [text[s.start:s.end] for s in got["A"]] == [text[spans[1].start:spans[1].end]]
    assert [text[s.start:s.end] for s in got["B"]] == [text[spans[2].start:spans[2].end]]
    assert all(s.score > 0 for ev in got.values() for s in ev)
