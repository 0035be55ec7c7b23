"""Features for the technique tagger (one row per token) and the technique classifier
(one row per span), as lists of strings hashed into fixed-width sparse vectors.

Hashing keeps the shipped model a plain weight vector: no vocabulary to store, and the
same :class:`Hasher` at training and at run time.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from functools import lru_cache
from importlib.resources import files
from typing import Sequence

import numpy as np

from .tokens import Tokens

__all__ = ["Lexicon", "lexicon", "token_features", "span_features", "span_rows", "Hasher",
           "hash_rows"]

_STOP = frozenset(
    "a an the of to in on at by for from with and or but not no is are was were be been "
    "being it its this that these those he she they we you i his her their our your my me "
    "him them us as if so than then there here which who whom what when where why how do "
    "does did has have had will would can could should may might must shall also just "
    "about into over after before up down out more most such very said says say".split())
_QUOTES = frozenset("\"“”«»„'‘’")


class Lexicon:
    """Cue phrases by category; :meth:`match` gives the categories covering each token."""

    def __init__(self, entries: dict[str, list[str]]):
        self.categories = sorted(k for k in entries if not k.startswith("_"))
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for cat in self.categories:
            for phrase in entries[cat]:
                words = tuple(phrase.lower().split())
                self._by_first.setdefault(words[0], []).append((words, cat))

    def match(self, lower: Sequence[str]) -> list[set[str]]:
        out: list[set[str]] = [set() for _ in lower]
        for i, w in enumerate(lower):
            for words, cat in self._by_first.get(w, ()):
                n = len(words)
                if tuple(lower[i:i + n]) == words:
                    for k in range(i, i + n):
                        out[k].add(cat)
        return out


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon shipped with the package (loaded once)."""
    raw = files(__package__).joinpath("lexicon.json").read_text(encoding="utf-8")
    return Lexicon(json.loads(raw))


def _shape(w: str) -> str:
    if w.isdigit():
        return "d"
    if not w[0].isalnum():
        return w if len(w) == 1 else "p"
    if w.isupper():
        return "X" if len(w) > 1 else "Xs"
    if w[0].isupper():
        return "Xx"
    return "x"


def _bucket(n: int, edges: Sequence[int]) -> int:
    for i, e in enumerate(edges):
        if n <= e:
            return i
    return len(edges)


def _quoted(tok: Tokens) -> list[bool]:
    """Whether each token lies between quote marks within its sentence."""
    inside = [False] * len(tok)
    for a, b in tok.sent_bounds:
        open_ = False
        for i in range(a, b):
            w = tok.words[i]
            if w in _QUOTES and (w not in "'’" or i == a or tok.starts[i] != tok.ends[i - 1]):
                open_ = not open_
                continue
            inside[i] = open_
    return inside


