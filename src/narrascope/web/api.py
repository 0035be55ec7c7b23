"""The HTTP API: every route under ``/api/``. Responses are JSON (export streams JSON
Lines or CSV); errors are ``{"error": message, "status": code}``."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import date
from typing import Annotated, Any, Iterator

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from .app import COOKIE, bearer, token_ok
from .queries import (Database, Filters, copy_clusters, facet_counts, field_counts,
                      matching_ids,
                      load_article,
                      narrative_volume, narratives_by_outlet, outlet_counts, search,
                      top_entities, top_speakers)
from .submit import Submission, TextItem, Upload

__all__ = ["router", "require_read", "require_write"]


async def require_read(request: Request) -> None:
    """Reads are open unless the app was started with closed reads."""
    s = request.app.state.settings
    if s.open_reads:
        return
    if token_ok(bearer(request) or request.cookies.get(COOKIE), s.token):
        return
    raise HTTPException(401, "reading needs the token: send 'Authorization: Bearer <token>' "
                             "(or log in on /login)", headers={"WWW-Authenticate": "Bearer"})


async def require_write(request: Request) -> None:
    """Writes need ``Authorization: Bearer <NARRASCOPE_TOKEN>`` (never a cookie, so another
    site cannot make a browser write)."""
    s = request.app.state.settings
    if not s.token:
        raise HTTPException(403, "writing is disabled: start the server with NARRASCOPE_TOKEN "
                                 "set to enable it")
    if bearer(request) is None:
        raise HTTPException(401, "writing needs the token: send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
    if not token_ok(bearer(request), s.token):
        raise HTTPException(403, "wrong token", headers={"WWW-Authenticate": "Bearer"})


class Json(JSONResponse):
    """A JSON response written straight from plain data: FastAPI's own encoder walks every
    value in Python first, which costs more than the query on large statistics."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(require_read)])


async def get_db(request: Request) -> Database:
    return request.app.state.db


def _day(value: str | None, name: str) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise HTTPException(422, f"{name} must be a date written YYYY-MM-DD, not {value!r}") from None


async def filters(narrative: Annotated[str | None, Query(description="narrative name")] = None,
            outlet: str | None = None,
            language: Annotated[str | None, Query(description="ISO 639-1 code, e.g. en")] = None,
            entity: Annotated[str | None, Query(description="entity name")] = None,
            speaker: Annotated[str | None, Query(description="quoted speaker")] = None,
            technique: Annotated[str | None, Query(description="persuasion technique")] = None,
            since: Annotated[str | None, Query(description="published on or after YYYY-MM-DD")] = None,
            until: Annotated[str | None, Query(description="published on or before YYYY-MM-DD")] = None,
            ) -> Filters:
    return Filters(narrative or None, outlet or None, language or None, entity or None,
                   speaker or None, technique or None, _day(since, "since"), _day(until, "until"))


# the dependencies are coroutines: cheap checks that need no trip to the thread pool
FiltersDep = Annotated[Filters, Depends(filters)]
DbDep = Annotated[Database, Depends(get_db)]


# -- articles ----------------------------------------------------------------------------

