"""Finding and loading the statistical NER pipelines, one per language.

A user's model (``$NARRASCOPE_HOME/models/entities/<lang>``, written by ``narrascope train
ner`` without ``-o``) takes precedence over the shipped one
(``narrascope/models/entities/<lang>``), so retraining takes effect without reinstalling.
"""

from __future__ import annotations

import re
import string
import threading
from pathlib import Path

import numpy as np

__all__ = ["SHIPPED", "model_path", "user_models", "load_pipeline", "WordEmbeddingCache"]

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
    _larger_tokenizer_cache(nlp)
    _plain_words_skip_affixes(nlp)
    WordEmbeddingCache.install(nlp)
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


#: distinct space-separated strings whose tokens spaCy's tokenizer remembers (spaCy: 10,000)
TOKENIZER_CACHE = 250_000


def _larger_tokenizer_cache(nlp, size: int = TOKENIZER_CACHE) -> None:
    """Let the tokenizer remember the tokens of up to ``size`` distinct strings.

    spaCy's tokenizer splits text at spaces and keeps the tokens of each string it has
    split (prefixes, suffixes and infixes found by regular expressions) in a cache, but
    stops adding to it at 10,000 strings: 100 English news articles have 12,619 distinct
    ones, so from about the 80th article of a process on, every string not cached runs
    the regular expressions again, each time it occurs. A cache entry is the list of the
    string's tokens, so a larger cache gives the same tokens (strings with special cases
    are never cached); it costs about 60 bytes per string, 15 MB when full. On 100
    English articles the tokenizer took 0.8 instead of 1.2-1.4 ms per article with words
    it had seen, 4.0-4.5 instead of 4.8-5.2 in a fresh process.
    """
    tokenizer = getattr(nlp, "tokenizer", None)
    if tokenizer is not None and getattr(tokenizer, "max_cache_size", size) < size:
        tokenizer.max_cache_size = size


#: the tokenizer's regular expressions that :func:`_plain_words_skip_affixes` may spare
_AFFIX_SEARCHES = ("prefix_search", "suffix_search", "infix_finditer", "url_match")


def _plain_words_skip_affixes(nlp) -> list[str]:
    """Spare the tokenizer's affix and URL regexes the strings of ASCII letters only.

    For each string it has not cached, spaCy's tokenizer runs its prefix, suffix and infix
    regexes (the suffix one tries every position of the string against hundreds of
    alternatives) and its URL regex; about 60% of the strings of English news are plain
    words ("negotiations") that none of them can match. Each regex whose every match
    has to consume or see a character that is not an ASCII letter (checked on its parsed
    form when the model loads: :func:`_needs_a_non_letter`) is wrapped so that such
    strings get "no match" at once; the other regexes are left as they are. The tokens
    are the same by construction. Returns the names of the wrapped regexes.
    """
    tokenizer = getattr(nlp, "tokenizer", None)
    wrapped = []
    for name in _AFFIX_SEARCHES:
        fn = getattr(tokenizer, name, None)
        pattern = getattr(fn, "__self__", None)
        if isinstance(fn, _UnlessPlainWord) or not isinstance(pattern, re.Pattern):
            continue
        if _needs_a_non_letter(pattern):
            setattr(tokenizer, name, _UnlessPlainWord(fn, name == "infix_finditer"))
            wrapped.append(name)
    return wrapped


class _UnlessPlainWord:
    """A regex method that answers "no match" for strings of ASCII letters. ``__self__``
    is the pattern, which is what spaCy saves when the tokenizer is written to disk."""

    __slots__ = ("fn", "__self__", "nothing")

    def __init__(self, fn, finditer: bool) -> None:
        self.fn = fn
        self.__self__ = fn.__self__
        self.nothing = () if finditer else None

    def __call__(self, string: str):
        if string.isascii() and string.isalpha():
            return self.nothing
        return self.fn(string)


