"""The recogniser's speed-ups give exactly what the plain computation gives."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.analysers.entities.model import (WordEmbeddingCache, _distinct_rows,
                                                 load_pipeline)

TEXTS = [
    "Kremlin spokesman Dmitry Peskov said Kyiv can't win, and Washington won't say it.",
    "The U.S. Senate voted 51-49 on Tuesday; Sen. Lindsey Graham (R-S.C.) said it's over.",
    "",
    "Peskov said Kyiv can't win. Russia's Foreign Ministry disagreed with NATO's view.",
    "Ca. 300 soldiers -- the Azov regiment -- left Mariupol at 3:30 a.m.",
]
# enough tokens for the cache (a batch of fewer runs the plain layer: see min_rows)
BATCH = [f"{t} Report {i}: {t[::-1]}" for i, t in enumerate(TEXTS * 4)]


@pytest.fixture(scope="module")
def nlp():
    nlp = load_pipeline("en")
    if nlp is None:
        pytest.skip("no English model")
    return nlp


def _embed(nlp):
    return nlp.get_pipe("tok2vec").model.layers[0]


def test_the_cache_is_installed_on_the_shipped_models():
    for lang in ("en", "bg", "hi", "pt", "ru"):
        nlp = load_pipeline(lang)
        if nlp is not None:
            assert isinstance(_embed(nlp)._func, WordEmbeddingCache), lang
            # installing twice does not stack two caches
            assert WordEmbeddingCache.install(nlp) is None


def test_cached_rows_are_the_plain_embedding_bit_for_bit(nlp):
    embed = _embed(nlp)
    cache = embed._func
    cache.clear()
    more = [t.upper() + " " + t for t in TEXTS] * 3
    for batch in (BATCH, BATCH[::-1], more + BATCH):  # cold, from the cache, then both
        docs = [nlp.make_doc(t) for t in batch]
        assert sum(len(d) for d in docs) >= cache.min_rows
        got = embed.predict(docs)
        want = cache.forward(embed, docs, False)[0]
        assert len(got) == len(want) == len(docs)
        for g, w in zip(got, want):
            assert g.dtype == w.dtype and g.shape == w.shape
            assert np.array_equal(g, w)
    assert 0 < cache.n < sum(len(nlp.make_doc(t)) for t in BATCH + more)


def test_a_word_whose_norm_differs_gets_its_own_row(nlp):
    # spaCy's special case gives "ca" in "can't" the norm "can"; "Ca." on its own keeps
    # its own norm, and "ca" alone another: three rows, each as the plain layer has it
    embed = _embed(nlp)
    embed._func.clear()
    docs = [nlp.make_doc("ca can't ca"), nlp.make_doc("I can't, ca")]
    docs += [nlp.make_doc(t) for t in BATCH]
    norms = {(t.text, t.norm_) for d in docs for t in d}
    assert ("ca", "can") in norms and ("ca", "ca") in norms
    got = embed.predict(docs)
    want = embed._func.forward(embed, docs, False)[0]
    for g, w in zip(got, want):
        assert np.array_equal(g, w)
    assert not np.array_equal(got[0][0], got[0][1])  # "ca" and "ca" (can) differ


def test_the_cache_starts_afresh_when_full_and_after_training(nlp):
    embed = _embed(nlp)
    cache = embed._func
    cache.clear()
    docs = [nlp.make_doc(t) for t in BATCH]
    embed.predict(docs)
    full = cache.n
    cache.max_rows, old = full + 2, cache.max_rows
    try:
        other = [nlp.make_doc("Zaporizhzhia Kherson Bakhmut " * 150)]
        got = embed.predict(other)
        assert cache.n == 3  # too many rows: only this batch's words are kept
        assert np.array_equal(got[0], cache.forward(embed, other, False)[0][0])
    finally:
        cache.max_rows = old
    embed(docs, is_train=True)
    assert cache.n == 0 and not cache.rows


def test_a_batch_of_few_tokens_runs_the_plain_layer(nlp):
    embed = _embed(nlp)
    cache = embed._func
    cache.clear()
    small = [nlp.make_doc(t) for t in TEXTS]
    assert sum(len(d) for d in small) < cache.min_rows
    got = embed.predict(small)
    assert cache.n == 0
    for g, w in zip(got, cache.forward(embed, small, False)[0]):
        assert np.array_equal(g, w)


def test_distinct_rows():
    keys = np.array([[5, 1], [7, 2], [5, 1], [5, 9], [7, 2], [5, 9], [3, 3]], dtype=np.uint64)
    first, inverse = _distinct_rows(keys)
    assert sorted(map(tuple, keys[first].tolist())) == [(3, 3), (5, 1), (5, 9), (7, 2)]
    assert np.array_equal(keys[first][inverse], keys)


def test_an_embedding_that_is_not_per_word_is_left_alone(nlp):
    import copy

    other = copy.deepcopy(nlp)
    embed = _embed(other)
    original = embed._func.forward
    embed._func = original
    extract = next(n for n in embed.walk() if n.name == "extract_features")
    extract.attrs["columns"] = list(extract.attrs["columns"]) + ["POS"]
    assert WordEmbeddingCache.install(other) is None
    assert embed._func is original


def test_the_tokenizer_remembers_more_strings_and_gives_the_same_tokens(nlp):
    from narrascope.analysers.entities.model import TOKENIZER_CACHE

    assert nlp.tokenizer.max_cache_size == TOKENIZER_CACHE > 10_000
    plain = load_pipeline("en")
    plain.tokenizer.max_cache_size = 0  # nothing cached: every string split afresh
    texts = TEXTS + [t.lower() for t in TEXTS] + TEXTS

    def tokens(pipeline):
        return [[(t.text, t.idx, t.whitespace_, t.norm_) for t in pipeline.make_doc(x)]
                for x in texts]

    assert tokens(nlp) == tokens(plain) == tokens(nlp)  # the second time from the cache


def test_plain_words_skip_only_regexes_that_cannot_match_them():
    import re

    from narrascope.analysers.entities.model import _needs_a_non_letter

    cannot = [r"^[\(\[\"']", r"(?:,|\.\.+|…)$", r"(?<=[0-9])(?:km|kg|m)$",
              r"(?<=[a-z])[-–](?=[a-z])", r"^(?:https?://)?\w+\.[a-z]{2,}$", r"(?:x+-|-y)"]
    can = [r"(?:'s|s)$", r"^(?:[Mm]r|\.)", r"(?<![0-9])km$", r"[a-z]*,?$", r"(?i:k)$",
           r"(?=[a-z])x", r"(?:-|)$", r"\w$", r"(?:\d|[^0-9])"]
    for p in cannot:
        assert _needs_a_non_letter(re.compile(p)), p
    for p in can:
        assert not _needs_a_non_letter(re.compile(p)), p


def test_plain_words_are_tokenized_as_by_spacy_itself(nlp):
    import spacy

    from narrascope.analysers.entities.model import _UnlessPlainWord, model_path

    tok = nlp.tokenizer
    wrapped = [n for n in ("prefix_search", "suffix_search", "infix_finditer", "url_match")
               if isinstance(getattr(tok, n), _UnlessPlainWord)]
    assert wrapped == ["prefix_search", "suffix_search", "infix_finditer", "url_match"]
    assert tok.suffix_search("km") is None and tok.infix_finditer("abc") == ()
    assert tok.suffix_search("5km") is not None  # other strings go to the regex
    plain = spacy.load(model_path("en"))
    texts = TEXTS + ["Kyiv's 5km-long (front) e-mail www.example.com cannot dont U.S.A. ..."]

    def tokens(pipeline):
        return [[(t.text, t.idx, t.norm_) for t in pipeline.make_doc(x)] for x in texts]

    assert tokens(nlp) == tokens(plain)
    # what spaCy writes for the tokenizer is unchanged
    assert tok.to_bytes(exclude=["vocab"]) == plain.tokenizer.to_bytes(exclude=["vocab"])


def test_threads_sharing_the_cache_get_the_plain_rows(nlp):
    from concurrent.futures import ThreadPoolExecutor

    embed = _embed(nlp)
    cache = embed._func
    cache.clear()
    batches = [[nlp.make_doc(f"{t} {i} {t.lower()} {i * 7}") for t in BATCH] for i in range(8)]
    want = [cache.forward(embed, b, False)[0] for b in batches]
    cache.max_rows, old = 300, cache.max_rows  # every few batches the cache starts afresh
    try:
        with ThreadPoolExecutor(4) as pool:
            got = list(pool.map(embed.predict, batches * 3))
    finally:
        cache.max_rows = old
    for g, w in zip(got, want * 3):
        assert all(np.array_equal(a, b) for a, b in zip(g, w))