_SUBMIT_DOC = {
    "requestBody": {"content": {
        "application/json": {"schema": {"oneOf": [
            {"type": "object", "properties": {
                "text": {"type": "string"}, "title": {"type": "string"},
                "url": {"type": "string", "description": "with no text: fetched"},
                "outlet": {"type": "string"}, "published": {"type": "string"},
                "language": {"type": "string"}}},
            {"type": "object", "properties": {"articles": {"type": "array", "items": {
                "type": "object"}}}, "required": ["articles"]},
            {"type": "array", "items": {"type": "object"}}]}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "text": {"type": "string", "description": "pasted article text (repeatable)"},
            "title": {"type": "string"},
            "urls": {"type": "string", "description": "URLs, one per line"},
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
    }, "required": True},
}


async def _submission(request: Request, analyse: bool) -> Submission:
    limit = request.app.state.settings.max_items
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError as e:
            raise HTTPException(400, f"body is not valid JSON ({e})") from None
        entries = body.get("articles") if isinstance(body, dict) and "articles" in body else body
        entries = entries if isinstance(entries, list) else [entries]
        texts, urls = [], []
        for n, e in enumerate(entries):
            if not isinstance(e, dict):
                raise HTTPException(422, f"article {n}: must be an object with 'text' or 'url'")
            text = e.get("text")
            if isinstance(text, str) and text.strip():
                texts.append(TextItem(text, *(_opt_str(e, k, n) for k in
                                              ("title", "url", "outlet", "published", "language"))))
            elif isinstance(e.get("url"), str) and e["url"].strip():
                urls.append(e["url"].strip())
            else:
                raise HTTPException(422, f"article {n}: needs a non-empty 'text' or a 'url'")
        sub = Submission(tuple(texts), tuple(urls), (), analyse)
    elif ctype == "multipart/form-data":
        form = await request.form(max_files=limit, max_fields=limit + 10)
        texts = tuple(TextItem(t, _form_str(form.get("title"))) for t in form.getlist("text")
                      if isinstance(t, str) and t.strip())
        urls = tuple(u.strip() for field in form.getlist("urls") if isinstance(field, str)
                     for u in field.splitlines() if u.strip())
        uploads = []
        for f in form.getlist("files"):
            if hasattr(f, "read"):
                data = await f.read()
                if data:
                    uploads.append(Upload(f.filename or "upload", data))
        sub = Submission(texts, urls, tuple(uploads), analyse)
    else:
        raise HTTPException(415, f"unsupported content type {ctype or '(none)'!r}; send "
                                 "application/json or multipart/form-data")
    if sub.size == 0:
        raise HTTPException(422, "nothing to add: give article text, URLs or files")
    if sub.size > limit:
        raise HTTPException(413, f"{sub.size} inputs in one request; at most {limit} are allowed")
    return sub


def _opt_str(e: dict, key: str, n: int) -> str | None:
    v = e.get(key)
    if v is None or isinstance(v, str):
        return v or None
    raise HTTPException(422, f"article {n}: '{key}' must be a string")


def _form_str(v: Any) -> str | None:
    return v.strip() or None if isinstance(v, str) else None


@router.post("/articles", dependencies=[Depends(require_write)], openapi_extra=_SUBMIT_DOC,
             status_code=201, summary="Add articles: text, URLs, file uploads, or a batch")
async def add_articles(request: Request,
                       wait: Annotated[bool, Query(description="wait for the analysis; false "
                                                   "returns 202 and a job to poll")] = True,
                       analyse: Annotated[bool, Query(description="run the analysers")] = True):
    """Ingest the articles (same readers, cleaning and URL guard as `narrascope ingest`)
    and run the default analysers. Returns the job: ids, per-input articles and errors."""
    sub = await _submission(request, analyse)
    job, fut = request.app.state.jobs.submit(sub)
    if not wait:
        return JSONResponse(job.to_dict(), status_code=202,
                            headers={"Location": f"/api/jobs/{job.id}"})
    await asyncio.wrap_future(fut)
    body = job.to_dict()
    if not job.articles:
        return JSONResponse({"error": "no article could be added: " + "; ".join(job.errors[:5]),
                             "status": 422, "job": body}, status_code=422)
    return JSONResponse(body, status_code=201 if any(a["new"] for a in job.articles) else 200)


@router.get("/jobs/{job_id}", summary="Progress of an article submission")
def get_job(job_id: str, request: Request):
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id!r} (jobs are kept while the server runs)")
    return Json(job.to_dict())


@router.get("/articles/{doc_id}", summary="One article with all its findings")
def get_article(doc_id: str, db: DbDep):
    art = load_article(db, doc_id)
    if art is None:
        raise HTTPException(404, f"no stored article with id {doc_id!r} (ids are 16 hex "
                                 "digits; a unique prefix of 4 or more works)")
    return Json(art)


# -- search ------------------------------------------------------------------------------

