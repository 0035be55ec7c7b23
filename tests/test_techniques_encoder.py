"""The fine-tuned encoder path of the techniques analyser: windows and word pooling,
fine-tuning a tiny randomly initialised BERT on the fixture corpus, its ONNX export
(fp32 and int8) against the torch module, and the analyser and evaluation on the
exported folder. Nothing big is trained: the encoder has 2 layers 32 wide."""

from __future__ import annotations

import json

import numpy as np
import pytest

from support import FIXTURES, tiny_bert
from narrascope.analysers.techniques import TECHNIQUES, TechniquesAnalyser, load_model
from narrascope.analysers.techniques.encoder import (EncoderTechniqueModel, Pieces, pool_words,
                                                     windows, word_pieces)
from narrascope.analysers.techniques.ptc import read_ptc
from narrascope.analysers.techniques.tokens import tokenize
from narrascope.model import Document, Result, doc_id_for

PTC = FIXTURES / "techniques"


@pytest.mark.parametrize("n,max_length,stride", [(0, 10, 6), (5, 10, 6), (8, 10, 6),
                                                 (9, 10, 6), (40, 10, 6), (41, 12, 10)])
def test_windows_cover_every_piece_and_fit(n, max_length, stride):
    spans = windows(n, max_length, stride)
    covered = np.zeros(n, dtype=int)
    for a, b in spans:
        assert 0 <= a < b <= n and b - a <= max_length - 2
        covered[a:b] += 1
    assert (covered >= 1).all()
    if n:
        assert spans[0][0] == 0 and spans[-1][1] == n


def test_pool_words_averages_the_pieces_inside_each_word():
    tok = tokenize("Unbelievable lies, again.")
    # pieces: "un" "##believ" "##able" | "lies" | "," | "again" | "."
    starts = np.array([0, 2, 8, 13, 17, 19, 24])
    ends = np.array([2, 8, 12, 17, 18, 24, 25])
    pieces = Pieces(np.zeros(7, dtype=np.int64), starts, ends)
    scores = np.array([0.9, 0.6, 0.3, 0.8, 0.0, 0.2, 0.1], dtype=np.float32)
    words = pool_words(tok, pieces, scores)
    assert tok.words == ["Unbelievable", "lies", ",", "again", "."]
    assert np.allclose(words, [0.6, 0.8, 0.0, 0.2, 0.1])
    two = pool_words(tok, pieces, np.stack([scores, 1 - scores], axis=1))
    assert two.shape == (5, 2) and np.allclose(two.sum(axis=1), 1)


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory):
    """A randomly initialised 2-layer, 32-wide BERT with a word-piece vocabulary learned
    from the fixture articles; its tokenizer truncates at 64 pieces, which the model must
    switch off to see whole articles."""
    return tiny_bert(tmp_path_factory.mktemp("tiny_bert"), [a.text for a in read_ptc(PTC)],
                     vocab_size=400, truncation=64)


OPTIONS = {"epochs": "3", "lr": "1e-3", "batch_size": "4", "train_stride": "24",
           "max_length": "32", "stride": "24", "val_share": "0.34", "bf16": "0"}


@pytest.fixture(scope="module")
def tuned(tiny_base):
    from narrascope.train.techniques_encoder import fit_encoder

    return fit_encoder(read_ptc(PTC), {**OPTIONS, "base": str(tiny_base)}, quiet=True)


def test_fine_tuned_model_keeps_labels_and_chosen_thresholds(tuned):
    assert set(tuned.labels) <= set(TECHNIQUES) and len(tuned.labels) >= 2
    st = tuned.settings
    assert 0 < st["threshold"] <= st["span_threshold"] < 1
    assert st["max_length"] == 32 and st["trained_on_articles"] == 4


