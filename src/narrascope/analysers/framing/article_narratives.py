"""The narratives an article pushes, as evidence for the roles it gives its actors.

Who is the villain depends on the story being told: in an article that blames the war on
the West, NATO and Washington are antagonists and Moscow the peacemaker; in one that
discredits Ukraine, Kyiv's leaders are. The ``narr`` feature block of the role
classifier therefore reads the article's narrative probabilities (the coarse labels of
the narratives model) and crosses them with the mention's camp (see :mod:`.sides`), so
the classifier can learn "a Ukraine-side actor in an article that discredits Ukraine".

At analysis time the probabilities come from the default narratives model (the one the
``narratives`` analyser uses). At training time they must not come from a model that
has seen the article's own narrative labels (its probabilities there would be surer than
on any new article), so :func:`out_of_fold` cross-validates the narratives model on the
training folders and gives each article the probabilities of the fold model that did not
see it.
"""

from __future__ import annotations

import sys
from typing import Callable, Mapping, Sequence

import numpy as np

__all__ = ["NarrativeSource", "model_source", "out_of_fold", "coarse_labels", "lookup_source",
           "default_narratives_model", "default_labels"]

#: texts -> (len(texts), len(labels)) narrative probabilities
NarrativeSource = Callable[[Sequence[str]], np.ndarray]


def coarse_labels(labels: Sequence[str], taxonomy) -> list[str]:
    """The narrative (not sub-narrative, not ``Other``) labels among ``labels``."""
    narratives = set(taxonomy.narratives)
    return [lab for lab in labels if lab in narratives and lab != taxonomy.other]


def default_narratives_model():
    """The narratives analyser's model (the same instance the analyser uses in this
    process, loaded once)."""
    from ..base import load_analyser

    return load_analyser("narratives").model


def default_labels() -> list[str]:
    """The narrative labels of the default narratives model."""
    model = default_narratives_model()
    return coarse_labels(model.labels, model.taxonomy)


def model_source(labels: Sequence[str], model=None) -> NarrativeSource:
    """Probabilities of ``labels`` from ``model`` (default: the narratives analyser's
    default model); a label the model does not know reads 0, so a framing model keeps
    working, with less evidence, beside a narratives model trained on other labels."""
    state: dict = {"model": model}

    def probabilities(texts: Sequence[str]) -> np.ndarray:
        from ..narratives import MAX_CHARS

        if state["model"] is None:
            state["model"] = default_narratives_model()
        m = state["model"]
        index = m.label_index()
        probs = m.probabilities([t[:MAX_CHARS] for t in texts])
        out = np.zeros((len(texts), len(labels)), dtype=np.float32)
        for j, lab in enumerate(labels):
            if lab in index:
                out[:, j] = probs[:, index[lab]]
        return out

    return probabilities


def out_of_fold(paths: Sequence[str], log: Callable[[str], None] | None = None
                ) -> tuple[list[str], dict[str, np.ndarray]]:
    """Out-of-fold narrative probabilities of every labelled article under ``paths``
    (SemEval-2025 Task 10 folders with their subtask-2 annotations), keyed like the
    framing mentions' articles (``"EN/EN_UA_300009.txt"``), and the label order.

    The narratives model is cross-validated with its default options (5 folds); each
    label's decision score is calibrated by a logistic fit on the out-of-fold scores, as
    the trainer calibrates the shipped model."""
    from ..narratives.corpus import read_data
    from ..narratives.fit import cross_validate, oof_probabilities
    from ...taxonomies import default_taxonomy

    log = log or (lambda msg: print(msg, file=sys.stderr))
    taxonomy = default_taxonomy()
    examples = read_data(list(paths), taxonomy)
    log(f"narratives of {len(examples)} articles, out of fold (for the narr block)")
    scores, labels, _ = cross_validate(examples, taxonomy, {}, log)
    probs, _, _ = oof_probabilities(scores, examples, labels)
    keep = coarse_labels(labels, taxonomy)
    cols = [labels.index(lab) for lab in keep]
    return keep, {f"{ex.language.upper()}/{ex.id}": probs[i, cols].astype(np.float32)
                  for i, ex in enumerate(examples)}


def lookup_source(by_text: Mapping[str, np.ndarray], fallback: NarrativeSource
                  ) -> NarrativeSource:
    """Probabilities read from ``by_text`` (article text -> row), and from ``fallback``
    for texts it lacks."""
    def probabilities(texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in by_text]
        extra = dict(zip(missing, fallback(missing))) if missing else {}
        return np.stack([by_text[t] if t in by_text else extra[t] for t in texts])

    return probabilities