@router.get("/search", summary="Full-text search with filters, paged")
def api_search(db: DbDep, f: FiltersDep,
               q: Annotated[str | None, Query(description='words, "phrases", AND/OR/NOT, '
                                              'prefix* (SQLite FTS5)', max_length=500)] = None,
               page: Annotated[int, Query(ge=1, le=100_000)] = 1,
               per_page: Annotated[int, Query(ge=1, le=200)] = 20):
    """Articles matching ``q`` (best first) and every filter given; without ``q``, newest
    first. Ties break on the id, so pages are stable."""
    res = search(db, q, f, page, per_page)
    return Json({"q": q, "filters": f.as_params(), "total": res.total, "page": res.page,
            "per_page": res.per_page, "pages": res.pages,
            "results": [h.to_dict() for h in res.hits]})


# -- statistics --------------------------------------------------------------------------

@router.get("/stats/overview", summary="Counts of articles, outlets, languages, facets")
def stats_overview(db: DbDep, f: FiltersDep):
    return Json({"articles": sum(n for _, n in field_counts(db, f, "outlet")),
            "outlets": dict(outlet_counts(db, f)),
            "languages": dict(facet_counts_lang(db, f)),
            "narratives": dict(facet_counts(db, f, "narrative", 1000)),
            "techniques": dict(facet_counts(db, f, "technique", 1000)),
            "analysers": db.versions})


def facet_counts_lang(db: Database, f: Filters) -> list[tuple[str, int]]:
    return field_counts(db, f, "language")


@router.get("/stats/narratives", summary="Narratives by day, week, month or outlet")
def stats_narratives(db: DbDep, f: FiltersDep,
                     by: Annotated[str, Query(pattern="^(day|week|month|outlet)$")] = "week"):
    if by == "outlet":
        return Json({"by": "outlet", **narratives_by_outlet(db, f)})
    return Json(narrative_volume(db, f, by))


@router.get("/stats/entities", summary="Top entities with their roles")
def stats_entities(db: DbDep, f: FiltersDep,
                   role: Annotated[str | None, Query(description="protagonist, antagonist, "
                                                     "innocent")] = None,
                   limit: Annotated[int, Query(ge=1, le=500)] = 20):
    return Json({"role": role, "entities": top_entities(db, f, role, limit)})


@router.get("/stats/speakers", summary="Most-quoted speakers")
def stats_speakers(db: DbDep, f: FiltersDep, limit: Annotated[int, Query(ge=1, le=500)] = 20):
    return Json({"speakers": top_speakers(db, f, limit)})


@router.get("/stats/copies", summary="Copy clusters, newest first")
def stats_copies(db: DbDep, limit: Annotated[int, Query(ge=1, le=500)] = 20,
                 offset: Annotated[int, Query(ge=0)] = 0):
    return Json(copy_clusters(db, limit, offset))


# -- export ------------------------------------------------------------------------------

@router.get("/export", summary="Export matching articles as JSON Lines or CSV")
def export(db: DbDep, f: FiltersDep,
           format: Annotated[str, Query(pattern="^(jsonl|csv)$")] = "jsonl",
           q: Annotated[str | None, Query(max_length=500)] = None,
           limit: Annotated[int, Query(ge=1, le=1_000_000)] = 100_000):
    """Every matching article with every finding, in the order search gives."""
    ids = matching_ids(db, q, f)[:limit]
    media = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}[format]
    name = f"narrascope-export.{format}"
    return StreamingResponse(_export_lines(db, ids, format), media_type=media,
                             headers={"content-disposition": f'attachment; filename="{name}"'})


def _export_lines(db: Database, ids: list[str], fmt: str) -> Iterator[str]:
    """The report format's output, in chunks: JSON Lines a few hundred articles at a time;
    CSV at once (its columns depend on the findings present)."""
    from ..report import Article, get_format
    from .index import _load_doc, article_results

    writer = get_format(fmt).writer
    conn = db.reader()

    def articles(chunk: list[str]) -> Iterator[Article]:
        for i in chunk:
            doc = _load_doc(conn, i)
            if doc is not None:
                yield Article(doc, article_results(conn, i, db.versions), doc.source)

    step = 200 if fmt == "jsonl" else max(1, len(ids))
    for n in range(0, len(ids) or 1, step):  # once even with no match: CSV still has its header
        buf = io.StringIO()
        writer(buf, articles(ids[n:n + step]), {})
        yield buf.getvalue()
