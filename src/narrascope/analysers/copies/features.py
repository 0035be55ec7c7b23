"""What the copy finder compares: word tokens with offsets, word 5-gram shingle hashes,
content words per sentence, and the sentence MinHash band keys the index stores.

Everything hashes with stable functions (a polynomial over the token's code points and
fixed 64-bit multipliers), never Python's salted ``hash``, so keys written by one process
are found by the next.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

import numpy as np

from ...text import _ABBREV, _END, _PARA
from .tokens import Tokeniser

__all__ = ["Features", "Vocabulary", "features", "features_many", "band_keys", "distinct", "SHINGLE", "STOPWORDS",
           "content_form"]

#: words per shingle for verbatim passages
SHINGLE = 5
#: MinHash functions per sentence, and rows per band (so 12 / 2 = 6 keys a sentence)
N_HASHES = 12
ROWS = 2
#: a sentence needs this many distinct content words to be indexed
MIN_CONTENT = 5
#: characters of a content word that are compared
_STEM = 6

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SPACE = re.compile(r"\s*")
_rng = np.random.default_rng(20260611)
_MH_A = (_rng.integers(1, 2**63, N_HASHES, dtype=np.uint64) | np.uint64(1))
_MH_B = _rng.integers(0, 2**63, N_HASHES, dtype=np.uint64)
_SH_MUL = (_rng.integers(1, 2**63, SHINGLE, dtype=np.uint64) | np.uint64(1))
_HASH_CHARS = 24
_HASH_POW = np.cumprod(np.r_[1, np.full(_HASH_CHARS - 1, 1000003)].astype(np.uint64),
                       dtype=np.uint64)
_BAND_MUL = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9],
                     dtype=np.uint64)
#: added to each band's key so equal bands at different positions differ
_BAND_OFFSET = np.arange(N_HASHES // ROWS, dtype=np.uint64) * np.uint64(0x632BE59BD9B4E019)

# A small stopword list: function words of English plus the reporting verbs every article
# uses; other languages fall through and are indexed on all their words.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself
yourselves said says say told according would also one two new may might must shall us
than within without upon via per however since though although whether yet still even
""".split())


def distinct(x: np.ndarray) -> np.ndarray:
    """The sorted distinct values of ``x``: ``np.unique`` by a sort, which is several
    times faster than the hash-based path it takes for a few hundred integers."""
    x = np.sort(x)
    keep = np.empty(len(x), dtype=bool)
    keep[:1] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


def content_form(token: str) -> str:
    """A content word's comparable form: lower-cased and cut to six characters, a cheap
    stemmer that lets ``sanctions``/``sanctioned`` meet."""
    return token[:_STEM]


def _crc(tokens: list[str]) -> np.ndarray:
    """A stable 64-bit hash per token, vectorised: the code points of the first 24
    characters as a polynomial, then a SplitMix64 finaliser."""
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    codes = np.array(tokens, dtype=f"<U{_HASH_CHARS}").view(np.uint32)
    codes = codes.reshape(len(tokens), _HASH_CHARS).astype(np.uint64)
    h = (codes * _HASH_POW[None, :]).sum(axis=1, dtype=np.uint64)
    h ^= h >> np.uint64(31)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


