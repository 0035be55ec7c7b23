"""Paths and helpers the tests share. Import them with ``from support import ...``
(not from ``conftest``: pytest loads every folder's conftest under that one name)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"
SEEDS = SHARED / "seeds"
EXAMPLES = ROOT / "src" / "narrascope" / "data" / "examples"


def need_shared(path: Path = SHARED_DATA) -> Path:
    """Skip the calling test unless ``path`` (under ../shared) exists."""
    if not path.exists():
        pytest.skip(f"{path} is absent (research data lives only beside the project checkout)")
    return path


def tiny_bert(folder: Path, texts, vocab_size: int = 200, hidden: int = 32,
              max_positions: int = 64, truncation: int | None = None) -> Path:
    """A randomly initialised 2-layer BERT, ``hidden`` wide, with a word-piece vocabulary
    learned from ``texts``, saved in ``folder`` the way Hugging Face models are (weights,
    config and ``tokenizer.json``). ``truncation`` is saved in the tokenizer, for tests of
    code that must switch it off. Skips the test without torch and transformers."""
    pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

    tk = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tk.normalizer = normalizers.BertNormalizer(lowercase=True)
    tk.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tk.train_from_iterator(list(texts), trainers.WordPieceTrainer(vocab_size=vocab_size,
                                                                  special_tokens=special))
    tk.post_processor = processors.BertProcessing(("[SEP]", tk.token_to_id("[SEP]")),
                                                  ("[CLS]", tk.token_to_id("[CLS]")))
    if truncation:
        tk.enable_truncation(truncation)
    tk.save(str(folder / "tokenizer.json"))
    config = transformers.BertConfig(vocab_size=tk.get_vocab_size(), hidden_size=hidden,
                                     num_hidden_layers=2, num_attention_heads=2,
                                     intermediate_size=2 * hidden,
                                     max_position_embeddings=max_positions)
    transformers.BertModel(config).save_pretrained(str(folder))
    return folder


def assert_decoders_agree(tax, labels, probs, th):
    """The narratives trainer's vectorised decoder (``decode_matrix``, which the CV
    figures come from) and the analyser's ``decode`` keep the same labels on every row
    of ``probs``; returns the matrix decoder's narrative indicators."""
    from narrascope.analysers.narratives.decode import decode
    from narrascope.analysers.narratives.tune import LabelSpace, decode_matrix

    space = LabelSpace(tax, labels)
    pn, ps = decode_matrix(probs, space, th)
    for row, rn, rs in zip(probs, pn, ps):
        n, s = decode(dict(zip(labels, row.tolist())), tax, th)
        assert {lab for lab, _ in n} == {lab for lab, on in zip(space.narratives + ["Other"], rn)
                                         if on}
        assert {lab for lab, _ in s} == {lab for lab, on in zip(space.subs + ["Other"], rs) if on}
    return pn
