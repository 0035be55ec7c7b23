"""Server-rendered pages: dashboard, article, search, one page per narrative, outlet,
speaker, entity, story and copy cluster, the "add articles" form, the API reference and
the login page for closed reads. Templates autoescape everything."""

from __future__ import annotations

import re
from typing import Annotated, Any, Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from . import charts
from .api import filters, require_read
from .app import CHARTS_MARK, COOKIE, token_ok
from .builtin_views import page_url
from .queries import (Database, Filters, article_volume, copy_clusters, facet_counts,
                      load_article, narrative_volume, narratives_by_outlet, search,
                      top_entities, top_speakers)
from .render import article_view
from .views import as_list, first_str, offsets

__all__ = ["router", "public", "templates", "error_page"]


def templates() -> Environment:
    """The page templates; every value is HTML-escaped unless a template says otherwise
    (none does)."""
    env = Environment(loader=PackageLoader("narrascope.web", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["page_url"] = page_url
    env.filters["figure"] = charts.to_attr
    env.filters["http_url"] = http_url
    return env


def http_url(url: Any) -> str | None:
    """``url`` if it is an http(s) URL, else None: a stored ``javascript:`` URL must never
    become a link."""
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return url
    return None


def render(request: Request, name: str, status_code: int = 200, headers=None, **ctx: Any
           ) -> HTMLResponse:
    env: Environment = request.app.state.templates
    s = request.app.state.settings
    body = env.get_template(name).render(request=request, path=request.url.path,
                                         writable=bool(s.token), **ctx)
    return HTMLResponse(body, status_code=status_code, headers=headers)


def error_page(request: Request, status: int, message: str, headers=None) -> HTMLResponse:
    return render(request, "error.html", status, headers, status=status, message=message)


router = APIRouter(include_in_schema=False, dependencies=[Depends(require_read)])
#: pages with plotly charts ask for the chart pages' Content-Security-Policy
CHARTS = {CHARTS_MARK.decode(): "1"}
public = APIRouter(include_in_schema=False)


async def get_db(request: Request) -> Database:
    return request.app.state.db


DbDep = Annotated[Database, Depends(get_db)]
FiltersDep = Annotated[Filters, Depends(filters)]


def _options(db: Database) -> dict[str, list[str]]:
    db.reader()
    idx = db.index
    return {"narratives": idx.values("narrative"), "techniques": idx.values("technique"),
            "outlets": sorted({m.outlet for m in idx.docs.values() if m.outlet}),
            "languages": sorted({m.language for m in idx.docs.values() if m.language})}


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, db: DbDep,
              outlet: str | None = None, language: str | None = None,
              by: Annotated[str, Query(pattern="^(day|week|month)$")] = "week"):
    f = Filters(outlet=outlet or None, language=language or None)
    volume = narrative_volume(db, f, by)
    table = narratives_by_outlet(db, f)
    recent = search(db, None, f, 1, 10)
    return render(request, "dashboard.html", 200, CHARTS, f=f, by=by, options=_options(db),
                  total=recent.total, recent=recent.hits,
                  volume_fig=charts.stacked_volume(volume), heat_fig=charts.heatmap(table),
                  undated=sum(volume["undated"].values()),
                  actors=top_entities(db, f, None, 15), speakers=top_speakers(db, f, 15),
                  clusters=copy_clusters(db, 8)["clusters"],
                  techniques=facet_counts(db, f, "technique", 10))


@router.get("/articles/{doc_id}", response_class=HTMLResponse)
def article_page(request: Request, doc_id: str, db: DbDep):
    art = load_article(db, doc_id)
    if art is None:
        raise HTTPException(404, f"no stored article with id {doc_id!r}")
    docs = db.index.docs
    for c in as_list(art.get("copies")):  # name the copies by their titles
        if isinstance(c, dict) and c.get("id") in docs and not c.get("title"):
            c["title"] = docs[c["id"]].title
    view = article_view(art)
    related = []
    for r in as_list(art.get("relations")):
        other = r["b"] if r["a"] == art["id"] else r["a"]
        m = docs.get(other)
        related.append({"id": other, "kind": r["kind"], "score": r["score"],
                        "title": m.title if m else None, "outlet": m.outlet if m else None})
    cluster = db.index.cluster_of(art["id"])
    return render(request, "article.html", art=art, view=view, related=related,
                  cluster=cluster)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, db: DbDep, f: FiltersDep,
                q: Annotated[str | None, Query(max_length=500)] = None,
                page: Annotated[int, Query(ge=1, le=100_000)] = 1):
    res = search(db, q, f, page, 20)
    params = {**f.as_params(), **({"q": q} if q else {})}

    def page_link(n: int) -> str:
        return "/search?" + urlencode({**params, "page": n})

    return render(request, "search.html", q=q or "", f=f, res=res, options=_options(db),
                  page_link=page_link, export="/api/export?" + urlencode(params))