class Vocabulary:
    """What the copy finder needs to know about each distinct token string, worked out
    once: its stable hash (lower-cased), whether it is a content word and the hash of its
    content form, whether it starts with a capital, and its story term.

    A news corpus repeats its words, so after a few hundred articles nearly every token
    is known and an article's tokens become arrays by one dictionary lookup each: the
    per-token work is then numpy gathers, not Python. One vocabulary lives as long as the
    analyser instance; it starts afresh past ``limit`` strings to bound its memory. It is
    not thread-safe: ``update`` runs under the store's single writer (the web app's jobs
    run one at a time under its write lock)."""

    def __init__(self, limit: int = 2_000_000):
        self.limit = limit
        self._reset()

    def _reset(self) -> None:
        self._tokenise = Tokeniser()
        #: the hashes of the spellings seen (see ``Tokeniser``), sorted, and the token id
        #: of each: a token is found by binary search, not a dictionary lookup per token
        self._keys = np.zeros(0, dtype=np.uint64)
        self._vals = np.zeros(0, dtype=np.int64)
        self._n = 0
        cap = 1024
        self._crc = np.zeros(cap, dtype=np.uint64)
        self._stem = np.zeros(cap, dtype=np.uint64)
        self._content = np.zeros(cap, dtype=bool)
        self._upper = np.zeros(cap, dtype=bool)
        self._term = np.zeros(cap, dtype=np.int64)
        #: story terms by id (a new list after a reset, so older Features keep theirs)
        self.terms: list[str] = []
        self._term_ids: dict[str, int] = {}

    def encode(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Token starts and ends in ``text``, and each token's id."""
        return self.encode_many([text])[0]

    def encode_many(self, texts: Sequence[str]
                    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """:meth:`encode` of several texts: their tokens are looked up together (one
        binary search of their distinct spellings, in order, over the sorted table of
        known spellings: a search for each token in text order jumps about the table and
        cost three times as much), and the strings none of them had seen before are
        added in one merge."""
        if self._n > self.limit:
            self._reset()
        toks = self._tokenise.many(texts)
        if not toks:
            return []
        sizes = [len(h) for _, _, h in toks]
        spelling = np.concatenate([h for _, _, h in toks])
        uniq, first, inv = np.unique(spelling, return_index=True, return_inverse=True)
        keys, vals = self._keys, self._vals
        at = np.minimum(np.searchsorted(keys, uniq), max(len(keys) - 1, 0))
        found = keys[at] == uniq if len(keys) else np.zeros(len(uniq), dtype=bool)
        if found.all():
            ids = vals[at][inv]
        else:  # strings not seen before: cut out of the text at their first sighting
            miss = np.flatnonzero(~found)
            seen = np.argsort(first[miss])  # in order of appearance
            pos = first[miss][seen]
            bounds = np.cumsum(sizes)
            text_of = np.searchsorted(bounds, pos, side="right").tolist()
            local = (pos - np.r_[0, bounds][text_of]).tolist()
            self._add([texts[d][toks[d][0][i]:toks[d][1][i]] for d, i in zip(text_of, local)])
            new_ids = np.empty(len(miss), dtype=np.int64)
            new_ids[seen] = np.arange(self._n - len(miss), self._n)
            uid = vals[at] if len(keys) else np.zeros(len(uniq), dtype=np.int64)
            uid[miss] = new_ids
            ids = uid[inv]
            put = np.searchsorted(keys, uniq[miss])  # uniq is sorted, so its misses are
            self._keys = np.insert(keys, put, uniq[miss])
            self._vals = np.insert(vals, put, new_ids)
        cut = np.cumsum(sizes).tolist()
        return [(st, en, ids[hi - n:hi]) for (st, en, _), n, hi in zip(toks, sizes, cut)]

    def _add(self, new: list[str]) -> None:
        lo, hi = self._n, self._n + len(new)
        if hi > len(self._crc):
            cap = max(hi, 2 * len(self._crc))
            for name in ("_crc", "_stem", "_content", "_upper", "_term"):
                old = getattr(self, name)
                grown = np.zeros(cap, dtype=old.dtype)
                grown[:lo] = old[:lo]
                setattr(self, name, grown)
        low = [t.lower() for t in new]
        content = [len(t) > 2 and t not in STOPWORDS and not t.isdigit() for t in low]
        self._crc[lo:hi] = _crc(low)
        self._stem[lo:hi] = _crc([t[:_STEM] for t in low])
        self._content[lo:hi] = content
        self._upper[lo:hi] = [t[:1].isupper() for t in new]
        term_ids, terms = self._term_ids, self.terms
        tids = []
        for t in low:
            term = _story_term(t)
            if term is None:
                tids.append(-1)
            else:
                if term not in term_ids:
                    term_ids[term] = len(terms)
                    terms.append(term)
                tids.append(term_ids[term])
        self._term[lo:hi] = tids
        self._n = hi


def _story_term(token: str) -> str | None:
    """The story term of a lower-cased token (possessive dropped), or None for stopwords,
    numbers and words of two letters or fewer."""
    if token.endswith(("'s", "’s")):
        token = token[:-2]
    if len(token) <= 2 or token in STOPWORDS or token.isdigit():
        return None
    return token


@dataclass
class Features:
    """The comparable parts of one text, computed once per document: per-token arrays
    (no Python object per token) and per-sentence token ranges."""

    text: str
    #: token start and end offsets (end-exclusive)
    starts: np.ndarray
    ends: np.ndarray
    #: per token: its stable hash (lower-cased), the hash of its content form and
    #: whether it is a content word, whether it starts with a capital, its story term id
    crc: np.ndarray
    stem: np.ndarray
    content: np.ndarray
    upper: np.ndarray
    term: np.ndarray
    #: the story term strings ``term`` indexes
    terms: list[str]
    #: sentence spans as (start, end)
    sent_spans: list[tuple[int, int]]
    #: per sentence, its first token and the token after its last
    sent_lo: np.ndarray
    sent_hi: np.ndarray
    #: the paragraph of each token (passages never cross a paragraph break)
    para: np.ndarray

    def __getstate__(self) -> tuple[dict, list[tuple[str, str, tuple[int, ...]]], bytes]:
        """Pickled for a comparison in another process: the arrays (cached ones too) as
        one buffer, since pickling costs more per array than per byte; without the
        vocabulary's story terms (``terms``, ``term``), which only the story shortlist
        reads and which grow with the vocabulary."""
        state = dict(vars(self), terms=[], term=np.zeros(0, dtype=np.int64))
        arrays = {k: np.ascontiguousarray(v) for k, v in state.items()
                  if isinstance(v, np.ndarray)}
        layout = [(k, v.dtype.str, v.shape) for k, v in arrays.items()]
        rest = {k: v for k, v in state.items() if k not in arrays}
        return rest, layout, b"".join(v.tobytes() for v in arrays.values())

    def __setstate__(self, state: tuple[dict, list, bytes]) -> None:
        rest, layout, blob = state
        buf, at = bytearray(blob), 0
        for name, dtype, shape in layout:
            dt = np.dtype(dtype)
            n = math.prod(shape)
            rest[name] = np.frombuffer(buf, dtype=dt, count=n, offset=at).reshape(shape)
            at += n * dt.itemsize
        self.__dict__.update(rest)

    @property
    def n_tokens(self) -> int:
        return len(self.starts)

    @cached_property
    def token_sentence(self) -> np.ndarray:
        """The sentence of each token, -1 for a token outside every sentence (sentences
        are disjoint token ranges in order: a token's sentence is the last one starting
        at or before it, if that one reaches it; empty sentences never do)."""
        pos = np.arange(self.n_tokens)
        if not len(self.sent_lo):
            return np.full(self.n_tokens, -1, dtype=np.int64)
        idx = np.searchsorted(self.sent_lo, pos, side="right") - 1
        inside = (idx >= 0) & (pos < self.sent_hi[np.maximum(idx, 0)])
        return np.where(inside, idx, -1)

    @cached_property
    def sent_words(self) -> list[frozenset[int]]:
        """Per sentence, the hashes of its content forms (content words compared by
        their first six characters, so ``sanctions``/``sanctioned`` meet)."""
        # 0 marks a function word (a content form hashing to exactly 0 is a 2**-64 event)
        forms = np.where(self.content, self.stem, np.uint64(0)).tolist()
        out = []
        for lo, hi in zip(self.sent_lo.tolist(), self.sent_hi.tolist()):
            ws = set(forms[lo:hi])
            ws.discard(0)
            out.append(frozenset(ws))
        return out

    @cached_property
    def words(self) -> np.ndarray:
        """Every content form of the text, sorted and unique."""
        return distinct(self.stem[self.content & (self.token_sentence >= 0)])

    @cached_property
    def shingles(self) -> np.ndarray:
        """One uint64 hash per word 5-gram, indexed by the position of its first token."""
        n = self.n_tokens - SHINGLE + 1
        if n <= 0:
            return np.zeros(0, dtype=np.uint64)
        h = self.crc
        out = h[:n] * _SH_MUL[0]
        for k in range(1, SHINGLE):
            out += h[k:k + n] * _SH_MUL[k]
        return out

    @cached_property
    def shingle_set(self) -> np.ndarray:
        """The distinct shingle hashes, sorted (two texts' shared shingles are found by
        a merge, not by hashing each into a Python set)."""
        return distinct(self.shingles)

    def band_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """Index keys (int64, 6 per indexed sentence) and the sentence each key comes
        from, see :func:`band_keys`."""
        return band_keys([self])[0]


def band_keys(feats: Sequence[Features]) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each text, its index keys (int64, 6 per indexed sentence) and the sentence
    each key comes from: per sentence with at least ``MIN_CONTENT`` distinct content
    forms, the MinHash of its forms in bands of ``ROWS``. All texts go through one sort
    and one hashing pass (a batch of articles costs a few numpy calls, not a few per
    article)."""
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    sents, forms = [], []
    for f in feats:
        sent = f.token_sentence
        m = f.content & (sent >= 0)
        sents.append(sent[m])
        forms.append(f.stem[m])
    width = max((len(f.sent_lo) for f in feats), default=0) + 1
    doc = np.repeat(np.arange(len(feats), dtype=np.int64), [len(x) for x in sents])
    if not len(doc):
        return [empty for _ in feats]
    s = doc * width + np.concatenate(sents)  # (text, sentence) as one number
    h = np.concatenate(forms)
    order = np.lexsort((h, s))
    s, h = s[order], h[order]
    first = np.ones(len(s), dtype=bool)
    first[1:] = (s[1:] != s[:-1]) | (h[1:] != h[:-1])
    s, h = s[first], h[first]
    sent_ids, counts = np.unique(s, return_counts=True)
    ok = counts >= MIN_CONTENT
    h = h[np.repeat(ok, counts)]
    counts, sent_ids = counts[ok], sent_ids[ok]
    if not len(sent_ids):
        return [empty for _ in feats]
    bounds = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=bounds[1:])
    # (a*h + b) mod 2^64, keep the high bits: a multiply-shift universal hash
    hv = (h[:, None] * _MH_A[None, :] + _MH_B[None, :]) >> np.uint64(16)
    mins = np.minimum.reduceat(hv, bounds, axis=0)  # (sentences, N_HASHES)
    bands = mins.reshape(len(sent_ids), N_HASHES // ROWS, ROWS)
    keys = (bands * _BAND_MUL[None, None, :ROWS]).sum(axis=2, dtype=np.uint64)
    keys = keys + _BAND_OFFSET[None, :]
    keys = (keys >> np.uint64(1)).astype(np.int64)  # SQLite integers are signed 64-bit
    cut = np.searchsorted(sent_ids // width, np.arange(len(feats) + 1)).tolist()
    per_sent = sent_ids % width
    bands_per = N_HASHES // ROWS
    return [(keys[lo:hi].ravel(), np.repeat(per_sent[lo:hi], bands_per))
            for lo, hi in zip(cut[:-1], cut[1:])]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``(start, end)`` with surrounding whitespace dropped, or None when nothing is left
    (``str.strip`` trims exactly the characters ``str.isspace`` accepts)."""
    seg = text[start:end]
    left = seg.lstrip()
    start += len(seg) - len(left)
    end = start + len(left.rstrip())
    return (start, end) if end > start else None


def _sentences(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Sentence spans and paragraph starts, as :func:`narrascope.text.sentences` and
    :func:`~narrascope.text.paragraphs` find them, as plain tuples: one pass instead of
    two, and no ``Span`` per sentence."""
    paras, pos = [], 0
    for m in _PARA.finditer(text):
        paras.append(_trimmed(text, pos, m.start()))
        pos = m.end()
    paras.append(_trimmed(text, pos, len(text)))
    sents: list[tuple[int, int]] = []
    starts: list[int] = []
    for para in paras:
        if para is None:
            continue
        p_start, p_end = para
        starts.append(p_start)
        # no trimming needed: a paragraph is trimmed, a sentence end is punctuation, and
        # the end's lookahead saw whitespace and then a letter inside the paragraph, so
        # the next sentence starts after that whitespace and is never empty
        start = p_start
        for m in _END.finditer(text, p_start, p_end):
            if _ABBREV.search(text, max(p_start, m.start() - 6), m.start() + 1):
                continue
            end = m.end()
            sents.append((start, end))
            start = _SPACE.match(text, end).end()
        sents.append((start, p_end))
    return sents, starts


def features(text: str, vocabulary: Vocabulary | None = None) -> Features:
    """Tokens, sentences and content words of ``text``: numpy over its code points, its
    tokens looked up in the vocabulary and the sentence regexes. Pass the analyser's
    ``vocabulary`` so each distinct token string is worked out once per run rather than
    once per article."""
    return features_many([text], vocabulary)[0]


def features_many(texts: Sequence[str], vocabulary: Vocabulary | None = None
                  ) -> list[Features]:
    """:func:`features` of several texts, their tokens looked up together."""
    vocab = vocabulary if vocabulary is not None else Vocabulary()
    out = []
    for text, (st, en, ids) in zip(texts, vocab.encode_many(texts)):
        sent_spans, para_starts = _sentences(text)
        bounds = np.array(sent_spans, dtype=np.int64).reshape(-1, 2)
        los = np.searchsorted(st, bounds[:, 0])
        his = np.searchsorted(st, bounds[:, 1])
        para = np.searchsorted(np.array(para_starts, dtype=np.int64), st, side="right")
        out.append(Features(text, st, en, vocab._crc[ids], vocab._stem[ids],
                            vocab._content[ids], vocab._upper[ids], vocab._term[ids],
                            vocab.terms, sent_spans, los, his, para))
    return out
