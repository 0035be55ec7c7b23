"""What the copy finder compares: word tokens with offsets, word 5-gram shingle hashes,
content words per sentence, and the sentence MinHash band keys the index stores.

Everything hashes with stable functions (a polynomial over the token's code points and
fixed 64-bit multipliers), never Python's salted ``hash``, so keys written by one process
are found by the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ...text import _ABBREV, _END, _PARA

__all__ = ["Features", "features", "SHINGLE", "STOPWORDS", "content_form"]

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
_rng = np.random.default_rng(20260611)
_MH_A = (_rng.integers(1, 2**63, N_HASHES, dtype=np.uint64) | np.uint64(1))
_MH_B = _rng.integers(0, 2**63, N_HASHES, dtype=np.uint64)
_SH_MUL = (_rng.integers(1, 2**63, SHINGLE, dtype=np.uint64) | np.uint64(1))
_HASH_CHARS = 24
_HASH_POW = np.cumprod(np.r_[1, np.full(_HASH_CHARS - 1, 1000003)].astype(np.uint64),
                       dtype=np.uint64)
_BAND_MUL = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9],
                     dtype=np.uint64)

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


@dataclass
class Features:
    """The comparable parts of one text, computed once per document."""

    text: str
    #: token start and end offsets (end-exclusive)
    starts: np.ndarray
    ends: np.ndarray
    #: lower-cased tokens
    tokens: list[str]
    #: sentence spans as (start, end) and, per sentence, its content-word set
    sent_spans: list[tuple[int, int]]
    sent_words: list[frozenset[str]]
    #: the paragraph of each token (passages never cross a paragraph break)
    para: np.ndarray
    #: per sentence, its first token and the token after its last
    sent_tokens: list[tuple[int, int]]
    #: whether each token starts with an upper-case letter
    upper: np.ndarray

    @cached_property
    def words(self) -> frozenset[str]:
        """Every content word of the text."""
        return frozenset().union(*self.sent_words) if self.sent_words else frozenset()

    @cached_property
    def shingles(self) -> np.ndarray:
        """One uint64 hash per word 5-gram, indexed by the position of its first token."""
        n = len(self.tokens) - SHINGLE + 1
        if n <= 0:
            return np.zeros(0, dtype=np.uint64)
        h = _crc(self.tokens)
        out = np.zeros(n, dtype=np.uint64)
        for k in range(SHINGLE):
            out += h[k:k + n] * _SH_MUL[k]
        return out

    @cached_property
    def shingle_set(self) -> frozenset[int]:
        """The shingle hashes as a set, for a quick test of whether two texts share any."""
        return frozenset(self.shingles.tolist())

    def band_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """Index keys (int64, 4 per indexed sentence) and the sentence each key comes from."""
        rows = [(i, w) for i, w in enumerate(self.sent_words) if len(w) >= MIN_CONTENT]
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        words = [t for _, ws in rows for t in sorted(ws)]
        h = _crc(words)
        # (a*h + b) mod 2^64, keep the high bits: a multiply-shift universal hash
        hv = (h[:, None] * _MH_A[None, :] + _MH_B[None, :]) >> np.uint64(16)
        bounds = np.r_[0, np.cumsum([len(ws) for _, ws in rows])[:-1]]
        mins = np.minimum.reduceat(hv, bounds, axis=0)  # (sentences, N_HASHES)
        bands = mins.reshape(len(rows), N_HASHES // ROWS, ROWS)
        keys = (bands * _BAND_MUL[None, None, :ROWS]).sum(axis=2, dtype=np.uint64)
        keys = keys + np.arange(N_HASHES // ROWS, dtype=np.uint64)[None, :] * np.uint64(
            0x632BE59BD9B4E019)
        keys = (keys >> np.uint64(1)).astype(np.int64)  # SQLite integers are signed 64-bit
        sent_ids = np.array([i for i, _ in rows], dtype=np.int64)
        return keys.ravel(), np.repeat(sent_ids, N_HASHES // ROWS)


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
        pos = p_start
        for m in _END.finditer(text, p_start, p_end):
            if _ABBREV.search(text, max(p_start, m.start() - 6), m.start() + 1):
                continue
            span = _trimmed(text, pos, m.end())
            if span:
                sents.append(span)
            pos = m.end()
        span = _trimmed(text, pos, p_end)
        if span:
            sents.append(span)
    return sents, starts


def features(text: str) -> Features:
    """Tokens, sentences and content words of ``text`` (a few list comprehensions and
    numpy calls: this runs once per article and bounds the indexing speed)."""
    raw = _WORD.findall(text)
    # offsets without a Python step per match: the separators between tokens and the
    # tokens alternate, so cumulative lengths give every start
    gaps = np.fromiter(map(len, _WORD.split(text)), dtype=np.int64, count=len(raw) + 1)
    lens = np.fromiter(map(len, raw), dtype=np.int64, count=len(raw))
    st = np.cumsum(gaps[:-1]) + np.r_[0, np.cumsum(lens)[:-1]] if len(raw) else lens
    en = st + lens
    # tokens hold no spaces, so one lower() over the joined text splits back one to one
    tokens = " ".join(raw).lower().split(" ") if raw else []
    # each distinct token is judged once (a news article repeats most of its words)
    form = {t: t[:_STEM] if len(t) > 2 and t not in STOPWORDS and not t.isdigit() else ""
            for t in dict.fromkeys(tokens)}
    content = list(map(form.__getitem__, tokens))
    sent_spans, para_starts = _sentences(text)
    bounds = np.array(sent_spans, dtype=np.int64).reshape(-1, 2)
    los = np.searchsorted(st, bounds[:, 0]).tolist()
    his = np.searchsorted(st, bounds[:, 1]).tolist()
    sent_words: list[frozenset[str]] = []
    for lo, hi in zip(los, his):
        ws = set(content[lo:hi])
        ws.discard("")
        sent_words.append(frozenset(ws))
    para = np.searchsorted(np.array(para_starts, dtype=np.int64), st, side="right")
    upper = np.char.isupper(np.array(raw, dtype="<U1")) if raw else np.zeros(0, dtype=bool)
    return Features(text, st, en, tokens, sent_spans, sent_words, para,
                    list(zip(los, his)), upper)
