"""``copies``: which articles copy, excerpt or rewrite which, and which cover the same story.

A corpus-scope analyser. Each new article is looked up in an index kept in the store
(sentence MinHash band keys, see :mod:`.index`), compared with the few candidates it
returns (:mod:`.align`), indexed in turn, and put in a story cluster (:mod:`.stories`).
Stored articles are never compared again, so adding articles costs the same whatever the
size of the corpus. When a new article links to a stored one, the stored one's result is
rewritten too, so both list the link.
"""

from __future__ import annotations

from typing import Any, Sequence

from ...model import Document, Relation, Result
from ..base import register
from .align import Match, Thresholds, classify
from .background import Background, load_background
from .features import Features, Vocabulary, band_keys, features
from .index import CopyIndex
from .stories import Salient, StoryIndex, salient_terms_batch

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
        #: the previous batch's articles by sequence number: the next batch's likeliest
        #: candidates among stored articles, kept without a reload
        self.last: dict[int, tuple[Document, Features]] = {}

    def data_of(self, doc_id: str) -> dict[str, Any]:
        if doc_id not in self.pending:
            old = self.store.get_result(doc_id, self.name, self.version)
            self.pending[doc_id] = ({"copies": list(old.data.get("copies", ())),
                                     "story": old.data.get("story")} if old else
                                    {"copies": [], "story": None})
        return self.pending[doc_id]

    def documents(self, doc_ids: Sequence[str]) -> dict[str, Document]:
        """The stored documents of ``doc_ids`` (those that exist), by id."""
        out: dict[str, Document] = {}
        for i in range(0, len(doc_ids), 500):
            part = list(doc_ids[i:i + 500])
            out.update((d.id, d) for d in self.store.iter_documents(
                where="id IN (%s)" % ",".join("?" * len(part)), params=part, order="id"))
        return out

    def stored(self, index: CopyIndex, seqs: list[int], vocabulary: Vocabulary
               ) -> dict[int, tuple[Document, Features]]:
        """Indexed articles by sequence number, with their features."""
        out = {s: self.last[s] for s in seqs if s in self.last}
        ids = index.doc_ids([s for s in seqs if s not in out])
        if len(self._cache) > self.keep:
            self._cache.clear()
        missing = self.documents([d for d in ids.values() if d not in self._cache])
        for d in missing.values():
            self._cache[d.id] = (d, features(d.text, vocabulary))
        out.update((s, self._cache[d]) for s, d in ids.items() if d in self._cache)
        return out


@register("copies", "1", scope="corpus",
          description="duplicates, excerpts and rewrites across the corpus; story clusters")
class CopiesAnalyser:
    #: articles matched and indexed together (one SQL pass and one set of sorts)
    batch_size = 1000

    def __init__(self, thresholds: Thresholds | None = None, story_threshold: float = 0.2,
                 background: str | None = None):
        self.thresholds = thresholds or Thresholds()
        self.story_threshold = story_threshold
        self._background_path = background
        self._background: Background | None = None
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

        Articles go through in batches of ``batch_size``: one index lookup, one load of
        the stored articles they may copy and one index write per batch, then each
        article in turn is compared with its candidates and put in a story."""
        from ...pipeline import progress

        db = store.db
        index = CopyIndex(db)
        stories = StoryIndex(db, background=self.background, threshold=self.story_threshold)
        run = _Run(store, self.name, self.version)
        wanted = list(dict.fromkeys(doc_ids))
        done = index.indexed(wanted)
        todo = [d for d in wanted if d not in done]
        bar = progress(total=len(todo), quiet=quiet, desc="copies", unit="art")
        with db:
            for i in range(0, len(todo), self.batch_size):
                part = todo[i:i + self.batch_size]
                self._batch(run, part, index, stories)
                bar.update(len(part))
            stories.flush()
        bar.close()
        results = [Result(self.name, self.version, d, data=data)
                   for d, data in run.pending.items()]
        return results, run.relations

    def _batch(self, run: "_Run", doc_ids: list[str], index: CopyIndex,
               stories: StoryIndex) -> None:
        docs = run.documents(doc_ids)
        batch = [docs[d] for d in doc_ids if d in docs]
        if not batch:
            return
        feats = [features(d.text, self._vocabulary) for d in batch]
        keys = band_keys(feats)
        salient = salient_terms_batch(feats)
        cands = index.candidates_batch(keys)
        seqs = index.add_batch([(d.id, d.published) for d in batch], [k for k, _ in keys])
        first = seqs[0]
        stored = run.stored(index, sorted({s for c in cands for s, _ in c if s < first}),
                            self._vocabulary)
        for j, (doc, f, seq) in enumerate(zip(batch, feats, seqs)):
            links: list[tuple[Document, Match]] = []
            for s, _ in cands[j]:
                other = (batch[s - first], feats[s - first]) if s >= first else stored.get(s)
                if other is None:
                    continue
                m = classify(f, other[1], self.thresholds)
                if m is not None:
                    links.append((other[0], m))
            run.data_of(doc.id)
            for other_doc, m in links:
                run.relations.append(self._link(doc, other_doc, m, run.data_of))
            self._story(doc, salient[j], seq, links, index, stories, run.data_of)
        run.last = {seq: pair for seq, pair in zip(seqs, zip(batch, feats))}

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

    def _story(self, doc: Document, sal: Salient, seq: int, links, index: CopyIndex,
               stories: StoryIndex, data_of) -> None:
        vec = stories.vector(sal, seq)
        story = None
        strong = sorted((m.score, o.id) for o, m in links if m.kind in _SAME_STORY)
        if strong:
            row = index.db.execute("SELECT story FROM copies_docs WHERE doc_id=?",
                                   (strong[-1][1],)).fetchone()
            story = row[0] if row else None
        if story is None:
            near = stories.nearest(vec, doc.published)
            story = near[0] if near else None
        sid, relabelled = stories.join(story, vec, sal.display, doc.published)
        index.set_story(seq, sid)
        st = stories.get(sid)
        if st.size < 2:
            data_of(doc.id)["story"] = None
            return
        value = {"id": st.id, "label": st.label}
        members = ([r[0] for r in index.db.execute(
            "SELECT doc_id FROM copies_docs WHERE story=?", (sid,))]
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
