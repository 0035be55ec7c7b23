"""The sentence encoder's ONNX export: the traced graph pools and normalises as the
original does, batching by length keeps every row in its place, int8 weights stay close
to float32, and the shipped export agrees with the installed model. The export is
exercised on a tiny randomly initialised BERT; nothing big is converted here."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope import embeddings
from narrascope.errors import NarrascopeError
from narrascope.train import embeddings as export_embeddings

from support import tiny_bert

SENTENCES = [
    "The minister said the talks would resume next week.",
    "Sanctions hit the economy.",
    "Officials in the capital denied every claim made by the opposition on Monday, "
    "calling the report a fabrication from start to finish.",
    "Prices rose.",
    "A spokesman for the alliance refused to comment on the troop movements near the border.",
]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A 2-layer, 32-wide BERT with a word-piece vocabulary learned from SENTENCES."""
    return tiny_bert(tmp_path_factory.mktemp("tiny_sentence_bert"), SENTENCES)


def _torch_reference(folder, sentences):
    """Mean of the word-piece states, normalised: what sentence-transformers computes."""
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(folder)).eval()
    tk = Tokenizer.from_file(str(folder / "tokenizer.json"))
    out = []
    with torch.no_grad():
        for s in sentences:
            ids = torch.tensor([tk.encode(s).ids])
            states = model(input_ids=ids, attention_mask=torch.ones_like(ids))[0][0]
            v = states.mean(0)
            out.append((v / v.norm()).numpy())
    return np.stack(out)


@pytest.fixture(scope="module")
def exported(tiny_model, tmp_path_factory):
    base = tmp_path_factory.mktemp("exports")
    fp32 = export_embeddings.train([str(tiny_model)], str(base / "fp32"), {"quantise": "0"})
    int8 = export_embeddings.train([str(tiny_model)], str(base / "int8"), {})
    return fp32, int8


def test_export_pools_and_normalises_like_the_original(tiny_model, exported):
    fp32, _ = exported
    got = embeddings.OnnxSentenceEncoder(fp32).encode(SENTENCES, batch_size=2)
    want = _torch_reference(tiny_model, SENTENCES)
    assert got.shape == (len(SENTENCES), 32)
    assert np.allclose(np.linalg.norm(got, axis=1), 1, atol=1e-5)
    # batches are formed by length, padded to their longest sentence: no row moves, and
    # padding does not leak into the mean
    assert np.allclose(got, want, atol=1e-4)


def test_int8_weights_stay_close_to_float32(exported):
    fp32, int8 = exported
    a = embeddings.OnnxSentenceEncoder(fp32).encode(SENTENCES)
    b = embeddings.OnnxSentenceEncoder(int8).encode(SENTENCES)
    assert (np.sum(a * b, axis=1) > 0.95).all()
    assert not np.allclose(a, b)  # the weights really are quantised


def test_export_refuses_a_folder_that_is_no_model(tmp_path):
    with pytest.raises(NarrascopeError, match="not a model folder"):
        export_embeddings.train([str(tmp_path)], str(tmp_path / "out"), {})
    with pytest.raises(NarrascopeError, match="takes one source"):
        export_embeddings.train(["minilm", "minilm"], None, {})


def test_evaluate_needs_text(tmp_path):
    with pytest.raises(NarrascopeError, match="no text to embed"):
        export_embeddings.evaluate(str(tmp_path), None, {})


def test_shipped_export_agrees_with_the_installed_model():
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("onnxruntime")
    if not (embeddings.onnx_folder() / embeddings.ONNX_FILE).is_file():
        pytest.skip("no shipped ONNX export in this checkout")
    try:
        original = embeddings.torch_encoder()
    except Exception as err:  # noqa: BLE001 - the package is part of the ml extra
        pytest.skip(f"the installed model does not load: {err}")
    a = original(SENTENCES)
    b = embeddings.encode(SENTENCES)
    assert b.shape == (len(SENTENCES), embeddings.DIM)
    assert np.mean(np.sum(a * b, axis=1)) > 0.97
    # what each sentence is closest to does not change
    assert ((a @ a.T - 2 * np.eye(len(a))).argmax(1) == (b @ b.T - 2 * np.eye(len(b))).argmax(1)).all()


def test_an_unknown_backend_is_a_one_line_error(monkeypatch):
    monkeypatch.setenv("NARRASCOPE_EMBEDDINGS", "gpu")
    embeddings._backend.cache_clear()
    try:
        with pytest.raises(NarrascopeError, match="'gpu' is not a backend; use onnx or torch"):
            embeddings.encode(["A sentence."])
    finally:
        embeddings._backend.cache_clear()
