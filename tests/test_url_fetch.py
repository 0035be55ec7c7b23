"""URL fetching against a real HTTP server on 127.0.0.1 (so every fetch here needs
``allow_private``, and the guard is tested by leaving it off)."""

from __future__ import annotations

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from narrascope.errors import InputError
from narrascope.ingest import IngestOptions, iter_sources
from narrascope.ingest.url import blocked_kind, fetch, read_url
from narrascope.model import RawItem

from support import FIXTURES

PAGE = (FIXTURES / "ingest" / "article.html").read_bytes()
FEED = (FIXTURES / "ingest" / "frontline.rss").read_bytes()
TEXT = ("Night shelling damages a bridge in Sumy\n\nA road bridge on the edge of Sumy was "
        "damaged by shelling overnight, the regional governor said.").encode()


class _Handler(BaseHTTPRequestHandler):
    """Routes: each path answers one way; ``/redirect-*`` redirect elsewhere."""

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
              headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        routes = {
            "/page": lambda: self._send(200, PAGE),
            "/gzip": lambda: self._send(200, gzip.compress(PAGE),
                                        headers={"Content-Encoding": "gzip"}),
            "/feed": lambda: self._send(200, self._local_feed(), "application/rss+xml"),
            "/teasers": lambda: self._send(200, self._teasers(), "application/rss+xml"),
            "/text": lambda: self._send(200, TEXT, "text/plain; charset=utf-8"),
            "/image": lambda: self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png"),
            "/redirect-page": lambda: self._send(302, headers={"Location": "/page"}),
            "/redirect-loop": lambda: self._send(302, headers={"Location": "/redirect-loop"}),
            "/redirect-blocked": lambda: self._send(
                301, headers={"Location": "http://[::ffff:10.0.0.1]/secret"}),
            "/slow": self._slow,
            "/dribble": self._dribble,
            "/huge": self._huge,
            "/bomb": lambda: self._send(200, gzip.compress(b" " * 3_000_000),
                                        headers={"Content-Encoding": "gzip"}),
        }
        if self.path.startswith("/pause/"):
            return self._pause()
        routes.get(self.path, lambda: self._send(404, b"not here", "text/plain"))()

    # concurrent requests to /pause/N, and the most seen at once
    busy, most_busy, lock = 0, 0, threading.Lock()

    def _pause(self) -> None:
        cls = type(self)
        with cls.lock:
            cls.busy += 1
            cls.most_busy = max(cls.most_busy, cls.busy)
        time.sleep(0.3)
        with cls.lock:
            cls.busy -= 1
        self._send(200, PAGE.replace(b"Istanbul", self.path.encode()))

    def _local_feed(self) -> bytes:
        """The RSS fixture with its teaser entry linking to this server's page."""
        here = f"http://127.0.0.1:{self.server.server_address[1]}/page"
        return FEED.replace(b"https://frontline-wire.example/kyiv-drone-debris", here.encode())

    def _teasers(self) -> bytes:
        """A feed of eight teaser entries, each linking to a page that takes a moment."""
        here = f"http://127.0.0.1:{self.server.server_address[1]}"
        items = "".join(f"<item><title>Teaser {i}</title><link>{here}/pause/{i}</link>"
                        "<description>Short.</description></item>" for i in range(8))
        return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>{items}"
                "</channel></rss>").encode()

    def _slow(self) -> None:
        time.sleep(1.5)
        self._send(200, PAGE)

    def _dribble(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        for _ in range(30):
            self.wfile.write(b"<p>a little more</p>")
            self.wfile.flush()
            time.sleep(0.1)

    def _huge(self) -> None:  # no Content-Length: the cap must bite while streaming
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            for _ in range(64):
                self.wfile.write(b"<p>" + b"x" * 16_000 + b"</p>")
        except OSError:
            pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


OPEN = IngestOptions(allow_private=True, timeout=5.0)


def _one(url: str, opts: IngestOptions = OPEN):
    items = list(read_url(url, opts))
    assert len(items) == 1, items
    return items[0]


def test_fetches_an_html_page(server):
    item = _one(f"{server}/page")
    assert isinstance(item, RawItem) and item.source == f"{server}/page"
    assert item.url == f"{server}/page"  # the address it was fetched from
    assert "Grain corridor talks stall" in item.html


def test_gzip_body_is_decompressed(server):
    item = _one(f"{server}/gzip")
    assert isinstance(item, RawItem) and "Istanbul" in item.html


def test_redirect_is_followed_and_final_url_kept(server):
    item = _one(f"{server}/redirect-page")
    assert isinstance(item, RawItem) and item.url == f"{server}/page"
    assert item.source == f"{server}/redirect-page"


def test_plain_text_url_is_a_text_item(server):
    item = _one(f"{server}/text")
    assert isinstance(item, RawItem) and item.text.startswith("Night shelling")
    assert item.title_first_line


def test_feed_url_yields_its_entries(server):
    items = list(read_url(f"{server}/feed", OPEN))
    assert len(items) == 2
    # the first entry carries its article; the second only a teaser, so its link is fetched
    assert items[0].source == f"{server}/feed#1" and "forty volunteers" in items[0].html
    assert items[1].source == f"{server}/page" and "Istanbul" in items[1].html
    assert items[1].title == "Drone debris falls on a Kyiv suburb"  # the entry's own title
    assert items[1].published == "2024-03-06T05:10:00+00:00"


def test_loopback_refused_without_allow_private(server):
    err = _one(f"{server}/page", IngestOptions(timeout=5.0))
    assert isinstance(err, InputError) and err.reason == "blocked address"
    assert "loopback" in str(err) and str(err).startswith(f"{server}/page: ")


def test_redirect_to_blocked_address_refused(server, monkeypatch):
    # the first hop is allowed (the test server); the redirect target is private
    import narrascope.ingest.url as url_mod

    real = url_mod.blocked_kind
    monkeypatch.setattr(url_mod, "blocked_kind",
                        lambda a: None if a == "127.0.0.1" else real(a))
    err = _one(f"{server}/redirect-blocked", IngestOptions(timeout=5.0))
    assert isinstance(err, InputError) and err.reason == "blocked address"
    assert "private" in str(err)


def test_redirect_loop_stops(server):
    err = _one(f"{server}/redirect-loop")
    assert isinstance(err, InputError) and err.reason == "too many redirects"


def test_slow_server_times_out(server):
    err = _one(f"{server}/slow", IngestOptions(allow_private=True, timeout=0.5))
    assert isinstance(err, InputError) and err.reason == "timeout"


def test_dribbling_server_hits_the_overall_deadline(server):
    err = _one(f"{server}/dribble", IngestOptions(allow_private=True, timeout=1.0))
    assert isinstance(err, InputError) and err.reason == "timeout"


def test_oversized_body_refused(server):
    err = _one(f"{server}/huge", IngestOptions(allow_private=True, max_bytes=100_000))
    assert isinstance(err, InputError) and err.reason == "too large"


def test_gzip_bomb_capped_after_decompression(server):
    err = _one(f"{server}/bomb", IngestOptions(allow_private=True, max_bytes=1_000_000))
    assert isinstance(err, InputError) and err.reason == "too large"


def test_http_error_status(server):
    err = _one(f"{server}/missing")
    assert isinstance(err, InputError) and err.reason == "http 404"
    assert "404" in str(err)


def test_non_article_content_type_refused(server):
    err = _one(f"{server}/image")
    assert isinstance(err, InputError) and err.reason == "not html"


def test_fetch_off_refuses():
    with pytest.raises(InputError, match="turned off"):
        fetch("http://example.org/", IngestOptions(fetch=False))


def test_iter_sources_dispatches_urls(server):
    items = list(iter_sources([f"{server}/page"], OPEN))
    assert len(items) == 1 and isinstance(items[0], RawItem)


@pytest.mark.parametrize("url", ["ftp://example.org/file", "file:///etc/passwd",
                                 "http:///nohost"])
def test_only_http_urls(url):
    err = _one(url, IngestOptions())
    assert isinstance(err, InputError) and err.reason == "bad url"


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("172.16.0.9", "private"),
    ("192.168.1.1", "private"), ("169.254.169.254", "link-local"), ("0.0.0.0", "unspecified"),
    ("224.0.0.1", "multicast"), ("100.64.0.1", "non-global"), ("240.0.0.1", "reserved"),
    ("::1", "loopback"), ("::", "unspecified"), ("fe80::1%eth0", "link-local"),
    ("fc00::1", "private"), ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"),
    ("2002:7f00:1::", "loopback"),  # 6to4 wrapping 127.0.0.1
])
def test_blocked_addresses(address, kind):
    assert blocked_kind(address) == kind


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
                                     "::ffff:93.184.215.14"])
