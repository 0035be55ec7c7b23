"""The shipped framing model loads offline and answers consistently."""

from __future__ import annotations

from narrascope.analysers.framing import FramingAnalyser, default_model, model_folder
from narrascope.analysers.framing.taxonomy import consistent
from narrascope.model import Document, doc_id_for


def test_shipped_model_has_a_card_and_loads():
    folder = model_folder()
    assert (folder / "MODEL_CARD.md").is_file()
    model = default_model()
    assert model.meta.get("mentions", 0) > 1000


def test_shipped_model_frames_plain_sentences_consistently():
    text = ("Shelling hits the city\n\n"
            "Civilians in the city were killed when the shells hit the market. "
            "Officials said the aggressor had planned the attack for weeks.")
    doc = Document(doc_id_for(text), text)
    spans = [(text.index("Civilians"), text.index("Civilians") + len("Civilians")),
             (text.index("aggressor"), text.index("aggressor") + len("aggressor"))]
    got = FramingAnalyser().classify(doc, spans)
    assert len(got) == 2
    for main, fines, score in got:
        assert consistent(main, fines) and 0.0 <= score <= 1.0
    # the plainest cases a reader would not argue about
    assert got[0][0] == "Innocent"
    assert got[1][0] == "Antagonist"
