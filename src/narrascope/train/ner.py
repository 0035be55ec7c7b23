"""``narrascope train ner`` / ``evaluate ner``: the statistical half of the entity recogniser.

Trains a small spaCy pipeline (a hashed-embedding CNN ``tok2vec`` and a transition-based
``ner``, no word vectors) on CoNLL-2003 or WikiANN files, one model per language, and
scores a model entity by entity (exact span and type) as the CoNLL scorer does.

A trained model records the files it learnt from (name, SHA-256, sentences) in its
``meta.json`` under ``narrascope_training_data``; ``evaluate`` says so, in a ``warning``
line, when it is given one of them, since that score is then no held-out figure.

Options (``--option KEY=VALUE``):

* ``lang``: language code of the pipeline (default: guessed from a ``wikiann/<lang>/``
  path, else ``en``);
* ``dev``: a file to select the best checkpoint on (default: ``dev_fraction`` of the
  training documents, held out whole: CoNLL's ``-DOCSTART-`` documents, so that no
  held-out sentence shares a story, and its names, with a training sentence; WikiANN's
  sentences are independent and are held out one by one);
* ``max_steps``, ``eval_frequency``, ``patience``, ``max_sentences``, ``seed``,
  ``dropout`` (spaCy's default 0.1; more regularises a small corpus trained for many epochs);
* the architecture: ``width`` and ``depth`` of the CNN, ``pieces`` (its maxout pieces),
  ``rows`` (a multiplier of spaCy's default hash-table sizes) and ``hidden`` (the width
  of the NER's state layer). Width, depth and pieces set the speed: the CNN is most of
  the run time;
* ``drop``: entity types to drop from the data (comma-separated, e.g. ``MISC``);
* distillation (:mod:`narrascope.train.ner_silver`): ``silver``, folders of unlabelled
  ``.txt`` articles (comma-separated) whose sentences a ``teacher`` model (default: the
  model the recogniser uses for the language) tags and adds to the training sentences;
  ``silver_sentences`` caps how many (0: all), ``gold_repeat`` counts the gold training
  sentences that many times, to weigh them against the silver ones. Checkpoints are
  still chosen on held-out gold documents only;
* static word vectors (:mod:`narrascope.train.ner_vectors`): ``vectors`` (``navec``, a
  navec ``.tar`` or a word2vec ``.txt``), cut to ``vector_rows`` words and
  ``vector_dims`` dimensions; they ship inside the model folder;
* pretraining (:mod:`narrascope.train.ner_pretrain`): ``pretrain``, sources of plain text
  (comma-separated folders of ``.txt`` articles, ``train`` for the training sentences)
  on which ``spacy pretrain`` first trains the ``tok2vec`` for ``pretrain_epochs`` passes.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Sequence

from ..analysers.entities.corpus import Sentence, data_files, entity_spans, read_documents
from ..errors import NarrascopeError
from . import Trainer, number_option, register_trainer
from .ner_pretrain import pretrain_tok2vec
from .ner_vectors import vectors_model

__all__ = ["train", "evaluate", "score"]

#: The architecture defaults are spaCy's fast CNN, as the shipped English model uses it
#: (there narrowed to width 48); the bg/hi/pt/ru models use spaCy's "efficiency" CNN
#: (width 96, depth 4, 3 pieces: about 3x the CNN time).
_DEFAULTS = {"max_steps": 6000, "eval_frequency": 500, "patience": 2000, "width": 64,
             "depth": 2, "pieces": 2, "rows": 2.0, "hidden": 64, "dev_fraction": 0.05, "max_sentences": 0, "seed": 0,
             "dropout": 0.1, "gold_repeat": 1, "average": 0}


def _lang_of(paths: Sequence[str], options: dict[str, Any]) -> str:
    if options.get("lang"):
        return str(options["lang"])
    for p in paths:
        m = re.search(r"wikiann/([a-z]{2})\b", str(p))
        if m:
            return m.group(1)
    return "en"


def _settings(options: dict[str, Any]) -> dict[str, Any]:
    out = dict(_DEFAULTS)
    for k, v in options.items():
        if k in _DEFAULTS:
            out[k] = number_option(options, k, _DEFAULTS[k])
    return out


def _docbin(nlp, sentences: Sequence[Sentence], path: Path) -> None:
    from spacy.tokens import Doc, DocBin

    db = DocBin(store_user_data=False)
    for s in sentences:
        db.add(Doc(nlp.vocab, words=list(s.words), ents=list(s.tags)))
    db.to_disk(path)


def _config(lang: str, st: dict[str, Any], train: Path, dev: Path):
    from spacy.cli.init_config import init_config

    cfg = init_config(lang=lang, pipeline=["ner"], optimize="efficiency", gpu=False)
    cfg["paths"]["train"] = str(train)
    cfg["paths"]["dev"] = str(dev)
    cfg["system"]["seed"] = st["seed"]
    enc = cfg["components"]["tok2vec"]["model"]["encode"]
    enc["width"] = st["width"]
    enc["depth"] = st["depth"]
    enc["maxout_pieces"] = st["pieces"]
    cfg["components"]["ner"]["model"]["hidden_width"] = st["hidden"]
    embed = cfg["components"]["tok2vec"]["model"]["embed"]
    embed["rows"] = [int(r * st["rows"]) for r in (5000, 1000, 2500, 2500)]
    tr = cfg["training"]
    tr["max_steps"] = st["max_steps"]
    tr["dropout"] = st["dropout"]
    tr["eval_frequency"] = st["eval_frequency"]
    tr["patience"] = st["patience"]
    # evaluate and save the running average of the weights (the Portuguese model: WikiANN
    # pt dev 0.849 against 0.841 with the same training steps)
    tr["optimizer"]["use_averages"] = bool(st["average"])
    tr["logger"] = {"@loggers": "spacy.ConsoleLogger.v1", "progress_bar": False}
    return cfg


def _with_vectors(cfg, vectors: Path | None) -> None:
    """Make the ``tok2vec`` read the static vectors in ``vectors`` (a blank pipeline
    written by :func:`narrascope.train.ner_vectors.vectors_model`), if any."""
    if vectors is None:
        return
    cfg["paths"]["vectors"] = str(vectors)
    cfg["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] = True


def _dropped(options: dict[str, Any]) -> set[str]:
    """The entity types the ``drop`` option names (comma-separated)."""
    return {t for t in str(options.get("drop", "")).split(",") if t}


def _read_docs(paths: Sequence[str | Path], options: dict[str, Any], split: str
               ) -> list[list[Sentence]]:
    label_map = {t: "" for t in _dropped(options)} or None
    files = data_files(paths, split)
    out = [d for f in files for d in read_documents(f, label_map)]
    if not out:
        raise NarrascopeError(f"no sentences in {', '.join(map(str, paths))}; give CoNLL or "
                              "WikiANN files with one `token ... TAG` per line")
    return out


def _read(paths: Sequence[str | Path], options: dict[str, Any], split: str) -> list[Sentence]:
    return [s for d in _read_docs(paths, options, split) for s in d]


def _flatten(docs: Sequence[Sequence[Sentence]]) -> list[Sentence]:
    return [s for d in docs for s in d]


def split_documents(docs: Sequence[Sequence[Sentence]], st: dict[str, Any]
                    ) -> tuple[list[Sentence], list[Sentence]]:
    """``(train, dev)`` sentences: ``dev_fraction`` of the documents, drawn at random with
    ``seed``, held out whole for checkpoint selection; ``max_sentences`` (if set) first
    cuts the documents, drawn at random, to about that many sentences."""
    rng = random.Random(st["seed"])
    docs = list(docs)
    if st["max_sentences"]:
        rng.shuffle(docs)
        kept, n = [], 0
        for d in docs:
            if n >= st["max_sentences"]:
                break
            kept.append(d)
            n += len(d)
        docs = kept
    docs = docs[:]
    rng.shuffle(docs)
    n_dev = max(1, int(len(docs) * st["dev_fraction"])) if st["dev_fraction"] > 0 else 0
    return _flatten(docs[n_dev:]), _flatten(docs[:n_dev])


def _silver(lang: str, options: dict[str, Any], seed: int) -> list[Sentence]:
    """The teacher-tagged sentences the ``silver`` option asks for (none without it)."""
    from .ner_silver import silver_options, silver_sentences

    folders, teacher, limit = silver_options(options)
    if not folders:
        return []
    drop = _dropped(options)
    out = silver_sentences(teacher, lang, folders, limit, seed)
    if drop:
        out = [Sentence(s.words, tuple("O" if t[2:] in drop else t for t in s.tags))
               for s in out]
    print(f"silver: {len(out)} sentences tagged by the teacher", flush=True)
    return out


def default_output(lang: str) -> Path:
    from ..settings import home

    return home() / "models" / "entities" / lang


def train(data_paths: Sequence[str], output: str | None, options: dict[str, Any]) -> str:
    """Train a spaCy NER pipeline on ``data_paths``; write it (spaCy's format) to ``output``."""
    import spacy
    from spacy.cli.train import train as spacy_train

    lang = _lang_of(data_paths, options)
    st = _settings(options)
    docs = _read_docs(data_paths, options, "train")
    if options.get("dev"):
        sents = split_documents(docs, {**st, "dev_fraction": 0.0})[0]
        dev = _read([options["dev"]], options, "dev")
    else:
        sents, dev = split_documents(docs, st)
    sents = sents * max(1, st["gold_repeat"]) + _silver(lang, options, st["seed"])
    out = Path(output) if output else default_output(lang)
    nlp = spacy.blank(lang)
    with tempfile.TemporaryDirectory(prefix="narrascope-ner-") as tmp:
        tmpdir = Path(tmp)
        _docbin(nlp, sents, tmpdir / "train.spacy")
        _docbin(nlp, dev, tmpdir / "dev.spacy")
        cfg = _config(lang, st, tmpdir / "train.spacy", tmpdir / "dev.spacy")
        _with_vectors(cfg, vectors_model(lang, options, tmpdir / "vectors"))
        weights = pretrain_tok2vec(cfg, options, sents, tmpdir / "pretrain")
        if weights is not None:
            cfg["paths"]["init_tok2vec"] = str(weights)
        cfg.to_disk(tmpdir / "config.cfg")
        spacy_train(tmpdir / "config.cfg", tmpdir / "out", use_gpu=-1)
        best = tmpdir / "out" / "model-best"
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(best, out)
    _prune_strings(out)
    _forget_paths(out)
    _record_training_data(out, data_files(data_paths, "train"))
    return str(out)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


#: the key of ``meta.json`` under which a trained model lists the files it learnt from
TRAINING_DATA_KEY = "narrascope_training_data"


def _record_training_data(model_dir: Path, files: Sequence[Path]) -> None:
    """List the training files (folder and base name, SHA-256, sentences) in the model's
    meta.json, so that ``evaluate`` can tell a held-out score from a score on training
    data. The folder tells apart corpus files of one name (``ru/train``, ``bg/train``)."""
    path = model_dir / "meta.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta[TRAINING_DATA_KEY] = [
        {"file": "/".join(f.resolve().parts[-2:]), "sha256": _sha256(f),
         "sentences": sum(map(len, read_documents(f)))}
        for f in files]
    path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def trained_on(meta: dict[str, Any], files: Sequence[Path]) -> list[str]:
    """The names of ``files`` that the model with ``meta`` was trained on (by content)."""
    known = {d.get("sha256") for d in meta.get(TRAINING_DATA_KEY) or [] if isinstance(d, dict)}
    return [f.name for f in files if known and _sha256(f) in known]