def _needs_a_non_letter(pattern: re.Pattern) -> bool:
    """True when every match of ``pattern`` (at any position, empty ones included) has
    to consume, or to see in a lookaround, a character that is not an ASCII letter, so
    that no string of ASCII letters holds a match; False when that cannot be shown."""
    from re import _compiler, _parser

    letters = string.ascii_letters

    def one_char_takes_a_letter(item) -> bool:
        sub = _parser.SubPattern(tree.state, [item])
        rx = _compiler.compile(sub, pattern.flags)
        return any(rx.fullmatch(c) for c in letters)

    def sequence(items) -> bool:
        return any(element(op, av) for op, av in items)

    def element(op, av) -> bool:
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            return not one_char_takes_a_letter((op, av))
        if name == "SUBPATTERN":
            _, add_flags, del_flags, items = av
            if add_flags or del_flags:  # local flags: not worth following
                raise _Unknown
            return sequence(items)
        if name == "ATOMIC_GROUP":
            return sequence(av)
        if name == "BRANCH":
            return all(sequence(b) for b in av[1])
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _, items = av
            return low >= 1 and sequence(items)
        if name == "ASSERT":
            # a lookbehind or lookahead that holds sees characters of the string too:
            # "(?<=[0-9])(?:km|m)" cannot match in a string of letters
            return sequence(av[1])
        return False  # anchors and negative lookarounds need nothing; others: unknown

    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
        return sequence(tree.data)
    except (_Unknown, TypeError, ValueError, re.error):
        return False


class _Unknown(Exception):
    pass


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


#: token attributes whose values are fixed by the token's text and its norm
_WORD_ATTRS = ("ORTH", "LOWER", "NORM", "PREFIX", "SUFFIX", "SHAPE")
#: OpenBLAS multiplies matrices with M*N*K up to this with its small-matrix kernel
_SMALL_PRODUCT = 100 ** 3
#: the layers a per-word embedding (spaCy's MultiHashEmbed) is built of
_PER_WORD_LAYERS = frozenset({"extract_features", "list2ragged", "ragged2list",
                              "ints-getitem", "hashembed", "static_vectors", "maxout",
                              "layernorm", "dropout"})