def test_public_addresses_pass(address):
    assert blocked_kind(address) is None


def test_non_ascii_path_is_percent_encoded(server):
    err = _one(f"{server}/новини/статья?q=мир")
    assert isinstance(err, InputError) and err.reason == "http 404"  # sent, and answered


def test_internationalised_host_name_goes_out_as_punycode(monkeypatch):
    import narrascope.ingest.url as url_mod

    asked = []

    def fake_getaddrinfo(host, port, **kw):
        asked.append(host)
        return [(None, None, None, "", ("127.0.0.1", port))]

    monkeypatch.setattr(url_mod.socket, "getaddrinfo", fake_getaddrinfo)
    err = _one("http://пример.испытание/", IngestOptions())
    assert asked == ["xn--e1afmkfd.xn--80akhbyknj4f"]
    assert err.reason == "blocked address"


def test_hanging_host_lookup_times_out(monkeypatch):
    import narrascope.ingest.url as url_mod

    def slow_getaddrinfo(host, port, **kw):
        time.sleep(2)
        return [(None, None, None, "", ("93.184.215.14", port))]

    monkeypatch.setattr(url_mod.socket, "getaddrinfo", slow_getaddrinfo)
    err = _one("http://slow-dns.example/", IngestOptions(timeout=0.3))
    assert isinstance(err, InputError) and err.reason == "timeout" and "looking up" in str(err)


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """An HTTPS server on 127.0.0.1 with a self-signed certificate for ``localhost``."""
    import shutil
    import ssl
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("the openssl command is needed to make a test certificate")
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=DNS:localhost"], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1], cert
    httpd.shutdown()
    httpd.server_close()


def test_https_with_an_untrusted_certificate_fails_as_tls(tls_server):
    port, _ = tls_server
    err = _one(f"https://localhost:{port}/page")
    assert isinstance(err, InputError) and err.reason == "tls"


def test_https_checks_the_host_name_while_connecting_to_the_checked_address(tls_server,
                                                                           monkeypatch):
    import ssl

    port, cert = tls_server
    trusting = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(ssl, "create_default_context", lambda *a, **kw: trusting)
    item = _one(f"https://localhost:{port}/page")
    assert isinstance(item, RawItem) and "Istanbul" in item.html
    # the certificate names localhost, not the address: a URL by address must fail
    err = _one(f"https://127.0.0.1:{port}/page")
    assert isinstance(err, InputError) and err.reason == "tls"


def test_teaser_links_are_fetched_a_few_at_a_time_in_feed_order(server):
    _Handler.most_busy = 0
    items = list(read_url(f"{server}/teasers", OPEN))
    assert [i.source for i in items] == [f"{server}/pause/{i}" for i in range(8)]
    assert [i.title for i in items] == [f"Teaser {i}" for i in range(8)]
    assert all(f"/pause/{i}" in item.html for i, item in enumerate(items))
    assert _Handler.most_busy >= 2
