"""Pretraining the NER model's ``tok2vec`` on unlabelled text (``spacy pretrain``).

Where no word vectors of a language can be installed offline (Portuguese, Hindi), the
CNN can still learn something about words before it sees a tag: spaCy's *characters*
objective trains the ``tok2vec`` to predict the first and last characters of each word
from its context, on plain text of the language. The pretrained weights then start
the NER training (``[initialize] init_tok2vec``).

The ``pretrain`` option of ``narrascope train ner`` names folders of ``.txt`` articles
(comma-separated; ``train`` stands for the training sentences themselves, joined by
spaces); ``pretrain_epochs`` sets how many passes spaCy makes over the text (the weights
of the last pass are used).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..analysers.entities.corpus import Sentence
from . import number_option

__all__ = ["pretrain_options", "raw_texts", "pretrain_tok2vec"]

_DEFAULT_EPOCHS = 5


def pretrain_options(options: dict[str, Any]) -> tuple[list[str], int]:
    """``(sources, epochs)`` from the ``pretrain`` and ``pretrain_epochs`` options."""
    sources = [s for s in str(options.get("pretrain") or "").split(",") if s]
    return sources, number_option(options, "pretrain_epochs", _DEFAULT_EPOCHS)


def raw_texts(sources: Sequence[str], sentences: Sequence[Sentence]) -> Iterator[str]:
    """The texts to pretrain on: each training sentence (for the source ``train``) and
    each paragraph of the ``.txt`` articles in the other sources."""
    from .ner_silver import _paragraphs, text_files

    folders = [s for s in sources if s != "train"]
    if "train" in sources:
        for s in sentences:
            yield " ".join(s.words)
    if folders:
        yield from _paragraphs(text_files(folders))


def pretrain_tok2vec(cfg, options: dict[str, Any], sentences: Sequence[Sentence],
                     folder: Path) -> Path | None:
    """Pretrain the ``tok2vec`` that ``cfg`` describes on the texts the ``pretrain``
    option names; return the weights file, or None without the option."""
    from spacy.training.pretrain import pretrain
    from thinc.api import Config

    sources, epochs = pretrain_options(options)
    if not sources:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    raw = folder / "raw.jsonl"
    n = 0
    with raw.open("w", encoding="utf-8") as f:
        for text in raw_texts(sources, sentences):
            f.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
            n += 1
    print(f"pretrain: {n} texts, {epochs} epochs", flush=True)
    from spacy.cli.init_config import init_config

    defaults = init_config(lang=cfg["nlp"]["lang"], pipeline=["ner"], optimize="efficiency",
                           gpu=False, pretraining=True)
    pcfg = Config(cfg.copy())
    pcfg["paths"]["raw_text"] = str(raw)
    pcfg["corpora"]["pretrain"] = dict(defaults["corpora"]["pretrain"])
    pcfg["corpora"]["pretrain"]["path"] = str(raw)
    pcfg["pretraining"] = dict(defaults["pretraining"])
    pcfg["pretraining"]["max_epochs"] = epochs
    pcfg = Config(pcfg).interpolate()
    (folder / "out").mkdir(exist_ok=True)
    pretrain(pcfg, folder / "out", use_gpu=-1, silent=True)
    weights = folder / "out" / f"model{epochs - 1}.bin"
    if not weights.exists():
        weights = folder / "out" / "model-last.bin"
    return weights