def _evidence(art: dict[str, Any], kind: str, value: str) -> list[str]:
    """Short excerpts of ``art`` that show ``value``: a narrative's evidence sentences, a
    speaker's quotes, the sentences naming an entity."""
    text = art.get("text") or ""
    return [text[s:e] if e - s <= 400 else text[s:s + 397] + "…"
            for s, e in _EVIDENCE.get(kind, lambda a, v: [])(art, value)][:3]


def _narrative_spans(art, value):
    for lab in as_list(art.get("narratives")) + as_list(art.get("subnarratives")):
        if isinstance(lab, dict) and first_str(lab, "name", "label") == value:
            for sp in as_list(lab.get("evidence")):
                o = offsets(sp, len(art.get("text") or ""))
                if o:
                    yield o


def _speaker_spans(art, value):
    from .builtin_views import _speaker

    for q in as_list(art.get("quotes")):
        if isinstance(q, dict) and _speaker(q) == value:
            o = offsets(q, len(art.get("text") or ""))
            if o:
                yield o


def _entity_spans(art, value):
    from .builtin_views import _entity_name
    from ..text import sentences

    text = art.get("text") or ""
    sents = sentences(text)
    for m in as_list(art.get("entities")):
        if isinstance(m, dict) and _entity_name(m) == value:
            o = offsets(m, len(text))
            if o:
                s = next((x for x in sents if x.start <= o[0] < x.end), None)
                yield (s.start, s.end) if s else o


_EVIDENCE: dict[str, Callable] = {"narrative": _narrative_spans, "speaker": _speaker_spans,
                                  "entity": _entity_spans}


def _facet_page(request: Request, db: DbDep, kind: str, value: str, f: Filters, page: int,
                title: str, description: str | None = None):
    if not value.strip():  # an empty filter is no filter: the page would list every article
        raise HTTPException(404, f"no {kind} named in the address; pick one on the dashboard "
                                 "or filter on /search")
    res = search(db, None, f, page, 20)
    if res.total == 0 and page == 1:
        raise HTTPException(404, f"no stored article has {kind} {value!r}")
    vol = article_volume(db, f, "week")  # each article once, not once per narrative
    periods, totals = vol["periods"], vol["counts"]
    examples = []
    for h in res.hits:
        art = load_article(db, h.meta.id) if kind in _EVIDENCE else None
        examples.append({"hit": h, "evidence": _evidence(art, kind, value) if art else []})
    params = f.as_params()

    def page_link(n: int) -> str:
        return f"{request.url.path}?" + urlencode({"page": n})

    return render(request, "facet.html", 200, CHARTS, kind=kind, value=value, title=title,
                  description=description, res=res, examples=examples,
                  trend=charts.bars(periods, totals, value) if any(totals) else None,
                  narratives=facet_counts(db, f, "narrative", 15) if kind != "narrative" else [],
                  speakers=top_speakers(db, f, 10) if kind != "speaker" else [],
                  actors=top_entities(db, f, None, 10) if kind != "entity" else [],
                  search_link="/search?" + urlencode(params), page_link=page_link)


def describe(analyser: str, name: str) -> str | None:
    """A narrative's definition, when its analyser offers ``describe(name)``."""
    from ..analysers import load_analyser, registry

    if analyser not in registry():
        return None
    fn = getattr(load_analyser(analyser), "describe", None)
    try:
        return fn(name) if callable(fn) else None
    except Exception:
        return None


