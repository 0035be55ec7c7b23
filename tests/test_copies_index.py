"""The copies analyser's fast paths give the same answers as the plain ones: a shared
vocabulary (and its reset), the batched index lookup, and a store indexed by the
previous index layout."""

from __future__ import annotations

import numpy as np

from narrascope.analysers.copies.features import Vocabulary, features

TEXT_A = """Council approves new tram line for the eastern districts

The city council approved on Monday a new tram line linking the eastern districts with the central station, after two years of consultations with residents.

Transport councillor Mira Olsen said the line would carry about forty thousand passengers a day once it opens. The first trams should run in the spring of the year after next.

Shopkeepers on Canal Street had feared that the works would close the street for months, but the council promised that one lane would stay open throughout."""

TEXT_B = """Fishermen's union rejects quota proposal

The fishermen's union rejected the ministry's proposal for next year's cod quotas on Friday, calling the cuts unfair to small boats.

The union's chair said the proposal would force dozens of family boats out of business. The ministry will meet the union again before the end of the month."""


def _same(f, g) -> None:
    assert np.array_equal(f.starts, g.starts) and np.array_equal(f.ends, g.ends)
    assert np.array_equal(f.shingles, g.shingles)
    for x, y in zip(f.band_keys(), g.band_keys()):
        assert np.array_equal(x, y)
    assert f.sent_words == g.sent_words
    assert [f.terms[t] if t >= 0 else None for t in f.term.tolist()] == \
        [g.terms[t] if t >= 0 else None for t in g.term.tolist()]


def test_shared_vocabulary_gives_the_same_features_as_a_fresh_one():
    vocab = Vocabulary()
    features(TEXT_B, vocab)  # the vocabulary now knows B's words
    _same(features(TEXT_A, vocab), features(TEXT_A))
    _same(features(TEXT_B, vocab), features(TEXT_B))


def test_vocabulary_starts_afresh_past_its_limit_and_keeps_older_features_valid():
    vocab = Vocabulary(limit=10)
    fb = features(TEXT_B, vocab)
    terms_before = list(fb.terms)
    fa = features(TEXT_A, vocab)  # past the limit: a new vocabulary
    assert fa.terms is not fb.terms and fb.terms == terms_before
    _same(fa, features(TEXT_A))
    _same(fb, features(TEXT_B))


def test_band_keys_come_from_sentences_with_enough_content_words():
    f = features(TEXT_A)
    keys, sents = f.band_keys()
    assert keys.dtype == np.int64 and len(keys) == len(sents) and len(keys) % 6 == 0
    # the headline has five content words, the councillor's sentence many more
    assert set(sents.tolist()) >= {0, 2}
    assert len(features("Too short. Far too short.").band_keys()[0]) == 0


def _articles():
    from test_copies import BOILERPLATE, BRIDGE, HARBOUR, REWRITE, SAME_TOPIC, _doc

    body = HARBOUR.split("\n\n", 1)[1]
    return [_doc(HARBOUR, "2024-03-05"), _doc(SAME_TOPIC), _doc(BOILERPLATE + body),
            _doc(BRIDGE, "2024-03-07"), _doc(REWRITE), _doc(TEXT_A), _doc(TEXT_B)]


def _update(store, docs, batch_size: int):
    from narrascope.analysers.copies import CopiesAnalyser

    for d in docs:
        store.add_document(d)
    analyser = CopiesAnalyser()
    analyser.batch_size = batch_size
    results, relations = analyser.update(store, [d.id for d in docs], quiet=True)
    store.add_results(results)
    stories = dict(store.db.execute("SELECT doc_id, story FROM copies_docs"))
    data = sorted((r.doc_id, repr(r.data)) for r in results)
    return sorted((r.a, r.b, r.kind, r.score) for r in relations), stories, data


def test_batch_lookup_sees_what_one_article_at_a_time_sees(store, tmp_path):
    from narrascope.store import Store

    docs = _articles()
    one_by_one = _update(store, docs, batch_size=1)
    for size in (3, 1000):  # stored and in-batch candidates mixed; all in one batch
        with Store(tmp_path / f"batched{size}.db") as other:
            batched = _update(other, docs, batch_size=size)
        assert batched == one_by_one
    kinds = {k for _, _, k, _ in batched[0]}
    assert kinds == {"duplicate", "partial", "rewrite"}


def test_candidates_batch_equals_lookups_made_after_each_insert(store):
    from narrascope.analysers.copies.index import CopyIndex

    docs = _articles()
    for d in docs:
        store.add_document(d)
    keys = [features(d.text).band_keys() for d in docs]
    index = CopyIndex(store.db)
    with store.db:
        batched = index.candidates_batch(keys)
        sequential = []
        for d, (k, s) in zip(docs, keys):
            sequential.append(index.candidates(k, s))
            index.add(d.id, d.published, k)
    assert batched == sequential
    assert any(batched)  # the copies do find their originals


def test_tokeniser_finds_what_the_word_regex_finds():
    import re

    from narrascope.analysers.copies.tokens import Tokeniser

    word = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
    tok = Tokeniser()
    samples = [TEXT_A, TEXT_B, "", "   ", "'", "a", "a'", "'a", "a'b", "a'b'c'd'e",
               "don't rock'n'roll x''y ’tis o’ ’’ snake_case 3.5% İstanbul ΟΔΟΣ",
               "Президент заявив: «Ми не відступимо». हिन्दी में 😀abc𝒜b end"]
    for text in samples:
        starts, ends, spelling = tok(text)
        assert list(zip(starts.tolist(), ends.tolist())) == [m.span() for m in word.finditer(text)]
        seen: dict[int, str] = {}
        for s, e, h in zip(starts.tolist(), ends.tolist(), spelling.tolist()):
            assert seen.setdefault(h, text[s:e]) == text[s:e]  # one spelling per hash
    _, _, a = tok("Vilnius vilnius Vilnius")
    assert a[0] == a[2] != a[1]  # the spelling, case included
    together = tok.many(samples + ["rock'", "n'roll", "a'", "'b"])  # joined, cut again
    for text, (starts, ends, spelling) in zip(samples + ["rock'", "n'roll", "a'", "'b"], together):
        one = tok(text)
        assert all(np.array_equal(x, y) for x, y in zip((starts, ends, spelling), one))


