"""Measure how an article persuades, not what it is about, as evidence for ``Other``
(issue 3, sixth session).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_style.py features [--parts techniques,lexicon,quotes,entities]
    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/narratives_style.py other [--seeds 13,7,21] [--only a,b]

Articles that push a taxonomy narrative read like propaganda; many ``Other`` articles
are plain reports. The project's other analysers measure that, so ``features``
computes, once per training article (cached in ``--cache``, default
/tmp/narratives-h1), four groups of style features:

- ``techniques``: the shipped technique encoder (English-trained) on the article: the
  mean P(inside a persuasive span) over words, the share of words at or above 0.5, the
  mean of the top tenth, spans per 100 words, the share of text in spans, and the
  P(inside)-weighted mean of each technique's probability (14);
- ``lexicon``: hits of the techniques analyser's cue lexicon per 100 words, one column
  per category (English cue words);
- ``quotes``: quotes per 100 words, share of characters in quotes, share of direct
  quotes, distinct speakers per 100 words (the rule-based ``quotes`` analyser);
- ``entities``: entity mentions per 100 words by type, and distinct entities per 100
  words (the ``entities`` analyser, all five languages).

``other``: the logistic regression that gives ``P(Other)`` (version 3: the log of the
product of the candidate narratives' ``1 - p`` and the ``Other`` ridge's score) with
each group added, cross-fitted on the training folds' out-of-fold values, over the
splits of ``narratives_stage2.py`` (its cached out-of-fold ridge scores are reused:
``--stage2-cache``, default /tmp/narratives-h3). Prints F1 per language per seed, the
mean over seeds with the paired difference to version 3 (± one standard error), and
the AUC of ``P(Other)`` in English and overall.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from narratives_harness import DATA, load

GROUPS = ("techniques", "lexicon", "quotes", "entities")


def _words(text: str) -> int:
    return max(1, len(text.split()))


def techniques_features(texts: list[str]) -> np.ndarray:
    """Encoder P(inside) summaries, span rates and the technique mix per article."""
    from narrascope.analysers.techniques import load_model
    from narrascope.analysers.techniques.tokens import tokenize

    model = load_model()
    model.settings["threads"] = 1
    rows = []
    t0 = time.time()
    for k, text in enumerate(texts):
        tok = tokenize(text)
        if not len(tok):
            rows.append(np.zeros(5 + len(model.labels)))
            continue
        inside, tech = model.word_scores(tok)
        spans = model.spans_with_labels(tok, inside, tech)
        covered = sum(tok.ends[j - 1] - tok.starts[i] for i, j, _, _ in spans)
        top = np.sort(inside)[-max(1, len(inside) // 10):]
        mix = (inside[:, None] * tech).sum(0) / max(float(inside.sum()), 1e-6)
        words = _words(text)
        rows.append(np.concatenate([[inside.mean(), (inside >= 0.5).mean(), top.mean(),
                                     100 * len(spans) / words, covered / max(1, len(text))],
                                    mix]))
        if k % 100 == 0:
            print(f"  techniques {k}/{len(texts)} {time.time() - t0:.0f}s", flush=True)
    return np.array(rows)


def lexicon_features(texts: list[str]) -> np.ndarray:
    """Cue-lexicon hits per 100 words, one column per category."""
    from narrascope.analysers.techniques.features import lexicon
    from narrascope.analysers.techniques.tokens import tokenize

    lex = lexicon()
    rows = []
    for text in texts:
        tok = tokenize(text)
        hits = lex.match(tok.lower)
        rows.append([100 * sum(cat in h for h in hits) / _words(text)
                     for cat in lex.categories])
    return np.array(rows)


def quotes_features(texts: list[str]) -> np.ndarray:
    """Quote rate, share of text quoted, share direct, distinct speakers per 100 words."""
    from narrascope.analysers.quotes import quotes_of

    rows = []
    for text in texts:
        qs = quotes_of(text)
        words = _words(text)
        chars = sum(q["end"] - q["start"] for q in qs)
        speakers = {q["speaker"] for q in qs if q["speaker"]}
        rows.append([100 * len(qs) / words, chars / max(1, len(text)),
                     sum(q["kind"] == "direct" for q in qs) / max(1, len(qs)),
                     100 * len(speakers) / words])
    return np.array(rows)


def entities_features(texts: list[str], langs: list[str]) -> tuple[np.ndarray, list[str]]:
    """Entity mentions per 100 words by type, and distinct entities per 100 words."""
    from narrascope.analysers.entities import EntitiesAnalyser
    from narrascope.model import Document

    an = EntitiesAnalyser()
    docs = [Document(str(i), t, language=lg) for i, (t, lg) in enumerate(zip(texts, langs))]
    results = []
    for k in range(0, len(docs), 32):
        results += an.analyse(docs[k:k + 32], [{}] * len(docs[k:k + 32]))
        if k % 320 == 0:
            print(f"  entities {k}/{len(docs)}", flush=True)
    types = sorted({s.label for r in results for s in r.spans})
    rows = []
    for text, r in zip(texts, results):
        words = _words(text)
        rows.append([100 * sum(s.label == t for s in r.spans) / words for t in types]
                    + [100 * len({s.attrs["entity_id"] for s in r.spans}) / words])
    return np.array(rows), types


def compute(corpus, cache: Path, parts: list[str]) -> None:
    texts = [e.text for e in corpus.ex]
    langs = [e.language for e in corpus.ex]
    for part in parts:
        f = cache / f"style-{part}.npy"
        if f.is_file():
            print(f"{part}: cached in {f}")
            continue
        t0 = time.time()
        if part == "entities":
            x, types = entities_features(texts, langs)
            print(f"  entity types: {types}")
        else:
            x = {"techniques": techniques_features, "lexicon": lexicon_features,
                 "quotes": quotes_features}[part](texts)
        np.save(f, x)
        print(f"{part}: {x.shape} in {time.time() - t0:.0f}s", flush=True)


def main(argv: list[str]) -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent")
        return 0
    cache = Path(argv[argv.index("--cache") + 1]) if "--cache" in argv \
        else Path("/tmp/narratives-h1")
    cache.mkdir(parents=True, exist_ok=True)
    corpus = load()
    if "features" in argv:
        parts = argv[argv.index("--parts") + 1].split(",") if "--parts" in argv \
            else list(GROUPS)
        compute(corpus, cache, parts)
    if "other" in argv:
        from narratives_style_eval import evaluate

        evaluate(corpus, cache, argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