def test_onnx_export_matches_torch(tuned, tmp_path):
    from narrascope.train.techniques_encoder import export_onnx

    text = read_ptc(PTC)[2].text

    def pieces_of(model):
        return model.piece_scores(word_pieces(model.tokenizer, text))

    ref_in, ref_tech = pieces_of(tuned)
    assert len(ref_in) > 32  # several windows
    fp32 = EncoderTechniqueModel.load(export_onnx(tuned, tmp_path / "fp32", quantize=False))
    got_in, got_tech = pieces_of(fp32)
    assert np.abs(got_in - ref_in).max() < 1e-4 and np.abs(got_tech - ref_tech).max() < 1e-4
    int8 = EncoderTechniqueModel.load(export_onnx(tuned, tmp_path / "int8"))
    q_in, q_tech = pieces_of(int8)
    assert np.abs(q_in - ref_in).max() < 0.2
    assert np.allclose(q_tech.sum(axis=1), 1, atol=1e-3)


@pytest.fixture(scope="module")
def encoder_folder(tiny_base, tmp_path_factory):
    """The fixture corpus through `narrascope train techniques ... encoder=1`, fold 1 of 3
    held out (the command also scores that fold before and after the int8 export)."""
    from narrascope.train import get_trainer

    out = tmp_path_factory.mktemp("enc") / "techniques"
    options = {**OPTIONS, "encoder": "1", "base": str(tiny_base), "fold": "1", "cv": "3"}
    get_trainer("techniques").train([str(PTC)], str(out), options)
    return out


def test_training_command_writes_an_onnx_folder_without_pickles(encoder_folder):
    assert sorted(p.name for p in encoder_folder.iterdir()) == [
        "encoder.onnx", "settings.json", "tokenizer.json"]
    meta = json.loads((encoder_folder / "settings.json").read_text())
    assert meta["settings"]["kind"] == "encoder" and meta["settings"]["quantized"] is True
    assert meta["settings"]["held_out_fold"] == "1/3"
    assert isinstance(load_model(encoder_folder), EncoderTechniqueModel)


def test_evaluate_scores_only_the_held_out_fold(encoder_folder):
    from narrascope.train import get_trainer

    m = get_trainer("techniques").evaluate(str(PTC), str(encoder_folder), {"fold": "1", "cv": "3"})
    assert m["articles"] == 2
    assert 0 <= m["span_f1"] <= 1 and 0 <= m["e2e_f1"] <= m["span_f1"] + 1e-9
    assert "Loaded_Language" in m["table"]


def test_analyser_spans_from_the_encoder_round_trip(encoder_folder):
    analyser = TechniquesAnalyser(encoder_folder)
    # spans for sure, whichever decoding the trainer chose for this tiny model
    analyser.model.settings.update(threshold=0.0, span_threshold=0.0, decoding="span")
    text = (PTC / "train-articles" / "article9004.txt").read_text()
    doc = Document(doc_id_for(text), text, language="en")
    result = analyser.analyse([doc], [{}])[0]
    assert result.spans
    for item, span in zip(analyser.to_json(doc, result)["techniques"], result.spans):
        assert item["text"] == text[span.start:span.end]
        assert item["text"] == item["text"].strip() and item["text"][0].isalnum()
        assert item["label"] in TECHNIQUES and 0 <= item["score"] <= 1
    assert Result.from_dict(json.loads(json.dumps(result.to_dict()))) == result
    empty = analyser.analyse([Document("e", "", language="en")], [{}])[0]
    assert not empty.spans


