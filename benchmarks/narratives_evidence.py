"""How well the narratives analyser's evidence sentences agree with what annotators wrote.

SemEval-2025 Task 10 gives, for many training articles, an annotator's short explanation
of why the article carries its dominant narrative (``subtask-3-annotations.txt``). The
sentence of the article closest to that explanation is a fair stand-in for "the sentence a
human would point to". For each explained article, with models cross-validated over five
folds (no model saw the article, its labels or its explanation), every variant ranks the
article's sentences for the explained label and is scored on:

* ``hit@1`` / ``hit@3``: the annotator's sentence (the one closest to the explanation by
  MiniLM cosine; English only, the encoder being English) is the first / among the first
  three ranked;
* ``cos@3``: the best MiniLM cosine between the explanation and the three first sentences;
* ``lex@3``: the sentence sharing the most content words (four letters or more) with the
  explanation is among the first three (every language; ties count for each tied
  sentence; articles sharing no word with it are left out);
* ``words@3``: the share of the explanation's content words found in the three first
  sentences (every language);
* ``distinct``: how many different sentences the three-sentence evidence of the article's
  gold labels use, over 3 x labels (1.0: no sentence serves two labels).

Variants: ``shipped`` (the analyser's own :func:`evidence_for`, which may give fewer
than three sentences), ``lead`` (the article's first sentences), ``linear`` (version 4's
ranking: the label's linear weights plus half of its narrative's), ``contrast`` (the same
minus the sentence's mean over all labels, so that a sentence every label likes, such as
a dense headline, stops winning everywhere), ``describe`` (MiniLM cosine to our
description of the label) and ``describe-words`` (TF-IDF similarity to it), and sums of
z-scored variants, ``+lead`` adding the sentence's place in the article.

Run from the repository root (about two minutes; sentence vectors cached in --cache):

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/narratives_evidence.py [--langs EN,BG,...]
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "semeval2025-t10" / "train"
MIN_CHARS = 25  # as the analyser: shorter sentences are datelines and captions
TOP = 3
#: words, Devanagari vowel signs included (``\w`` alone splits Hindi words at them)
WORD = re.compile(r"[\w\u0900-\u097f]{4,}")


def _arg(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def zscore(v: np.ndarray) -> np.ndarray:
    sd = v.std()
    return (v - v.mean()) / sd if sd > 0 else v * 0.0


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"skipped: {DATA} is absent (the SemEval-2025 Task 10 training data)")
    from narrascope.analysers.narratives import fit
    from narrascope.analysers.narratives.corpus import read_data
    from narrascope.analysers.narratives.model import segments, tfidf
    from narrascope.embeddings import encode
    from narrascope.taxonomies import default_taxonomy

    langs = _arg("--langs", "EN,BG,HI,PT,RU").split(",")
    cache = Path(_arg("--cache", "/tmp/narratives-evidence"))
    cache.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    tax = default_taxonomy()
    ex = read_data([DATA], tax)  # all languages train every fold, as the shipped model
    opts = fit._options({})
    labels = fit._labels(ex, tax, opts["min_count"], opts["other"] == "classifier")
    index = {lab: j for j, lab in enumerate(labels)}
    counts = fit.count_terms([e.text for e in ex], opts)
    y = fit._targets(ex, labels)
    order = np.random.default_rng(opts["seed"]).permutation(len(ex))
    folds = np.array_split(order, opts["folds"])
    print(f"{len(ex)} articles, {len(labels)} labels, counted in {time.time() - t0:.0f} s",
          file=sys.stderr)

    # the label descriptions, encoded once (English: ours, written for the taxonomy)
    desc_labels = [lab for lab in labels if tax.descriptions.get(lab)]
    desc_vec = dict(zip(desc_labels, encode([f"{lab}. {tax.descriptions[lab]}"
                                             for lab in desc_labels])))

    rows: dict[str, list[dict[str, float]]] = {}
    for k, test in enumerate(folds):
        train = np.sort(np.setdiff1d(order, test))
        model = fit._train(counts, train, y, tax, labels, opts, ex)
        feat = model.featuriser
        desc_x = {lab: tfidf(feat.counts([f"{lab}. {tax.descriptions[lab]}"]), feat.idf)
                  for lab in desc_labels}
        for i in test:
            e = ex[i]
            if e.language.upper() not in langs or not e.explanations:
                continue
            spans = [s for s in segments(e.text) if s.end - s.start >= MIN_CHARS]
            if len(spans) < 4:
                continue
            sents = [s.text_in(e.text) for s in spans]
            x = tfidf(feat.counts(sents), feat.idf)
            raw = np.asarray(x @ model.coef.T)  # sentences x labels
            english = e.language.upper() == "EN"
            vec = _vectors(cache, e, sents, encode) if english else None
            for expl in e.explanations:
                target = _target(expl.labels, tax, index)
                if target is None:
                    continue
                scores = _variants(raw, target, tax, labels, index, vec, desc_vec, x, desc_x)
                scores["shipped"] = _shipped(model, e.text, target, spans)
                row = {"lang": e.language.upper()}
                words = set(w.lower() for w in WORD.findall(expl.text))
                evec = encode([expl.text])[0] if english else None
                cos = vec @ evec if english else None
                gold = int(np.argmax(cos)) if english else -1
                overlap = [len(words & set(w.lower() for w in WORD.findall(t))) for t in sents]
                best = max(overlap)
                lexgold = {j for j, o in enumerate(overlap) if o == best} if best else set()
                for name, s in scores.items():
                    top = [int(j) for j in np.argsort(-s, kind="stable")[:TOP]
                           if s[j] > -np.inf]
                    got = set(w.lower() for j in top for w in WORD.findall(sents[j]))
                    row[f"{name} words@3"] = len(words & got) / max(1, len(words))
                    if lexgold:
                        row[f"{name} lex@3"] = float(bool(lexgold & set(top)))
                    if english:
                        row[f"{name} hit@1"] = float(top[0] == gold)
                        row[f"{name} hit@3"] = float(gold in top)
                        row[f"{name} cos@3"] = float(max(cos[j] for j in top))
                if english:
                    row["chance hit@3"] = min(1.0, TOP / len(sents))
                rows.setdefault(e.language.upper(), []).append(row)
            _distinct(rows, e, raw, tax, labels, index, vec, desc_vec, x, desc_x, model, spans)
        print(f"fold {k + 1}/5 done, {time.time() - t0:.0f} s", file=sys.stderr)
    _report(rows)


def _vectors(cache: Path, e, sents: list[str], encode) -> np.ndarray:
    path = cache / f"{e.language}_{Path(e.id).stem}.npy"
    if path.exists():
        v = np.load(path)
        if len(v) == len(sents):
            return v
    v = encode(sents)
    np.save(path, v)
    return v


def _shipped(model, text: str, target: str, spans) -> np.ndarray:
    """The analyser's own evidence for ``target``: its sentences ranked first, in the
    analyser's order, every other sentence -inf (it may give fewer than three)."""
    from narrascope.analysers.narratives.evidence import evidence_for
    from narrascope.analysers.narratives.model import segments

    every = segments(text)
    counts = model.featuriser.counts([s.text_in(text) for s in every])
    given = evidence_for(model, text, [target], every, counts).get(target, ())
    start = {s.start: j for j, s in enumerate(spans)}
    out = np.full(len(spans), -np.inf)
    for rank, ev in enumerate(sorted(given, key=lambda ev: -ev.score)):
        if ev.start in start:
            out[start[ev.start]] = -rank
    return out


