"""The pipeline: ingest → clean → store, then analysers → store.

Each step commits as it goes, so a run killed half-way keeps everything it had stored,
and a rerun skips what is done (documents by content hash, results by
``(document, analyser, version)``). One bad input or one analyser failing on one
document is recorded and the run goes on.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Sequence

from tqdm import tqdm

from .analysers import get_spec, load_analyser, registry, resolve_order
from .clean import clean
from .errors import InputError, NarrascopeError
from .ingest import IngestOptions, iter_sources
from .model import Document, Result
from .store import Store

__all__ = ["Sighting", "RunSummary", "ingest", "analyse", "default_analysers", "progress"]


def progress(iterable=None, *, quiet: bool = False, **kw):
    """A progress bar on stderr; hidden with ``quiet`` or when stderr is not a terminal."""
    return tqdm(iterable, disable=True if quiet else None, file=sys.stderr, leave=False,
                dynamic_ncols=True, **kw)


@dataclass(frozen=True)
class Sighting:
    """One input of this run: where it came from and the document it became."""

    source: str
    doc_id: str
    new: bool


@dataclass
class RunSummary:
    added: int = 0
    duplicates: int = 0
    skipped: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    analyser_errors: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.skipped and not self.analyser_errors

    def lines(self) -> list[str]:
        out = [f"{self.added} article(s) added, {self.duplicates} already stored"]
        if self.skipped:
            out.append(f"{sum(self.skipped.values())} input(s) skipped: " + ", ".join(
                f"{n} {reason}" for reason, n in self.skipped.most_common()))
        if self.analyser_errors:
            out.append("analyser errors: " + ", ".join(
                f"{name} on {n} article(s)" for name, n in self.analyser_errors.most_common()))
        return out


def ingest(sources: Iterable[str], store: Store, opts: IngestOptions | None = None, *,
           summary: RunSummary | None = None, quiet: bool = False,
           on_error: Callable[[str], None] | None = None) -> list[Sighting]:
    """Read, clean and store every source; return one :class:`Sighting` per article read."""
    summary = summary if summary is not None else RunSummary()
    sightings: list[Sighting] = []
    bar = progress(desc="ingest", unit="art", quiet=quiet)
    for item in iter_sources(sources, opts):
        bar.update(1)
        try:
            if isinstance(item, InputError):
                raise item
            cleaned = clean(item)
        except InputError as err:
            summary.skipped[err.reason] += 1
            summary.errors.append(str(err))
            store.log_ingest_error(err.source, err.reason, str(err))
            if on_error:
                on_error(str(err))
            continue
        except Exception as err:  # a cleaning bug must not stop the batch
            msg = f"{item.source}: could not clean ({type(err).__name__}: {err})"
            summary.skipped["error"] += 1
            summary.errors.append(msg)
            store.log_ingest_error(item.source, "error", msg)
            if on_error:
                on_error(msg)
            continue
        new = store.add_document(cleaned.doc, cleaned.offsets.to_json())
        summary.added += new
        summary.duplicates += not new
        sightings.append(Sighting(item.source, cleaned.doc.id, new))
    bar.close()
    return sightings


def default_analysers() -> list[str]:
    """The analysers ``analyze`` runs when none are named: every default one whose model
    is available."""
    return sorted(n for n, s in registry().items() if s.default)


def _batches(seq: Sequence[str], n: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def analyse(store: Store, doc_ids: Sequence[str], names: Sequence[str], *,
            batch_size: int = 32, quiet: bool = False, force: bool = False,
            summary: RunSummary | None = None,
            on_error: Callable[[str], None] | None = None) -> None:
    """Run the named analysers (and what they require) on stored documents, storing each
    batch's results as soon as it is done. Results already stored are not recomputed
    unless ``force``."""
    summary = summary if summary is not None else RunSummary()
    order = resolve_order(names)
    doc_scope = [n for n in order if get_spec(n).scope == "document"]
    corpus_scope = [n for n in order if get_spec(n).scope == "corpus"]
    unique = list(dict.fromkeys(doc_ids))
    bar = progress(total=len(unique) * max(1, len(doc_scope)), desc="analyse", unit="art",
                   quiet=quiet)
    for name in doc_scope:
        spec = get_spec(name)
        todo = [d for d in unique if force or not store.has_result(d, spec.name, spec.version)]
        bar.update(len(unique) - len(todo))
        if not todo:
            continue
        bar.set_postfix_str(name)
        analyser = load_analyser(name)
        for ids in _batches(todo, batch_size):
            docs = [store.get_document(i) for i in ids]
            prev = [{dep: store.get_result(i, dep, get_spec(dep).version)
                     for dep in spec.requires} for i in ids]
            results = _run_batch(analyser, name, docs, prev, summary, on_error)
            store.add_results(results)
            bar.update(len(ids))
    bar.close()
    for name in corpus_scope:
        analyser = load_analyser(name)
        try:
            results, relations = analyser.update(store, unique, quiet=quiet)
        except Exception as err:
            summary.analyser_errors[name] += len(unique)
            msg = f"{name}: failed on the corpus ({type(err).__name__}: {err})"
            if on_error:
                on_error(msg)
            continue
        store.add_results(results)
        store.add_relations(relations)


def _run_batch(analyser, name: str, docs: list[Document], prev, summary: RunSummary,
               on_error) -> list[Result]:
    try:
        return list(analyser.analyse(docs, prev))
    except Exception:
        pass
    out: list[Result] = []
    for doc, p in zip(docs, prev):  # find the document that fails, keep the others
        try:
            out.extend(analyser.analyse([doc], [p]))
        except Exception as err:
            summary.analyser_errors[name] += 1
            msg = f"{doc.source or doc.id}: analyser {name} failed ({type(err).__name__}: {err})"
            if on_error:
                on_error(msg)
    return out
