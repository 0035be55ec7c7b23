"""Where the entity recogniser's time goes, part by part, on Task 10 articles.

Times each stage on its own, in CPU milliseconds per article (the best of ``--repeat``
runs, so that other work on a shared machine inflates the figures as little as
possible): spaCy's tokenizer on a fresh pipeline (every word new to its vocabulary, as
in a new process) and again (every word known), the two halves of the tok2vec CNN (the
embedding with words new to its cache, without the cache, and with every word cached), the
entity parser, reading the entities off the spaCy docs, each rule, overlap resolution,
repeated names, grouping, and pickling the results (what a worker process sends back
to the parent with ``analyze --workers N``). ``--cprofile N`` also prints the N
functions with the most own time under cProfile for one whole run (whose per-call
overhead inflates Python code against compiled code).

    OMP_NUM_THREADS=1 python benchmarks/ner_profile.py [--lang EN] [--limit 100] [--cprofile 25]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "semeval2025-t10" / "train"


def best_ms(fn: Callable[[], object], n: int, repeat: int) -> float:
    """The least CPU time of ``repeat`` calls of ``fn``, in ms per article."""
    best = float("inf")
    for _ in range(repeat):
        c0 = time.process_time()
        fn()
        best = min(best, time.process_time() - c0)
    return 1000 * best / n


def stages(texts: list[str], lang: str, repeat: int) -> list[tuple[str, float]]:
    from narrascope.analysers.entities import recogniser as R
    from narrascope.analysers.entities.grouping import group_mentions
    from narrascope.analysers.entities import model as M
    from narrascope.analysers.entities.model import load_pipeline
    from narrascope.text import paragraphs

    n = len(texts)
    chunks = [t[s:e] for t in texts for p in paragraphs(t)
              for s, e in R._windows(t, p.start, p.end)]
    rows: list[tuple[str, float]] = []
    fresh = load_pipeline(lang)
    if fresh is not None:
        rows.append(("tokenizer, new words", best_ms(
            lambda: [fresh.make_doc(c) for c in chunks], n, 1)))
        embed = fresh.get_pipe("tok2vec").model.layers[0]
        fresh_docs = [fresh.make_doc(c) for c in chunks]
        kind = getattr(M, "WordEmbeddingCache", None)  # absent before the ninth session
        cache = embed._func if kind and isinstance(embed._func, kind) else None
        rows.append(("tok2vec: embedding, new", best_ms(
            lambda: embed.predict(fresh_docs), n, 1)))
        if cache is not None:
            rows.append(("  (without the cache)", best_ms(
                lambda: cache.forward(embed, fresh_docs, False), n, repeat)))
    rec = R.Recogniser()
    rec.recognise_many(texts, lang)  # warm: every word known, every rule compiled
    nlp, rules = rec.pipeline(lang), rec.rules(lang)
    if nlp is not None:
        rows.append(("tokenizer, known words", best_ms(
            lambda: [nlp.make_doc(c) for c in chunks], n, repeat)))
        tok2vec, ner = nlp.get_pipe("tok2vec"), nlp.get_pipe("ner")
        docs = [nlp.make_doc(c) for c in chunks]
        embed, encode = tok2vec.model.layers[0], tok2vec.model.layers[1]
        vectors = embed.predict(docs)
        rows.append(("tok2vec: embedding, seen", best_ms(lambda: embed.predict(docs), n,
                                                        repeat)))
        rows.append(("tok2vec: CNN layers", best_ms(lambda: encode.predict(vectors), n, repeat)))
        docs = list(tok2vec.pipe(docs, batch_size=1000))
        batches = [docs[i:i + 250] for i in range(0, len(docs), 250)]
        rows.append(("ner: parser", best_ms(lambda: [ner.predict(b) for b in batches],
                                            n, 1)))
        states = [ner.predict(b) for b in batches]
        rows.append(("ner: set entities", best_ms(
            lambda: [ner.set_annotations(b, s) for b, s in zip(batches, states)], n, 1)))
        docs = list(nlp.pipe(chunks, batch_size=1000))
        rows.append(("reading doc.ents", best_ms(
            lambda: [(e.label_, e.text, e.start_char) for d in docs for e in d.ents],
            n, repeat)))
    rows.append(("whole spaCy call", best_ms(lambda: rec.model_candidates(texts, lang),
                                             n, repeat)))
    model = rec.model_candidates(texts, lang)
    for name in ("find_gazetteer", "find_titles", "find_groups", "find_latin"):
        fn = getattr(rules, name)
        rows.append((f"rule: {name}", best_ms(lambda: [fn(t) for t in texts], n, repeat)))
    rows.append(("candidates (all rules)", best_ms(
        lambda: [rec.candidates(t, lang, m) for t, m in zip(texts, model)], n, repeat)))
    first = [R.resolve_overlaps(rec.candidates(t, lang, m)) for t, m in zip(texts, model)]
    rows.append(("repeat_names", best_ms(lambda: [
        R.repeat_names(t, c, lang, rules.capitalised) for t, c in zip(texts, first)],
        n, repeat)))
    chosen = [R.resolve_overlaps(c + R.repeat_names(t, c, lang, rules.capitalised))
              for t, c in zip(texts, first)]
    rows.append(("group_mentions", best_ms(lambda: [
        group_mentions(t, c, rules, R.SOURCE_SCORES) for t, c in zip(texts, chosen)],
        n, repeat)))
    spans = rec.recognise_many(texts, lang)
    rows.append(("pickling the results", best_ms(
        lambda: pickle.loads(pickle.dumps(spans)), n, repeat)))
    rows.append(("whole recogniser", best_ms(lambda: rec.recognise_many(texts, lang),
                                             n, repeat)))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", default="EN")
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cprofile", type=int, default=0, metavar="N",
                    help="also print the N functions with the most own time")
    args = ap.parse_args(argv)
    folder = DATA / args.lang / "raw-documents"
    if not folder.exists():
        print(f"{folder} is absent: nothing to measure", file=sys.stderr)
        return 3
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))[: args.limit]]
    lang = args.lang.lower()
    print(f"{len(texts)} {args.lang} articles; CPU ms per article, best of {args.repeat}")
    for label, ms in stages(texts, lang, args.repeat):
        print(f"  {label:<26}{ms:8.2f}")
    if args.cprofile:
        import cProfile
        import pstats

        from narrascope.analysers.entities.recogniser import Recogniser

        rec = Recogniser()
        rec.recognise_many(texts[:3], lang)
        prof = cProfile.Profile()
        prof.enable()
        rec.recognise_many(texts, lang)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.cprofile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
