"""Framing: the role an article casts each actor in (SemEval-2025 Task 10, subtask 1).

Every entity mention found by the ``entities`` analyser gets a main role (Protagonist,
Antagonist, Innocent) and one or more fine roles under it, from a classifier trained with
``narrascope train framing``. Mention roles are rolled up to the entity ("actor"): the
main role with the most probability mass over the entity's mentions, its most frequent
fine roles, and the sentences that show it most clearly.

The task annotates only the actors an article frames, not every name it drops; a mention
counts as *framed* when the classifier's confidence in its main role reaches
``FRAMED_THRESHOLD``. Every mention still carries its best guess, with ``framed`` saying
whether it cleared the bar; actors list only entities with at least one framed mention.

The shipped model also reads the narratives the article pushes (the ``narr`` feature
block, see :mod:`.article_narratives`): it asks the narratives analyser's model for the
article's narrative probabilities, once per article.

Where a cross-encoder model is present (``narrascope train framing DATA --option
model=encoder``; see :mod:`.encoder`), documents in the languages it was trained for are
read by it instead, optionally blended with the linear model's probabilities (its
``linear_weight``); other languages keep the linear model.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from importlib.resources import files
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ...model import Document, Label, Result, Span
from ...text import sentences
from ..base import register
from ...errors import ModelNotFound
from .classifier import Prediction, RoleClassifier
from .encoder import EncoderRoleModel
from .features import contexts
from .taxonomy import MAIN_ROLES

__all__ = ["FramingAnalyser", "default_model", "model_folder", "encoder_folder",
           "default_encoder", "FRAMED_THRESHOLD"]

#: confidence in the main role from which a mention counts as framed
FRAMED_THRESHOLD = 0.6
_EVIDENCE = 3  # sentences kept per actor


def model_folder() -> Path:
    """The model used by default: a user-trained one under $NARRASCOPE_HOME/models/framing
    when present, else the one shipped with the package."""
    from ...train.framing import default_output

    user = default_output()
    if (user / "settings.json").is_file():
        return user
    return Path(str(files("narrascope") / "models" / "framing"))


def user_models() -> list[Path]:
    """The user-trained models framing uses instead of shipped ones: its own two, and the
    narratives model it reads the article's narratives with."""
    from ...train.framing import default_output
    from ...train.framing_encoder import default_output as encoder_output
    from ..narratives import user_models as narratives_models

    own = [p for p in (default_output(), encoder_output()) if (p / "settings.json").is_file()]
    return own + narratives_models()


def default_model() -> RoleClassifier:
    return RoleClassifier.load(model_folder())


def encoder_folder() -> Path:
    """The cross-encoder used by default: a user-trained one under
    $NARRASCOPE_HOME/models/framing-encoder when present, else the shipped one."""
    from ...train.framing_encoder import default_output

    user = default_output()
    if (user / "settings.json").is_file():
        return user
    return Path(str(files("narrascope") / "models" / "framing_encoder"))


def default_encoder() -> EncoderRoleModel | None:
    """The default cross-encoder, or None where there is none (or onnxruntime is missing):
    then every language is read by the linear model."""
    folder = encoder_folder()
    if not (folder / "settings.json").is_file():
        return None
    try:
        return EncoderRoleModel.load(folder)
    except ModelNotFound:
        return None


# version 3: the shipped model reads the article's narratives (the ``narr`` block)
@register("framing", "3", description="roles of actors: protagonist, antagonist, innocent and "
                                      "22 fine roles (SemEval-2025 Task 10)",
          requires=("entities",), user_models=user_models)
