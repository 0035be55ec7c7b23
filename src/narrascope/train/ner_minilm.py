"""``narrascope train ner-vectors``: an English static word-vector table made from MiniLM.

English has no installable news word-vector package (Russian has navec), but the project
already ships a sentence encoder, all-MiniLM-L6-v2, that has read far more English than
CoNLL-2003 holds. Encoding each word of a vocabulary on its own gives one context-free
vector per word (the encoder's mean-pooled, normalised output for that single word),
which the NER trainer's ``vectors`` option then cuts, projects and adds to the CNN's
features, as it does with navec (:mod:`narrascope.train.ner_vectors`).

The vocabulary comes only from the texts given on the command line: CoNLL files (their
first column) and folders of ``.txt`` articles (cut into words by spaCy's English
tokenizer, the one the NER model uses), counted in lower case, since MiniLM is uncased.
The ``rows`` most frequent words seen at least ``min_count`` times are kept, most
frequent first, and written as a word2vec text file::

    narrascope train ner-vectors ../shared/data/ner/conll2003-en/train.txt \\
        ../shared/data/semeval2025-t10/unlabeled/EN/raw-documents -o /tmp/minilm.txt
    narrascope train ner ../shared/data/ner/conll2003-en/train.txt --option vectors=/tmp/minilm.txt

``narrascope evaluate ner-vectors DATA -m TABLE`` reports how many of a data file's
tokens (and of its entity tokens) the table covers, by lower-case form.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from ..errors import NarrascopeError
from . import Trainer, number_option, register_trainer

__all__ = ["vocabulary", "word_vectors", "write_table", "train", "evaluate"]

_DEFAULT_ROWS = 50_000
_DEFAULT_MIN_COUNT = 2


def _conll_tokens(path: Path) -> Iterator[str]:
    """The tokens (first column) of a CoNLL or WikiANN file, without document markers."""
    from ..analysers.entities.corpus import read_documents

    for doc in read_documents(path, None):
        for sentence in doc:
            yield from sentence.words


def _article_tokens(folder: Path) -> Iterator[str]:
    """The words of every ``.txt`` article under ``folder``, by spaCy's English tokenizer."""
    import spacy

    tokenizer = spacy.blank("en").tokenizer
    for path in sorted(folder.rglob("*.txt")):
        for para in path.read_text(encoding="utf-8", errors="replace").split("\n"):
            if para.strip():
                yield from (t.text for t in tokenizer(para) if not t.is_space)


def _tokens(source: Path) -> Iterator[str]:
    if source.is_dir():
        return _article_tokens(source)
    if source.is_file():
        return _conll_tokens(source)
    raise NarrascopeError(f"{source}: no such file or folder; give CoNLL files or folders "
                          "of .txt articles")


def vocabulary(sources: Iterable[str | Path], rows: int = _DEFAULT_ROWS,
               min_count: int = _DEFAULT_MIN_COUNT, encoder_words: bool = True
               ) -> list[tuple[str, int]]:
    """The lower-case words of ``sources`` seen at least ``min_count`` times, with their
    counts, most frequent first (ties alphabetical, so the same texts always give the same
    table), then (``encoder_words``) the encoder's own whole words not among them, with
    count 0; at most ``rows`` words.

    The news texts alone give about 29,000 words seen twice; the encoder's vocabulary adds
    general words and names the project's texts do not hold."""
    counts: Counter[str] = Counter()
    for source in sources:
        counts.update(w.lower() for w in _tokens(Path(source)) if w.strip() and " " not in w)
    kept = [(w, c) for w, c in counts.items() if c >= min_count]
    kept.sort(key=lambda wc: (-wc[1], wc[0]))
    if encoder_words:
        seen = {w for w, _ in kept}
        kept += [(w, 0) for w in _encoder_words() if w not in seen]
    return kept[:rows]


def _encoder_words() -> list[str]:
    """The whole words (letters only) of the sentence encoder's own word-piece vocabulary,
    in its order (roughly by frequency in the encoder's training text): general English,
    common first names, places, with no look at any of the project's data."""
    import json

    from ..embeddings import TOKENIZER_FILE, onnx_folder

    vocab = json.loads((onnx_folder() / TOKENIZER_FILE).read_text(encoding="utf-8"))
    pieces = sorted(vocab["model"]["vocab"].items(), key=lambda kv: kv[1])
    return [w for w, _ in pieces if w.isalpha()]


def word_vectors(words: Sequence[str], batch_size: int = 256) -> np.ndarray:
    """Each word encoded alone by the sentence encoder: ``(len(words), 384)`` float32."""
    from ..embeddings import encode

    parts = [encode(list(words[i:i + 10_000])) for i in range(0, len(words), 10_000)]
    return np.vstack(parts).astype(np.float32)


def write_table(path: Path, words: Sequence[str], matrix: np.ndarray) -> None:
    """A word2vec text file: a ``N DIMS`` header, then ``word v1 v2 ...`` per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"{len(words)} {matrix.shape[1]}\n")
        for word, row in zip(words, matrix):
            f.write(word + " " + " ".join(f"{x:.5f}" for x in row) + "\n")


def train(data_paths: Sequence[str], output: str | None, options: dict[str, Any]) -> str:
    """Write the MiniLM word-vector table of the vocabulary of ``data_paths``."""
    if not output:
        raise NarrascopeError("train ner-vectors needs -o FILE.txt (the table to write)")
    rows = number_option(options, "rows", _DEFAULT_ROWS)
    min_count = number_option(options, "min_count", _DEFAULT_MIN_COUNT)
    vocab = vocabulary(data_paths, rows, min_count,
                       str(options.get("encoder_words", "1")).lower() not in ("0", "false", "no"))
    if not any(c for _, c in vocab):
        raise NarrascopeError(f"no words seen {min_count} times in {', '.join(data_paths)}")
    words = [w for w, _ in vocab]
    from_texts = sum(1 for _, c in vocab if c)
    print(f"vocabulary: {len(words)} words ({from_texts} from the texts, "
          f"{len(words) - from_texts} from the encoder's vocabulary)", flush=True)
    write_table(Path(output), words, word_vectors(words))
    return str(output)


def evaluate(data_path: str, model_path: str | None, options: dict[str, Any]) -> dict[str, Any]:
    """Share of the tokens, and of the entity tokens, of ``data_path`` whose lower-case
    form has a row in the table ``model_path``."""
    from ..analysers.entities.corpus import read_documents

    if not model_path:
        raise NarrascopeError("evaluate ner-vectors needs -m TABLE.txt")
    with open(model_path, encoding="utf-8") as f:
        rows = (line.split(" ", 2) for line in f)
        table = {r[0] for r in rows if len(r) == 3}  # not the `N DIMS` header
    tokens = entity = hit = entity_hit = 0
    for doc in read_documents(Path(data_path), None):
        for s in doc:
            for word, tag in zip(s.words, s.tags):
                found = word.lower() in table
                tokens += 1
                hit += found
                if tag != "O":
                    entity += 1
                    entity_hit += found
    return {"words_in_table": len(table), "tokens": tokens,
            "token_coverage": hit / max(tokens, 1), "entity_tokens": entity,
            "entity_token_coverage": entity_hit / max(entity, 1)}


register_trainer(Trainer("ner-vectors", "English static word vectors from MiniLM, for "
                         "train ner --option vectors=FILE", train, evaluate))
