"""Bad inputs through the command line: each is one line on stderr naming the input and
the reason, the batch goes on, the summary counts skips by reason, the exit code says
some were skipped, and nothing stored before is lost (not even when the process is
killed mid-batch)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from narrascope.cli import main
from narrascope.store import Store

from support import FIXTURES
from test_ingest_formats import write_warc

ARTICLE = ("Kharkiv tram service resumes\n\nTrams returned to the streets of Kharkiv on "
           "Monday for the first time since the autumn, the city council said, after "
           "engineers repaired overhead lines damaged in recent strikes.\n")


#: what the one-line error for each reason says, in words
SAYS = {"empty": "file is empty", "binary": "binary file", "too large": "-byte limit",
        "no text": "no article text", "not a feed": "not an RSS or Atom feed",
        "corrupt": "truncated or corrupt", "timeout": "no complete answer within 0.5 s"}


class _Stall(BaseHTTPRequestHandler):
    """Accepts a request and answers nothing for ``server.stall`` seconds."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        time.sleep(self.server.stall)  # type: ignore[attr-defined]
        try:
            self.send_response(204)
            self.end_headers()
        except OSError:
            pass


@pytest.fixture
def stalling_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Stall)
    httpd.daemon_threads = True
    httpd.stall = 3.0  # type: ignore[attr-defined]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _bad_inputs(tmp: Path) -> dict[str, tuple[Path, str]]:
    """Each bad input: its path and the reason it should be skipped for (the summary's
    word for it; :data:`SAYS` has the words its error line uses)."""
    empty = tmp / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    huge = tmp / "huge.txt"
    with huge.open("wb") as fh:  # sparse: 100 MB on paper, nothing on disk
        fh.truncate(100 * 1024 * 1024)
    no_article = tmp / "login.html"
    no_article.write_bytes((FIXTURES / "ingest" / "no-article.html").read_bytes())
    not_xml = tmp / "news.rss"
    not_xml.write_text("This was meant to be a feed, but it is a note about a feed.\n")
    warc = write_warc(tmp / "crawl.warc.gz", gz=True)
    data = warc.read_bytes()
    warc.write_bytes(data[: int(len(data) * 0.6)])
    return {"empty": (empty, "empty"), "binary": (binary, "binary"),
            "huge": (huge, "too large"), "no article": (no_article, "no text"),
            "not xml": (not_xml, "not a feed"), "truncated warc": (warc, "corrupt")}


def test_bad_inputs_are_skipped_one_line_each(tmp_path, capsys, monkeypatch, stalling_server):
    db = str(tmp_path / "bad.db")
    bad_dir = tmp_path / "in"
    bad_dir.mkdir()
    bad = _bad_inputs(bad_dir)
    good = bad_dir / "tram.txt"
    good.write_text(ARTICLE)
    latin = bad_dir / "latin.txt"  # invalid UTF-8: decoded as Windows-1252, still ingested
    latin.write_bytes("Café owners in Odesa count the cost\n\nThe owners of a café near the "
                      "port said the blast wave broke every window – again.\n".encode("cp1252"))
    earlier = tmp_path / "earlier.txt"
    earlier.write_text(ARTICLE.replace("Monday", "Tuesday"))
    assert main(["ingest", str(earlier), "--db", db, "-q"]) == 0
    capsys.readouterr()

    monkeypatch.setenv("NARRASCOPE_FETCH_TIMEOUT", "0.5")
    slow_url = f"http://127.0.0.1:{stalling_server.server_address[1]}/slow-story"
    sources = [str(p) for p, _ in bad.values()] + [str(good), str(latin), slow_url]
    code = main(["ingest", *sources, "--db", db, "--allow-private"])
    err = capsys.readouterr().err
    lines = err.splitlines()

    assert code == 1  # some skipped, some stored
    expected = {str(p): reason for p, reason in bad.values()} | {slow_url: "timeout"}
    for source, reason in expected.items():
        mentions = [ln for ln in lines if ln.startswith(f"narrascope: {source}: ")]
        assert len(mentions) == 1, f"not one error line for {source}:\n{err}"
        assert SAYS[reason] in mentions[0], mentions[0]
    summary = next(ln for ln in lines if "input(s) skipped" in ln)
    assert summary.startswith(f"narrascope: {len(expected)} input(s) skipped: ")
    for reason in set(expected.values()):
        assert f" {reason}" in summary, summary
    assert "3 article(s) added" in err  # tram, latin, and the first record of the WARC

    with Store(db) as store:
        texts = [d.text for d in store.iter_documents()]
    assert len(texts) == 4
    assert any("Tuesday" in t for t in texts)  # stored before the bad batch: still there
    assert any("café near the port" in t and "window – again" in t for t in texts)


def test_huge_file_is_refused_without_being_read(tmp_path, capsys):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    code = main(["ingest", str(huge), "--db", str(tmp_path / "x.db")])
    err = capsys.readouterr().err
    assert code == 3
    assert f"{huge}: file is 104,857,600 bytes, over the 50,000,000-byte limit" in err
    assert huge.stat().st_blocks == 0  # still sparse: nothing was read or written


def test_killed_mid_batch_keeps_what_was_stored(tmp_path, stalling_server):
    """A batch of files then a URL that hangs: kill the process while it waits, and the
    store opens and holds every article read before the kill."""
    folder = tmp_path / "batch"
    folder.mkdir()
    n = 40
    for i in range(n):
        (folder / f"{i:03d}.txt").write_text(
            f"Report {i} from the southern front\n\nUnit {i} reported {i * 3 + 7} drone "
            f"sightings near the river on day {i}, according to a military spokesman.\n")
    stalling_server.stall = 120  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{stalling_server.server_address[1]}/hang"
    db = tmp_path / "kill.db"
    env = dict(os.environ, NARRASCOPE_FETCH_TIMEOUT="120")
    proc = subprocess.Popen([sys.executable, "-m", "narrascope", "ingest", str(folder), url,
                             "--db", str(db), "--allow-private", "-q"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        count = 0
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    with sqlite3.connect(db, timeout=1) as con:
                        count = con.execute("SELECT count(*) FROM documents").fetchone()[0]
                except sqlite3.Error:
                    count = 0
                if count == n:
                    break
            time.sleep(0.1)
        assert proc.poll() is None, "the batch ended before it reached the hanging URL"
        assert count == n
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with Store(db) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = list(store.iter_documents())
    assert len(docs) == n
    assert {d.title for d in docs} == {f"Report {i} from the southern front" for i in range(n)}