def _forget_paths(model_dir: Path) -> None:
    """Set the config's training, dev, vector and pretrained-weight paths to null: they
    named a temporary folder that is gone once training ends, and mean nothing to whoever
    loads the model."""
    import re

    path = model_dir / "config.cfg"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'(?m)^(train|dev|vectors|init_tok2vec) = "[^"\n]*"$', r"\1 = null", text),
                    encoding="utf-8")


def _prune_strings(model_dir: Path) -> None:
    """Keep only the label names in the model's string table.

    spaCy stores every word it saw in training in ``vocab/strings.json``; the model does not
    need them (its embeddings hash the words at run time), and the training text must not
    ship, so the table is cut down to the entity labels.
    """
    import json

    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    labels = sorted({lab for labs in meta.get("labels", {}).values() for lab in labs})
    path = model_dir / "vocab" / "strings.json"
    if path.exists():
        path.write_text(json.dumps(labels), encoding="utf-8")


def score(gold: Sequence[set[tuple[int, int, str]]], pred: Sequence[set[tuple[int, int, str]]]
          ) -> dict[str, Any]:
    """Entity-level precision, recall and F1, overall (micro) and per type."""
    counts: dict[str, list[int]] = {}
    for g, p in zip(gold, pred):
        for kind in {k for *_, k in g | p}:
            c = counts.setdefault(kind, [0, 0, 0])
            gk = {x for x in g if x[2] == kind}
            pk = {x for x in p if x[2] == kind}
            c[0] += len(gk & pk)
            c[1] += len(pk)
            c[2] += len(gk)

    def prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
        prec = tp / npred if npred else 0.0
        rec = tp / ngold if ngold else 0.0
        return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)

    tot = [sum(c[i] for c in counts.values()) for i in range(3)]
    p, r, f = prf(*tot)
    rows = [f"{'type':<6} {'P':>7} {'R':>7} {'F1':>7} {'gold':>7}"]
    per_type = {}
    for kind in sorted(counts):
        kp, kr, kf = prf(*counts[kind])
        per_type[kind] = {"precision": kp, "recall": kr, "f1": kf, "support": counts[kind][2]}
        rows.append(f"{kind:<6} {kp:7.4f} {kr:7.4f} {kf:7.4f} {counts[kind][2]:7d}")
    return {"precision": p, "recall": r, "f1": f, "entities": tot[2], "per_type": per_type,
            "table": "\n".join(rows)}