def _target(expl_labels, tax, index) -> str | None:
    """The explained sub-narrative if the model has it, else its narrative."""
    subs = [lab for lab in expl_labels if lab in tax.parent and lab in index]
    if subs:
        return subs[0]
    narrs = [lab for lab in expl_labels if lab in index and lab != tax.other]
    return narrs[0] if narrs else None


def _variants(raw, target, tax, labels, index, vec, desc_vec, x, desc_x
              ) -> dict[str, np.ndarray]:
    n = raw.shape[0]
    rows = [(1.0, index[target])]
    parent = tax.parent.get(target)
    if parent in index:
        rows.append((0.5, index[parent]))
    linear = sum(w * raw[:, j] for w, j in rows)
    contrast = linear - 1.5 * raw.mean(axis=1) if len(rows) == 2 else linear - raw.mean(axis=1)
    out = {"lead": -np.arange(n, dtype=float), "linear": linear, "contrast": contrast}
    if target in desc_x:
        words = np.asarray((x @ desc_x[target].T).todense()).ravel()
        if parent in desc_x:
            words = words + 0.5 * np.asarray((x @ desc_x[parent].T).todense()).ravel()
        out["describe-words"] = words
        out["linear+describe-words"] = zscore(linear) + zscore(words)
    lead = -np.log1p(np.arange(n, dtype=float))
    for w in (0.5, 1.0):
        out[f"linear+lead {w}"] = zscore(linear) + w * zscore(lead)
        out[f"contrast+lead {w}"] = zscore(contrast) + w * zscore(lead)
    if vec is not None and target in desc_vec:
        describe = vec @ desc_vec[target]
        if parent in desc_vec:
            describe = describe + 0.5 * (vec @ desc_vec[parent])
        out["describe"] = describe
        out["linear+describe"] = zscore(linear) + zscore(describe)
        out["contrast+describe"] = zscore(contrast) + zscore(describe)
    return out


