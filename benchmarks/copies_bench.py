"""Quality and indexing speed of the ``copies`` analyser on synthetic copies of real articles.

    nice -n 10 .venv/bin/python benchmarks/copies_bench.py [--limit N] [--seed S] [--workers W]

Reads articles from ../shared/data (SemEval-2025 task 10 EN/PT/BG training articles and
the PTC training articles), makes one copy of most of them (see ``copies_synth.py``),
stores originals and copies in a fresh SQLite store under /tmp in shuffled order, runs the
analyser once over everything and scores the pairs it reports against the generated ones.
Every pair of originals is a hard negative: they are different articles on the same two
topics (the Russia-Ukraine war and climate change). Nothing generated is written to the
repository.

CPU time counts the main process and the analyser's worker process (``--workers``; by
default the analyser's own choice: one when the machine has a core to spare).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import copies_synth as synth  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
KINDS = ("duplicate", "partial", "rewrite")


def load_articles() -> list[tuple[str, str, bool]]:
    """(name, text, English?) for every usable article: 150+ words, 4+ paragraphs."""
    files = []
    for lang in ("EN", "PT", "BG"):
        files += [(p, lang == "EN") for p in
                  sorted((DATA / "semeval2025-t10" / "train" / lang / "raw-documents").glob("*.txt"))]
    files += [(p, True) for p in sorted((DATA / "ptc2020" / "train" / "train-articles").glob("*.txt"))]
    out = []
    seen: set[int] = set()
    for p, en in files:
        text = p.read_text(encoding="utf-8")
        title, paras = synth.paragraphs(text)
        if len(text.split()) < 150 or len(paras) < 4:
            continue
        # the corpora hold some real reprints (wire copy, outlets' stock paragraphs); keep
        # an article only if it shares no 10-word sequence with one kept before, so the
        # originals are truly unrelated and every link among them is a false one
        words = re.findall(r"\w+", text.lower())
        grams = {hash(tuple(words[i:i + 10])) for i in range(len(words) - 9)}
        if grams & seen:
            continue
        seen |= grams
        out.append((p.name, text, en))
    return out


def build(seed: int, limit: int | None):
    rng = random.Random(seed)
    arts = load_articles()
    rng.shuffle(arts)
    if limit:
        arts = arts[:limit]
    n_hosts = len(arts) // 6
    hosts, bases = arts[:n_hosts], arts[n_hosts:]
    docs: list[tuple[str, str | None, str]] = []  # (text, published, origin)
    gold: list[tuple[int, int, str]] = []  # indexes into docs
    plan = ["duplicate", "duplicate", "partial", "paste", "rewrite", "rewrite", "none"]
    for i, (name, text, en) in enumerate(bases):
        title, paras = synth.paragraphs(text)
        dated = rng.random() < 0.5
        day = 1 + i % 27
        docs.append((synth.join(title, paras), f"2024-01-{day:02d}" if dated else None, name))
        o = len(docs) - 1
        kind = plan[i % len(plan)]
        if kind == "rewrite" and not en:
            kind = "duplicate"
        if kind == "none":
            continue
        if kind == "duplicate":
            new = synth.duplicate(title, paras, rng)
            gk = "duplicate"
        elif kind == "partial":
            _, new = synth.partial_source_piece(title, paras, rng)
            gk = "partial"
        elif kind == "paste":
            if not hosts:
                continue
            h_title, h_paras = synth.paragraphs(hosts.pop()[1])
            at = rng.randrange(len(paras))
            passage = paras[at:at + 1]
            if len(passage[0].split()) < 30 and at + 1 < len(paras):
                passage = paras[at:at + 2]
            new = synth.paste(h_title, h_paras, passage, rng)
            gk = "partial"
        else:
            new = synth.rewrite(title, paras, rng)
            gk = "rewrite"
        docs.append((new, f"2024-01-{day + 1:02d}" if dated else None, name + "/" + kind))
        gold.append((o, len(docs) - 1, gk))
    return docs, gold


def _children_cpu() -> float:
    """CPU seconds of this process's ended children (the analyser's workers end with
    its ``update``)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def dump(path: Path, store, results, relations) -> None:
    """Everything an update produced, in a canonical order, as one JSON object."""
    db = store.db
    tables = {
        "copies_docs": "SELECT seq, doc_id, published, story FROM copies_docs ORDER BY seq",
        "copies_keys": "SELECT count(*), sum(key % 1000003), sum(seq) FROM copies_keys",
        "copies_df": "SELECT term, df FROM copies_df ORDER BY term",
        "copies_stories": "SELECT id, label, size, centroid, first_published, last_published "
                          "FROM copies_stories ORDER BY id",
        "copies_story_terms": "SELECT term, story FROM copies_story_terms ORDER BY term, story",
    }
    out = {name: [list(r) for r in db.execute(q)] for name, q in tables.items()}
    out["results"] = sorted([r.doc_id, r.data] for r in results)
    out["relations"] = sorted([r.a, r.b, r.kind, r.score, r.evidence] for r in relations)
    path.write_text(json.dumps(out, sort_keys=True, ensure_ascii=False))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None, help="use this many source articles")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--workers", type=int, default=None,
                    help="worker processes of the analyser, 0 or 1 (default: its own choice)")
    ap.add_argument("--stored", type=int, default=0,
                    help="index this many synthetic filler articles first (180 random keys "
                         "each, as copies_scale.py), so the run looks up a large index")
    ap.add_argument("--json", help="also write the figures here")
    ap.add_argument("--dump", help="write everything the run produced here (relations with "
                    "their spans, results, each article's story, the cluster, term and count "
                    "tables), to compare two versions of the analyser: see copies_compare.py")
    args = ap.parse_args()
    if not DATA.exists():
        print(f"{DATA} is absent: this benchmark needs the research data beside the checkout",
              file=sys.stderr)
        return 3
    import narrascope.pipeline  # noqa: F401  (imported by any real run; not timed)
    from narrascope.analysers.copies import CopiesAnalyser
    from narrascope.model import Document, doc_id_for
    from narrascope.store import Store

    docs, gold = build(args.seed, args.limit)
    order = list(range(len(docs)))
    random.Random(args.seed).shuffle(order)
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        store = Store(Path(tmp) / "bench.db")
        if args.stored:
            import numpy as np
            from copies_scale import fill

            fill(store, args.stored, np.random.default_rng(args.stored))
        ids = [doc_id_for(t) for t, _, _ in docs]
        for i in order:
            t, pub, origin = docs[i]
            store.add_document(Document(id=ids[i], text=t, title=t.split("\n", 1)[0],
                                        published=pub, source=origin))
        from narrascope.analysers.copies.prepare import default_workers

        workers = default_workers() if args.workers is None else args.workers
        analyser = CopiesAnalyser(workers=workers)
        analyser.background  # load the table before the clock starts
        t0, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu()
        results, relations = analyser.update(store, [ids[i] for i in order], quiet=True)
        elapsed = time.perf_counter() - t0
        main_cpu, workers_cpu = time.process_time() - c0, _children_cpu() - k0
        cpu = main_cpu + workers_cpu
        stories = dict(store.db.execute("SELECT doc_id, story FROM copies_docs"))
        if args.dump:
            dump(Path(args.dump), store, results, relations)
        store.close()

    index_of = {d: i for i, d in enumerate(ids)}
    pred = {frozenset((index_of[r.a], index_of[r.b])): r for r in relations}
    truth = {frozenset((a, b)): (k, a) for a, b, k in gold}
    n_docs = len(docs)
    figures: dict = {"articles": n_docs, "gold_pairs": dict(Counter(k for _, _, k in gold)),
                     "seconds": round(elapsed, 2), "articles_per_s": round(n_docs / elapsed, 1),
                     "cpu_seconds": round(cpu, 2), "articles_per_cpu_s": round(n_docs / cpu, 1),
                     "workers": workers, "main_cpu_seconds": round(main_cpu, 2),
                     "workers_cpu_seconds": round(workers_cpu, 2)}
    rows = []
    for kind in KINDS:
        p_k = [pair for pair, r in pred.items() if r.kind == kind]
        g_k = [pair for pair, (k, _) in truth.items() if k == kind]
        tp = sum(1 for pair in p_k if truth.get(pair, ("",))[0] == kind)
        found_any = sum(1 for pair in g_k if pair in pred)
        prec = tp / len(p_k) if p_k else 0.0
        rec = tp / len(g_k) if g_k else 0.0
        rows.append((kind, len(g_k), len(p_k), tp, prec, rec, found_any / max(1, len(g_k))))
    figures["per_kind"] = {r[0]: {"gold": r[1], "predicted": r[2], "correct": r[3],
                                  "precision": round(r[4], 4), "recall": round(r[5], 4),
                                  "linked_any_kind": round(r[6], 4)} for r in rows}
    false_links = [pair for pair in pred if pair not in truth]
    figures["links_between_unrelated"] = len(false_links)
    confusion = Counter((truth[p][0], pred[p].kind) for p in pred if p in truth)
    figures["confusion"] = {f"{g}->{k}": n for (g, k), n in sorted(confusion.items())}
    directed = [(pair, r) for pair, r in pred.items() if pair in truth]
    right = sum(1 for pair, r in directed if index_of[r.a] == truth[pair][1])
    figures["direction_accuracy"] = round(right / max(1, len(directed)), 4)
    # stories: copies and rewrites should share their original's story; originals should not
    same = [stories[ids[a]] == stories[ids[b]] for a, b, k in gold if k in ("duplicate", "rewrite")]
    originals = [ids[i] for i, (_, _, o) in enumerate(docs) if "/" not in o]
    rng = random.Random(1)
    sample = rng.sample(list(combinations(originals, 2)), min(20000, len(originals) * 10))
    merged = sum(stories[a] == stories[b] for a, b in sample)
    figures["stories"] = {"copies_in_original_story": round(sum(same) / max(1, len(same)), 4),
                          "original_pairs_merged": round(merged / len(sample), 5),
                          "clusters": len(set(stories.values()))}
    print(f"{n_docs} articles indexed in {elapsed:.1f} s: {n_docs / elapsed:.0f} articles/s "
          f"({cpu:.1f} s of CPU: {n_docs / cpu:.0f} articles per CPU second; main process "
          f"{main_cpu:.1f} s, {workers} worker(s) {workers_cpu:.1f} s)")
    print(f"{'kind':<10} {'gold':>5} {'pred':>5} {'ok':>5} {'prec':>6} {'recall':>6} {'linked':>6}")
    for kind, g, p, tp, prec, rec, anyk in rows:
        print(f"{kind:<10} {g:>5} {p:>5} {tp:>5} {prec:>6.3f} {rec:>6.3f} {anyk:>6.3f}")
    print("links between unrelated articles:", len(false_links))
    print("confusion (gold->predicted):", figures["confusion"])
    print("direction accuracy:", figures["direction_accuracy"])
    print("stories:", figures["stories"])
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
