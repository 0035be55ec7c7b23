"""The fine-tuned encoder technique model: a small transformer (all-MiniLM-L6-v2,
fine-tuned by ``narrascope train techniques ... --option encoder=1``) that scores every
word piece with P(inside a persuasive span) and a distribution over the techniques.

Inference needs no torch: the encoder is an ONNX file (int8 weights) run with
onnxruntime, and the word pieces come from the ``tokenizers`` library reading the
shipped ``tokenizer.json``. Long articles are read in overlapping windows; a word
piece's scores are averaged over the windows that contain it, then a word takes its
pieces' mean, so spans always start and end on word boundaries (:mod:`.tokens`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ... import encoders
from .model import DEFAULT_SETTINGS, decode
from .patterns import with_patterns
from .tokens import Tokens, tokenize

__all__ = ["EncoderTechniqueModel", "Pieces", "load_tokenizer", "word_pieces", "windows", "pool_words",
           "ENCODER_SETTINGS", "ONNX_FILE"]

ONNX_FILE = "encoder.onnx"

ENCODER_SETTINGS: dict[str, Any] = {
    **{k: DEFAULT_SETTINGS[k] for k in ("min_tokens",)},
    "kind": "encoder",
    # word pieces per window, [CLS] and [SEP] included, and the step between windows
    # (112: 14% fewer windows than 96, and on held-out fold 1 no worse: span F1 0.379
    # vs 0.371, end-to-end 0.165 vs 0.161; 118 to 126 lost 0.005 to 0.008 end-to-end)
    "max_length": 128,
    "stride": 112,
    # windows per onnxruntime call: small batches measured 10% faster than 16 on one
    # thread (no padding is ever needed: all windows of an article have one width)
    "batch_size": 4,
    "threshold": 0.3,
    "span_threshold": 0.5,
    "max_gap": 1,
    # spans whose score, P(span) x P(technique | span), falls below this are dropped:
    # a span the model cannot name costs end-to-end precision (0: keep every span)
    "min_score": 0.0,
    # "span": runs of P(inside) make the spans, each named by its mean technique
    # distribution (one technique per span); "per_technique": every technique is
    # decoded on its own from each word's P(inside) x P(technique), so one stretch can
    # carry two techniques and a loaded word can sit inside a longer span of another
    "decoding": "span",
    # per_technique decoding: the word and span thresholds (``max_gap`` is shared)
    "technique_threshold": 0.1,
    "technique_span_threshold": 0.15,
    # the technique head: "softmax" (a distribution over the techniques) or "sigmoid"
    # (an independent P(technique here) per technique; ``tech_head=sigmoid`` in training)
    "technique_head": "softmax",
    # what per_technique decoding reads per word: "product", P(inside) x P(technique),
    # or "technique", P(technique) alone (meant for a sigmoid head)
    "technique_score": "product",
}


@dataclass
class Pieces:
    """The word pieces of a text: ids and character offsets (no special tokens)."""

    ids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def load_tokenizer(folder: str | Path):
    """The word-piece tokenizer of ``folder/tokenizer.json``, with the truncation and
    padding that file may carry switched off (windows are cut by :func:`windows`)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def word_pieces(tokenizer, text: str) -> Pieces:
    """Word pieces of ``text`` with their character offsets into ``text``."""
    enc = tokenizer.encode(text, add_special_tokens=False)
    offs = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
    return Pieces(np.asarray(enc.ids, dtype=np.int64), offs[:, 0], offs[:, 1])


def windows(n: int, max_length: int, stride: int) -> list[tuple[int, int]]:
    """``[a, b)`` piece ranges covering ``0..n``: at most ``max_length - 2`` pieces each
    (room for [CLS] and [SEP]), starting every ``stride`` pieces; the last window ends
    at ``n``."""
    width = max_length - 2
    if n <= width:
        return [(0, n)] if n else []
    out = [(a, a + width) for a in range(0, n - width, stride)]
    out.append((n - width, n))
    return out


