"""``copies``: which articles copy, excerpt or rewrite which, and which cover the same story.

A corpus-scope analyser. Each new article is looked up in an index kept in the store
(sentence MinHash band keys, see :mod:`.index`), compared with the few candidates it
returns (:mod:`.align`), indexed in turn, and put in a story cluster (:mod:`.stories`).
Stored articles are never compared again, so adding articles costs the same whatever the
size of the corpus. When a new article links to a stored one, the stored one's result is
rewritten too, so both list the link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ...model import Document, Relation, Result
from ..base import register
from .align import Match, Thresholds
from .background import Background, load_background
from .features import Features, Vocabulary, features_many
from .index import CopyIndex
from .prepare import Prepared, Preparer, Ref, default_workers, no_cycle_collection
from .stories import StoryIndex

__all__ = ["CopiesAnalyser"]

_ROLE_OTHER = {"source": "copy", "copy": "source"}
#: kinds strong enough to put two articles in the same story
_SAME_STORY = ("duplicate", "rewrite")


def _first_is_source(a: Document, b: Document, m: Match) -> bool:
    """Whether ``a`` (the new article) is the source of ``b`` (a stored one): the earlier
    publication date, else the one that contains the other, else ingest order (``b``)."""
    if a.published and b.published and a.published[:19] != b.published[:19]:
        return a.published < b.published
    # an excerpt (b almost wholly inside a) comes from the article that contains it
    return m.kind == "partial" and m.cover_b >= 0.9 > m.cover_a


def _entry(other: str, m: Match, role: str, mine_first: bool) -> dict[str, Any]:
    spans = [{"start": p.a_start, "end": p.a_end, "other_start": p.b_start,
              "other_end": p.b_end} if mine_first else
             {"start": p.b_start, "end": p.b_end, "other_start": p.a_start,
              "other_end": p.a_end} for p in m.passages]
    spans.sort(key=lambda s: s["start"])
    return {"id": other, "kind": m.kind, "score": m.score, "role": role, "spans": spans}


class _Run:
    """What one ``update`` call accumulates: the results it will return (read from the
    store the first time an article's links change), the relations found, and the
    stored articles already loaded and featurised."""

    #: stored articles kept featurised between batches
    keep = 5000

    def __init__(self, store, name: str, version: str):
        self.store, self.name, self.version = store, name, version
        self.pending: dict[str, dict[str, Any]] = {}
        self.relations: list[Relation] = []
        self._cache: dict[str, tuple[Document, Features]] = {}
        #: the current batch's stored results, read ahead by ``load`` (None: none)
        self._stored: dict[str, Result | None] = {}
        #: this run's articles by sequence number (the latest ``keep``): the likeliest
        #: candidates among stored articles, kept without a reload
        self.last: dict[int, tuple[Document, Ref]] = {}

    def remember(self, items) -> None:
        """Keep a batch's articles and features for the batches after it."""
        self.last.update(items)
        if len(self.last) > self.keep:
            for s in sorted(self.last)[:len(self.last) - self.keep]:
                del self.last[s]

    def data_of(self, doc_id: str) -> dict[str, Any]:
        """The article's links and story as this run leaves them, started from its stored
        result (an article with none starts with no links and no story)."""
        if doc_id not in self.pending:
            old = (self._stored.pop(doc_id) if doc_id in self._stored else
                   self.store.get_result(doc_id, self.name, self.version))
            self.pending[doc_id] = ({"copies": list(old.data.get("copies", ())),
                                     "story": old.data.get("story")} if old else
                                    {"copies": [], "story": None})
        return self.pending[doc_id]

    def load(self, doc_ids: Sequence[str]) -> None:
        """Read the stored results of those of ``doc_ids`` a batch may change, in one
        pass, in place of the last batch's; an article becomes pending only when
        :meth:`data_of` asks for it."""
        want = [d for d in dict.fromkeys(doc_ids) if d not in self.pending]
        found = self.store.get_results(want, self.name, self.version) if want else {}
        self._stored = {d: found.get(d) for d in want}

    def documents(self, doc_ids: Sequence[str]) -> dict[str, Document]:
        """The stored documents of ``doc_ids`` (those that exist), by id."""
        out: dict[str, Document] = {}
        for i in range(0, len(doc_ids), 500):
            part = list(doc_ids[i:i + 500])
            out.update((d.id, d) for d in self.store.iter_documents(
                where="id IN (%s)" % ",".join("?" * len(part)), params=part, order="id"))
        return out

    def stored(self, index: CopyIndex, seqs: list[int], vocabulary: Vocabulary
               ) -> dict[int, tuple[Document, Ref]]:
        """Indexed articles by sequence number, with their features (or where they are,
        see :class:`.prepare.Preparer`)."""
        out = {s: self.last[s] for s in seqs if s in self.last}
        ids = index.doc_ids([s for s in seqs if s not in out])
        if len(self._cache) > self.keep:
            self._cache.clear()
        missing = list(self.documents([d for d in ids.values()
                                       if d not in self._cache]).values())
        for d, f in zip(missing, features_many([d.text for d in missing], vocabulary)):
            self._cache[d.id] = (d, f)
        out.update((s, self._cache[d]) for s, d in ids.items() if d in self._cache)
        return out


def _batches(todo: list[str], size: int, tail: int) -> list[list[str]]:
    """``todo`` in batches of ``size``, the last ``size`` articles in batches of
    ``tail``: with a worker, the last batch's links and stories are written by the main
    process alone, so a short last batch keeps that stretch short."""
    cut = max(0, len(todo) - size)
    cut -= cut % size
    return ([todo[i:i + size] for i in range(0, cut, size)]
            + [todo[i:i + tail] for i in range(cut, len(todo), tail)])


@dataclass
class _Matched:
    """A batch looked up and indexed, its comparisons under way."""

    batch: list[Document]
    prepared: list[Prepared]
    seqs: list[int]
    #: per candidate pair, the article of the batch (its position) and the other one
    others: list[tuple[int, Document]]
    comparing: list


@register("copies", "1", scope="corpus",
          description="duplicates, excerpts and rewrites across the corpus; story clusters")
class CopiesAnalyser:
    #: articles matched and indexed together (one SQL pass and one set of sorts)
    batch_size = 1000
    #: the same with a worker process: smaller, so the first batch, which the main
    #: process waits for, is short
    parallel_batch_size = 250
    #: updates smaller than this run in one process (a worker costs a fork)
    min_parallel = 400
    #: SQLite page cache during an update, in KiB
    cache_kib = 64 * 1024

    def __init__(self, thresholds: Thresholds | None = None, story_threshold: float = 0.2,
                 background: str | None = None, workers: int | None = None):
        self.thresholds = thresholds or Thresholds()
        self.story_threshold = story_threshold
        self._background_path = background
        self._background: Background | None = None
        #: worker processes for reading and comparing articles, 0 or 1; None: one when
        #: the machine has a core to spare, see :func:`.prepare.default_workers`
        self.workers = workers
        #: token strings seen by this instance, worked out once (see ``Vocabulary``)
        self._vocabulary = Vocabulary()

    @property
    def background(self) -> Background:
        """The background term table, loaded on first use."""
        if self._background is None:
            self._background = load_background(self._background_path)
        return self._background

    def update(self, store, doc_ids: Sequence[str], quiet: bool = False
               ) -> tuple[list[Result], list[Relation]]:
        """Index the articles of ``doc_ids`` not indexed yet, each matched against all
        indexed before it; return the results of every article whose links or story
        changed, and the copy relations found (``a`` is the source, ``b`` the copy).

        Articles go through in batches: one index lookup, one load of the stored
        articles they may copy and one index write per batch, then each article in turn
        is compared with its candidates and put in a story. The per-article part that
        needs nothing else (reading, band keys, story shortlist) is prepared a batch
        ahead, in a worker process when the machine has a core to spare and the update is
        large enough to pay for starting one (see :mod:`.prepare`)."""
        from ...pipeline import progress

        db = store.db
        index = CopyIndex(db)
        stories = StoryIndex(db, background=self.background, threshold=self.story_threshold)
        run = _Run(store, self.name, self.version)
        wanted = list(dict.fromkeys(doc_ids))
        done = index.indexed(wanted)
        todo = [d for d in wanted if d not in done]
        workers = default_workers() if self.workers is None else self.workers
        if len(todo) < self.min_parallel:
            workers = 0
        size = self.parallel_batch_size if workers else self.batch_size
        parts = _batches(todo, size, tail=max(1, size // 5) if workers else size)
        bar = progress(total=len(todo), quiet=quiet, desc="copies", unit="art")
        # the key index is read and written at random places: a page cache that holds
        # it saves a read from the file system per B-tree page (SQLite's default is 2 MB)
        cache = db.execute("PRAGMA cache_size").fetchone()[0]
        db.execute(f"PRAGMA cache_size = {-self.cache_kib}")
        with no_cycle_collection(), db, Preparer(self._vocabulary, self.background,
                                                2 * stories.top, workers,
                                                keep=run.keep + 2 * size) as prep:
            # three stages overlap: batch i+1 is read while batch i's candidates are
            # compared and batch i-1's links and stories are written
            ahead: list[tuple[list[Document], list]] = []
            matched: _Matched | None = None
            for i in range(len(parts) + 1):
                if i < len(parts):
                    docs = run.documents(parts[i])
                    batch = [docs[d] for d in parts[i] if d in docs]
                    ahead.append((batch, prep.submit([d.text for d in batch])))
                if not i:
                    continue
                batch, handle = ahead.pop(0)
                now = (self._match(run, batch, prep.result(handle), index, prep)
                       if batch else None)
                if matched is not None:
                    self._finish(run, matched, prep, index, stories)
                bar.update(len(parts[i - 1]))
                matched = now
            if matched is not None:
                self._finish(run, matched, prep, index, stories)
            index.write()
            stories.flush()
        bar.close()
        db.execute(f"PRAGMA cache_size = {int(cache)}")
        results = [Result(self.name, self.version, d, data=data)
                   for d, data in run.pending.items()]
        return results, run.relations

    def _match(self, run: "_Run", batch: list[Document], prepared: list[Prepared],
               index: CopyIndex, prep: Preparer) -> "_Matched":
        """Look a batch up in the index, index it, and start comparing each article with
        its candidates."""
        feats = [p.ref for p in prepared]
        keys = [p.keys for p in prepared]
        cands = index.candidates_batch(keys)
        seqs = index.add_batch([(d.id, d.published) for d in batch], [k for k, _ in keys])
        first = seqs[0]
        stored = run.stored(index, sorted({s for c in cands for s, _ in c if s < first}),
                            self._vocabulary)
        run.remember(zip(seqs, zip(batch, feats)))
        pairs, others = [], []
        for j, f in enumerate(feats):
            for s, _ in cands[j]:
                other = (batch[s - first], feats[s - first]) if s >= first else stored.get(s)
                if other is not None:
                    pairs.append((f, other[1]))
                    others.append((j, other[0]))
        return _Matched(batch, prepared, seqs, others, prep.compare(pairs, self.thresholds))

    def _finish(self, run: "_Run", matched: "_Matched", prep: Preparer, index: CopyIndex,
                stories: StoryIndex) -> None:
        """Link each article of a matched batch to the candidates it copies or is copied
        by, and put it in a story, in order."""
        stories.prefetch(t for p in matched.prepared for t in p.short)
        run.load([d.id for d in matched.batch] + [o.id for _, o in matched.others])
        links: list[list[tuple[Document, Match]]] = [[] for _ in matched.batch]
        for (j, other), m in zip(matched.others, prep.result(matched.comparing)):
            if m is not None:
                links[j].append((other, m))
        for doc, p, seq, found in zip(matched.batch, matched.prepared, matched.seqs, links):
            run.data_of(doc.id)
            for other_doc, m in found:
                run.relations.append(self._link(doc, other_doc, m, run.data_of))
            self._story(doc, p, seq, found, index, stories, run.data_of)

    def _link(self, doc: Document, other: Document, m: Match, data_of) -> Relation:
        new_first = _first_is_source(doc, other, m)
        role = "source" if new_first else "copy"
        for owner, entry in ((doc.id, _entry(other.id, m, role, True)),
                             (other.id, _entry(doc.id, m, _ROLE_OTHER[role], False))):
            lst = [e for e in data_of(owner)["copies"] if e["id"] != entry["id"]]
            lst.append(entry)
            lst.sort(key=lambda e: (-e["score"], e["id"]))
            data_of(owner)["copies"] = lst
        src, cpy = (doc, other) if new_first else (other, doc)
        spans = [[p.a_start, p.a_end, p.b_start, p.b_end] if new_first else
                 [p.b_start, p.b_end, p.a_start, p.a_end] for p in m.passages]
        return Relation(src.id, cpy.id, m.kind, m.score, self.name, {"spans": spans})

    def _story(self, doc: Document, prep: Prepared, seq: int, links, index: CopyIndex,
               stories: StoryIndex, data_of) -> None:
        vec = stories.weigh(prep.short, prep.tf, seq)
        story = None
        strong = sorted((m.score, o.id) for o, m in links if m.kind in _SAME_STORY)
        if strong:
            story = index.story_of(strong[-1][1])
        if story is None:
            near = stories.nearest(vec, doc.published)
            story = near[0] if near else None
        sid, relabelled = stories.join(story, vec, prep.display, doc.published)
        index.set_story(doc.id, seq, sid)
        st = stories.get(sid)
        if st.size < 2:
            data_of(doc.id)["story"] = None
            return
        value = {"id": st.id, "label": st.label}
        members = (index.story_docs(sid, stored=stories.first_new is None
                                    or sid < stories.first_new)
                   if relabelled or st.size == 2 else [doc.id])
        for member in members:
            data_of(member)["story"] = value

    # -- output ------------------------------------------------------------------------
    def to_json(self, doc: Document, result: Result) -> dict[str, Any]:
        return {"copies": list(result.data.get("copies", ())),
                "story": result.data.get("story")}

    def to_text(self, doc: Document, result: Result) -> list[str]:
        lines = []
        for c in result.data.get("copies", ()):
            rel = "source of" if c["role"] == "source" else "copied from"
            lines.append(f"  {c['kind']} · {rel} {c['id']} · score {c['score']:.2f} · "
                         f"{len(c['spans'])} shared passage(s)")
            if c["spans"]:
                s = c["spans"][0]
                snippet = " ".join(doc.text[s["start"]:s["end"]].split())
                lines.append(f"    “{snippet[:100]}{'…' if len(snippet) > 100 else ''}”")
        story = result.data.get("story")
        if story:
            lines.append(f"  story #{story['id']}: {story['label']}")
        return lines