Page = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/narratives/{name:path}", response_class=HTMLResponse)
def narrative_page(request: Request, name: str, db: DbDep, page: Page = 1):
    return _facet_page(request, db, "narrative", name, Filters(narrative=name), page,
                       f"Narrative: {name}", describe("narratives", name))


@router.get("/outlets/{name:path}", response_class=HTMLResponse)
def outlet_page(request: Request, name: str, db: DbDep, page: Page = 1):
    return _facet_page(request, db, "outlet", name, Filters(outlet=name), page,
                       f"Outlet: {name}")


@router.get("/speakers/{name:path}", response_class=HTMLResponse)
def speaker_page(request: Request, name: str, db: DbDep, page: Page = 1):
    return _facet_page(request, db, "speaker", name, Filters(speaker=name), page,
                       f"Speaker: {name}")


@router.get("/entities/{name:path}", response_class=HTMLResponse)
def entity_page(request: Request, name: str, db: DbDep, page: Page = 1):
    return _facet_page(request, db, "entity", name, Filters(entity=name), page,
                       f"Entity: {name}")


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str, db: DbDep, page: Page = 1):
    db.reader()
    ids = db.index.with_facet("story", story_id)
    if not ids:
        raise HTTPException(404, f"no stored story {story_id!r}")
    hits = [db.index.docs[i] for i in db.index.order if i in ids]
    return render(request, "cluster.html", title=f"Story {story_id}", members=hits, kinds=())


@router.get("/clusters/{cluster_id}", response_class=HTMLResponse)
def cluster_page(request: Request, cluster_id: str, db: DbDep):
    db.reader()
    c = db.index.cluster_of(cluster_id)
    if c is None or c.id != cluster_id:
        raise HTTPException(404, f"no copy cluster {cluster_id!r}")
    docs = db.index.docs
    return render(request, "cluster.html", title="Copies of one text",
                  members=[docs[i] for i in c.members if i in docs], kinds=c.kinds)


@router.get("/add", response_class=HTMLResponse)
def add_page(request: Request):
    s = request.app.state.settings
    return render(request, "add.html", max_bytes=s.max_upload_bytes, max_items=s.max_items)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request):
    """The API reference, rendered from the OpenAPI schema (no CDN, no inline script)."""
    schema = request.app.openapi()
    ops = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "description": p.get("description") or "",
                       "type": _type_of(p.get("schema", {}))}
                      for p in op.get("parameters", [])]
            body = list(op.get("requestBody", {}).get("content", {}))
            ops.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": _code_spans(op.get("description", "")),
                        "params": params, "body": body})
    return render(request, "apidocs.html", ops=ops, info=schema.get("info", {}))


def _code_spans(text: str) -> Markup:
    """A docstring's ``code`` and `code` spans as <code>, the rest escaped (the reference
    showed the backticks as they are written)."""
    return Markup(_CODE.sub(lambda m: f"<code>{m.group(1) or m.group(2)}</code>",
                            str(escape(text))))


_CODE = re.compile(r"``(.+?)``|`([^`]+)`")


def _type_of(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " | ".join(_type_of(s) for s in schema["anyOf"] if s.get("type") != "null")
    t = schema.get("type", "")
    if "pattern" in schema:
        choices = schema["pattern"].strip("^$")
        if choices.startswith("(") and choices.endswith(")"):
            choices = choices[1:-1]
        t += f" ({choices.replace('|', ', ')})"
    return t


@public.get("/login", response_class=HTMLResponse)
def login_page(request: Request):
    return render(request, "login.html", failed=False)


@public.post("/login", response_class=HTMLResponse)
def login(request: Request, token: Annotated[str, Form(max_length=500)]):
    s = request.app.state.settings
    if not token_ok(token, s.token):
        return render(request, "login.html", 403, failed=True)
    resp = RedirectResponse("/", status_code=303)
    resp.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                    secure=request.url.scheme == "https")
    return resp
