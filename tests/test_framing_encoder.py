"""The framing cross-encoder: its inputs, the training and ONNX export path (on a tiny
random BERT built here, never the real encoder), and how the analyser picks it."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

from narrascope.analysers.framing import FramingAnalyser  # noqa: E402
from narrascope.analysers.framing.classifier import RoleClassifier  # noqa: E402
from narrascope.analysers.framing.data import read_mentions  # noqa: E402
from narrascope.analysers.framing.encoder import (CLOSE, OPEN, EncoderRoleModel,  # noqa: E402
                                                  encoder_inputs, load_tokenizer, tokenise)
from narrascope.analysers.framing.taxonomy import consistent  # noqa: E402
from narrascope.errors import NarrascopeError  # noqa: E402
from narrascope.model import Document, doc_id_for  # noqa: E402
from narrascope.train.framing import evaluate, train  # noqa: E402

from support import FIXTURES  # noqa: E402

CORPUS = FIXTURES / "framing" / "EN"
TEXT = ("Storm over the valley\n\n"
        "The council met on Monday. Farmers lost their harvest to the flood. "
        "The minister blamed the weather and left early. Nobody answered the phones.")


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory):
    """A two-layer BERT with random weights and a character-level WordPiece vocabulary."""
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordPiece
    from transformers import BertConfig, BertModel

    folder = tmp_path_factory.mktemp("tiny-bert")
    chars = list("abcdefghijklmnopqrstuvwxyz0123456789.,;:!?'\"()-<>[]/&%$")
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + [f"##{c}" for c in chars]
    vocab = {t: i for i, t in enumerate(tokens)}
    tok = Tokenizer(WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    tok.save(str(folder / "tokenizer.json"))
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=32, max_position_embeddings=256)
    BertModel(config).save_pretrained(str(folder))
    return folder


@pytest.fixture(scope="module")
def tiny_encoder(tiny_base, tmp_path_factory):
    out = tmp_path_factory.mktemp("framing-encoder") / "model"
    train([str(CORPUS)], str(out), {"model": "encoder", "base": str(tiny_base), "epochs": "2",
                                     "batch_size": "4", "head_lr": "0.01", "quantise": "0"})
    return out


def test_inputs_mark_the_mention_and_keep_the_neighbouring_sentences():
    start = TEXT.index("Farmers")
    (x,) = encoder_inputs(TEXT, [(start, start + len("Farmers"))])
    assert x.context[x.mention_start:x.mention_end] == f"{OPEN}Farmers{CLOSE}"
    assert x.title == "Storm over the valley"
    assert "council met" in x.context and "minister blamed" in x.context
    assert "Nobody" not in x.context  # two sentences away


def test_tokens_of_the_mention_are_masked(tiny_base):
    tok = load_tokenizer(tiny_base / "tokenizer.json")
    start = TEXT.index("minister")
    inputs = encoder_inputs(TEXT, [(start, start + len("minister")), (0, 5)])
    batch = tokenise(tok, inputs)
    assert batch.input_ids.shape == batch.mention_mask.shape
    enc = tok.encode(inputs[0].context, inputs[0].title)
    marked = [t for t, m in zip(enc.tokens, batch.mention_mask[0]) if m]
    # "<< minister >>" in characters: two markers of two tokens each plus eight letters
    assert "".join(t.lstrip("#") for t in marked) == "<<minister>>"
    assert batch.mention_mask[1].sum() > 0 and batch.attention_mask[1].sum() > 0


def test_training_writes_an_onnx_model_that_matches_torch(tiny_encoder):
    doc = json.loads((tiny_encoder / "settings.json").read_text(encoding="utf-8"))
    check = doc["meta"]["export_check"]
    assert check["mentions"] == 12
    assert check["main_argmax_agreement"] == 1.0
    assert check["main_prob_max_abs_diff"] < 1e-4
    assert doc["meta"]["applies_to"] == ["en"]


def test_onnx_model_predicts_consistent_roles(tiny_encoder):
    model = EncoderRoleModel.load(tiny_encoder)
    spans = [(TEXT.index(w), TEXT.index(w) + len(w)) for w in ("council", "Farmers", "minister")]
    preds = model.predict(TEXT, spans)
    assert len(preds) == 3
    for p in preds:
        assert consistent(p.main_role, p.fine_roles)
        assert p.score == pytest.approx(max(p.main_probs))
    # a batch gives the same answers as one mention at a time
    one = [model.predict(TEXT, [s])[0] for s in spans]
    assert [p.main_role for p in one] == [p.main_role for p in preds]
    np.testing.assert_allclose([p.main_probs for p in one], [p.main_probs for p in preds],
                               atol=1e-5)


def test_partial_fine_tuning_splits_the_encoder_exactly(tiny_base):
    from narrascope.train import framing_encoder as fe

    tok = load_tokenizer(tiny_base / "tokenizer.json")
    model = fe._module(tiny_base).eval()
    spans = [(TEXT.index(w), TEXT.index(w) + len(w)) for w in ("council", "minister")]
    batch = tokenise(tok, encoder_inputs(TEXT, spans))
    ids, att, types, ment = fe._tensors(batch)
    with torch.no_grad():
        whole = model(ids, att, types, ment)
        split = model.upper(model.lower(ids, att, types, 1), att, ment, 1)
    for a, b in zip(whole, split):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-5)


def test_training_the_top_layer_only_leaves_the_rest_untouched(tiny_base):
    from narrascope.train import framing_encoder as fe

    mentions = read_mentions([CORPUS])
    before = fe._module(tiny_base).state_dict()
    model, _ = fe.fit(fe.mention_inputs(mentions), [m.main for m in mentions],
                      [m.fines for m in mentions],
                      fe.EncoderSettings(epochs=1, batch_size=4, train_layers=1), tiny_base)
    after = model.state_dict()
    for frozen in ("encoder.embeddings.word_embeddings.weight",
                   "encoder.encoder.layer.0.output.dense.weight"):
        assert torch.equal(before[frozen], after[frozen])
    top = "encoder.encoder.layer.1.output.dense.weight"
    assert not torch.equal(before[top], after[top])


def test_quantised_export_is_checked_against_torch(tiny_base, tmp_path):
    out = tmp_path / "int8"
    train([str(CORPUS)], str(out), {"model": "encoder", "base": str(tiny_base), "epochs": "1"})
    check = json.loads((out / "settings.json").read_text(encoding="utf-8"))["meta"]
    assert check["quantised"] is True
    assert 0.0 <= check["export_check"]["main_argmax_agreement"] <= 1.0
    assert EncoderRoleModel.load(out).predict(TEXT, [(0, 5)])


def test_evaluate_scores_an_encoder_folder(tiny_encoder):
    metrics = evaluate(str(CORPUS), str(tiny_encoder), {})
    assert metrics["mentions"] == len(read_mentions([CORPUS]))
    assert 0.0 <= metrics["main_role_accuracy"] <= 1.0 and "table" in metrics


def test_bad_options_are_refused(tiny_base, tmp_path):
    with pytest.raises(NarrascopeError, match="model="):
        train([str(CORPUS)], str(tmp_path / "x"), {"model": "forest"})
    with pytest.raises(NarrascopeError, match="epochs"):
        train([str(CORPUS)], str(tmp_path / "x"), {"model": "encoder", "base": str(tiny_base),
                                                    "epochs": "many"})
    with pytest.raises(NarrascopeError, match="no mentions"):
        train([str(CORPUS)], str(tmp_path / "x"), {"model": "encoder", "languages": "RU"})


def test_analyser_uses_the_encoder_for_its_languages_only(tiny_encoder, tmp_path):
    linear = tmp_path / "linear"
    train([str(CORPUS)], str(linear), {"blocks": "sent,near,name,prior"})
    lin = RoleClassifier.load(linear)
    enc = EncoderRoleModel.load(tiny_encoder)
    analyser = FramingAnalyser(model=lin, encoder=enc)
    spans = [(TEXT.index(w), TEXT.index(w) + len(w)) for w in ("council", "Farmers", "minister")]
    en = Document(doc_id_for(TEXT), TEXT, language="en")
    pt = Document(doc_id_for(TEXT), TEXT, language="pt")
    want_en = [(p.main_role, p.fine_roles) for p in enc.predict(TEXT, spans)]
    assert [(m, f) for m, f, _ in analyser.classify(en, spans)] == want_en
    from narrascope.analysers.framing.features import contexts

    want_pt = [(p.main_role, p.fine_roles) for p in lin.predict(contexts(TEXT, spans))]
    assert [(m, f) for m, f, _ in analyser.classify(pt, spans)] == want_pt
    # a given linear model alone means no default encoder is loaded behind it
    assert FramingAnalyser(model=lin).encoder is None