class FramingAnalyser:
    """Frames mentions with the linear model, or with the cross-encoder for the languages
    it covers. An analyser given a linear ``model`` uses no default cross-encoder: pass
    ``encoder`` too to have one."""

    def __init__(self, model: RoleClassifier | None = None,
                 encoder: EncoderRoleModel | None = None) -> None:
        self._model = model
        self._encoder = encoder
        self._encoder_loaded = encoder is not None or model is not None

    @property
    def model(self) -> RoleClassifier:
        if self._model is None:
            self._model = default_model()
        return self._model

    @property
    def encoder(self) -> EncoderRoleModel | None:
        if not self._encoder_loaded:
            self._encoder = default_encoder()
            self._encoder_loaded = True
        return self._encoder

    def _encoder_for(self, language: str | None) -> EncoderRoleModel | None:
        enc = self.encoder
        if enc is None or not language:
            return None
        return enc if language.lower() in enc.applies_to else None

    # -- classification ------------------------------------------------------------------
    def classify(self, doc: Document, spans: Sequence[tuple[int, int]]
                 ) -> list[tuple[str, tuple[str, ...], float]]:
        """``(main_role, fine_roles, score)`` for each ``(start, end)`` span of ``doc.text``."""
        return [(p.main_role, p.fine_roles, p.score) for p in self._predict(doc, spans)]

    def _predict(self, doc: Document, spans: Sequence[tuple[int, int]]) -> list[Prediction]:
        if not spans:
            return []
        enc = self._encoder_for(doc.language)
        if enc is None:
            return self.model.predict(contexts(doc.text, list(spans)))
        pm, pf = enc.probabilities(doc.text, spans)
        w = enc.linear_weight
        if w > 0:
            lm, lf = self.model.probabilities(contexts(doc.text, list(spans)))
            pm, pf = (1 - w) * pm + w * lm, (1 - w) * pf + w * lf
        return enc.decode(pm, pf)

    # -- analysis ------------------------------------------------------------------------
    def analyse(self, docs: Sequence[Document], previous: Sequence[Mapping[str, Result]]
                ) -> list[Result]:
        return [self._one(doc, prev.get("entities")) for doc, prev in zip(docs, previous)]

    def _one(self, doc: Document, entities: Result | None) -> Result:
        mentions = sorted(entities.spans, key=lambda s: (s.start, s.end)) if entities else []
        preds = self._predict(doc, [(s.start, s.end) for s in mentions])
        spans = []
        for s, p in zip(mentions, preds):
            attrs = dict(s.attrs)
            attrs.update(type=s.label, text=attrs.get("text") or doc.text[s.start:s.end],
                         entity=attrs.get("entity") or doc.text[s.start:s.end],
                         fine_roles=list(p.fine_roles), framed=p.score >= FRAMED_THRESHOLD,
                         main_probs=[round(x, 4) for x in p.main_probs])
            spans.append(Span(s.start, s.end, p.main_role, round(p.score, 4), attrs))
        return Result(self.name, self.version, doc.id, labels=tuple(_actors(doc, spans)),
                      spans=tuple(spans),
                      data={"framed_threshold": FRAMED_THRESHOLD,
                            "entities_found": entities is not None})

    # -- output --------------------------------------------------------------------------
    def to_json(self, doc: Document, result: Result) -> dict[str, Any]:
        ents = [{"text": s.attrs.get("text", doc.text[s.start:s.end]), "start": s.start,
                 "end": s.end, "type": s.attrs.get("type"), "entity": s.attrs.get("entity"),
                 "entity_id": s.attrs.get("entity_id"), "main_role": s.label,
                 "fine_roles": list(s.attrs.get("fine_roles", ())),
                 "score": round(float(s.score), 4), "framed": bool(s.attrs.get("framed"))}
                for s in result.spans]
        actors = [{"entity": lab.name, "main_role": lab.attrs.get("main_role"),
                   "fine_roles": list(lab.attrs.get("fine_roles", ())),
                   "score": round(float(lab.score), 4), "mentions": lab.attrs.get("mentions"),
                   "evidence": [{"start": e.start, "end": e.end,
                                 "text": doc.text[e.start:e.end]} for e in lab.evidence]}
                  for lab in result.labels]
        return {"entities": ents, "actors": actors}

    def to_text(self, doc: Document, result: Result) -> list[str]:
        if not result.labels:
            return ["  no framed actors"]
        out = []
        for lab in result.labels:
            fines = ", ".join(lab.attrs.get("fine_roles", ()))
            out.append(f"  {lab.name}: {lab.attrs.get('main_role')} ({fines}) · "
                       f"{lab.attrs.get('mentions')} mention(s) · {lab.score:.2f}")
        return out


def _actors(doc: Document, spans: Sequence[Span]) -> list[Label]:
    """Roll framed mention roles up to their entity, strongest-framed actors first."""
    groups: dict[Any, list[Span]] = defaultdict(list)
    for s in spans:
        key = s.attrs.get("entity_id")
        groups[key if key is not None else s.attrs.get("entity")].append(s)
    sents = sentences(doc.text)
    starts = [x.start for x in sents]
    out = []
    for members in groups.values():
        framed = [s for s in members if s.attrs.get("framed")]
        if not framed:
            continue
        mass = np.sum([s.attrs["main_probs"] for s in framed], axis=0)
        main = MAIN_ROLES[int(np.argmax(mass))]
        backing = [s for s in framed if s.label == main]
        if not backing:  # the mass leans one way, no single mention does: trust the surest
            main = max(framed, key=lambda x: x.score).label
            backing = [s for s in framed if s.label == main]
        fines = Counter(f for s in backing for f in s.attrs["fine_roles"])
        top = [f for f, n in fines.most_common(2) if n * 2 >= max(fines.values())]
        evidence = []
        for s in sorted(backing, key=lambda x: -x.score):
            sent = _sentence_of(sents, starts, s.start)
            if sent is not None and sent not in evidence:
                evidence.append(sent)
            if len(evidence) == _EVIDENCE:
                break
        score = float(mass[MAIN_ROLES.index(main)] / len(framed))
        out.append(Label(str(framed[0].attrs.get("entity")), round(score, 4),
                         tuple(sorted(evidence, key=lambda e: e.start)),
                         {"main_role": main, "fine_roles": top,
                          "mentions": len(members), "entity_id": framed[0].attrs.get("entity_id")}))
    out.sort(key=lambda lab: (-lab.attrs["mentions"], -lab.score))
    return out


def _sentence_of(sents: Sequence[Span], starts: Sequence[int], pos: int) -> Span | None:
    import bisect

    i = bisect.bisect_right(starts, pos) - 1
    if i < 0:
        return None
    return Span(sents[i].start, sents[i].end, "evidence")
