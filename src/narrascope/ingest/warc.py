"""WARC web archives (``.warc``, ``.warc.gz``), such as Common Crawl's news crawl.

Every ``response`` record with HTTP status 200 and an HTML content type becomes an HTML
item: ``url`` is the record's ``WARC-Target-URI``, ``published`` its ``WARC-Date`` (the
capture time, close to publication in a news crawl), ``source`` is ``path#offset`` (the
record's byte offset in the file, where ``warcio extract`` finds it again). Other records
(requests, metadata, redirects, images) are passed over quietly.

Archives are streamed, so a file of any size is read; each record's body is capped at
``opts.max_bytes``. A truncated or corrupt archive yields the records read before the
damage, then one :class:`InputError` for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError
from .base import IngestOptions, ItemOrError, register_reader
from .html import charset_of, html_item

__all__ = ["read_warc"]

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_DRAIN = 1 << 20


def _html_body(record: Any, opts: IngestOptions) -> tuple[bytes | None, str]:
    """``(body, content type)`` of an HTML page record (``body`` None when it is over the
    size cap); ``(None, "")`` for any other record. Reads the record to its end and raises
    :class:`_Truncated` when it is shorter than its header says."""
    body, ctype = None, ""
    if (record.rec_type == "response" and record.http_headers is not None
            and record.http_headers.get_statuscode() == "200"):
        ctype = record.http_headers.get_header("Content-Type") or ""
        if ctype.split(";", 1)[0].strip().lower() in _HTML_TYPES:
            body = record.content_stream().read(opts.max_bytes + 1)
        else:
            ctype = ""
    while record.raw_stream.read(_DRAIN):
        pass
    if getattr(record.raw_stream, "limit", 0):
        raise _Truncated()
    if body is not None and len(body) > opts.max_bytes:
        body = None
    return body, ctype


class _Truncated(Exception):
    """A record's block is shorter than its ``Content-Length``."""


def _page_item(record: Any, body: bytes | None, ctype: str, source: str,
               opts: IngestOptions) -> ItemOrError:
    if body is None:
        return InputError(source, f"record body is over the {opts.max_bytes:,}-byte limit "
                                  "(set NARRASCOPE_MAX_BYTES to raise it)", "too large")
    try:
        uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<> ") or None
        return html_item(body, source, url=uri,
                         declared_charset=charset_of(ctype),
                         published=record.rec_headers.get_header("WARC-Date"))
    except InputError as e:
        return e


@register_reader("warc", (".warc", ".warc.gz"))
def read_warc(path: Path, opts: IngestOptions) -> Iterator[ItemOrError]:
    from warcio.archiveiterator import ArchiveIterator

    src = str(path)
    try:
        size = path.stat().st_size
        fh = path.open("rb")
    except OSError as e:
        yield InputError(src, f"cannot read file ({e.strerror})", "unreadable")
        return
    if size == 0:
        fh.close()
        yield InputError(src, "file is empty", "empty")
        return
    records = pages = passed = 0
    # a page is passed on only once the next record starts cleanly: a wrong length shows
    # at the next record's boundary, and the page it spoilt is then dropped
    pending: ItemOrError | None = None
    with fh:
        archive = ArchiveIterator(fh)
        archive.INC_RECORD = ""  # warcio prints a warning on a bad record boundary: we report it
        try:
            for record in archive:
                if archive.err_count:
                    raise _Truncated()
                if pending is not None:
                    yield pending
                    pending, passed = None, passed + 1
                records += 1
                body, ctype = _html_body(record, opts)
                if ctype:
                    pages += 1
                    pending = _page_item(record, body, ctype,
                                         f"{src}#{archive.get_record_offset()}", opts)
            damaged = archive.err_count > 0 or archive.offset < size
        except _Truncated:
            damaged = True
        except Exception as e:  # warcio and gzip raise assorted errors on damaged input
            if records == 0:
                yield InputError(src, f"not a readable WARC archive ({type(e).__name__}); "
                                      "allowed: WARC 1.0/1.1, plain or gzipped", "corrupt")
                return
            damaged = True
    if damaged:
        yield InputError(src, f"archive is truncated or corrupt; the {passed} page(s) before "
                              "the damage were read", "corrupt")
    elif pending is not None:
        yield pending
    elif pages == 0:
        yield InputError(src, f"archive holds no HTML page (no status-200 text/html response "
                              f"among its {records} record(s))", "no html")