def _reference_keys(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Band keys computed the way the first version of the index did, from token
    strings (sorted content forms per sentence), so stores indexed by it stay readable."""
    import importlib
    import re

    mod = importlib.import_module("narrascope.analysers.copies.features")
    word = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
    tokens = [(m.start(), m.group().lower()) for m in word.finditer(text)]
    spans, _ = mod._sentences(text)
    keys, sents = [], []
    for i, (a, b) in enumerate(spans):
        ws = sorted({t[:6] for s, t in tokens if a <= s < b and len(t) > 2
                     and t not in mod.STOPWORDS and not t.isdigit()})
        if len(ws) < mod.MIN_CONTENT:
            continue
        h = mod._crc(ws)
        hv = (h[:, None] * mod._MH_A[None, :] + mod._MH_B[None, :]) >> np.uint64(16)
        mins = hv.min(axis=0).reshape(mod.N_HASHES // mod.ROWS, mod.ROWS)
        k = (mins * mod._BAND_MUL[None, :mod.ROWS]).sum(axis=1, dtype=np.uint64)
        k = k + np.arange(mod.N_HASHES // mod.ROWS, dtype=np.uint64) * np.uint64(0x632BE59BD9B4E019)
        keys += (k >> np.uint64(1)).astype(np.int64).tolist()
        sents += [i] * (mod.N_HASHES // mod.ROWS)
    return np.array(keys, dtype=np.int64), np.array(sents, dtype=np.int64)


def test_band_keys_are_those_the_first_index_layout_stored():
    for text in (TEXT_A, TEXT_B):
        got, ref = features(text).band_keys(), _reference_keys(text)
        assert np.array_equal(got[0], ref[0]) and np.array_equal(got[1], ref[1])


def test_a_later_run_with_another_vocabulary_finds_links_to_stored_articles(store):
    from narrascope.analysers.copies import CopiesAnalyser

    docs = _articles()
    first, later = docs[:2], docs[2:]  # the original and an unrelated one; then copies
    for d in docs:
        store.add_document(d)
    results, _ = CopiesAnalyser().update(store, [d.id for d in first], quiet=True)
    store.add_results(results)
    fresh = CopiesAnalyser()
    features(TEXT_B + " " + TEXT_A, fresh._vocabulary)  # other ids for the same strings
    _, relations = fresh.update(store, [d.id for d in later], quiet=True)
    assert (docs[0].id, docs[2].id, "duplicate") in {(r.a, r.b, r.kind) for r in relations}


def test_keys_kept_in_memory_or_read_back_from_the_table_give_the_same_index(store, tmp_path, monkeypatch):
    from narrascope.analysers.copies.index import CopyIndex
    from narrascope.store import Store

    docs = _articles()
    kept = _update(store, docs, batch_size=2)
    n_keys = store.db.execute("SELECT count(*) FROM copies_keys").fetchone()[0]
    monkeypatch.setattr(CopyIndex, "max_kept", 1)  # the table answers for every batch
    with Store(tmp_path / "written.db") as other:
        written = _update(other, docs, batch_size=2)
        assert other.db.execute("SELECT count(*) FROM copies_keys").fetchone()[0] == n_keys
    assert written == kept
    assert n_keys == sum(len(np.unique(features(d.text).band_keys()[0])) for d in docs)


def test_row_order_by_article_key_sentence_equals_a_three_column_sort():
    from narrascope.analysers.copies.index import _by_article_key_sentence

    rng = np.random.default_rng(3)
    tb = np.sort(rng.integers(0, 20, 600))
    tk = rng.integers(0, 40, 600)  # repeated keys, as a sentence printed twice gives
    in_order = np.concatenate([np.sort(rng.integers(0, 30, int((tb == b).sum())))
                               for b in range(20)])
    for ts in (in_order, rng.integers(0, 30, 600)):  # band keys' order, and any other
        got = _by_article_key_sentence(tb, tk, ts)
        assert np.array_equal(got, np.lexsort((ts, tk, tb)))


def test_batch_shortlists_equal_those_of_each_article_terms():
    from narrascope.analysers.copies.background import load_background
    from narrascope.analysers.copies.features import features_many
    from narrascope.analysers.copies.stories import (TermIdf, salient_terms, shortlist,
                                                     shortlists_batch)
    from test_copies import BOILERPLATE, HARBOUR, REWRITE, SAME_TOPIC

    term_idf = TermIdf(load_background())
    texts = [HARBOUR, "", REWRITE, "12 34", SAME_TOPIC, BOILERPLATE + HARBOUR, TEXT_A, TEXT_B]
    feats = features_many(texts, Vocabulary())
    for k in (3, 8, 1000):  # fewer terms than some articles have, and more than all
        for f, (short, tf, display) in zip(feats, shortlists_batch(feats, term_idf, k)):
            sal = salient_terms(f)
            assert short == shortlist(sal, term_idf, k)
            assert tf == [sal.tf[t] for t in short]
            assert display == {t: sal.display[t] for t in short}
    assert any(v[:1].isupper() for *_, d in shortlists_batch(feats, term_idf, 8)
               for v in d.values())