def test_kept_fp32_weights_reload_and_load_as_a_model(tuned, tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file

    from narrascope.train.techniques import keep_fp32

    side = keep_fp32(tuned, tmp_path / "fp32")
    state = load_file(str(side / "state.safetensors"))
    ref = tuned.module.state_dict()
    assert state.keys() == ref.keys()
    assert all(torch.equal(state[k], ref[k]) for k in ref)
    model = load_model(side)
    assert model.settings["quantized"] is False and model.labels == tuned.labels


def test_kept_weights_export_again_with_other_quantisation(tuned, tiny_base, tmp_path):
    onnx = pytest.importorskip("onnx")
    from narrascope.train import get_trainer
    from narrascope.train.techniques import keep_fp32

    side = keep_fp32(tuned, tmp_path / "fp32")
    out = tmp_path / "again"
    options = {**OPTIONS, "encoder": "1", "base": str(tiny_base), "from_fp32": str(side),
               "per_channel": "1", "keep_float": "heads", "stride": "16",
               "tune_exported": "1"}
    get_trainer("techniques").train([str(PTC)], str(out), options)
    st = json.loads((out / "settings.json").read_text())["settings"]
    assert st["quantization"] == {"per_channel": True, "reduce_range": False,
                                  "keep_float": "heads"}
    assert st["stride"] == 16 and st["thresholds_chosen_with"] == "exported model"
    assert st["trained_on_articles"] == tuned.settings["trained_on_articles"]
    ops = {n.name: n.op_type for n in onnx.load(str(out / "encoder.onnx")).graph.node}
    heads = [op for name, op in ops.items() if "/span/" in name or "/tech/" in name]
    assert "MatMul" in heads and "MatMulInteger" not in heads
    assert "MatMulInteger" in ops.values()  # the encoder itself is int8
    text = read_ptc(PTC)[2].text
    again = load_model(out)
    got, _ = again.piece_scores(word_pieces(again.tokenizer, text))
    from narrascope.train.techniques_encoder import load_fp32

    torch_model = load_fp32(side, tiny_base)  # the kept weights, in torch
    torch_model.settings["stride"] = 16
    ref, _ = torch_model.piece_scores(word_pieces(torch_model.tokenizer, text))
    assert np.abs(got - ref).max() < 0.2


def test_unknown_float_part_is_refused(tuned, tmp_path):
    from narrascope.errors import NarrascopeError
    from narrascope.train.techniques_encoder import export_onnx

    with pytest.raises(NarrascopeError, match="keep_float"):
        export_onnx(tuned, tmp_path / "x", keep_float="heads,everything")


@pytest.mark.parametrize("value, expected", [("3", 3), ("", None), ("many", None), ("0", None)])
def test_onnx_threads_follow_the_process_share_of_cores(monkeypatch, value, expected):
    import os

    from narrascope.encoders import default_threads

    monkeypatch.setenv("OMP_NUM_THREADS", value)
    assert default_threads() == (expected or os.cpu_count() or 1)


def test_min_score_is_chosen_on_validation_or_given(tuned):
    from narrascope.train.techniques_encoder import MIN_SCORES, set_min_score

    arts = read_ptc(PTC)
    given = {**OPTIONS, "min_score": "0.05"}
    assert set_min_score(tuned, arts, given) == 0.05 == tuned.settings["min_score"]
    assert set_min_score(tuned, arts, {**OPTIONS, "min_score": "auto"}, quiet=True) in MIN_SCORES
    tuned.settings["min_score"] = 0.0


@pytest.mark.parametrize("bad", ["abc", "-0.1", "2", "nan"])
def test_a_bad_min_score_is_refused_before_any_training(bad):
    from narrascope.errors import NarrascopeError
    from narrascope.train.techniques_encoder import min_score_option

    with pytest.raises(NarrascopeError, match="min_score=.*'auto' or a number from 0 to 1"):
        min_score_option({"min_score": bad})
    assert min_score_option({}) is None and min_score_option({"min_score": "0.1"}) == 0.1


def test_min_score_drops_only_the_spans_under_it(encoder_folder):
    model = load_model(encoder_folder)
    # every sentence is a span; the cue patterns (scored apart) are left out
    model.settings.update(threshold=0.0, span_threshold=0.0, min_score=0.0, patterns=False,
                          decoding="span")
    text = (PTC / "train-articles" / "article9004.txt").read_text()
    every = model.predict(text)
    scores = sorted({s[3] for s in every})
    assert len(scores) >= 2
    floor = scores[len(scores) // 2]
    model.settings["min_score"] = floor
    kept = model.predict(text)
    assert kept == [s for s in every if s[3] >= floor] and len(kept) < len(every)


def test_training_command_records_its_min_score(encoder_folder):
    from narrascope.train.techniques_encoder import MIN_SCORES

    meta = json.loads((encoder_folder / "settings.json").read_text())
    assert meta["settings"]["min_score"] in MIN_SCORES


def test_per_technique_decoding_gives_each_technique_its_own_spans(encoder_folder):
    model = load_model(encoder_folder)
    model.settings.update(decoding="per_technique", patterns=False, min_score=0.0)
    tok = tokenize("Unbelievable lies, again. The corrupt regime lies.")
    n, k = len(tok), len(model.labels)
    inside = np.full(n, 0.9, dtype=np.float32)
    tech = np.zeros((n, k), dtype=np.float32)
    tech[:, 0] = 0.6  # the first technique over every word
    tech[1, 1] = tech[8, 1] = 0.4  # "lies" twice, also the second technique
    tech[1, 0] = tech[8, 0] = 0.2
    spans = model.per_technique_spans(tok, inside, tech, threshold=0.3, span_threshold=0.35)
    first = [(i, j) for i, j, lab, _ in spans if lab == model.labels[0]]
    second = [(i, j, s) for i, j, lab, s in spans if lab == model.labels[1]]
    # the second technique's two words are spans of their own, inside the first's
    assert [(i, j) for i, j, _ in second] == [(1, 2), (8, 9)]
    assert all(abs(s - 0.9 * 0.4) < 1e-6 for *_, s in second)
    assert all(any(a <= i and j <= b for a, b in first) for i, j, _ in second)
    # a first-technique span never runs over a sentence end
    ends = {b for _, b in tok.sent_bounds}
    assert all(any(a <= i and j <= b for a, b in tok.sent_bounds) for i, j in first) and ends
    assert model.spans_with_labels(tok, inside, tech) == model.per_technique_spans(
        tok, inside, tech)
    assert [s[:2] for s in spans] == sorted(s[:2] for s in spans)


def test_decoding_is_chosen_on_validation_within_what_is_allowed(tuned):
    from narrascope.train.techniques_encoder import TECHNIQUE_GRID, set_decoding

    arts = read_ptc(PTC)
    saved = dict(tuned.settings)
    try:
        chosen = set_decoding(tuned, arts, {**OPTIONS, "decoding": "per_technique"}, quiet=True)
        assert chosen["decoding"] == "per_technique" == tuned.settings["decoding"]
        assert (chosen["technique_threshold"], chosen["technique_span_threshold"]) in TECHNIQUE_GRID
        assert set_decoding(tuned, arts, {**OPTIONS, "decoding": "span"},
                            quiet=True)["decoding"] == "span"
        assert set_decoding(tuned, arts, OPTIONS, quiet=True)["decoding"] in ("span",
                                                                               "per_technique")
    finally:
        tuned.settings.clear()
        tuned.settings.update(saved)


def test_a_bad_decoding_is_refused_before_any_training():
    from narrascope.errors import NarrascopeError
    from narrascope.train import get_trainer

    with pytest.raises(NarrascopeError, match="decoding='best' is not allowed; give one of "
                                              "auto, span, per_technique"):
        get_trainer("techniques").train([str(PTC)], None, {"encoder": "1", "decoding": "best"})


def test_a_sigmoid_head_scores_each_technique_on_its_own(tiny_base, tmp_path):
    from narrascope.train.techniques_encoder import export_onnx, fit_encoder

    model = fit_encoder(read_ptc(PTC), {**OPTIONS, "base": str(tiny_base),
                                        "tech_head": "sigmoid"}, quiet=True)
    assert model.settings["technique_head"] == "sigmoid"
    text = read_ptc(PTC)[2].text
    _, tech = model.piece_scores(word_pieces(model.tokenizer, text))
    # independent probabilities: not a distribution over the techniques
    assert ((tech > 0) & (tech < 1)).all() and np.abs(tech.sum(axis=1) - 1).max() > 0.05
    onnx = EncoderTechniqueModel.load(export_onnx(model, tmp_path / "fp32", quantize=False))
    assert onnx.settings["technique_head"] == "sigmoid"
    _, got = onnx.piece_scores(word_pieces(onnx.tokenizer, text))
    assert np.abs(got - tech).max() < 1e-4
    # decoded from P(technique) alone, P(inside) does not enter the score
    onnx.settings.update(decoding="per_technique", technique_score="technique", min_score=0.0)
    tok = tokenize("Unbelievable lies, again.")
    tech = np.zeros((len(tok), len(onnx.labels)), dtype=np.float32)
    tech[1, 0] = 0.7
    spans = onnx.per_technique_spans(tok, np.full(len(tok), 0.1, dtype=np.float32), tech,
                                     threshold=0.3, span_threshold=0.5)
    assert spans == [(1, 2, onnx.labels[0], pytest.approx(0.7))]


def test_train_seed_changes_the_weights_but_not_the_articles(tuned, tiny_base):
    from narrascope.train.techniques_encoder import fit_encoder, split_validation

    other = fit_encoder(read_ptc(PTC), {**OPTIONS, "base": str(tiny_base), "train_seed": "5"},
                        quiet=True)
    text = read_ptc(PTC)[2].text
    a = tuned.piece_scores(word_pieces(tuned.tokenizer, text))[0]
    b = other.piece_scores(word_pieces(other.tokenizer, text))[0]
    assert np.abs(a - b).max() > 1e-3
    assert other.settings["trained_on_articles"] == tuned.settings["trained_on_articles"]
    same = {**OPTIONS, "train_seed": "5"}
    assert [x.id for x in split_validation(read_ptc(PTC), same)[1]] == [
        x.id for x in split_validation(read_ptc(PTC), OPTIONS)[1]]


def test_a_bad_technique_head_or_train_seed_is_refused_before_any_training():
    from narrascope.errors import NarrascopeError
    from narrascope.train import get_trainer

    with pytest.raises(NarrascopeError, match="tech_head='crf' is not allowed; give one of "
                                              "softmax, sigmoid"):
        get_trainer("techniques").train([str(PTC)], None, {"encoder": "1", "tech_head": "crf"})
    with pytest.raises(NarrascopeError, match="train_seed='x' is not a whole number"):
        get_trainer("techniques").train([str(PTC)], None, {"encoder": "1", "train_seed": "x"})


def test_from_onnx_chooses_the_decoding_again_without_training(encoder_folder, tmp_path):
    from narrascope.errors import NarrascopeError
    from narrascope.train import get_trainer

    trainer = get_trainer("techniques")
    out = tmp_path / "again"
    options = {**OPTIONS, "encoder": "1", "from_onnx": str(encoder_folder),
               "decoding": "per_technique"}
    trainer.train([str(PTC)], str(out), options)
    assert (out / "encoder.onnx").read_bytes() == (encoder_folder / "encoder.onnx").read_bytes()
    meta = json.loads((out / "settings.json").read_text())["settings"]
    before = json.loads((encoder_folder / "settings.json").read_text())["settings"]
    assert meta["decoding"] == "per_technique" and meta["held_out_fold"] == "1/3"
    assert {k: v for k, v in meta.items() if not k.startswith(("decoding", "technique_"))} == {
        k: v for k, v in before.items() if not k.startswith(("decoding", "technique_"))}
    with pytest.raises(NarrascopeError, match="trained without fold 1/3; give that fold or none"):
        trainer.train([str(PTC)], str(tmp_path / "x"), {**options, "fold": "2", "cv": "3"})
    with pytest.raises(NarrascopeError, match="no exported technique model there"):
        trainer.train([str(PTC)], str(tmp_path / "y"), {**options, "from_onnx": str(tmp_path)})
