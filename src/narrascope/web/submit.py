"""Adding articles from the web: pasted text, URLs and uploaded files become documents
(through the same readers, cleaning and URL guard as ``narrascope ingest``), then the
default analysers run on them. A submission runs as a :class:`Job` whose progress the
"add articles" page polls; the API can also wait for it.
"""

from __future__ import annotations

import re
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..clean import clean
from ..errors import InputError
from ..ingest import IngestOptions, is_url, iter_sources
from ..model import RawItem
from .queries import Database

__all__ = ["TextItem", "Upload", "Submission", "Job", "Jobs", "run_submission"]

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class TextItem:
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class Submission:
    texts: tuple[TextItem, ...] = ()
    urls: tuple[str, ...] = ()
    files: tuple[Upload, ...] = ()
    analyse: bool = True

    @property
    def size(self) -> int:
        return len(self.texts) + len(self.urls) + len(self.files)


@dataclass
class Job:
    """One submission's progress, as the page and ``GET /api/jobs/{id}`` show it."""

    id: str
    total: int
    state: str = "queued"
    stage: str = ""
    done: int = 0
    steps: int = 1
    articles: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "state": self.state, "stage": self.stage,
                "progress": round(self.done / max(1, self.steps), 3),
                "inputs": self.total, "articles": list(self.articles),
                "ids": list(dict.fromkeys(a["id"] for a in self.articles)),
                "errors": list(self.errors)}


def _raw_items(sub: Submission, opts: IngestOptions, tmp: Path) -> Iterable[RawItem | InputError]:
    for n, t in enumerate(sub.texts, 1):
        yield RawItem(source=f"web:text-{n}", text=t.text, title=t.title, url=t.url,
                      outlet=t.outlet, published=t.published, language=t.language,
                      scraped=False, title_first_line=t.title is None)
    for u in sub.urls:
        if not is_url(u):
            yield InputError(u, "not an http(s) URL (allowed: http://... or https://...)",
                             "bad url")
            continue
        yield from iter_sources([u], opts)
    for n, up in enumerate(sub.files, 1):
        name = _SAFE_NAME.sub("_", Path(up.filename or "upload").name).strip("._") or "upload"
        path = tmp / f"{n:04d}" / name
        path.parent.mkdir()
        path.write_bytes(up.data)
        for item in iter_sources([str(path)], opts):
            label = f"upload:{up.filename or name}"
            if isinstance(item, InputError):
                yield InputError(label, str(item).split(": ", 1)[-1], item.reason)
            else:
                yield replace(item, source=item.source.replace(str(path), label))


def run_submission(db: Database, sub: Submission, job: Job, opts: IngestOptions,
                   analysers: Callable[[], Sequence[str]]) -> Job:
    """Ingest and analyse ``sub``, recording progress in ``job``; never raises."""
    from ..pipeline import analyse

    names = list(analysers()) if sub.analyse else []
    job.steps = sub.size + len(names)
    job.state, job.stage = "running", "reading"
    try:
        with tempfile.TemporaryDirectory(prefix="narrascope-upload-") as tmp:
            for item in _raw_items(sub, opts, Path(tmp)):
                try:
                    if isinstance(item, InputError):
                        raise item
                    cleaned = clean(item)
                except InputError as err:
                    job.errors.append(str(err))
                    with db.write_lock:
                        db.writer.log_ingest_error(err.source, err.reason, str(err))
                    job.done = min(job.done + 1, sub.size)
                    continue
                with db.write_lock:
                    new = db.writer.add_document(cleaned.doc, cleaned.offsets.to_json())
                d = cleaned.doc
                job.articles.append({"id": d.id, "source": d.source, "title": d.title,
                                     "new": new})
                job.done = min(job.done + 1, sub.size)
        job.done = sub.size
        ids = list(dict.fromkeys(a["id"] for a in job.articles))
        for name in names:
            if not ids:
                break
            job.stage = f"analysing: {name}"
            with db.write_lock:
                analyse(db.writer, ids, [name], quiet=True, on_error=job.errors.append)
            job.done += 1
        job.done = job.steps
        job.state, job.stage = "done", "done"
    except Exception as err:  # a job must end with a state the page can show
        job.state, job.stage = "failed", f"{type(err).__name__}: {err}"
        job.errors.append(job.stage)
    return job


class Jobs:
    """Submissions run one at a time on a worker thread (analysers are not thread-safe,
    and the machine is small); finished jobs are kept for the page to read."""

    def __init__(self, db: Database, opts: IngestOptions,
                 analysers: Callable[[], Sequence[str]], keep: int = 200) -> None:
        self._db, self._opts, self._analysers = db, opts, analysers
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="narrascope-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._keep = keep

    def submit(self, sub: Submission):
        """Start ``sub``; return its job and a future that completes with it."""
        job = Job(uuid.uuid4().hex[:12], sub.size)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self._keep:
                self._jobs.pop(next(iter(self._jobs)))
        fut = self._pool.submit(run_submission, self._db, sub, job, self._opts, self._analysers)
        return job, fut

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
