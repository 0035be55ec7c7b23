"""Build a synthetic store for the web benchmarks: N articles of generated text with
results in the shapes the analysers store (narratives with evidence, entities, quotes,
techniques, copies and stories, stats), spread over outlets, languages and a year.

    python benchmarks/web_store.py --articles 10000 --db benchmarks/out/web10k.db

The text is random words from a made-up vocabulary: it exercises the store, the index
and the pages at size without any real article.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from pathlib import Path

from narrascope.analysers import get_spec, registry
from narrascope.model import Document, Label, Relation, Result, Span, doc_id_for
from narrascope.store import Store

SYLLABLES = ["ka", "lo", "mi", "ren", "tas", "vo", "bel", "dri", "un", "sor", "pa", "quen",
             "ti", "mar", "gol", "fe", "nu", "shi", "zan", "or"]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))


def build(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    vocab = [word(rng) for _ in range(3000)]
    narratives = [f"Narrative {c}: theme {i}" for c in ("URW", "CC") for i in range(12)]
    outlets = [f"Outlet {word(rng).title()}" for _ in range(25)]
    people = [f"{word(rng).title()} {word(rng).title()}" for _ in range(400)]
    roles = ["protagonist", "antagonist", "innocent", None]
    techniques = ["Loaded_Language", "Name_Calling,Labeling", "Doubt", "Flag-Waving",
                  "Exaggeration,Minimisation", "Appeal_to_fear-prejudice"]
    reg = registry()
    v = {name: get_spec(name).version for name in reg}
    start = date(2024, 1, 1)
    store = Store(path)
    ids: list[str] = []
    t0 = time.perf_counter()
    for i in range(n):
        sents = []
        pos = 0
        title = " ".join(rng.choice(vocab) for _ in range(6)).capitalize()
        text = title + "\n\n"
        pos = len(text)
        mentions, quotes = [], []
        for _ in range(rng.randint(12, 30)):
            words = [rng.choice(vocab) for _ in range(rng.randint(8, 22))]
            if rng.random() < 0.3:
                who = rng.choice(people)
                said = " ".join(words[:6])
                s = f"{who} said \"{said}\" on {rng.choice(vocab)}."
                q0 = pos + len(who) + 7
                quotes.append({"speaker": who, "speaker_span": [pos, pos + len(who)],
                               "speaker_text": who, "cue_span": [pos + len(who) + 1,
                                                                 pos + len(who) + 5],
                               "cue": "said", "text": said, "start": q0,
                               "end": q0 + len(said), "kind": "direct"})
                mentions.append((pos, pos + len(who), who, rng.choice(roles)))
            else:
                s = " ".join(words).capitalize() + "."
            sents.append((pos, pos + len(s)))
            text += s + " "
            pos += len(s) + 1
        text = text.rstrip()
        doc = Document(doc_id_for(text), text, title, f"https://example.org/{i}",
                       rng.choice(outlets), (start + timedelta(days=rng.randint(0, 364))).isoformat(),
                       (), rng.choice(["en", "en", "en", "ru", "bg", "pt", "hi"]), f"synthetic:{i}")
        store.add_document(doc)
        ids.append(doc.id)
        results = []
        if "narratives" in reg:
            labels = [Label(nm, rng.uniform(0.4, 1.0), tuple(
                Span(*rng.choice(sents), nm) for _ in range(rng.randint(1, 3))),
                {"level": "narrative"}) for nm in rng.sample(narratives, rng.randint(0, 3))]
            results.append(Result("narratives", v["narratives"], doc.id, tuple(labels)))
        if "entities" in reg:
            ents = tuple(Span(s, e, "PER", 0.9, {"text": name, "entity": name,
                                                  "entity_id": k, "main_role": role})
                         for k, (s, e, name, role) in enumerate(mentions))
            results.append(Result("entities", v["entities"], doc.id, spans=ents))
        if "quotes" in reg:
            results.append(Result("quotes", v["quotes"], doc.id, data={"quotes": quotes}))
        if "techniques" in reg:
            tspans = tuple(Span(s, min(e, s + 40), rng.choice(techniques), rng.random())
                           for s, e in rng.sample(sents, min(len(sents), rng.randint(0, 4))))
            results.append(Result("techniques", v["techniques"], doc.id, spans=tspans,
                                  data={"spans": len(tspans)}))
        if "stats" in reg:
            results.append(Result("stats", v["stats"], doc.id, data={
                "chars": len(text), "words": len(text.split()), "sentences": len(sents)}))
        store.add_results(results)
    if "copies" in reg:
        rels, results = [], []
        for k in range(0, min(n, 2000), 4):
            a, b = ids[k], ids[k + 1]
            rels.append(Relation(a, b, "rewrite", 0.8, "copies"))
            for me, other, role in ((a, b, "source"), (b, a, "copy")):
                results.append(Result("copies", v["copies"], me, data={
                    "copies": [{"id": other, "kind": "rewrite", "score": 0.8, "role": role,
                                "spans": [{"start": 0, "end": 20}]}],
                    "story": {"id": k, "label": f"story {k}", "size": 2}}))
        store.add_relations(rels)
        store.add_results(results)
    store.close()
    print(f"{n} articles stored in {path} in {time.perf_counter() - t0:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--db", type=Path, default=Path("benchmarks/out/web10k.db"))
    args = ap.parse_args()
    if args.db.exists():
        raise SystemExit(f"{args.db} exists; remove it first")
    args.db.parent.mkdir(parents=True, exist_ok=True)
    build(args.db, args.articles)


if __name__ == "__main__":
    main()
