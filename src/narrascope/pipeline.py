"""The pipeline: ingest → clean → store, then analysers → store.

Each step commits as it goes, so a run killed half-way keeps everything it had stored,
and a rerun skips what is done (documents by content hash, results by
``(document, analyser, version)``). One bad input or one analyser failing on one
document is recorded and the run goes on.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator, Sequence

from tqdm import tqdm

from .analysers import get_spec, load_analyser, registry, resolve_order, stored_version
from .batch import Batch, Executor, InlineExecutor
from .clean import Cleaned, clean
from .errors import InputError
from .ingest import IngestOptions, NotRead, iter_sources
from .model import Result
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
    #: the inputs skipped, in order (a file path, URL, or ``path#record``)
    skipped_sources: list[str] = field(default_factory=list)
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
        if isinstance(item, NotRead):  # a notice about a folder, not a skipped input
            if on_error:
                on_error(str(item))
            continue
        bar.update(1)
        try:
            if isinstance(item, InputError):
                raise item
            cleaned = _clean(item)
        except InputError as err:
            summary.skipped[err.reason] += 1
            summary.skipped_sources.append(err.source)
            store.log_ingest_error(err.source, err.reason, str(err))
            if on_error:
                on_error(str(err))
            continue
        new = store.add_document(cleaned.doc, cleaned.offsets.to_json())
        summary.added += new
        summary.duplicates += not new
        sightings.append(Sighting(item.source, cleaned.doc.id, new))
    bar.close()
    return sightings


def _clean(item) -> Cleaned:
    """``clean(item)``; a bug in cleaning becomes this item's error, not the batch's."""
    try:
        return clean(item)
    except InputError:
        raise
    except Exception as err:  # noqa: BLE001 - reported per item, the batch goes on
        raise InputError(item.source, f"could not clean ({type(err).__name__}: {err})",
                         "error") from err


def default_analysers() -> list[str]:
    """The analysers ``analyze`` runs when none are named: every one registered as default."""
    return sorted(n for n, s in registry().items() if s.default)


def analyse(store: Store, doc_ids: Sequence[str], names: Sequence[str], *,
            batch_size: int = 16, quiet: bool = False, force: bool = False,
            summary: RunSummary | None = None, executor: Executor | None = None,
            on_error: Callable[[str], None] | None = None) -> None:
    """Run the named analysers (and what they require) on stored documents. Batches run
    on ``executor`` (this process by default); this process stores each batch's results
    as soon as it comes back. Results already stored are not recomputed unless ``force``."""
    summary = summary if summary is not None else RunSummary()
    order = resolve_order(names)
    doc_scope = tuple(n for n in order if get_spec(n).scope == "document")
    corpus_scope = [n for n in order if get_spec(n).scope == "corpus"]
    unique = list(dict.fromkeys(doc_ids))
    # with a user-trained model in use, results are stored under the version plus the
    # model's fingerprint (see stored_version): a retrained model is not served old results
    versions = {n: stored_version(n) for n in doc_scope}

    def stored(doc_id: str) -> dict[str, Result]:
        out = {}
        for n in doc_scope:
            r = store.get_result(doc_id, n, versions[n])
            if r is not None:
                out[n] = r
        return out

    todo = [(d, k) for d in unique for k in [stored(d)] if force or len(k) < len(doc_scope)]
    bar = progress(total=len(unique), desc="analyse", unit="art", quiet=quiet)
    bar.update(len(unique) - len(todo))

    def batches() -> Iterator[Batch]:
        for i in range(0, len(todo), batch_size):
            chunk = todo[i:i + batch_size]
            yield Batch(doc_scope, tuple(store.get_document(d) for d, _ in chunk),
                        tuple(k for _, k in chunk), force)

    own = executor is None
    executor = executor or InlineExecutor()
    try:
        for out in executor.map(batches()):
            store.add_results([r if versions.get(r.analyser, r.version) == r.version
                               else replace(r, version=versions[r.analyser])
                               for r in out.results])
            for name, where, reason in out.errors:
                summary.analyser_errors[name] += 1
                if on_error:
                    on_error(f"{where}: analyser {name} failed ({reason})")
            bar.update(out.docs)
    finally:
        bar.close()
        if own:
            executor.close()
    for name in corpus_scope:
        analyser = load_analyser(name)
        try:
            results, relations = analyser.update(store, unique, quiet=quiet)
        except Exception as err:  # noqa: BLE001 - reported, the run goes on
            summary.analyser_errors[name] += len(unique)
            if on_error:
                on_error(f"{name}: failed on the corpus ({type(err).__name__}: {err})")
            continue
        store.add_results(results)
        store.add_relations(relations)