def batch_ids(pieces: Pieces, spans: list[tuple[int, int]], cls_id: int, sep_id: int,
              pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``input_ids`` and ``attention_mask`` (int64, padded to the longest window)."""
    width = max(b - a for a, b in spans) + 2
    ids = np.full((len(spans), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(spans), width), dtype=np.int64)
    for r, (a, b) in enumerate(spans):
        ids[r, 0], ids[r, 1:b - a + 1], ids[r, b - a + 1] = cls_id, pieces.ids[a:b], sep_id
        mask[r, :b - a + 2] = 1
    return ids, mask


def pool_words(tok: Tokens, pieces: Pieces, piece_scores: np.ndarray) -> np.ndarray:
    """Per-word scores: the mean of the scores of the pieces inside each word token
    (a word with no piece, such as an emoji the vocabulary lacks, gets zeros)."""
    out = np.zeros((len(tok),) + piece_scores.shape[1:], dtype=np.float32)
    if not len(tok) or not len(pieces):
        return out
    # the word each piece falls in: the last word starting at or before the piece
    w = np.searchsorted(np.asarray(tok.starts), pieces.starts, side="right") - 1
    ok = (w >= 0) & (pieces.starts < np.asarray(tok.ends)[np.clip(w, 0, None)])
    counts = np.bincount(w[ok], minlength=len(tok)).astype(np.float32)
    np.add.at(out, w[ok], piece_scores[ok])
    nz = counts > 0
    out[nz] /= counts[nz].reshape((-1,) + (1,) * (out.ndim - 1))
    return out


@dataclass
class EncoderTechniqueModel:
    """An ONNX encoder with two heads; :meth:`predict` turns a text into spans."""

    folder: Path
    labels: tuple[str, ...]
    settings: dict[str, Any] = field(default_factory=lambda: dict(ENCODER_SETTINGS))
    #: ``run(input_ids, attention_mask) -> (P(inside), technique probabilities)``;
    #: None: the folder's ONNX file through onnxruntime (training passes a torch module)
    run: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None

    def __post_init__(self) -> None:
        self.tokenizer = load_tokenizer(self.folder)
        self.cls_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_id = self.tokenizer.token_to_id("[SEP]")
        if self.run is None:
            self.run = self._onnx_runner()

    def _onnx_runner(self):
        threads = self.settings.get("threads") or encoders.default_threads()
        # threads sleep between operators: spinning ones burn a core other work needs
        session = encoders.session(self.folder / ONNX_FILE, int(threads), spin=False)

        def run(ids: np.ndarray, mask: np.ndarray):
            return session.run(None, {"input_ids": ids, "attention_mask": mask})

        return run

    @classmethod
    def load(cls, folder: str | Path, overrides: dict[str, Any] | None = None
             ) -> "EncoderTechniqueModel":
        """The model in ``folder``; ``overrides`` replace saved settings (``threads``...)."""
        folder = Path(folder)
        meta = json.loads((folder / "settings.json").read_text(encoding="utf-8"))
        return cls(folder, tuple(meta["labels"]),
                   {**ENCODER_SETTINGS, **meta["settings"], **(overrides or {})})

    # -- inference -----------------------------------------------------------------
    def piece_scores(self, pieces: Pieces) -> tuple[np.ndarray, np.ndarray]:
        """P(inside) (n,) and technique probabilities (n, labels) of every piece."""
        n = len(pieces)
        inside = np.zeros(n, dtype=np.float32)
        tech = np.zeros((n, len(self.labels)), dtype=np.float32)
        spans = windows(n, int(self.settings["max_length"]), int(self.settings["stride"]))
        if not spans:
            return inside, tech
        seen = np.zeros(n, dtype=np.float32)
        batch = int(self.settings["batch_size"])
        for k in range(0, len(spans), batch):
            part = spans[k:k + batch]
            ids, mask = batch_ids(pieces, part, self.cls_id, self.sep_id)
            p_in, p_tech = self.run(ids, mask)
            for r, (a, b) in enumerate(part):
                inside[a:b] += p_in[r, 1:b - a + 1]
                tech[a:b] += p_tech[r, 1:b - a + 1]
                seen[a:b] += 1
        seen = np.maximum(seen, 1)
        return inside / seen, tech / seen[:, None]

    def word_scores(self, tok: Tokens) -> tuple[np.ndarray, np.ndarray]:
        """P(inside) per word token and technique probabilities per word token."""
        pieces = word_pieces(self.tokenizer, tok.text)
        inside, tech = self.piece_scores(pieces)
        return pool_words(tok, pieces, inside), pool_words(tok, pieces, tech)

    def decode(self, tok: Tokens, probs: np.ndarray) -> list[tuple[int, int, float]]:
        st = self.settings
        return decode(tok, probs, float(st["threshold"]), int(st["max_gap"]),
                      int(st["min_tokens"]), float(st["span_threshold"]))

    def spans_with_labels(self, tok: Tokens, inside: np.ndarray, tech: np.ndarray,
                          min_score: float | None = None) -> list[tuple[int, int, str, float]]:
        """Token spans ``(i, j, label, score)``, decoded as the ``decoding`` setting
        says. ``span``: the technique is the arg-max of the span's mean technique
        distribution and score = P(span) × P(technique | span). ``per_technique``:
        spans of each technique from P(inside) × P(technique) per word, score = the
        span's highest such product. Spans scoring under ``min_score`` (default: the
        setting) are left out."""
        floor = float(self.settings.get("min_score", 0.0) if min_score is None else min_score)
        if self.settings.get("decoding", "span") == "per_technique":
            return self.per_technique_spans(tok, inside, tech, floor)
        out = []
        for i, j, p in self.decode(tok, inside):
            dist = tech[i:j].mean(axis=0)
            k = int(dist.argmax())
            score = p * float(dist[k])
            if score >= floor:
                out.append((i, j, self.labels[k], score))
        return out

    def per_technique_spans(self, tok: Tokens, inside: np.ndarray, tech: np.ndarray,
                            floor: float = 0.0, threshold: float | None = None,
                            span_threshold: float | None = None, max_gap: int | None = None
                            ) -> list[tuple[int, int, str, float]]:
        """Token spans ``(i, j, label, score)`` of each technique decoded on its own
        (:func:`decode` over P(inside) × P(technique) per word, or P(technique) alone
        when the ``technique_score`` setting says so; thresholds and gap from the
        settings unless given), in text order; spans of different techniques may
        overlap."""
        st = self.settings
        lo = float(st["technique_threshold"] if threshold is None else threshold)
        hi = float(st["technique_span_threshold"] if span_threshold is None else span_threshold)
        gap = int(st["max_gap"] if max_gap is None else max_gap)
        alone = st.get("technique_score", "product") == "technique"
        out = []
        for k, label in enumerate(self.labels):
            score = tech[:, k] if alone else inside * tech[:, k]
            for i, j, top in decode(tok, score, lo, gap, int(st["min_tokens"]), hi):
                if top >= floor:
                    out.append((i, j, label, top))
        out.sort(key=lambda x: x[:3])
        return out

    def classify(self, tok: Tokens, spans: list[tuple[int, int]],
                 tech: np.ndarray | None = None) -> np.ndarray:
        """Technique probabilities (len(spans), len(labels)) for token spans."""
        if tech is None:
            tech = self.word_scores(tok)[1]
        if not spans:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return np.stack([tech[i:j].mean(axis=0) if j > i else tech[i:i + 1].mean(axis=0)
                         for i, j in spans])

    def predict(self, text: str) -> list[tuple[int, int, str, float]]:
        """Technique spans ``(start, end, label, score)`` (character offsets, end
        exclusive), plus the whataboutism cue patterns where the model has none."""
        tok = tokenize(text)
        if not len(tok):
            return []
        inside, tech = self.word_scores(tok)
        out = [(*tok.char_span(i, j), lab, score)
               for i, j, lab, score in self.spans_with_labels(tok, inside, tech)]
        return with_patterns(tok, out) if self.settings.get("patterns", True) else out