def token_features(tok: Tokens, lex: Lexicon | None = None) -> list[list[str]]:
    """One list of feature strings per token."""
    lex = lex or lexicon()
    cats = lex.match(tok.lower)
    quoted = _quoted(tok)
    counts = Counter(w for w in tok.lower if w not in _STOP and w[0].isalnum())
    n = len(tok)
    lw = tok.lower
    rows: list[list[str]] = []
    sent_info = []
    for a, b in tok.sent_bounds:
        ws = lw[a:b]
        sc = set()
        for k in range(a, b):
            sc |= cats[k]
        sent_info.append((("!" in ws), ("?" in ws), _bucket(b - a, (6, 12, 25, 40)), sc,
                          any(quoted[a:b])))
    n_sent = len(tok.sent_bounds)
    static: dict[str, list[str]] = {}
    for i in range(n):
        w = lw[i]
        s = tok.sent[i]
        a, b = tok.sent_bounds[s]
        excl, ques, slen, scats, sq = sent_info[s]
        p1 = lw[i - 1] if i > a else "<s>"
        p2 = lw[i - 2] if i - 1 > a else "<s>"
        n1 = lw[i + 1] if i + 1 < b else "</s>"
        n2 = lw[i + 2] if i + 2 < b else "</s>"
        word = tok.words[i]
        base = static.get(word)
        if base is None:
            base = static[word] = ["b", "w=" + w, "s3=" + w[-3:], "p3=" + w[:3],
                                   "sh=" + _shape(word)]
        f = [
            *base, "w-1=" + p1, "w+1=" + n1, "w-2=" + p2, "w+2=" + n2,
            "bg-=" + p1 + "|" + w, "bg+=" + w + "|" + n1,
            "pos=" + str(_bucket(i - a, (0, 2, 5, 10, 20))),
            "rpos=" + str(_bucket(b - 1 - i, (0, 2, 5, 10, 20))),
            "slen=" + str(slen), "q=" + str(quoted[i]), "sq=" + str(sq),
            "title=" + str(s == 0), "dpos=" + str(_bucket(10 * s // max(1, n_sent), (0, 2, 5))),
        ]
        if excl:
            f.append("s!")
        if ques:
            f.append("s?")
        if w not in _STOP and w[0].isalnum():
            f.append("rep=" + str(_bucket(counts[w], (1, 2, 4))))
        f.extend("lex=" + c for c in cats[i])
        if i > a:
            f.extend("lex-1=" + c for c in cats[i - 1])
        if i + 1 < b:
            f.extend("lex+1=" + c for c in cats[i + 1])
        f.extend("slex=" + c for c in scats)
        rows.append(f)
    return rows


def span_rows(tok: Tokens, spans: Sequence[tuple[int, int]],
              cats: list[set[str]] | None = None) -> list[list[str]]:
    """:func:`span_features` of several token spans of one text, sharing the work."""
    if cats is None:
        cats = lexicon().match(tok.lower)
    ctx = (Counter(tok.lower), tok.text.lower())
    return [span_features(tok, i, j, cats=cats, ctx=ctx) for i, j in spans]


def span_features(tok: Tokens, i: int, j: int, lex: Lexicon | None = None,
                  cats: list[set[str]] | None = None, ctx=None) -> list[str]:
    """Features of the span of tokens ``[i, j)`` for choosing its technique; ``ctx`` is
    ``(Counter of lower-cased tokens, lower-cased text)`` when the caller has it."""
    lex = lex or lexicon()
    if cats is None:
        cats = lex.match(tok.lower)
    cnt, lower_text = ctx if ctx is not None else (Counter(tok.lower), tok.text.lower())
    lw = tok.lower
    words = lw[i:j]
    text = tok.text
    cs, ce = tok.char_span(i, j) if j > i else (0, 0)
    f = ["b", "ntok=" + str(_bucket(j - i, (1, 2, 3, 5, 8, 13, 20, 30))),
         "first=" + (words[0] if words else ""), "last=" + (words[-1] if words else "")]
    f.extend("u=" + w for w in words)
    f.extend("bi=" + words[k] + "|" + words[k + 1] for k in range(len(words) - 1))
    f.extend("sh=" + _shape(tok.words[k]) for k in range(i, j))
    for k in range(max(0, i - 3), i):
        f.append("L=" + lw[k])
    for k in range(j, min(len(tok), j + 3)):
        f.append("R=" + lw[k])
    seen = set()
    for k in range(i, j):
        seen |= cats[k]
    f.extend("lex=" + c for c in seen)
    if j > i:
        s = tok.sent[i]
        a, b = tok.sent_bounds[s]
        f.append("cover=" + str(_bucket(int(10 * (j - i) / max(1, b - a)), (2, 5, 8))))
        f.append("title=" + str(s == 0))
        phrase = text[cs:ce].lower()
        reps = lower_text.count(phrase) if len(phrase) > 2 else 1
        f.append("rep=" + str(_bucket(reps, (1, 2, 3, 5))))
        content = [w for w in words if w not in _STOP and w[0].isalnum()]
        if content:
            f.append("crep=" + str(_bucket(min(cnt[w] for w in content), (1, 2, 3, 5))))
        if any(w in _QUOTES for w in words):
            f.append("hasquote")
        if "!" in words or "!" in lw[j:j + 1]:
            f.append("excl")
        if "?" in words or "?" in lw[j:j + 1]:
            f.append("ques")
    return f


class _Memo(dict):
    """Feature string -> column, computed on a miss (so hits stay at C speed)."""

    def __init__(self, n_features: int, max_size: int):
        super().__init__()
        self.n_features = n_features
        self.max_size = max_size

    def __missing__(self, feature: str) -> int:
        i = zlib.crc32(feature.encode("utf-8")) % self.n_features
        if len(self) < self.max_size:
            self[feature] = i
        return i


class Hasher:
    """Feature strings to column indices: CRC-32 of the UTF-8 bytes modulo the width.

    Deterministic across processes and platforms (unlike ``hash()``), and memoised per
    instance, since the same few thousand strings recur in every article.
    """

    #: memo entries kept at most (the memo is a speed-up, not a vocabulary)
    MAX_MEMO = 300_000

    def __init__(self, n_features: int):
        self.n_features = int(n_features)
        self._memo = _Memo(self.n_features, self.MAX_MEMO)

    def index(self, feature: str) -> int:
        return self._memo[feature]

    def transform(self, rows: Sequence[Sequence[str]]):
        """A CSR matrix (len(rows), n_features) of 0/1 indicators (a feature that occurs
        twice in a row, or two that share a column, count once)."""
        from scipy.sparse import csr_matrix

        lookup = self._memo.__getitem__
        indices: list[int] = []
        indptr = [0]
        for row in rows:
            indices.extend(set(map(lookup, row)))
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        return csr_matrix((data, np.asarray(indices, dtype=np.int32),
                           np.asarray(indptr, dtype=np.int64)),
                          shape=(len(rows), self.n_features))


def hash_rows(rows: Sequence[Sequence[str]], n_features: int):
    """:meth:`Hasher.transform` with a fresh hasher (for one-off use)."""
    return Hasher(n_features).transform(rows)
