"""URLs: fetch a page, a feed or a text file over HTTP(S), defensively.

A URL a user (or a feed) names may point anywhere, including at services on the user's
own machine or network, so every hop is checked before it is requested:

* only ``http`` and ``https``;
* the host is resolved once and *every* address it resolves to must be public: loopback,
  private, link-local, multicast, reserved, unspecified and other non-global addresses
  (IPv4 and IPv6, IPv4-mapped and 6to4/Teredo-embedded IPv4 included) are refused unless
  ``opts.allow_private``; the connection then goes to the address that was checked, so a
  second lookup cannot swap it (DNS rebinding);
* redirects are followed by hand (at most :data:`MAX_REDIRECTS`), each hop checked again;
* ``opts.timeout`` bounds the host name lookup, the connect, every read, and the whole
  fetch;
* the body is streamed and dropped once it passes ``opts.max_bytes`` (after
  decompression, so a small gzip bomb is no way round the cap).

Environment proxies are not used: a proxy would resolve the host itself, out of the
guard's sight. Every failure is one :class:`~narrascope.errors.InputError` naming the URL,
with a short reason ("timeout", "too large", "blocked address", "http 404", "not html").
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator
from urllib.parse import quote, urljoin, urlsplit

from .. import __version__
from ..errors import InputError
from ..model import RawItem
from .base import IngestOptions, ItemOrError, decode, looks_binary
from .html import charset_of, decode_html, html_item

__all__ = ["read_url", "fetch", "Fetched", "blocked_kind", "MAX_REDIRECTS"]

MAX_REDIRECTS = 5
_CHUNK = 65_536
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# what stays as it is in a request target: reserved characters and existing %-escapes
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"

# The properties that make an address unfit to fetch, in the order they are reported.
_BLOCKED_KINDS: tuple[tuple[str, str], ...] = (
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_reserved", "reserved"),
    ("is_private", "private"),
)

# Media types we read, and what they are read as; anything else is refused.
_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": "feed",
    "text/xml": "feed",
    "text/plain": "text",
}
# Media types that say nothing about the body: sniff it.
_UNTYPED = frozenset({"", "application/octet-stream", "binary/octet-stream"})


@dataclass(frozen=True)
class Fetched:
    """A successful download: the final URL after redirects and the (decoded) body."""

    url: str
    media_type: str
    charset: str | None
    body: bytes


def blocked_kind(address: str) -> str | None:
    """Why ``address`` must not be fetched ("loopback", "private", ...), or None when it is
    a public address. IPv4 addresses embedded in IPv6 ones are judged as themselves."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or (ip.teredo[1] if ip.teredo else None) or ip.sixtofour
        if embedded is not None:
            return blocked_kind(str(embedded))
    for attr, kind in _BLOCKED_KINDS:
        if getattr(ip, attr):
            return kind
    return None if ip.is_global else "non-global"


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to a host name that connects to an address checked beforehand."""

    def __init__(self, host: str, port: int, addresses: list[str], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses
        #: the socket, kept after ``http.client`` hands it to a response and forgets it
        self.live_sock: socket.socket | None = None

    def connect(self) -> None:
        err: OSError | None = None
        for addr in self._addresses:
            try:
                self.sock = self.live_sock = socket.create_connection((addr, self.port),
                                                                      self.timeout)
                return
            except OSError as e:
                err = e
        raise err or OSError("no address to connect to")


class _PinnedHTTPS(_PinnedHTTP):
    default_port = 443

    def connect(self) -> None:
        super().connect()
        self.sock = self.live_sock = ssl.create_default_context().wrap_socket(
            self.sock, server_hostname=self.host)


_CONNECTIONS: dict[str, type[_PinnedHTTP]] = {"http": _PinnedHTTP, "https": _PinnedHTTPS}


class _Deadline:
    """The time left of one fetch; raises ``socket.timeout`` once it is spent."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise socket.timeout("deadline")
        return left


