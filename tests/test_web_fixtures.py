"""A small store for the web tests: made-up articles with results built by hand in the
shapes the analysers store, so the tests need no model and run in seconds."""

from __future__ import annotations

from pathlib import Path

from narrascope.analysers import get_spec, registry
from narrascope.model import Document, Label, Relation, Result, Span, doc_id_for
from narrascope.store import Store

TOKEN = "s3cret-token"
NARR_A = "URW: Blaming the war on others"
NARR_B = "CC: Criticism of climate policies"

# (title, outlet, published, language, body) -- invented text, written for these tests
ARTICLES = [
    ("Harbour plan stalls", "Daily Lantern", "2024-03-04", "en",
     "The harbour plan stalled again on Monday. Mayor Ada Quill said \"the council will not "
     "pay for a bridge to nowhere\" before the vote. Critics blamed the ministry for the delay."),
    ("Wind farm row grows", "Daily Lantern", "2024-03-06", "en",
     "A row over the wind farm grew louder. Engineer Tomas Reed said the turbines were safe. "
     "Opponents called the climate rules a costly fantasy imposed by distant officials."),
    ("Bridge vote delayed", "Northern Post", "2024-03-12", "en",
     "The bridge vote was delayed by a week. Mayor Ada Quill said \"we need more time\" to "
     "read the report. The ministry was blamed once more for the confusion."),
    ("Ferry strike ends", "Northern Post", "2024-03-20", "de",
     "Der Fährstreik ist vorbei. Die Gewerkschaft sagte, man habe eine Einigung erzielt. "
     "Die Fähren fahren ab Montag wieder nach Plan."),
    ("Market reopens", None, None, "en",
     "The old market reopened after repairs. Traders said business was slow but steady, and "
     "the square was busy by noon."),
]


def _v(name: str) -> str:
    return get_spec(name).version


def build_store(path: Path) -> list[str]:
    """Store the articles and their findings; return their ids in ``ARTICLES`` order."""
    store = Store(path)
    ids = []
    reg = registry()
    for title, outlet, published, lang, body in ARTICLES:
        text = f"{title}\n\n{body}"
        doc = Document(doc_id_for(text), text, title, None, outlet, published, (), lang,
                       f"test:{title}")
        store.add_document(doc)
        ids.append(doc.id)
        results = []
        if "narratives" in reg:
            labels = []
            if "blamed" in body:
                s = text.index("blamed")
                sent_start = text.rfind(". ", 0, s) + 2
                sent_end = text.index(".", s) + 1
                labels.append(Label(NARR_A, 0.9, (Span(sent_start, sent_end, NARR_A),),
                                    {"level": "narrative"}))
            if "climate" in body:
                s = text.index("Opponents")
                labels.append(Label(NARR_B, 0.8, (Span(s, len(text), NARR_B),),
                                    {"level": "narrative"}))
            results.append(Result("narratives", _v("narratives"), doc.id, tuple(labels)))
        if "entities" in reg:
            spans = []
            for name, kind, ent in (("Ada Quill", "PER", "Ada Quill"),
                                    ("Tomas Reed", "PER", "Tomas Reed"),
                                    ("ministry", "ORG", "Ministry")):
                if name in text:
                    s = text.index(name)
                    spans.append(Span(s, s + len(name), kind, 0.9,
                                      {"text": name, "entity": ent, "entity_id": hash(ent) % 97}))
            results.append(Result("entities", _v("entities"), doc.id, spans=tuple(spans)))
        if "quotes" in reg:
            quotes = []
            if "Ada Quill said" in text:
                s = text.index("\"", text.index("Ada Quill said")) + 1
                e = text.index("\"", s)
                sp = text.index("Ada Quill")
                cue = text.index("said", sp)
                quotes.append({"speaker": "Ada Quill", "speaker_span": [sp, sp + 9],
                               "speaker_text": "Ada Quill", "cue_span": [cue, cue + 4],
                               "cue": "said", "text": text[s:e], "start": s, "end": e,
                               "kind": "direct"})
            results.append(Result("quotes", _v("quotes"), doc.id, data={"quotes": quotes}))
        if "techniques" in reg and "fantasy" in text:
            s = text.index("costly fantasy")
            results.append(Result("techniques", _v("techniques"), doc.id,
                                  spans=(Span(s, s + 14, "Loaded_Language", 0.7),),
                                  data={"spans": 1}))
        store.add_results(results)
    if "copies" in reg:
        a, b = ids[0], ids[2]
        story = {"id": 7, "label": "harbour bridge", "size": 2}
        store.add_results([
            Result("copies", _v("copies"), a, data={"copies": [
                {"id": b, "kind": "rewrite", "score": 0.8, "role": "source",
                 "spans": [{"start": 0, "end": 10, "other_start": 0, "other_end": 10}]}],
                "story": story}),
            Result("copies", _v("copies"), b, data={"copies": [
                {"id": a, "kind": "rewrite", "score": 0.8, "role": "copy", "spans": []}],
                "story": story})])
        store.add_relations([Relation(a, b, "rewrite", 0.8, "copies")])
    store.close()
    return ids
