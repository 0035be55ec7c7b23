"""Persuasion techniques: the spans of an article that persuade rather than inform,
named with the 14 technique classes of the Propaganda Techniques Corpus.

The model (see :mod:`.model`) loads on first use, once per analyser instance; importing
this package stays cheap.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Mapping, Sequence

from ...errors import ModelNotFound
from ...model import Document, Result, Span
from ..base import register
from .labels import TECHNIQUES, describe

__all__ = ["TechniquesAnalyser", "describe", "TECHNIQUES", "load_model", "summary"]

#: languages the model was trained on (None: language unknown, try anyway)
LANGUAGES = frozenset({"en", None})


def shipped_model_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "models" / "techniques"


def user_model_dir() -> Path:
    """Where ``narrascope train techniques`` writes without ``-o``."""
    from ...settings import home

    return Path(home()) / "models" / "techniques"


def user_models() -> list[Path]:
    """The user's trained model when it replaces the shipped one (else nothing)."""
    folder = user_model_dir()
    return [folder] if any((folder / w).exists() for w in _LOADERS) else []


def default_model_dir() -> Path:
    """The user's trained model when there is one, else the shipped one."""
    mine = user_models()
    return mine[0] if mine else shipped_model_dir()


def load_model(path: str | Path | None = None):
    """The technique model at ``path`` (a folder), else the default one (the user's
    trained model, else the shipped one)."""
    folder = Path(path) if path else default_model_dir()
    for weights, loader in _LOADERS.items():
        if (folder / weights).exists():
            return loader(folder)
    raise ModelNotFound(f"no technique model in {folder}; train one with "
                        "`narrascope train techniques PTC_DIR -o FOLDER`")


def _load_linear(folder: Path):
    from .model import TechniqueModel

    return TechniqueModel.load(folder)


def _load_encoder(folder: Path):
    try:
        from .encoder import EncoderTechniqueModel

        return EncoderTechniqueModel.load(folder)
    except ImportError as exc:
        raise ModelNotFound(f"the technique model in {folder} is an ONNX encoder and needs "
                            f"onnxruntime and tokenizers ({exc.name} is missing): "
                            "pip install 'narrascope[ml]'") from None


#: the weights file that marks each kind of model folder, and how to load it
_LOADERS = {"encoder.onnx": _load_encoder, "weights.npz": _load_linear}


def summary(text: str, spans: Sequence[Span]) -> dict[str, Any]:
    """Which techniques an article uses, how often, and how densely (per 1,000 words)."""
    words = max(1, len(text.split()))
    counts = Counter(s.label for s in spans)
    covered = sum(e - s for s, e in _union((s.start, s.end) for s in spans))
    return {
        "techniques": [lab for lab, _ in counts.most_common()],
        "counts": dict(counts.most_common()),
        "spans": len(spans),
        "words": words,
        "per_1000_words": round(1000 * len(spans) / words, 2),
        "density_by_technique": {lab: round(1000 * n / words, 2) for lab, n in counts.most_common()},
        "share_of_text": round(covered / max(1, len(text)), 4),
    }


def _union(spans):
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out


# version 6: a span that opens a quotation ends after its closing mark
# version 7: the shipped model decodes every technique on its own (``per_technique``)
@register("techniques", "7", description="persuasion techniques (PTC's 14 classes) with the "
          "spans that carry them, and how dense they are", user_models=user_models)
class TechniquesAnalyser:
    def __init__(self, model_path: str | Path | None = None):
        self._model_path = model_path
        self._model = None

    @property
    def model(self):
        if self._model is None:
            self._model = load_model(self._model_path)
        return self._model

    def analyse(self, docs: Sequence[Document], previous: Sequence[Mapping[str, Result]]
                ) -> list[Result]:
        out = []
        for doc in docs:
            if doc.language not in LANGUAGES:
                out.append(Result(self.name, self.version, doc.id, data={
                    "skipped": f"language {doc.language!r}: the technique model reads English only"}))
                continue
            spans = tuple(Span(s, e, lab, round(score, 4))
                          for s, e, lab, score in self.model.predict(doc.text))
            out.append(Result(self.name, self.version, doc.id, spans=spans,
                              data=summary(doc.text, spans)))
        return out

    def to_json(self, doc: Document, result: Result) -> dict[str, Any]:
        """``techniques`` (the spans, with their text) and ``techniques_summary``."""
        return {
            "techniques": [{"label": s.label, "start": s.start, "end": s.end,
                            "text": doc.text[s.start:s.end], "score": round(s.score, 4)}
                           for s in result.spans],
            "techniques_summary": dict(result.data),
        }

    def to_text(self, doc: Document, result: Result) -> list[str]:
        if "skipped" in result.data:
            return [f"  techniques: skipped ({result.data['skipped']})"]
        if not result.spans:
            return ["  no persuasion techniques found"]
        d = result.data
        n = d.get("spans", len(result.spans))
        lines = [f"  {n} technique span{'' if n == 1 else 's'}, "
                 f"{d.get('per_1000_words', 0)} per 1,000 words"]
        explained: set[str] = set()
        for s in result.spans:
            quoted = " ".join(doc.text[s.start:s.end].split())
            if len(quoted) > 120:
                quoted = quoted[:117] + "..."
            lines.append(f"  {s.label.replace('_', ' ')} ({s.score:.2f}): “{quoted}”")
            if s.label not in explained:
                explained.add(s.label)
                lines.append(f"      {describe(s.label)}")
        return lines
