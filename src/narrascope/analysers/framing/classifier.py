"""The role classifier: a main-role model and a fine-role model over the same features,
decoded into a consistent label set (one main role, fine roles under it).

Both models are multinomial logistic regressions. Decoding picks the main role from a
blend of the main-role model and the fine-role model's mass per main role, then the most
likely fine role under it, and adds a second one only when it is nearly as likely (the
task scores exact sets, and most gold sets hold a single fine role). Weights are kept as
npz arrays and settings as JSON: nothing is pickled.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ...errors import ModelNotFound
from .features import Featuriser, MentionContext, normalise_name
from .taxonomy import FINE_ROLES, MAIN_ROLES, ROLES

__all__ = ["RoleClassifier", "Prediction", "DecodeSettings", "FORMAT"]

FORMAT = "narrascope-framing/1"
SETTINGS_FILE = "settings.json"
WEIGHTS_FILE = "weights.npz"


@dataclass(frozen=True)
class Prediction:
    main_role: str
    fine_roles: tuple[str, ...]
    score: float  # probability of the main role
    main_probs: tuple[float, ...]  # over MAIN_ROLES


@dataclass
class DecodeSettings:
    #: weight of the main-role model against the fine-role model's mass per main role
    main_weight: float = 0.5
    #: a second fine role is added when its probability is at least this share of the first's
    second_ratio: float = 0.8
    #: prior added to the main-role scores (log space), to trade one class for another
    main_bias: list[float] = field(default_factory=lambda: [0.0] * len(MAIN_ROLES))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class RoleClassifier:
    """Features + two linear models + decoding settings."""

    def __init__(self, featuriser: Featuriser, decode: DecodeSettings | None = None) -> None:
        self.featuriser = featuriser
        self.decode_settings = decode or DecodeSettings()
        self.main_coef = self.main_bias = self.fine_coef = self.fine_bias = None
        self.meta: dict[str, Any] = {}

    # -- training ------------------------------------------------------------------------
    def fit(self, ctxs: Sequence[MentionContext], mains: Sequence[str],
            fines: Sequence[Sequence[str]], groups: Sequence[str], *, c_main: float = 4.0,
            c_fine: float = 4.0, embeddings: np.ndarray | None = None) -> "RoleClassifier":
        from sklearn.linear_model import LogisticRegression

        self.featuriser.fit(ctxs, mains)
        X = self.featuriser.transform(ctxs, _own_article_counts(ctxs, mains, groups),
                                      embeddings=embeddings)
        y_main = np.array([MAIN_ROLES.index(m) for m in mains])
        lr = LogisticRegression(C=c_main, max_iter=2000, class_weight="balanced")
        lr.fit(X, y_main)
        self.main_coef, self.main_bias = _full(lr, len(MAIN_ROLES))
        rows, ys, ws = [], [], []
        for i, fs in enumerate(fines):
            for f in fs:
                rows.append(i)
                ys.append(FINE_ROLES.index(f))
                ws.append(1.0 / len(fs))
        lr = LogisticRegression(C=c_fine, max_iter=2000)
        lr.fit(X[rows], np.array(ys), sample_weight=np.array(ws))
        self.fine_coef, self.fine_bias = _full(lr, len(FINE_ROLES))
        return self

    # -- predicting ----------------------------------------------------------------------
    def probabilities(self, ctxs: Sequence[MentionContext], embeddings: np.ndarray | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
        """Main-role and fine-role probabilities, one row per mention."""
        if not ctxs:
            return np.zeros((0, len(MAIN_ROLES))), np.zeros((0, len(FINE_ROLES)))
        X = self.featuriser.transform(ctxs, embeddings=embeddings)
        pm = _softmax(np.asarray(X @ self.main_coef.T) + self.main_bias)
        pf = _softmax(np.asarray(X @ self.fine_coef.T) + self.fine_bias)
        return pm, pf

    def decode(self, pm: np.ndarray, pf: np.ndarray, settings: DecodeSettings | None = None
               ) -> list[Prediction]:
        d = settings or self.decode_settings
        fine_mass = np.stack([pf[:, [FINE_ROLES.index(f) for f in ROLES[m]]].sum(axis=1)
                              for m in MAIN_ROLES], axis=1)
        w = d.main_weight
        blend = np.exp(w * np.log(pm + 1e-9) + (1 - w) * np.log(fine_mass + 1e-9)
                       + np.asarray(d.main_bias))
        blend /= blend.sum(axis=1, keepdims=True)
        out = []
        for i in range(len(pm)):
            k = int(blend[i].argmax())
            main = MAIN_ROLES[k]
            idx = [FINE_ROLES.index(f) for f in ROLES[main]]
            order = sorted(idx, key=lambda j: -pf[i, j])
            chosen = [order[0]]
            if len(order) > 1 and pf[i, order[1]] >= d.second_ratio * pf[i, order[0]]:
                chosen.append(order[1])
            out.append(Prediction(main, tuple(FINE_ROLES[j] for j in chosen),
                                  float(blend[i, k]), tuple(float(x) for x in blend[i])))
        return out

    def predict(self, ctxs: Sequence[MentionContext], embeddings: np.ndarray | None = None
                ) -> list[Prediction]:
        return self.decode(*self.probabilities(ctxs, embeddings))

    # -- persistence ---------------------------------------------------------------------
    def save(self, folder: str | Path, meta: Mapping[str, Any] | None = None) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        settings, arrays = self.featuriser.state()
        arrays.update(main_coef=self.main_coef.astype(np.float32),
                      main_bias=self.main_bias.astype(np.float32),
                      fine_coef=self.fine_coef.astype(np.float32),
                      fine_bias=self.fine_bias.astype(np.float32))
        doc = {"format": FORMAT, "main_roles": list(MAIN_ROLES), "fine_roles": list(FINE_ROLES),
               "decode": self.decode_settings.__dict__, "meta": dict(meta or self.meta),
               "features": settings}
        np.savez_compressed(folder / WEIGHTS_FILE, **arrays)
        (folder / SETTINGS_FILE).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> "RoleClassifier":
        folder = Path(folder)
        if not (folder / SETTINGS_FILE).is_file() or not (folder / WEIGHTS_FILE).is_file():
            raise ModelNotFound(f"no framing model in {folder} (expected {SETTINGS_FILE} and "
                                f"{WEIGHTS_FILE}); train one with `narrascope train framing DATA`")
        doc = json.loads((folder / SETTINGS_FILE).read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT or doc.get("fine_roles") != list(FINE_ROLES):
            raise ModelNotFound(f"{folder}: not a {FORMAT} model; retrain it with "
                                "`narrascope train framing DATA`")
        with np.load(folder / WEIGHTS_FILE, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        model = cls(Featuriser.from_state(doc["features"], arrays),
                    DecodeSettings(**doc.get("decode", {})))
        model.main_coef, model.main_bias = arrays["main_coef"], arrays["main_bias"]
        model.fine_coef, model.fine_bias = arrays["fine_coef"], arrays["fine_bias"]
        model.meta = doc.get("meta", {})
        return model


def _full(lr, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients for all ``n`` classes (classes absent from training get -inf-ish bias)."""
    coef = np.zeros((n, lr.coef_.shape[1]), dtype=np.float32)
    bias = np.full(n, -30.0, dtype=np.float32)
    classes = list(lr.classes_)
    if len(classes) == 2 and lr.coef_.shape[0] == 1:  # binary: sklearn keeps one row
        coef[classes[1]], bias[classes[1]] = lr.coef_[0], lr.intercept_[0]
        bias[classes[0]] = 0.0
    else:
        for row, c in enumerate(classes):
            coef[c], bias[c] = lr.coef_[row], lr.intercept_[row]
    return coef, bias


def _own_article_counts(ctxs, mains, groups) -> list[dict[str, list[float]]]:
    """For each training mention, the main-role counts its own article adds to each name."""
    per_article: dict[str, dict[str, list[float]]] = defaultdict(dict)
    for c, m, g in zip(ctxs, mains, groups):
        key = normalise_name(c.surface)
        per_article[g].setdefault(key, [0.0] * len(MAIN_ROLES))[MAIN_ROLES.index(m)] += 1.0
    return [per_article[g] for g in groups]