def evaluate(data_path: str, model_path: str | None, options: dict[str, Any]) -> dict[str, Any]:
    """Entity-level P/R/F1 of a model on gold-tokenised sentences."""
    from ..analysers.entities.model import load_pipeline

    lang = _lang_of([data_path], options)
    nlp = load_pipeline(lang, model_path)
    if nlp is None:
        raise NarrascopeError(f"no NER model for language {lang!r}; train one with "
                              "`narrascope train ner DATA --option lang=...` or pass --model")
    files = data_files([data_path], "dev")
    sents = _read(files, options, "dev")
    seen = trained_on(nlp.meta, files)
    from spacy.tokens import Doc

    docs = (Doc(nlp.vocab, words=list(s.words)) for s in sents)
    pred = []
    for doc in nlp.pipe(docs, batch_size=256):
        pred.append({(e.start, e.end, e.label_) for e in doc.ents})
    gold = [entity_spans(s.tags) for s in sents]
    metrics = score(gold, pred)
    per_type = metrics.pop("per_type")
    # a model given by path says its own language; the data path may not name one
    out = {"language": nlp.lang, "sentences": len(sents), **metrics}
    if seen:
        out["warning"] = (f"the model was trained on {', '.join(seen)}: this is not a "
                          "held-out score")
    if options.get("json_per_type"):
        out["per_type"] = per_type
    return out


register_trainer(Trainer("ner", "entity recogniser (spaCy CNN) from CoNLL/WikiANN files",
                         train, evaluate))
