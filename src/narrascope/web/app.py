"""The FastAPI application: the HTTP API under ``/api/``, server-rendered pages, static
files, security headers and JSON errors.

``create_app(db_path, token=..., open_reads=...)`` builds one app over one store file.
Write endpoints need ``Authorization: Bearer <token>``; with no token configured they
are refused. Reads are open unless ``open_reads`` is False, in which case they need the
same token (a header, or the cookie the login page sets).
"""

from __future__ import annotations

import hmac
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import NarrascopeError
from ..ingest import IngestOptions
from .queries import Database
from .submit import Jobs

__all__ = ["create_app", "WebSettings", "CSP"]

#: Content-Security-Policy of every response: scripts only from this server's own files
#: (nothing inline, no eval), styles only from its stylesheet, no plugins, no framing,
#: forms post only here.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; "
       "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
#: The same for pages with charts, except that styles may be inline: plotly.js styles
#: its charts through ``style`` attributes. That lets no script run, and every value a
#: page prints is escaped.
CSP_CHARTS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
#: the response header a page sets to get ``CSP_CHARTS`` (removed before sending)
CHARTS_MARK = b"x-narrascope-charts"

_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

COOKIE = "narrascope_token"


@dataclass(frozen=True)
class WebSettings:
    token: str | None = None
    open_reads: bool = True
    #: largest request body accepted on write endpoints (uploads included), in bytes
    max_upload_bytes: int = 20_000_000
    #: most inputs (texts + URLs + files) in one submission
    max_items: int = 500
    allow_private: bool = False
    fetch_timeout: float = 20.0


class SecurityHeaders:
    """ASGI middleware: security headers and a ``Server-Timing`` header on every response;
    request bodies over the upload limit are refused with 413 before they are read."""

    def __init__(self, app, max_body: int) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        started = time.perf_counter()

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                given = message.get("headers", [])
                charts = any(h[0].lower() == CHARTS_MARK for h in given)
                headers = [h for h in given
                           if h[0].lower() not in (b"content-security-policy", CHARTS_MARK)]
                # the time the app took, for benchmarks and browsers' developer tools
                took = (time.perf_counter() - started) * 1000
                message["headers"] = headers + _HEADERS + [
                    (b"content-security-policy", (CSP_CHARTS if charts else CSP).encode()),
                    (b"server-timing", f"app;dur={took:.1f}".encode())]
            await send(message)

        if scope["method"] in ("POST", "PUT", "PATCH"):
            length = dict(scope["headers"]).get(b"content-length")
            too_big = length is not None and (not length.isdigit() or int(length) > self.max_body)
            if too_big:
                resp = JSONResponse(status_code=413, content={
                    "error": f"request body is over the {self.max_body:,}-byte limit; send "
                             "fewer or smaller files per request", "status": 413})
                return await resp(scope, receive, send_with_headers)
            receive = _capped(receive, self.max_body)
        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    pass


def _capped(receive, limit: int):
    seen = 0

    async def wrapped():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge()
        return message

    return wrapped


def bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def token_ok(given: str | None, token: str | None) -> bool:
    return bool(given and token and hmac.compare_digest(given.encode(), token.encode()))


def create_app(db_path: str | Path, *, token: str | None = None, open_reads: bool = True,
               max_upload_bytes: int = 20_000_000, allow_private: bool = False,
               analysers: Callable[[], Sequence[str]] | None = None) -> FastAPI:
    """The web app over the store at ``db_path``. ``analysers`` names what runs on new
    articles (default: the pipeline's default analysers)."""
    from ..pipeline import default_analysers
    from ..settings import fetch_timeout
    from . import api, pages

    settings = WebSettings(token or None, open_reads, max_upload_bytes,
                           allow_private=allow_private, fetch_timeout=fetch_timeout())
    db = Database(db_path)
    opts = IngestOptions(max_bytes=max_upload_bytes, timeout=settings.fetch_timeout,
                         allow_private=allow_private)
    jobs = Jobs(db, opts, analysers or default_analysers)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # build the facet index while the server starts listening, not at the first page
        warm = threading.Thread(target=_warm, args=(db,), name="narrascope-index", daemon=True)
        warm.start()
        yield
        jobs.close()
        # closing SQLite connections under a thread still reading them crashes the
        # process: wait for the index build; if it is still going, the exiting process
        # takes the connections with it
        warm.join(timeout=30)
        if not warm.is_alive():
            db.close()

    app = FastAPI(title="narrascope", version=_version(), docs_url=None, redoc_url=None,
                  lifespan=lifespan,
                  description="Propaganda narratives, framing, quotes, persuasion techniques "
                              "and copies in news articles: the HTTP API.")
    app.state.db = db
    app.state.jobs = jobs
    app.state.settings = settings
    app.state.templates = pages.templates()
    app.add_middleware(SecurityHeaders, max_body=max_upload_bytes)
    static = Path(str(files("narrascope.web") / "static"))
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js():
        """plotly.js as the installed ``plotly`` package ships it (no CDN, nothing vendored)."""
        path = Path(str(files("plotly") / "package_data" / "plotly.min.js"))
        return FileResponse(path, media_type="text/javascript",
                            headers={"cache-control": "public, max-age=86400"})

    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(pages.public)
    _error_handlers(app)
    return app


def _warm(db: Database) -> None:
    """Build the facet index; a server stopped meanwhile just ends it."""
    try:
        db.reader()
    except Exception:
        pass


def _version() -> str:
    from .. import __version__

    return __version__


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error_handlers(app: FastAPI) -> None:
    from .pages import error_page

    def respond(request: Request, status: int, message: str, headers=None):
        if wants_json(request):
            return JSONResponse(status_code=status, headers=headers,
                                content={"error": message, "status": status})
        return error_page(request, status, message, headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page or endpoint: {request.url.path}"
        if exc.status_code == 405:
            message = f"method {request.method} is not allowed on {request.url.path}"
        return respond(request, exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        parts = []
        for e in exc.errors()[:5]:
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
            parts.append(f"{e.get('loc', ('',))[0]} parameter {where!r}: {e.get('msg')}")
        return respond(request, 422, "; ".join(parts) or "invalid request")

    @app.exception_handler(NarrascopeError)
    async def narrascope_error(request: Request, exc: NarrascopeError):
        return respond(request, 400, str(exc))

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge):
        limit = request.app.state.settings.max_upload_bytes
        return respond(request, 413, f"request body is over the {limit:,}-byte limit; send "
                                     "fewer or smaller files per request")


def json_error(status: int, message: str, headers: dict[str, Any] | None = None):
    return JSONResponse(status_code=status, headers=headers,
                        content={"error": message, "status": status})


def html_response(body: str, status: int = 200, headers=None) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=headers)
