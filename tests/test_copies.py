"""The copies analyser on short articles written for these tests: each kind, spans in both
articles, source/copy direction, the incremental path, story clusters and the CLI."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from narrascope.analysers import load_analyser
from narrascope.cli import main
from narrascope.model import Document, doc_id_for
from narrascope.pipeline import analyse

HARBOUR = """Harbour authority approves new ferry terminal in Port Alvor

The harbour authority of Port Alvor approved on Tuesday the construction of a new ferry terminal on the northern pier, ending a dispute that had lasted almost four years.

Board chairwoman Ilse Varga said the terminal would double the number of daily crossings to the islands of Mera and Tolve by the summer of next year. The project is expected to cost about 240 million kronor, most of it paid by a regional development fund.

Fishermen who use the northern pier had opposed the plan, arguing that the ferries would push their boats into a narrow channel. Under the compromise approved on Tuesday, the authority will dredge a second basin for the fishing fleet before any ferry berths are built.

Environmental groups welcomed the decision but warned that dredging could disturb the seagrass meadows south of the pier. The authority promised an independent survey of the meadows before work begins in the autumn.

Construction firms from three countries are expected to bid for the contract, which will be awarded in March."""

BOILERPLATE = """Subscribe to our newsletter for the latest regional news.

Port Alvor harbour gets its ferry terminal after four-year fight

"""

REWRITE = """Port Alvor port board backs ferry terminal plan

On Tuesday, the port board of Port Alvor gave its approval to building a new ferry terminal on the north pier, which ends a quarrel that had gone on for nearly four years.

The terminal will double the number of daily sailings to the islands of Tolve and Mera by next summer, board chair Ilse Varga stated. About 240 million kronor is the projected cost of the scheme, the bulk of it financed by a regional development fund.

Arguing that ferries would force their vessels into a tight channel, fishermen who work from the north pier had resisted the scheme. Before any ferry berths are constructed, the board will dredge a second basin for the fishing boats, under the deal backed on Tuesday.

Green groups praised the ruling but cautioned that the dredging might harm the seagrass meadows to the south of the pier. Before work starts in the autumn, the board pledged an independent study of the meadows.

Building companies from three nations are likely to bid for the contract, to be awarded in March."""

BRIDGE = """Tolve island council votes to repair the old causeway

The council of Tolve island voted on Thursday to repair the stone causeway that links the island's two villages, after a winter storm closed it to lorries in January.

Mayor Oskar Lind said the repairs would take about six months and would be paid from the island's reserve fund. Residents have complained that delivery vans must take a long detour by the coast road while the causeway is closed.

Fishermen who use the northern pier had opposed the plan, arguing that the ferries would push their boats into a narrow channel. Under the compromise approved on Tuesday, the authority will dredge a second basin for the fishing fleet before any ferry berths are built.

The council also agreed to ask the regional government for money to study a new bridge, although several members said the island could not afford one for at least a decade."""

SAME_TOPIC = """Ferry operator raises fares on island routes

The ferry operator serving the islands near Port Alvor announced on Monday that fares will rise by eight percent from next month, blaming the price of fuel and new safety rules.

Passengers on the routes to Mera and Tolve will pay the most, the company said, because those crossings use the oldest ships in its fleet. A spokesman said the operator hoped a new terminal in the harbour would eventually allow faster and cheaper crossings.

Island residents' associations criticised the increase and asked the regional government to subsidise tickets for people who commute to the mainland for work or school.

