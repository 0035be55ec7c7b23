"""Finding and loading the statistical NER pipelines, one per language.

A user's model (``$NARRASCOPE_HOME/models/entities/<lang>``, written by ``narrascope train
ner`` without ``-o``) takes precedence over the shipped one
(``narrascope/models/entities/<lang>``), so retraining takes effect without reinstalling.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["SHIPPED", "model_path", "user_models", "load_pipeline"]

SHIPPED = Path(__file__).resolve().parents[2] / "models" / "entities"


def model_path(lang: str) -> Path | None:
    """The folder of the model used for ``lang``, or None when there is none."""
    from ...settings import home

    for base in (home() / "models" / "entities", SHIPPED):
        p = base / lang
        if (p / "config.cfg").exists():
            return p
    return None


def user_models() -> list[Path]:
    """The user's model folders that replace shipped ones (one per language)."""
    from ...settings import home

    base = home() / "models" / "entities"
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if (p / "config.cfg").exists())


def load_pipeline(lang: str, path: str | Path | None = None):
    """The spaCy pipeline at ``path`` (default: :func:`model_path`), or None when absent."""
    p = Path(path) if path else model_path(lang)
    if p is None or not (p / "config.cfg").exists():
        return None
    import spacy

    nlp = spacy.load(p, exclude=[])
    _lexeme_attributes_for_ner(nlp)
    _numpy_matrix_products(nlp)
    return nlp


def _lexeme_attributes_for_ner(nlp) -> None:
    """Compute only the word attributes the entity model reads.

    spaCy fills some twenty attributes (``like_num``, ``is_stop``, ...) for each word it
    has not seen before; the recogniser reads only ``doc.ents``, and the model only the
    hashed features of its embedding (``NORM``, ``PREFIX``, ``SUFFIX``, ``SHAPE``) and
    ``IS_SPACE`` (no entity on whitespace). Skipping the rest saves about 8% of the
    model's time on new articles and changes no prediction.
    """
    from spacy.attrs import IS_SPACE, LOWER, NORM, PREFIX, SHAPE, SUFFIX

    needed = {IS_SPACE, LOWER, NORM, PREFIX, SHAPE, SUFFIX}
    nlp.vocab.lex_attr_getters = {k: v for k, v in nlp.vocab.lex_attr_getters.items()
                                  if k in needed}


def _numpy_matrix_products(nlp) -> None:
    """Run the models' matrix products through numpy's BLAS instead of thinc's BLIS.

    On this project's machines (AVX-512) numpy's OpenBLAS multiplies the CNN's
    matrices about 1.7 times as fast as the BLIS build thinc ships, which is about a
    tenth of the English model's time. The products are the same; only the order in
    which a few float32 sums are added differs, and the entities found were identical
    on all 1,639 Task 10 training articles in five languages
    (``benchmarks/ner_outputs.py``). The transition parser's own C loop keeps BLIS: it
    takes its BLAS from a compiled structure, not from these objects.
    """
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        for node in model.walk() if model is not None else ():
            node.ops = ops
