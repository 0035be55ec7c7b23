"""The technique model: a token tagger that finds persuasive spans and a classifier that
names the technique of each span. Both are linear models over hashed features, stored
as an ``.npz`` of weights plus a ``settings.json``; no pickles.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .features import Hasher, lexicon, span_rows, token_features
from .patterns import with_patterns
from .tokens import Tokens, tokenize

__all__ = ["TechniqueModel", "DEFAULT_SETTINGS", "decode"]

DEFAULT_SETTINGS: dict[str, Any] = {
    "tagger_features": 2 ** 19,
    "classifier_features": 2 ** 17,
    # a token may be inside a span when P(inside) >= threshold ...
    "threshold": 0.2,
    # ... and a run of such tokens is kept when one of them reaches span_threshold
    "span_threshold": 0.4,
    # runs of inside tokens separated by at most this many outside tokens are joined
    "max_gap": 2,
    "min_tokens": 1,
}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    from scipy.special import expit

    return expit(x)


def _ovr_probs(x: np.ndarray) -> np.ndarray:
    """One-vs-rest logistic scores normalised to sum to one per row."""
    p = _sigmoid(x)
    return p / np.maximum(p.sum(axis=1, keepdims=True), 1e-12)


def decode(tok: Tokens, probs: np.ndarray, threshold: float, max_gap: int = 1,
           min_tokens: int = 1, span_threshold: float = 0.0) -> list[tuple[int, int, float]]:
    """Token spans ``(i, j, max probability)`` from per-token probabilities: runs of
    tokens at or above ``threshold`` in one sentence, joined over gaps of up to
    ``max_gap`` tokens, trimmed of punctuation at the edges, and kept when their most
    confident token reaches ``span_threshold`` (hysteresis: a weak token extends a span
    but does not start one; measured +0.03 span F1 over one threshold)."""
    out: list[tuple[int, int, float]] = []
    inside = probs >= threshold
    for a, b in tok.sent_bounds:
        runs: list[list[int]] = []
        for k in range(a, b):
            if not inside[k]:
                continue
            if runs and k - runs[-1][1] <= max_gap:
                runs[-1][1] = k + 1
            else:
                runs.append([k, k + 1])
        for s, e in runs:
            while s < e and not tok.words[s][0].isalnum():
                s += 1
            while e > s and not tok.words[e - 1][0].isalnum():
                e -= 1
            if e - s >= min_tokens:
                top = float(probs[s:e].max())
                if top >= span_threshold:
                    out.append((s, e, top))
    return out


@dataclass
class TechniqueModel:
    """Weights and settings; :meth:`predict` turns a text into technique spans."""

    tagger_coef: np.ndarray
    tagger_bias: float
    clf_coef: np.ndarray
    clf_bias: np.ndarray
    labels: tuple[str, ...]
    settings: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_SETTINGS))

    def __post_init__(self) -> None:
        self.tagger_hasher = Hasher(int(self.settings["tagger_features"]))
        self.clf_hasher = Hasher(int(self.settings["classifier_features"]))

    # -- inference -----------------------------------------------------------------
    def token_probs(self, tok: Tokens) -> np.ndarray:
        if not len(tok):
            return np.zeros(0, dtype=np.float32)
        return self.probs_from_rows(token_features(tok))

    def probs_from_rows(self, rows: list[list[str]]) -> np.ndarray:
        """P(inside a technique span) for tokens given as feature rows."""
        x = self.tagger_hasher.transform(rows)
        return _sigmoid(np.asarray(x @ self.tagger_coef, dtype=np.float64) + self.tagger_bias)

    def classify(self, tok: Tokens, spans: list[tuple[int, int]]) -> np.ndarray:
        """Technique probabilities (len(spans), len(labels)) for token spans."""
        if not spans:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        x = self.clf_hasher.transform(span_rows(tok, spans, lexicon().match(tok.lower)))
        return _ovr_probs(np.asarray(x @ self.clf_coef.T, dtype=np.float64) + self.clf_bias)

    def decode(self, tok: Tokens, probs: np.ndarray) -> list[tuple[int, int, float]]:
        """:func:`decode` with this model's settings."""
        st = self.settings
        return decode(tok, probs, float(st["threshold"]), int(st["max_gap"]),
                      int(st["min_tokens"]), float(st["span_threshold"]))

    def predict(self, text: str) -> list[tuple[int, int, str, float]]:
        """Technique spans ``(start, end, label, score)`` in ``text`` (character offsets,
        end exclusive); score = P(span) × P(technique | span), or the pattern score for
        spans of :mod:`.patterns` (added where the model has no span of that technique)."""
        tok = tokenize(text)
        spans = self.decode(tok, self.token_probs(tok))
        probs = self.classify(tok, [(i, j) for i, j, _ in spans])
        out = []
        for (i, j, p), row in zip(spans, probs):
            k = int(row.argmax())
            s, e = tok.char_span(i, j)
            out.append((s, e, self.labels[k], p * float(row[k])))
        return with_patterns(tok, out) if self.settings.get("patterns", True) else out

    # -- storage -------------------------------------------------------------------
    def save(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in ("encoder.onnx", "tokenizer.json"):
            # an encoder model's files: the loader prefers them, and a folder holds one model
            (folder / stale).unlink(missing_ok=True)
        np.savez_compressed(folder / "weights.npz",
                            tagger_coef=self.tagger_coef.astype(np.float16),
                            tagger_bias=np.array([self.tagger_bias], dtype=np.float32),
                            clf_coef=self.clf_coef.astype(np.float16),
                            clf_bias=self.clf_bias.astype(np.float32))
        meta = {"labels": list(self.labels), "settings": self.settings}
        (folder / "settings.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> "TechniqueModel":
        folder = Path(folder)
        meta = json.loads((folder / "settings.json").read_text(encoding="utf-8"))
        with np.load(folder / "weights.npz", allow_pickle=False) as w:
            return cls(w["tagger_coef"].astype(np.float32), float(w["tagger_bias"][0]),
                       w["clf_coef"].astype(np.float32), w["clf_bias"].astype(np.float32),
                       tuple(meta["labels"]), {**DEFAULT_SETTINGS, **meta["settings"]})