def _lookup(host: str, port: int, seconds: float) -> list:
    """``socket.getaddrinfo`` within ``seconds`` (the resolver has no timeout of its own; a
    lookup that hangs is left to finish in a daemon thread)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except Exception as e:  # handed to the caller's thread
            box["error"] = e

    thread = threading.Thread(target=run, name="narrascope-dns", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"lookup of {host} still running")
    if "error" in box:
        raise box["error"]
    return box["infos"]


def _resolve(url: str, source: str, opts: IngestOptions, deadline: _Deadline
             ) -> tuple[str, str, int, list[str]]:
    """Scheme, host, port and the checked addresses of one hop."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _CONNECTIONS:
        raise InputError(source, f"cannot fetch {url!r} (allowed: http and https URLs)",
                         "bad url")
    try:
        host, port = parts.hostname, parts.port or _CONNECTIONS[scheme].default_port
    except ValueError:
        raise InputError(source, f"bad port in {url!r}", "bad url") from None
    if not host:
        raise InputError(source, f"no host in {url!r}", "bad url")
    try:  # an internationalised name goes on the wire (and to the resolver) as punycode
        host = host if host.isascii() else host.encode("idna").decode("ascii")
    except UnicodeError:
        raise InputError(source, f"bad host name in {url!r}", "bad url") from None
    try:
        infos = _lookup(host, port, deadline.left())
    except TimeoutError:
        raise InputError(source, f"looking up host {host!r} took over {opts.timeout:g} s",
                         "timeout") from None
    except (socket.gaierror, UnicodeError) as e:
        raise InputError(source, f"cannot resolve host {host!r} ({e})", "dns") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not opts.allow_private:
        for addr in addresses:
            if kind := blocked_kind(addr):
                via = f"redirected to {url}: " if url != source else ""
                raise InputError(source, f"{via}{host} resolves to {addr}, a {kind} address "
                                         "(allowed: public addresses; --allow-private lifts "
                                         "this)", "blocked address")
    return scheme, host, port, addresses


def _read_body(resp: http.client.HTTPResponse, conn: _PinnedHTTP, source: str,
               opts: IngestOptions, deadline: _Deadline) -> bytes:
    """The response body, decompressed, within the size cap and the deadline."""
    too_large = InputError(source, f"response is over the {opts.max_bytes:,}-byte limit "
                                   "(set NARRASCOPE_MAX_BYTES to raise it)", "too large")
    length = resp.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > opts.max_bytes:
        raise too_large
    encoding = (resp.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise InputError(source, f"unsupported content encoding {encoding!r} (allowed: "
                                 "identity, gzip, deflate)", "bad response")
    inflate = zlib.decompressobj(47) if encoding != "identity" else None  # gzip or zlib
    out = bytearray()
    while True:
        left = min(opts.timeout, deadline.left())
        if conn.live_sock is not None:
            conn.live_sock.settimeout(left)
        chunk = resp.read1(_CHUNK) if hasattr(resp, "read1") else resp.read(_CHUNK)
        if not chunk:
            break
        if inflate is not None:
            room = opts.max_bytes - len(out) + 1
            try:
                chunk = inflate.decompress(chunk, room)
            except zlib.error:
                raise InputError(source, "response body is not valid gzip/deflate data",
                                 "bad response") from None
            if inflate.unconsumed_tail:
                raise too_large
        out += chunk
        if len(out) > opts.max_bytes:
            raise too_large
    return bytes(out)


def _hop(url: str, source: str, opts: IngestOptions, deadline: _Deadline
         ) -> tuple[int, str | None, Fetched | None]:
    """One request: ``(status, redirect location, result)``."""
    scheme, host, port, addresses = _resolve(url, source, opts, deadline)
    parts = urlsplit(url)
    target = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                   safe=_URL_SAFE)
    conn = _CONNECTIONS[scheme](host, port, addresses, min(opts.timeout, deadline.left()))
    try:
        conn.request("GET", target, headers={
            "User-Agent": f"narrascope/{__version__}",
            "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
                      "application/atom+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.1",
            "Accept-Encoding": "gzip",
        })
        resp = conn.getresponse()
        if resp.status in _REDIRECTS:
            return resp.status, resp.getheader("Location"), None
        if not 200 <= resp.status < 300:
            return resp.status, None, None
        ctype = resp.getheader("Content-Type") or ""
        body = _read_body(resp, conn, source, opts, deadline)
        media = ctype.split(";", 1)[0].strip().lower()
        return resp.status, None, Fetched(url, media, charset_of(ctype), body)
    finally:
        conn.close()
        if conn.live_sock is not None:  # a response may still hold it
            conn.live_sock.close()