def _distinct(rows, e, raw, tax, labels, index, vec, desc_vec, x, desc_x, model, spans
              ) -> None:
    """Share of distinct sentences in the top-3 evidence of the article's gold labels."""
    gold = [lab for lab in e.subnarratives if lab in index and lab in tax.parent]
    if len(gold) < 2:
        return
    used: dict[str, list[int]] = {}
    for lab in gold:
        s = _shipped(model, e.text, lab, spans)
        used.setdefault("shipped", []).extend(int(j) for j in np.flatnonzero(s > -np.inf))
        for name, s in _variants(raw, lab, tax, labels, index, vec, desc_vec, x,
                                        desc_x).items():
            used.setdefault(name, []).extend(int(j) for j in np.argsort(-s, kind="stable")[:TOP])
    row = {"lang": e.language.upper(), "distinct": 1.0}
    for name, chosen in used.items():
        row[f"{name} distinct"] = len(set(chosen)) / len(chosen)
    rows.setdefault("_distinct", []).append(row)


def _report(rows: dict[str, list[dict[str, float]]]) -> None:
    names = ["shipped", "lead", "linear", "contrast", "linear+lead 0.5", "linear+lead 1.0",
             "contrast+lead 0.5", "contrast+lead 1.0",
             "describe-words", "linear+describe-words", "describe",
             "linear+describe", "contrast+describe"]
    dist = rows.pop("_distinct", [])
    print("| language | explanations | variant | hit@1 | hit@3 | cos@3 | words@3 | lex@3 | distinct |")
    print("|---|---|---|---|---|---|---|---|---|")
    for lang in sorted(rows):
        rs = rows[lang]
        ds = [d for d in dist if d["lang"] == lang]
        for name in names:
            def mean(key, pool=rs):
                vals = [r[key] for r in pool if key in r]
                return f"{np.mean(vals):.3f}" if vals else ""
            if not any(f"{name} words@3" in r for r in rs):
                continue
            print(f"| {lang} | {len(rs)} | {name} | {mean(name + ' hit@1')} | "
                  f"{mean(name + ' hit@3')} | {mean(name + ' cos@3')} | "
                  f"{mean(name + ' words@3')} | {mean(name + ' lex@3')} | "
                  f"{mean(name + ' distinct', ds)} |")
        if any("chance hit@3" in r for r in rs):
            print(f"| {lang} | {len(rs)} | chance (3 of the article's sentences) | | "
                  f"{np.mean([r['chance hit@3'] for r in rs]):.3f} | | | | |")


if __name__ == "__main__":
    main()