The operator carried just over two million passengers last year, a small rise on the year before."""


def _doc(text: str, published: str | None = None, title: str | None = None) -> Document:
    return Document(id=doc_id_for(text + (published or "")), text=text,
                    title=title or text.split("\n", 1)[0], published=published,
                    source=f"test:{doc_id_for(text)[:6]}")


def _run(store, *docs: Document) -> None:
    for d in docs:
        store.add_document(d)
    errors: list[str] = []
    analyse(store, [d.id for d in docs], ["copies"], quiet=True, on_error=errors.append)
    assert not errors


def _copies(store, doc: Document) -> list[dict]:
    r = store.get_result(doc.id, "copies", "1")
    return load_analyser("copies").to_json(doc, r)["copies"] if r else []


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


@pytest.fixture
def original():
    return _doc(HARBOUR, "2024-03-05T09:00:00")


def test_duplicate_with_new_headline_and_boilerplate(store, original):
    copy = _doc(BOILERPLATE + HARBOUR.split("\n\n", 1)[1], "2024-03-05T15:00:00")
    _run(store, original, copy)
    [link] = _copies(store, copy)
    assert (link["id"], link["kind"], link["role"]) == (original.id, "duplicate", "copy")
    [back] = _copies(store, original)
    assert (back["id"], back["kind"], back["role"]) == (copy.id, "duplicate", "source")
    assert 0.8 <= link["score"] <= 1.0
    assert link["spans"] and len(link["spans"]) == len(back["spans"])
    for s in link["spans"]:  # each passage reads the same in both articles
        assert _words(copy.text[s["start"]:s["end"]]) == _words(
            original.text[s["other_start"]:s["other_end"]])
    covered = sum(len(_words(copy.text[s["start"]:s["end"]])) for s in link["spans"])
    assert covered >= 0.8 * len(_words(copy.text))


def test_partial_passage_spans_match_in_both_articles(store, original):
    host = _doc(BRIDGE, "2024-03-07")
    _run(store, original, host)
    [link] = _copies(store, host)
    assert link["kind"] == "partial" and link["role"] == "copy"
    [span] = link["spans"]
    mine = host.text[span["start"]:span["end"]]
    theirs = original.text[span["other_start"]:span["other_end"]]
    assert _words(mine) == _words(theirs)
    assert mine.startswith("Fishermen") and mine.endswith("built")
    [back] = _copies(store, original)
    [bspan] = back["spans"]
    assert (bspan["start"], bspan["other_start"]) == (span["other_start"], span["start"])


def test_rewrite_is_found_with_aligned_sentences(store, original):
    rewrite = _doc(REWRITE, "2024-03-06")
    _run(store, original, rewrite)
    [link] = _copies(store, rewrite)
    assert (link["kind"], link["role"]) == ("rewrite", "copy")
    assert len(link["spans"]) >= 4
    for s in link["spans"]:
        assert 0 <= s["start"] < s["end"] <= len(rewrite.text)
        assert 0 <= s["other_start"] < s["other_end"] <= len(original.text)


def test_light_rewrite_with_swapped_words_is_not_a_duplicate(store, original):
    swaps = {"approved": "backed", "dispute": "quarrel", "double": "raise",
             "opposed": "resisted", "narrow": "tight", "welcomed": "praised",
             "warned": "cautioned", "promised": "pledged", "firms": "companies"}
    body = HARBOUR.split("\n\n", 1)[1]
    light = _doc("Ferry terminal for Port Alvor\n\n" + re.sub(
        r"\w+", lambda m: swaps.get(m.group(), m.group()), body), "2024-03-06")
    _run(store, original, light)
    [link] = _copies(store, light)
    assert (link["kind"], link["role"]) == ("rewrite", "copy")


def test_same_topic_articles_are_not_linked(store, original):
    other = _doc(SAME_TOPIC, "2024-03-04")
    _run(store, original, other)
    assert _copies(store, original) == [] and _copies(store, other) == []
    assert store.relations_of(original.id) == []


def test_direction_follows_publication_date(store, original):
    earlier = _doc(BOILERPLATE + HARBOUR.split("\n\n", 1)[1], "2024-03-01")
    _run(store, original, earlier)  # the earlier one is ingested second
    [link] = _copies(store, original)
    assert (link["id"], link["role"]) == (earlier.id, "copy")
    [rel] = store.relations_of(original.id, "copies")
    assert (rel.a, rel.b, rel.kind) == (earlier.id, original.id, "duplicate")


def test_without_dates_the_container_is_the_source(store):
    whole = _doc(HARBOUR)
    excerpt = _doc("Port Alvor notes\n\n" + HARBOUR.split("\n\n")[3])
    _run(store, excerpt, whole)  # the excerpt is ingested first
    [link] = _copies(store, excerpt)
    assert (link["kind"], link["role"]) == ("partial", "copy")


def test_incremental_new_article_finds_stored_one_and_updates_it(store, original, monkeypatch):
    other = _doc(SAME_TOPIC, "2024-03-04")
    _run(store, original, other)
    assert _copies(store, original) == []
    seqs = dict(store.db.execute("SELECT doc_id, seq FROM copies_docs"))

    from narrascope.analysers.copies import prepare as mod

    compared: list[tuple[str, str]] = []
    real = mod.classify

    def spy(fa, fb, th=None):
        compared.append((fa.text[:20], fb.text[:20]))
        return real(fa, fb, th) if th else real(fa, fb)

    monkeypatch.setattr(mod, "classify", spy)
    copy = _doc(BOILERPLATE + HARBOUR.split("\n\n", 1)[1], "2024-03-06")
    store.add_document(copy)
    results, relations = load_analyser("copies").update(store, [original.id, other.id, copy.id],
                                                        quiet=True)
    assert all(a == copy.text[:20] for a, _ in compared)  # stored pairs are not redone
    assert {r.doc_id for r in results} >= {copy.id, original.id}
    assert other.id not in {r.doc_id for r in results}
    assert [(r.a, r.b) for r in relations] == [(original.id, copy.id)]
    store.add_results(results)
    store.add_relations(relations)
    assert [c["id"] for c in _copies(store, original)] == [copy.id]
    assert dict(store.db.execute("SELECT doc_id, seq FROM copies_docs WHERE seq IN (?, ?)",
                                 list(seqs.values()))) == seqs


def test_story_clusters_group_copies_and_label_them(store, original):
    copy = _doc(BOILERPLATE + HARBOUR.split("\n\n", 1)[1], "2024-03-05T12:00")
    rewrite = _doc(REWRITE, "2024-03-06")
    unrelated = _doc("Chess club opens in the old library\n\n" + " ".join(
        f"The chess club met for the {n} time on Saturday with new boards and clocks."
        for n in ("first", "second", "third", "fourth")), "2024-03-06")
    _run(store, original, copy, rewrite, unrelated)
    js = {d.id: load_analyser("copies").to_json(d, store.get_result(d.id, "copies", "1"))
          for d in (original, copy, rewrite, unrelated)}
    story = js[original.id]["story"]
    assert story is not None and story["label"]
    assert js[copy.id]["story"] == story and js[rewrite.id]["story"] == story
    assert js[unrelated.id]["story"] is None


def test_text_report_lines(store, original):
    host = _doc(BRIDGE, "2024-03-07")
    _run(store, original, host)
    lines = load_analyser("copies").to_text(host, store.get_result(host.id, "copies", "1"))
    assert any("partial" in ln and original.id in ln for ln in lines)


def test_cli_lists_pairs_and_csv(store, original, capsys):
    copy = _doc(BOILERPLATE + HARBOUR.split("\n\n", 1)[1], "2024-03-06")
    host = _doc(BRIDGE, "2024-03-07")
    _run(store, original, copy, host)
    db = str(store.path)
    assert main(["copies", "--db", db, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {(r["source"], r["copy"], r["kind"]) for r in rows} == {
        (original.id, copy.id, "duplicate"), (original.id, host.id, "partial"),
        (copy.id, host.id, "partial")}  # the pasted passage is in the copy too
    assert main(["copies", "--db", db, "--kind", "partial", "--format", "jsonl"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert {r["copy"] for r in rows} == {host.id} and {r["passages"] for r in rows} == {1}
    assert main(["copies", "--db", db, "--clusters"]) == 0
    assert "story #" in capsys.readouterr().out
    assert main(["copies", "--db", db, "--kind", "rewrite", "-q"]) == 3


def test_seed_articles_relaying_the_same_statement_share_a_story(store):
    from support import SEEDS, need_shared

    from narrascope.pipeline import ingest

    need_shared(SEEDS)
    files = sorted(SEEDS.glob("*.txt"))
    sightings = ingest([str(p) for p in files], store, quiet=True)
    by_name = {p.name[:3]: s.doc_id for p, s in zip(files, sightings)}
    analyse(store, list(by_name.values()), ["copies"], quiet=True)
    story = {k: (store.get_result(d, "copies", "1").data["story"] or {}).get("id")
             for k, d in by_name.items()}
    assert story["000"] is not None and story["000"] == story["002"]
    others = [story[k] for k in ("001", "003", "004")]
    assert all(s is None or s != story["000"] for s in others)
    assert len({s for s in others if s is not None}) == len([s for s in others if s is not None])


def test_background_table_is_trained_and_evaluated(tmp_path):
    from narrascope.analysers.copies.background import load_background
    from narrascope.train import get_trainer

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, text in enumerate((HARBOUR, REWRITE, BRIDGE, SAME_TOPIC)):
        (corpus / f"{i}.txt").write_text(text, encoding="utf-8")
    trainer = get_trainer("copies")
    path = trainer.train([str(corpus)], str(tmp_path / "model"), {})
    bg = load_background(tmp_path / "model")
    assert bg.docs == 4 and bg.df["ferry"] == 4 and bg.df["alvor"] == 3
    assert "the" not in bg.df and "kronor" in bg.df and "causeway" not in bg.df  # min_df 2
    assert path.endswith("df.json")
    metrics = trainer.evaluate(str(corpus), str(tmp_path / "model"), {})
    assert metrics["articles"] == 4 and 0.3 < metrics["term_coverage"] < 1.0
