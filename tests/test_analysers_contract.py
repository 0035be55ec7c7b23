"""One contract test for every registered analyser: odd inputs, span round-trips, JSON."""

from __future__ import annotations

import json

import pytest

from narrascope.analysers import get_spec, load_analyser, registry, resolve_order
from narrascope.model import Document, Result, doc_id_for

ODD_TEXTS = {
    "empty-ish": "x",
    "one-line": "NATO.",
    "english": ("Foreign Minister Pavel Orlov said on Tuesday that Washington \"is dragging "
                "Europe into war\". The alliance rejected the claim.\n\nKiev asked for more "
                "weapons, according to officials."),
    "russian": "Министр иностранных дел Сергей Лавров заявил, что НАТО «втягивает» Украину в альянс.",
    "hindi": "विदेश मंत्री ने कहा कि बातचीत अगले सप्ताह फिर से शुरू होगी।",
    "garbage": "\ufffd\ufffd\x07 ~~ ### \u202e !!! ??? " * 20,
    "huge": ("The minister said the talks would go on. " * 4000),
    "no-sentence-end": "word " * 300,
}

DOC_ANALYSERS = sorted(n for n, s in registry().items() if s.scope == "document")


def _doc(text: str, language: str | None = "en") -> Document:
    return Document(id=doc_id_for(text), text=text, title=text[:40], language=language)


def _run(name: str, docs: list[Document]) -> list[Result]:
    """Run ``name`` after what it requires, as the pipeline would."""
    previous: list[dict] = [{} for _ in docs]
    out: list[Result] = []
    for n in resolve_order([name]):
        results = load_analyser(n).analyse(docs, previous)
        for p, r in zip(previous, results):
            p[n] = r
        out = results
    return out


@pytest.mark.parametrize("name", DOC_ANALYSERS)
def test_analyser_declares_itself(name):
    spec = get_spec(name)
    a = load_analyser(name)
    assert a.name == spec.name and a.version == spec.version
    assert tuple(a.requires) == spec.requires
    assert spec.description


@pytest.mark.parametrize("name", DOC_ANALYSERS)
def test_analyser_on_odd_inputs(name):
    langs = {"russian": "ru", "hindi": "hi", "garbage": None}
    docs = [_doc(t, langs.get(k, "en")) for k, t in ODD_TEXTS.items()]
    results = _run(name, docs)
    assert len(results) == len(docs)
    a = load_analyser(name)
    for doc, r in zip(docs, results):
        assert r.doc_id == doc.id and r.analyser == name
        # every span, and every label's evidence, points into the text
        spans = list(r.spans) + [e for lab in r.labels for e in lab.evidence]
        for s in spans:
            assert 0 <= s.start <= s.end <= len(doc.text), (name, s)
            if "text" in s.attrs:
                assert s.attrs["text"] == doc.text[s.start:s.end]
        # results survive the store's JSON round trip, and render
        again = Result.from_dict(json.loads(json.dumps(r.to_dict())))
        assert again == r
        json.dumps(a.to_json(doc, r))
        assert all(isinstance(line, str) for line in a.to_text(doc, r))


@pytest.mark.parametrize("name", DOC_ANALYSERS)
def test_analyser_json_offsets_round_trip(name):
    doc = _doc(ODD_TEXTS["english"])
    r = _run(name, [doc])[0]
    payload = load_analyser(name).to_json(doc, r)

    def walk(x):
        if isinstance(x, dict):
            if isinstance(x.get("start"), int) and isinstance(x.get("end"), int) and "text" in x:
                assert doc.text[x["start"]:x["end"]] == x["text"], (name, x)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(payload)