class WordEmbeddingCache:
    """Computes the tok2vec's embedding once per distinct word instead of once per token.

    The first half of the CNN (spaCy's ``MultiHashEmbed``: four hashed features and the
    static word vector, concatenated, through a maxout and a layer norm) maps each token
    on its own, from its text and its norm only. So at prediction time it is computed for
    the distinct (text, norm) pairs of a batch that it has not seen before, in one
    made-up document of those words, and kept for later batches (at most ``max_rows``,
    about 20 MB for a width of 48 with the keys, 30 MB for 96; then the cache starts
    afresh); each token's row is copied from there. A news article of 500 words has
    about 100 distinct words not seen in the articles before it, so this takes about a
    third of the embedding's time in a fresh process and a tenth later.

    Every row is the same float32 vector the full computation gives: each row of the
    maxout and the layer norm is computed on its own, and so is each row of a matrix
    product, except that OpenBLAS multiplies small matrices (M*N*K up to 100^3) with
    another kernel whose last bits differ. So rows are computed at least ``min_rows`` at
    a time (the made-up document is padded), enough to keep every product of the layer
    above that size, and a batch of fewer tokens than that runs the original layer.
    Checked bit for bit on the 1,639 Task 10 training articles in five languages (in
    batches of 1,000 and of 37 paragraphs), and the entities are the same
    (``benchmarks/ner_outputs.py``). Training (``is_train``) runs the original layer and
    empties the cache, whose rows would be stale once the weights change.
    """

    def __init__(self, forward, vocab, columns: list[int], max_rows: int = 50_000,
                 min_rows: int = 256) -> None:
        self.forward = forward
        self.vocab = vocab
        self.columns = columns
        self.max_rows = max_rows
        self.min_rows = min_rows
        self.lock = threading.Lock()  # numpy releases the GIL: one batch at a time
        self.clear()

    @classmethod
    def install(cls, nlp, max_rows: int = 50_000) -> "WordEmbeddingCache | None":
        """Put a cache in front of ``nlp``'s tok2vec embedding when it is a per-word one
        (spaCy's MultiHashEmbed, with or without static vectors); None when it is not."""
        from spacy.attrs import IDS, NORM, ORTH

        if "tok2vec" not in nlp.pipe_names:
            return None
        layers = getattr(nlp.get_pipe("tok2vec").model, "layers", [])
        embed = layers[0] if layers else None
        if embed is None or isinstance(embed._func, cls):
            return None
        leaves = [n for n in embed.walk() if not n.layers]
        if not leaves or any(n.name not in _PER_WORD_LAYERS for n in leaves):
            return None
        word_attrs = {IDS[a] for a in _WORD_ATTRS}
        for n in leaves:
            if n.name == "extract_features":
                cols = [IDS[c] if isinstance(c, str) else c for c in n.attrs["columns"]]
                if not set(cols) <= word_attrs:
                    return None
            if n.name == "static_vectors" and getattr(nlp.vocab.vectors, "attr",
                                                     ORTH) not in word_attrs:
                return None
        # the smallest matrix product of the layer, per row
        per_row = [n.get_dim("nO") * n.get_dim("nM") for n in leaves
                   if n.name == "static_vectors"]
        per_row += [n.get_dim("nO") * n.get_dim("nP") * n.get_dim("nI") for n in leaves
                    if n.name == "maxout"]
        min_rows = max(256, _SMALL_PRODUCT // min(per_row) + 1) if per_row else 256
        cache = cls(embed._func, nlp.vocab, [ORTH, NORM], max_rows, min_rows)
        embed._func = cache
        return cache

    def __getstate__(self) -> dict:  # copying or pickling a pipeline: not the lock
        state = self.__dict__.copy()
        del state["lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.lock = threading.Lock()

    def clear(self) -> None:
        self.rows: dict[tuple[int, int], int] = {}
        self.table: np.ndarray | None = None
        self.n = 0

    def __call__(self, model, docs, is_train: bool):
        lengths = [len(doc) for doc in docs]
        if is_train or sum(lengths) < self.min_rows:
            if is_train:
                with self.lock:
                    self.clear()
            return self.forward(model, docs, is_train)
        with self.lock:
            return self._cached(model, docs, lengths)

    def _cached(self, model, docs, lengths: list[int]):
        keys = np.concatenate([doc.to_array(self.columns) for doc in docs])
        keys = keys.astype(np.uint64)
        first, inverse = _distinct_rows(keys)
        distinct = keys[first].tolist()
        rows = [self.rows.get(k) for k in map(tuple, distinct)]
        missing = [j for j, r in enumerate(rows) if r is None]
        if missing and self.n + len(missing) > self.max_rows:
            self.clear()
            rows, missing = [None] * len(distinct), list(range(len(distinct)))
        if missing:
            vectors = self._embed(model, [distinct[j] for j in missing])
            self._store(vectors)
            for i, j in enumerate(missing):
                rows[j] = self.n - len(missing) + i
                self.rows[tuple(distinct[j])] = rows[j]
        out = self.table[np.asarray(rows, dtype=np.int64)[inverse]]
        return model.ops.unflatten(out, model.ops.asarray1i(lengths)), _no_backprop

    def _embed(self, model, keys: list[list[int]]) -> np.ndarray:
        """The embedding of one made-up document whose tokens have these (text, norm)."""
        from spacy.attrs import NORM
        from spacy.tokens import Doc

        strings = self.vocab.strings
        n = len(keys)
        keys = keys + keys[:1] * (self.min_rows - n)  # padding: see the class docstring
        doc = Doc(self.vocab, words=[strings[o] for o, _ in keys],
                  spaces=[False] * len(keys))
        got = doc.to_array(self.columns).astype(np.uint64)
        want = np.asarray(keys, dtype=np.uint64)
        if not np.array_equal(got[:, 0], want[:, 0]):
            raise RuntimeError("a word of the embedding cache did not keep its text")
        for i in np.flatnonzero(got[:, 1] != want[:, 1]).tolist():
            doc[i].norm_ = strings[int(want[i, 1])]
        if not np.array_equal(doc.to_array([NORM]).astype(np.uint64), want[:, 1]):
            raise RuntimeError("a word of the embedding cache did not keep its norm")
        return self.forward(model, [doc], False)[0][0][:n]

    def _store(self, vectors: np.ndarray) -> None:
        need = self.n + len(vectors)
        if self.table is None or need > len(self.table):
            size = max(need, 2 * (len(self.table) if self.table is not None else 4096))
            table = np.empty((size, vectors.shape[1]), dtype=vectors.dtype)
            if self.table is not None:
                table[:self.n] = self.table[:self.n]
            self.table = table
        self.table[self.n:need] = vectors
        self.n = need


def _distinct_rows(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For an (N, 2) array of (text, norm) hashes: the index of the first occurrence of
    each distinct row, and for each row the number of its distinct row. Sorting the text
    hashes alone is much faster than sorting pairs; the few tokens whose norm differs
    from that of the first token with the same text (spaCy's special cases: "ca" in
    "can't" has the norm "can") are told apart afterwards."""
    _, first, inverse = np.unique(keys[:, 0], return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    odd = np.flatnonzero(keys[:, 1] != keys[first[inverse], 1])
    if len(odd):
        pairs = np.ascontiguousarray(keys[odd]).view(np.dtype((np.void, 16))).ravel()
        _, pfirst, pinverse = np.unique(pairs, return_index=True, return_inverse=True)
        inverse[odd] = len(first) + pinverse.reshape(-1)
        first = np.concatenate([first, odd[pfirst]])
    return first, inverse


def _no_backprop(_):
    raise RuntimeError("the cached embedding is for prediction only")
