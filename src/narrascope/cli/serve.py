"""narrascope serve: the web app and HTTP API over the store."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from . import EXIT_OK, add_common, warn, whole_number
from ..errors import NarrascopeError


def add_parser(sub) -> None:
    p = sub.add_parser("serve", help="serve the web app and HTTP API",
                       description="Serve the dashboard, article pages, search and the HTTP "
                                   "API (/docs) over the store. Writes need NARRASCOPE_TOKEN.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--closed-reads", action="store_true",
                   help="reading pages and API also needs the token (default: reads are open)")
    p.add_argument("--max-upload", type=whole_number(1), default=20_000_000, metavar="BYTES",
                   help="largest request body on write endpoints (default: 20000000)")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="server processes (default: 1); each keeps its own index in memory")
    p.add_argument("--allow-private", action="store_true",
                   help="let submitted URLs point at loopback, private and link-local addresses")
    add_common(p)
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        import uvicorn

        from ..web import create_app
    except ImportError as e:
        raise NarrascopeError(f"the web app needs its extra ({e.name} is missing); install "
                              "it with: pip install 'narrascope[web]'") from None
    from ..settings import default_db_path, fetch_timeout, get
    from ._run import setting

    setting(fetch_timeout, "NARRASCOPE_FETCH_TIMEOUT", "seconds")  # a bad value fails here

    token = os.environ.get("NARRASCOPE_TOKEN") or None
    reads = get("NARRASCOPE_READS").strip().lower()
    if reads not in ("open", "closed"):
        raise NarrascopeError(f"NARRASCOPE_READS is {reads!r}; allowed: open, closed")
    args.closed_reads = args.closed_reads or reads == "closed"
    if args.closed_reads and not token:
        raise NarrascopeError("--closed-reads needs NARRASCOPE_TOKEN set (the token readers "
                              "must give)")
    if not 0 < args.port < 65536:
        raise NarrascopeError(f"bad --port {args.port}; use 1-65535")
    if not token:
        warn(args, "NARRASCOPE_TOKEN is not set: adding articles is disabled")
    if not 1 <= args.workers <= 64:
        raise NarrascopeError(f"bad --workers {args.workers}; use 1-64")
    _check_listen(args.host, args.port)
    db_path = Path(args.db or default_db_path()).expanduser()
    if not db_path.exists():
        warn(args, f"no store at {db_path} yet: serving an empty one (check --db if you "
                   "expected articles)")
    options = {"db_path": str(db_path), "token": token,
               "open_reads": not args.closed_reads, "max_upload_bytes": args.max_upload,
               "allow_private": args.allow_private}
    common = dict(host=args.host, port=args.port, server_header=False,
                  log_level="warning" if args.quiet else "info")
    if args.workers == 1:
        uvicorn.run(create_app(**options), **common)
    else:  # worker processes build the app themselves, from the options passed on
        os.environ[OPTIONS_ENV] = json.dumps(options)
        uvicorn.run("narrascope.cli.serve:app_from_env", factory=True, workers=args.workers,
                    **common)
    return EXIT_OK


def _check_listen(host: str, port: int) -> None:
    """Bind ``host:port`` once before the server starts, so a port in use or an address
    this machine does not have is one line, not uvicorn's log of a failed startup."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise NarrascopeError(f"--host {host}: not an address of this machine ({e.strerror}); "
                              "use 127.0.0.1, 0.0.0.0 or one of its addresses") from None
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as e:
            raise NarrascopeError(f"cannot listen on {host}:{port} ({e.strerror}); pick "
                                  "another --port, or --host 127.0.0.1") from None


#: how ``serve --workers N`` hands its options to the worker processes
OPTIONS_ENV = "_NARRASCOPE_SERVE_OPTIONS"


def app_from_env():
    """The app a worker process serves (``serve --workers N``)."""
    from ..web import create_app

    return create_app(**json.loads(os.environ[OPTIONS_ENV]))
