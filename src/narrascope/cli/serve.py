"""narrascope serve: the web app and HTTP API over the store."""

from __future__ import annotations

import os

from . import EXIT_OK, add_common, warn
from ..errors import NarrascopeError


def add_parser(sub) -> None:
    p = sub.add_parser("serve", help="serve the web app and HTTP API",
                       description="Serve the dashboard, article pages, search and the HTTP "
                                   "API (/docs) over the store. Writes need NARRASCOPE_TOKEN.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--closed-reads", action="store_true",
                   help="reading pages and API also needs the token (default: reads are open)")
    p.add_argument("--max-upload", type=int, default=20_000_000, metavar="BYTES",
                   help="largest request body on write endpoints (default: 20000000)")
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
    from ..settings import default_db_path

    token = os.environ.get("NARRASCOPE_TOKEN") or None
    if args.closed_reads and not token:
        raise NarrascopeError("--closed-reads needs NARRASCOPE_TOKEN set (the token readers "
                              "must give)")
    if not 0 < args.port < 65536:
        raise NarrascopeError(f"bad --port {args.port}; use 1-65535")
    if not token:
        warn(args, "NARRASCOPE_TOKEN is not set: adding articles is disabled")
    app = create_app(args.db or default_db_path(), token=token,
                     open_reads=not args.closed_reads, max_upload_bytes=args.max_upload,
                     allow_private=args.allow_private)
    uvicorn.run(app, host=args.host, port=args.port,
                log_level="warning" if args.quiet else "info", server_header=False)
    return EXIT_OK
