"""Framing: taxonomy, SemEval reading, training, the analyser's output and consistency."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.analysers.framing import FramingAnalyser
from narrascope.analysers.framing.classifier import RoleClassifier
from narrascope.analysers.framing.data import read_mentions
from narrascope.analysers.framing.features import contexts, normalise_name
from narrascope.analysers.framing.metrics import score
from narrascope.analysers.framing.taxonomy import FINE_ROLES, MAIN_ROLES, consistent, main_of
from narrascope.model import Document, Result, Span, doc_id_for
from narrascope.train.framing import evaluate, train

from support import FIXTURES

CORPUS = FIXTURES / "framing" / "EN"
TINY = {"blocks": "sent,near,name,prior", "c_main": "10", "c_fine": "10"}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> RoleClassifier:
    out = tmp_path_factory.mktemp("framing") / "model"
    train([str(CORPUS)], str(out), dict(TINY))
    return RoleClassifier.load(out)


def test_taxonomy_has_the_task_labels():
    assert MAIN_ROLES == ("Protagonist", "Antagonist", "Innocent")
    assert len(FINE_ROLES) == 22 == len(set(FINE_ROLES))
    assert main_of("Foreign Adversary") == "Antagonist"
    assert consistent("Innocent", ["Victim", "Scapegoat"])
    assert not consistent("Innocent", ["Victim", "Tyrant"])
    assert not consistent("Protagonist", [])


def test_reader_maps_inclusive_raw_offsets_onto_clean_text():
    mentions = read_mentions([CORPUS])
    assert len(mentions) == 12
    raw_lines = (CORPUS / "subtask-1-annotations.txt").read_text(encoding="utf-8").splitlines()
    for m, line in zip(mentions, raw_lines):
        assert m.surface == line.split("\t")[1]
        assert consistent(m.main, m.fines)
    # one fixture file has CRLF line ends, so its raw and clean offsets differ
    crlf = [m for m in mentions if m.article.endswith("EN_T_002.txt")]
    assert crlf and any(m.start != int(line.split("\t")[2])
                        for m, line in zip(mentions, raw_lines) if m in crlf)


def test_contexts_mask_the_mention():
    text = "Title\n\nThe Board ignored the warnings. Farmers lost everything."
    start = text.index("Farmers")
    (c,) = contexts(text, [(start, start + len("Farmers"))])
    assert c.surface == "Farmers"
    assert "Farmers" not in c.sentence and "ENT" in c.sentence
    assert "[Farmers]" in c.marked and "ignored" not in c.marked
    assert "r1:lost" in c.near.split()


def test_normalise_name():
    assert normalise_name("The  Kremlin!") == normalise_name("kremlin")
    assert normalise_name("Zelensky’s") != ""


def test_metrics_on_a_hand_worked_case():
    m = score(["Antagonist", "Innocent"], [["Tyrant"], ["Victim", "Exploited"]],
              ["Antagonist", "Protagonist"], [["Tyrant", "Corrupt"], ["Guardian"]])
    assert m["main_role_accuracy"] == 0.5
    assert m["exact_match_ratio"] == 0.0
    # tp=1 (Tyrant), fp=2 (Corrupt, Guardian), fn=2 (Victim, Exploited)
    assert m["fine_role_micro_f1"] == pytest.approx(2 * (1 / 3) * (1 / 3) / (2 / 3))


def test_tiny_training_run_predicts_consistent_roles(tiny_model):
    mentions = read_mentions([CORPUS])
    preds = tiny_model.predict(contexts(mentions[0].text, [(m.start, m.end) for m in mentions
                                                           if m.text is mentions[0].text]))
    assert preds
    for p in preds:
        assert p.main_role in MAIN_ROLES and consistent(p.main_role, p.fine_roles)
        assert 0.0 <= p.score <= 1.0 and sum(p.main_probs) == pytest.approx(1.0, abs=1e-4)


def test_saved_model_reloads_to_the_same_probabilities(tiny_model, tmp_path):
    mentions = read_mentions([CORPUS])
    ctxs = [c for m in mentions for c in contexts(m.text, [(m.start, m.end)])]
    tiny_model.save(tmp_path / "again")
    again = RoleClassifier.load(tmp_path / "again")
    a, b = tiny_model.probabilities(ctxs), again.probabilities(ctxs)
    assert np.allclose(a[0], b[0], atol=1e-5) and np.allclose(a[1], b[1], atol=1e-5)


def test_evaluate_prints_the_task_metrics(tiny_model, tmp_path):
    tiny_model.save(tmp_path / "m")
    metrics = evaluate(str(CORPUS), str(tmp_path / "m"), {})
    assert metrics["mentions"] == 12
    for key in ("exact_match_ratio", "main_role_accuracy", "fine_role_micro_f1"):
        assert 0.0 <= metrics[key] <= 1.0
    assert "Protagonist" in metrics["table"]
    # trained on these very mentions with little regularisation: it must fit most of them
    assert metrics["main_role_accuracy"] >= 0.75


def _doc_with_entities():
    text = ("Aid convoy reaches the valley\n\n"
            "The Eastern Alliance shelled the villages again. The villagers fled their homes. "
            "The Eastern Alliance denied it, but the envoy of Norland pushed for a ceasefire.")
    doc = Document(doc_id_for(text), text)
    spans = []
    for i, (surface, ent_id) in enumerate([("Eastern Alliance", 0), ("villagers", 1),
                                            ("Eastern Alliance", 0), ("envoy of Norland", 2)]):
        start = text.index(surface, spans[-1].end if spans else 0)
        spans.append(Span(start, start + len(surface), "ORG", 0.9,
                          {"entity": surface, "entity_id": ent_id, "text": surface}))
    return doc, Result("entities", "1", doc.id, spans=tuple(spans))


def test_analyser_output_schema_and_span_round_trip(tiny_model):
    doc, ents = _doc_with_entities()
    analyser = FramingAnalyser(tiny_model)
    (result,) = analyser.analyse([doc], [{"entities": ents}])
    again = Result.from_dict(result.to_dict())
    assert again == result
    out = analyser.to_json(doc, again)
    assert set(out) == {"entities", "actors"}
    assert len(out["entities"]) == 4
    for e in out["entities"]:
        assert {"text", "start", "end", "type", "entity", "main_role", "fine_roles",
                "score"} <= set(e)
        assert doc.text[e["start"]:e["end"]] == e["text"]
        assert consistent(e["main_role"], e["fine_roles"])
    for a in out["actors"]:
        assert {"entity", "main_role", "fine_roles", "mentions", "evidence"} <= set(a)
        assert consistent(a["main_role"], a["fine_roles"])
        for ev in a["evidence"]:
            assert doc.text[ev["start"]:ev["end"]] == ev["text"]
            assert a["entity"] in ev["text"]
    alliance = [a for a in out["actors"] if a["entity"] == "Eastern Alliance"]
    assert not alliance or alliance[0]["mentions"] == 2
    assert analyser.to_text(doc, again)


def test_analyser_without_entities_returns_empty(tiny_model):
    doc, _ = _doc_with_entities()
    (result,) = FramingAnalyser(tiny_model).analyse([doc], [{"entities": None}])
    assert result.spans == () and result.labels == ()
    assert result.data["entities_found"] is False


def test_classify_gives_one_consistent_answer_per_span(tiny_model):
    doc, ents = _doc_with_entities()
    got = FramingAnalyser(tiny_model).classify(doc, [(s.start, s.end) for s in ents.spans])
    assert len(got) == 4
    for main, fines, sc in got:
        assert consistent(main, fines) and 0 <= sc <= 1
    assert FramingAnalyser(tiny_model).classify(doc, []) == []


def test_cross_validation_reports_each_language():
    metrics = evaluate(str(CORPUS), None, dict(TINY, cv="2"))
    assert metrics["folds"] == 2 and metrics["EN.mentions"] == 12
    for key in ("exact_match_ratio", "main_role_accuracy", "fine_role_micro_f1"):
        assert 0.0 <= metrics[f"EN.{key}"] <= 1.0
    assert "[EN]" in metrics["table"]