def fetch(url: str, opts: IngestOptions, source: str | None = None) -> Fetched:
    """Download ``url`` under the guard; :class:`InputError` (naming ``source``, by default
    the URL) on any failure."""
    source = source or url
    if not opts.fetch:
        raise InputError(source, "fetching URLs is turned off for this run", "not fetched")
    deadline = _Deadline(opts.timeout)
    current = url
    try:
        for _ in range(MAX_REDIRECTS + 1):
            status, location, fetched = _hop(current, source, opts, deadline)
            if fetched is not None:
                return fetched
            if location is None:
                reason = "no location" if status in _REDIRECTS else f"http {status}"
                raise InputError(source, f"server answered HTTP {status}"
                                 + (" without a Location" if status in _REDIRECTS else ""),
                                 reason)
            current = urljoin(current, location.strip())
        raise InputError(source, f"more than {MAX_REDIRECTS} redirects", "too many redirects")
    except (socket.timeout, TimeoutError):
        raise InputError(source, f"no complete answer within {opts.timeout:g} s "
                                 "(set NARRASCOPE_FETCH_TIMEOUT to wait longer)",
                         "timeout") from None
    except ssl.SSLError as e:
        raise InputError(source, f"TLS failed ({e.reason or e})", "tls") from None
    except (http.client.HTTPException, ConnectionError) as e:
        raise InputError(source, f"bad or broken response ({type(e).__name__})",
                         "bad response") from None
    except OSError as e:
        raise InputError(source, f"cannot connect ({e.strerror or e})", "unreachable") from None


def _sniff(body: bytes) -> str | None:
    """What an untyped body is: "html", "feed", "text", or None for binary data."""
    if looks_binary(body):
        return None
    head = body[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")):
        return "feed"
    return "text"


def _as_html(f: Fetched, source: str, opts: IngestOptions) -> Iterator[ItemOrError]:
    yield html_item(f.body, source, url=f.url, declared_charset=f.charset)


def _as_feed(f: Fetched, source: str, opts: IngestOptions) -> Iterator[ItemOrError]:
    from .feed import parse_feed

    yield from parse_feed(f.body, source, opts, base_url=f.url)


def _as_text(f: Fetched, source: str, opts: IngestOptions) -> Iterator[ItemOrError]:
    text = decode_html(f.body, source, f.charset) if f.charset else decode(f.body, source)
    if not text.strip():
        raise InputError(source, "response is blank", "empty")
    yield RawItem(source=source, text=text, url=f.url, scraped=True, title_first_line=True)


_HANDLERS: dict[str, Callable[[Fetched, str, IngestOptions], Iterator[ItemOrError]]] = {
    "html": _as_html, "feed": _as_feed, "text": _as_text}


def read_url(url: str, opts: IngestOptions, *, feeds: bool = True) -> Iterator[ItemOrError]:
    """The items at ``url``: one page or text, or every entry of a feed (unless ``feeds``
    is False, as for the links inside a feed). Failures are yielded, not raised."""
    try:
        fetched = fetch(url, opts)
        kind = _KINDS.get(fetched.media_type)
        if kind is None and fetched.media_type in _UNTYPED:
            kind = _sniff(fetched.body)
        if kind is None or (kind == "feed" and not feeds):
            what = fetched.media_type or "untyped binary data"
            allowed = "HTML or plain text" if not feeds else "HTML, RSS/Atom or plain text"
            raise InputError(url, f"content type {what} is not an article (allowed: {allowed})",
                             "not html")
        for item in _HANDLERS[kind](fetched, url, opts):
            yield replace(item, url=item.url or fetched.url) if isinstance(item, RawItem) else item
    except InputError as e:
        yield e
