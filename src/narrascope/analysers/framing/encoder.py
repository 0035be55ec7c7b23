"""The cross-encoder role model: a small transformer reads the mention in its context.

Where the linear model sees bags of n-grams, the cross-encoder reads the words in order:
the mention's sentence with one sentence on each side, the mention wrapped in ``<<`` and
``>>`` (plain characters the tokenizer already knows, so no new embeddings have to be
learned from a few hundred examples), paired with the article's title. Two heads sit on
the mean of all token states and the mean of the mention's own token states: main role
(3-way softmax) and fine roles (22 sigmoids).

This module holds what both training and inference need (building the inputs,
tokenising them) and the run-time model, which is an ONNX graph run by onnxruntime:
no torch at run time. Training lives in :mod:`narrascope.train.framing_encoder`.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ... import encoders
from ...errors import ModelNotFound
from ...text import sentences
from .classifier import DecodeSettings, Prediction, RoleClassifier
from .features import Featuriser
from .taxonomy import FINE_ROLES, MAIN_ROLES

__all__ = ["EncoderInput", "encoder_inputs", "Batch", "tokenise", "EncoderRoleModel",
           "FORMAT", "OPEN", "CLOSE", "MAX_TOKENS"]

FORMAT = "narrascope-framing-encoder/1"
OPEN, CLOSE = "<< ", " >>"
MAX_TOKENS = 192
_SIDE = 320  # characters of context kept on each side of the mention
_TITLE = 160  # characters of title kept
SETTINGS_FILE = "settings.json"
ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"


@dataclass(frozen=True)
class EncoderInput:
    """A mention ready for the tokenizer: ``context`` holds the marked mention at
    ``context[mention_start:mention_end]`` (markers included)."""

    context: str
    title: str
    mention_start: int
    mention_end: int


def encoder_inputs(text: str, spans: Sequence[tuple[int, int]],
                   sents: Sequence[tuple[int, int]] | None = None) -> list[EncoderInput]:
    """The input of each ``(start, end)`` mention of ``text``: its sentence and the one
    before and after it (clipped to ``_SIDE`` characters each side), and the title (the
    text's first line, as the cleaner writes it)."""
    if sents is None:
        sents = [(s.start, s.end) for s in sentences(text)] or [(0, len(text))]
    starts = [s for s, _ in sents]
    title = text.split("\n", 1)[0].strip()[:_TITLE]
    out = []
    for start, end in spans:
        i = max(0, bisect.bisect_right(starts, start) - 1)
        j = i
        while j + 1 < len(sents) and end > sents[j][1]:
            j += 1
        s0 = sents[max(0, i - 1)][0]
        s1 = sents[min(len(sents) - 1, j + 1)][1]
        s0 = max(min(s0, start), start - _SIDE)
        s1 = min(max(s1, end), end + _SIDE)
        left = " ".join(text[s0:start].split())
        right = " ".join(text[end:s1].split())
        surface = " ".join(text[start:end].split())
        left = f"{left} " if left else ""
        marked = f"{OPEN}{surface}{CLOSE}"
        context = f"{left}{marked} {right}".rstrip()
        out.append(EncoderInput(context, title, len(left), len(left) + len(marked)))
    return out


@dataclass
class Batch:
    """Padded token arrays (int64), one row per mention."""

    input_ids: np.ndarray
    attention_mask: np.ndarray
    token_type_ids: np.ndarray
    mention_mask: np.ndarray

    def feeds(self) -> dict[str, np.ndarray]:
        return {"input_ids": self.input_ids, "attention_mask": self.attention_mask,
                "token_type_ids": self.token_type_ids, "mention_mask": self.mention_mask}


def load_tokenizer(path: str | Path):
    """A ``tokenizers`` tokenizer from ``tokenizer.json``, truncating pairs to
    ``MAX_TOKENS`` and padding nothing (batches are padded to their longest row)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.no_padding()
    tok.enable_truncation(MAX_TOKENS, strategy="longest_first")
    return tok


def tokenise(tokenizer, inputs: Sequence[EncoderInput]) -> Batch:
    """Token ids for ``inputs`` (context first, title second) and a mask of the tokens that
    belong to the marked mention."""
    encs = tokenizer.encode_batch([(x.context, x.title) for x in inputs])
    width = max(len(e.ids) for e in encs)
    n = len(encs)
    ids = np.zeros((n, width), dtype=np.int64)
    att = np.zeros((n, width), dtype=np.int64)
    types = np.zeros((n, width), dtype=np.int64)
    ment = np.zeros((n, width), dtype=np.int64)
    for r, (e, x) in enumerate(zip(encs, inputs)):
        k = len(e.ids)
        ids[r, :k], att[r, :k], types[r, :k] = e.ids, e.attention_mask, e.type_ids
        for t, ((a, b), seq) in enumerate(zip(e.offsets, e.sequence_ids)):
            if seq == 0 and b > a and a < x.mention_end and b > x.mention_start:
                ment[r, t] = 1
        if not ment[r].any():  # truncated away (very long title or context): use the CLS
            ment[r, 0] = 1
    return Batch(ids, att, types, ment)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def fine_distribution(fine_logits: np.ndarray) -> np.ndarray:
    """The fine-role sigmoids rescaled to sum to one per row, the shape the shared decoder
    (:meth:`RoleClassifier.decode`) takes."""
    s = sigmoid(np.asarray(fine_logits, dtype=np.float64))
    return s / np.maximum(s.sum(axis=1, keepdims=True), 1e-12)


def softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class EncoderRoleModel:
    """The run-time cross-encoder: an ONNX graph, its tokenizer and decoding settings."""

    def __init__(self, session, tokenizer, decode: DecodeSettings | None = None,
                 meta: dict[str, Any] | None = None, batch_size: int = 16) -> None:
        self.session = session
        self.tokenizer = tokenizer
        self.decode_settings = decode or DecodeSettings()
        self.meta = meta or {}
        self.batch_size = batch_size
        self._decoder = RoleClassifier(Featuriser([]), self.decode_settings)

    @property
    def applies_to(self) -> tuple[str, ...]:
        """The document languages (ISO 639-1) this model reads."""
        return tuple(self.meta.get("applies_to", ("en",)))

    @property
    def linear_weight(self) -> float:
        """Weight of the linear model's probabilities in a blend with this model's (0: none)."""
        return float(self.meta.get("linear_weight", 0.0))

    def decode(self, pm: np.ndarray, pf: np.ndarray) -> list[Prediction]:
        """Predictions from main-role probabilities and a fine-role distribution."""
        return self._decoder.decode(pm, pf)

    @classmethod
    def load(cls, folder: str | Path, threads: int = 1) -> "EncoderRoleModel":
        folder = Path(folder)
        need = (SETTINGS_FILE, ONNX_FILE, TOKENIZER_FILE)
        if not all((folder / f).is_file() for f in need):
            raise ModelNotFound(f"no framing encoder in {folder} (expected {', '.join(need)}); "
                                "train one with `narrascope train framing DATA --option "
                                "model=encoder`")
        doc = json.loads((folder / SETTINGS_FILE).read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT or doc.get("fine_roles") != list(FINE_ROLES):
            raise ModelNotFound(f"{folder}: not a {FORMAT} model; retrain it with "
                                "`narrascope train framing DATA --option model=encoder`")
        return cls(encoders.session(folder / ONNX_FILE, threads), load_tokenizer(folder / TOKENIZER_FILE),
                   DecodeSettings(**doc.get("decode", {})), doc.get("meta", {}))

    def logits(self, inputs: Sequence[EncoderInput]) -> tuple[np.ndarray, np.ndarray]:
        """Raw main-role and fine-role logits, one row per input."""
        mains, fines = [np.zeros((0, len(MAIN_ROLES)))], [np.zeros((0, len(FINE_ROLES)))]
        order = sorted(range(len(inputs)), key=lambda i: len(inputs[i].context))
        for k in range(0, len(order), self.batch_size):
            idx = order[k:k + self.batch_size]
            batch = tokenise(self.tokenizer, [inputs[i] for i in idx])
            m, f = self.session.run(["main_logits", "fine_logits"], batch.feeds())
            mains.append(m)
            fines.append(f)
        back = np.argsort(np.array(order, dtype=np.int64)) if order else order
        return np.concatenate(mains)[back], np.concatenate(fines)[back]

    def probabilities(self, text: str, spans: Sequence[tuple[int, int]]
                      ) -> tuple[np.ndarray, np.ndarray]:
        """Main-role probabilities and the fine-role distribution for mentions of ``text``."""
        if not spans:
            return np.zeros((0, len(MAIN_ROLES))), np.zeros((0, len(FINE_ROLES)))
        main, fine = self.logits(encoder_inputs(text, spans))
        return softmax(main), fine_distribution(fine)

    def predict(self, text: str, spans: Sequence[tuple[int, int]]) -> list[Prediction]:
        return self.decode(*self.probabilities(text, spans))
