"""Narratives: which propaganda narratives and sub-narratives an article advances, with
scores and the sentences that carry them.

The default taxonomy is SemEval-2025 Task 10's (the Russia-Ukraine war and climate
change); a model trained with ``narrascope train narratives`` on another taxonomy
carries that taxonomy with it. The model is loaded once per process: the user's own
(``$NARRASCOPE_HOME/models/narratives``, where the trainer writes by default) when there
is one, else the one shipped in ``narrascope/models/narratives``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Sequence

from ...model import Document, Label, Result
from ..base import register

__all__ = ["NarrativesAnalyser", "default_model_path", "user_model_path", "user_models"]

#: characters of an article the classifier reads and looks for evidence in
MAX_CHARS = 20000


def user_model_path() -> Path:
    from ...settings import home

    return home() / "models" / "narratives"


def default_model_path() -> Path:
    """The user's trained model when there is one, else the shipped model."""
    user = user_model_path()
    if (user / "settings.json").is_file():
        return user
    return Path(str(resources.files("narrascope") / "models" / "narratives"))


def user_models() -> list[Path]:
    """The user's trained model when it replaces the shipped one (else nothing)."""
    user = user_model_path()
    return [user] if (user / "settings.json").is_file() else []


# version 2: an Other classifier decides Other, and the model learns from the task's
# explanations too; version 3: a sub-narrative's calibration reads its narrative's score;
# version 4: label sets chosen by their exact expected F1 (the ``exact_f1`` decoder);
# version 5: evidence ranked by support beyond the average label and by place (labels
# and scores unchanged) (results stored by an earlier version are computed again)
@register("narratives", "5", description="propaganda narratives and sub-narratives "
          "(SemEval-2025 Task 10 taxonomy by default), with evidence sentences",
          user_models=user_models)
class NarrativesAnalyser:
    def __init__(self, model_path: str | Path | None = None):
        self._path = Path(model_path) if model_path else None
        self._model = None

    @property
    def model(self):
        if self._model is None:
            from .model import NarrativeModel

            self._model = NarrativeModel.load(self._path or default_model_path())
        return self._model

    def _decode(self, probs) -> list[tuple[list[tuple[str, float]], list[tuple[str, float]]]]:
        from .decode import decode

        m = self.model
        return [decode(dict(zip(m.labels, row.tolist())), m.taxonomy, m.thresholds)
                for row in probs]

    def predict(self, texts: Sequence[str]) -> list[tuple[list[tuple[str, float]],
                                                          list[tuple[str, float]]]]:
        """``(narratives, subnarratives)`` with scores for each text, without evidence."""
        return self._decode(self.model.probabilities([t[:MAX_CHARS] for t in texts]))

    def analyse(self, docs: Sequence[Document], previous: Sequence[Mapping[str, Result]]
                ) -> list[Result]:
        from .evidence import evidence_for

        m = self.model
        texts = [d.text[:MAX_CHARS] for d in docs]
        counts = m.featuriser.split_counts(texts)
        out = []
        for i, (doc, (narrs, subs)) in enumerate(zip(docs, self._decode(
                m.probabilities(texts, counts)))):
            ev = evidence_for(m, doc.text, [lab for lab, _ in narrs + subs
                                            if lab != m.taxonomy.other],
                              counts.spans[i], counts.sentences[counts.rows(i)])
            labels = [Label(lab, score, ev.get(lab, ()), {"level": level})
                      for level, items in (("narrative", narrs), ("subnarrative", subs))
                      for lab, score in items]
            out.append(Result(self.name, self.version, doc.id, labels=tuple(labels),
                              data={"taxonomy": m.taxonomy.name}))
        return out

    def describe(self, label: str) -> str | None:
        """Our description of a narrative or sub-narrative label (None when unknown)."""
        return self.model.taxonomy.descriptions.get(label) or None

    @staticmethod
    def _level(result: Result, level: str) -> list[Label]:
        """The result's labels of one level, the likeliest first (an analyst reads the
        top of the list; the stored order is the taxonomy's)."""
        return sorted((lab for lab in result.labels if lab.attrs.get("level") == level),
                      key=lambda lab: -lab.score)

    def to_json(self, doc: Document, result: Result) -> dict[str, Any]:
        def item(lab: Label) -> dict[str, Any]:
            return {"label": lab.name, "score": round(lab.score, 4),
                    "evidence": [{"start": s.start, "end": s.end,
                                  "text": doc.text[s.start:s.end]} for s in lab.evidence]}

        return {"narratives": [item(x) for x in self._level(result, "narrative")],
                "subnarratives": [item(x) for x in self._level(result, "subnarrative")]}

    def to_text(self, doc: Document, result: Result) -> list[str]:
        lines: list[str] = []
        narrs = self._level(result, "narrative")
        subs = self._level(result, "subnarrative")
        for n in narrs:
            lines.append(f"  {n.name}  ({n.score:.2f})")
            for s in subs:
                if s.name.startswith(n.name + ": "):
                    short = s.name[len(n.name) + 2:]
                    short = "Other (none of the listed sub-narratives)" if short == "Other" \
                        else short
                    lines.append(f"    └ {short}  ({s.score:.2f})")
                    lines += [f"        “{_short(doc.text[e.start:e.end])}”" for e in s.evidence]
            if not any(s.name.startswith(n.name + ": ") and s.evidence for s in subs):
                lines += [f"        “{_short(doc.text[e.start:e.end])}”" for e in n.evidence]
        return lines


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
