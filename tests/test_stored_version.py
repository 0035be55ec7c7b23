"""A user-trained model changes the version results are stored under, so the store never
serves an earlier model's results for it."""

from __future__ import annotations


import pytest

from narrascope.analysers import base, get_spec, stored_version
from narrascope.model import Result
from narrascope.pipeline import RunSummary, analyse, ingest
from narrascope.settings import home
from narrascope.store import Store

from support import EXAMPLES


@pytest.fixture
def counting(monkeypatch, tmp_path):
    """An analyser that reports the contents of its (optional) user model file."""
    model = tmp_path / "user-model.txt"
    calls = []

    class Counting:
        def analyse(self, docs, previous):
            calls.append(len(docs))
            said = model.read_text() if model.exists() else "shipped"
            return [Result(self.name, self.version, d.id, data={"model": said}) for d in docs]

    monkeypatch.setattr(base, "_REGISTRY", dict(base.registry()))
    monkeypatch.setattr(base, "_LOADED", {})
    base.register("counting", "1", description="test", default=False,
                  user_models=lambda: [model] if model.exists() else [])(Counting)
    return model, calls


def _run(store, ids):
    summary = RunSummary()
    analyse(store, ids, ["counting"], quiet=True, summary=summary)
    assert summary.ok
    return {store.get_result(i, "counting", stored_version("counting")).data["model"]
            for i in ids}


def test_a_retrained_model_is_not_served_the_old_results(counting, tmp_path):
    model, calls = counting
    with Store(tmp_path / "s.db") as store:
        ids = [s.doc_id for s in ingest([str(EXAMPLES)], store, quiet=True)]
        assert _run(store, ids) == {"shipped"} and stored_version("counting") == "1"
        model.write_text("first training")
        first = stored_version("counting")
        assert first.startswith("1+user.")
        assert _run(store, ids) == {"first training"}
        model.write_text("second training")
        assert stored_version("counting") not in ("1", first)
        assert _run(store, ids) == {"second training"}
        n = sum(calls)
        assert _run(store, ids) == {"second training"} and sum(calls) == n  # nothing redone
        model.unlink()  # back to the shipped model: its results were kept
        assert _run(store, ids) == {"shipped"} and sum(calls) == n


def test_a_user_ner_model_changes_entities_and_what_reads_them():
    assert stored_version("entities") == get_spec("entities").version
    folder = home() / "models" / "entities" / "en"
    folder.mkdir(parents=True)
    (folder / "config.cfg").write_text("[nlp]\n")
    entities = stored_version("entities")
    assert entities.startswith(get_spec("entities").version + "+user.")
    assert stored_version("framing").startswith(get_spec("framing").version + "+user.")
    assert stored_version("narratives") == get_spec("narratives").version


def test_a_user_narratives_model_changes_framing_too():
    folder = home() / "models" / "narratives"
    folder.mkdir(parents=True)
    (folder / "settings.json").write_text("{}")
    assert stored_version("narratives").startswith(get_spec("narratives").version + "+user.")
    assert stored_version("framing").startswith(get_spec("framing").version + "+user.")
    assert stored_version("entities") == get_spec("entities").version


def test_the_analysers_listing_says_which_user_models_are_in_use(capsys):
    from narrascope.cli import main

    folder = home() / "models" / "entities" / "pt"
    folder.mkdir(parents=True)
    (folder / "config.cfg").write_text("[nlp]\n")
    assert main(["analysers"]) == 0
    out = capsys.readouterr().out.splitlines()
    mine = [line for line in out if "uses your trained model" in line]
    assert len(mine) == 1 and str(folder) in mine[0]
    assert f"results stored as entities@{stored_version('entities')}" in mine[0]
