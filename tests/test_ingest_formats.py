"""Every ingest format, read from fixtures written for these tests, then cleaned."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from narrascope.clean import clean
from narrascope.errors import InputError
from narrascope.ingest import IngestOptions, iter_sources
from narrascope.ingest.html import canonical_url, charset_of, decode_html
from narrascope.model import RawItem

from support import FIXTURES

INGEST = FIXTURES / "ingest"
OFFLINE = IngestOptions(fetch=False)


def _read(path: Path | str, opts: IngestOptions = OFFLINE):
    items = list(iter_sources([str(path)], opts))
    return ([i for i in items if isinstance(i, RawItem)],
            [e for e in items if isinstance(e, InputError)])


# --- HTML -------------------------------------------------------------------------------

def test_html_file_with_canonical_url_and_metadata():
    (item,), errors = _read(INGEST / "article.html")
    assert not errors
    assert item.html and item.text is None
    assert item.url == "https://harbour-ledger.example/world/grain-corridor-talks-stall"
    doc = clean(item).doc
    assert doc.title == "Grain corridor talks stall as shelling resumes near Odesa"
    assert doc.published == "2024-03-04" and doc.authors == ("Mira Kovalenko",)
    assert "Shipping insurers said premiums" in doc.text
    assert "All rights reserved" not in doc.text and "Subscribe" not in doc.text


def test_html_meta_charset_is_honoured():
    (item,), _ = _read(INGEST / "cp1251.html")
    assert "Энергетики восстанавливают подачу света" in item.html
    assert clean(item).doc.language == "ru"


def test_html_declared_charset_beats_meta_and_bad_utf8_falls_back():
    page = '<html><head><meta charset="utf-8"></head><body>Café</body></html>'
    assert "Café" in decode_html(page.encode("cp1252"), "x")  # lies about UTF-8
    assert "Café" in decode_html(page.encode("utf-8"), "x", declared="UTF-8")
    assert charset_of('text/html; charset="ISO-8859-1"') == "ISO-8859-1"
    assert charset_of("text/html") is None


def test_canonical_url_only_when_absolute():
    assert canonical_url('<head><link href="/rel" rel="canonical"></head>') is None
    assert canonical_url("<head><meta property='og:url' content='https://a.example/x'>"
                         "</head>") == "https://a.example/x"


def test_html_with_no_article_is_an_error_at_cleaning():
    (item,), _ = _read(INGEST / "no-article.html")
    with pytest.raises(InputError) as info:
        clean(item)
    assert info.value.reason == "no text"


# --- feeds ------------------------------------------------------------------------------

def test_rss_entry_with_content_and_teaser_entry():
    items, errors = _read(INGEST / "frontline.rss")
    (item,) = items
    assert item.source.endswith("frontline.rss#1")
    assert item.title == "Volunteers rebuild a school roof in Irpin before winter"
    assert item.url == "https://frontline-wire.example/irpin-school-roof"
    assert item.published == "2024-03-05T05:30:00+00:00"  # +0200 in the feed, UTC here
    assert item.authors == ("Oleh Marchenko",) and item.outlet == "Frontline Wire"
    doc = clean(item).doc
    assert doc.text.startswith("Volunteers rebuild a school roof")
    assert "sharing the space with a food bank" in doc.text
    # the teaser entry would need its link fetched, and fetching is off
    (err,) = errors
    assert err.reason == "not fetched" and err.source.endswith("kyiv-drone-debris")


def test_atom_entry():
    (item,), errors = _read(INGEST / "eastern.atom")
    assert not errors
    assert item.authors == ("Daria Shevchuk",) and item.published == "2024-03-07T11:45:00+00:00"
    assert "nowhere else to go" in clean(item).doc.text


def test_xml_that_is_not_a_feed(tmp_path):
    path = tmp_path / "data.xml"
    path.write_text("<?xml version='1.0'?><catalogue><book>War and Peace</book></catalogue>")
    items, (err,) = _read(path)
    assert not items and err.reason == "not a feed"


def test_follow_feed_links_falls_back_to_content_when_fetch_fails():
    opts = IngestOptions(fetch=False, follow_feed_links=True)
    items, errors = _read(INGEST / "frontline.rss", opts)
    assert [i.source.rsplit("#", 1)[1] for i in items] == ["1"]
    assert len(errors) == 1


# --- JSON Lines -------------------------------------------------------------------------

def test_jsonl_rows_errors_and_fields():
    items, errors = _read(INGEST / "articles.jsonl")
    by_id = {i.source.rsplit("#", 1)[1]: i for i in items}
    assert sorted(by_id) == ["a1", "a2", "a4"]
    a1 = by_id["a1"]
    assert a1.title == "Parliament extends martial law for another ninety days"
    assert a1.text.startswith(a1.title + "\n\n") and not a1.scraped
    assert a1.authors == ("Ihor Bondar", "Lena Park") and a1.outlet == "Capital Courier"
    assert a1.language == "en" and a1.published == "2024-02-06"
    # no title: the first line of the text is the title
    assert clean(by_id["a2"]).doc.title == "Air raid sirens sounded across Ukraine"
    assert by_id["a2"].authors == ("Staff reporter",)
    # an html field is extracted like a page, with the row's title first
    doc = clean(by_id["a4"]).doc
    assert doc.text.startswith("Water cuts in Zaporizhzhia") and "tanker lorries" in doc.text
    bad_json, no_text = sorted(errors, key=lambda e: e.reason)
    assert bad_json.reason == "bad json" and ": line 3 is not valid JSON" in str(bad_json)
    assert no_text.reason == "no text" and ": line 4 (id a3) has no text" in str(no_text)


def test_jsonl_with_column_mapping(tmp_path):
    path = tmp_path / "feed.ndjson"
    path.write_text('{"story": "Kyiv metro stations served as shelters again overnight as '
                    'sirens sounded.", "head": "Metro shelters"}\n')
    opts = IngestOptions(columns={"text": "story", "title": "head"})
    (item,), errors = _read(path, opts)
    assert not errors and item.title == "Metro shelters"


# --- CSV / TSV --------------------------------------------------------------------------

MAPPING = {"text": "body", "title": "headline", "url": "link", "published": "pub_date",
           "outlet": "site", "author": "byline"}


def test_csv_with_column_mapping():
    items, errors = _read(INGEST / "mapped.csv", IngestOptions(columns=MAPPING))
    assert [i.source.rsplit("#", 1)[1] for i in items] == ["1", "3"]
    first = items[0]
    assert first.title == "Farmers clear mines from fields in Kherson region"
    assert first.url == "https://south-ledger.example/kherson-demining"
    assert first.published == "2024-04-02" and first.outlet == "South Ledger"
    assert first.authors == ("Taras Hnatiuk", "Anna Wolff")
    assert "two tractors had been damaged" in clean(first).doc.text  # a multi-line field
    (err,) = errors
    assert err.reason == "no text" and "row 2" in str(err)


def test_csv_default_aliases_find_body_and_headline():
    # without a mapping the `headline`/`body`/`link` aliases still find the columns
    items, errors = _read(INGEST / "mapped.csv")
    assert len(items) == 2 and items[0].title.startswith("Farmers clear mines")


def test_csv_mapping_to_a_missing_column_is_one_error():
    items, (err,) = _read(INGEST / "mapped.csv", IngestOptions(columns={"text": "story"}))
    assert not items and err.reason == "bad column" and "story" in str(err)


def test_csv_unknown_field_in_mapping():
    items, (err,) = _read(INGEST / "mapped.csv", IngestOptions(columns={"colour": "x"}))
    assert not items and "allowed:" in str(err)


def test_tsv_and_semicolon_csv(tmp_path):
    (item,), _ = _read(INGEST / "plain.tsv")
    assert item.title == "Prices rise at Lviv markets"
    path = tmp_path / "semi.csv"
    path.write_text("title;text\nBridge reopens;The bridge over the Dnipro reopened to "
                    "traffic on Monday, the city council said.\n", encoding="cp1252")
    (item,), errors = _read(path)
    assert not errors and item.title == "Bridge reopens"


def test_csv_in_windows_1252_decodes_with_the_fallback(tmp_path):
    path = tmp_path / "old.csv"
    path.write_bytes("title,text\nCafé shelled,The café on the corner was hit by a shell "
                     "– no one was hurt.\n".encode("cp1252"))
    (item,), _ = _read(path)
    assert item.title == "Café shelled" and "–" in item.text


# --- WARC -------------------------------------------------------------------------------

PAGES = {
    "https://river-post.example/bridge": (
        "<html><head><title>Bridge near Kherson repaired</title></head><body><article>"
        "<h1>Bridge near Kherson repaired</h1><p>Engineers finished repairs to a road bridge "
        "near Kherson on Wednesday, the regional administration said, reopening the main "
        "route for aid lorries heading to villages on the river bank.</p><p>The bridge had "
        "been closed for two months after it was damaged by shelling.</p></article></body>"
        "</html>"),
    "https://river-post.example/ferry": (
        "<html><head><title>Ferry crossings suspended</title></head><body><article>"
        "<h1>Ferry crossings suspended</h1><p>Ferry crossings on the lower Dnipro were "
        "suspended for a second day on Thursday because of drone activity over the river, "
        "local officials said.</p><p>Residents were told to use the road bridge instead.</p>"
        "</article></body></html>"),
}


def write_warc(path: Path, gz: bool, pages: dict[str, str] = PAGES) -> Path:
    """A small WARC: a request record, a 200 HTML response per page, a 404, an image."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)

        def response(uri: str, status: str, ctype: str, body: bytes) -> None:
            headers = StatusAndHeaders(status, [("Content-Type", ctype),
                                                ("Content-Length", str(len(body)))],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers))

        for uri, html in pages.items():
            writer.write_record(writer.create_warc_record(
                uri, "request", payload=io.BytesIO(f"GET {uri} HTTP/1.1\r\n\r\n".encode())))
            response(uri, "200 OK", "text/html; charset=utf-8", html.encode())
        response("https://river-post.example/gone", "404 Not Found", "text/html", b"<p>no</p>")
        response("https://river-post.example/logo.png", "200 OK", "image/png", b"\x89PNG....")
    return path


@pytest.mark.parametrize("name, gz", [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_warc_html_responses_become_items(tmp_path, name, gz):
    path = write_warc(tmp_path / name, gz)
    items, errors = _read(path)
    assert not errors
    assert [i.url for i in items] == list(PAGES)
    assert all(i.source.startswith(f"{path}#") and i.published for i in items)
    offsets = [int(i.source.rsplit("#", 1)[1]) for i in items]
    assert offsets[0] > 0 and offsets == sorted(set(offsets))  # after the request record
    docs = [clean(i).doc for i in items]
    assert docs[0].title == "Bridge near Kherson repaired"
    assert "aid lorries" in docs[0].text and "road bridge instead" in docs[1].text


def test_warc_offsets_point_at_the_records(tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    path = write_warc(tmp_path / "crawl.warc.gz", True)
    items, _ = _read(path)
    with path.open("rb") as fh:
        fh.seek(int(items[1].source.rsplit("#", 1)[1]))
        record = next(iter(ArchiveIterator(fh)))
        assert record.rec_headers.get_header("WARC-Target-URI") == items[1].url


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_warc_keeps_the_records_before_the_damage(tmp_path, gz):
    path = write_warc(tmp_path / ("t.warc.gz" if gz else "t.warc"), gz)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.6)])
    items, errors = _read(path)
    assert [i.url for i in items] == ["https://river-post.example/bridge"]
    (err,) = errors
    assert err.reason == "corrupt" and "truncated" in str(err)


def test_file_that_is_not_a_warc(tmp_path):
    path = tmp_path / "fake.warc.gz"
    path.write_bytes(gzip.compress(b"this is not an archive\n" * 20))
    items, (err,) = _read(path)
    assert not items and err.reason == "corrupt"


# --- dispatch ---------------------------------------------------------------------------

def test_folder_reads_every_kind(tmp_path):
    write_warc(tmp_path / "crawl.warc", False)
    (tmp_path / "page.htm").write_bytes((INGEST / "article.html").read_bytes())
    (tmp_path / "rows.jsonl").write_bytes((INGEST / "articles.jsonl").read_bytes())
    items, _ = _read(tmp_path)
    assert len(items) == 2 + 1 + 3


def test_unknown_suffix_is_sniffed(tmp_path):
    path = tmp_path / "download"
    path.write_bytes((INGEST / "article.html").read_bytes())
    (item,), _ = _read(path)
    assert item.html is not None
    feed = tmp_path / "feed"
    feed.write_bytes((INGEST / "eastern.atom").read_bytes())
    (item,), _ = _read(feed)
    assert item.authors == ("Daria Shevchuk",)


def test_feed_with_a_garbled_encoding_declaration_is_one_error(tmp_path):
    path = tmp_path / "garbled.atom"  # feedparser itself raises on this declaration
    path.write_bytes(b'<?xml version="1.0" encoding="\xc1tf-8"?><feed xmlns="http://www.w3.org'
                     b'/2005/Atom"><title>Desk</title></feed>')
    items, (err,) = _read(path)
    assert not items and err.reason == "not a feed"


def test_warc_with_a_wrong_record_length_stops_there_quietly(tmp_path, capfd):
    path = write_warc(tmp_path / "bad-length.warc", False)
    data = path.read_bytes()
    # shorten the declared length of the second page's response record by 40 bytes
    second = data.index(b"WARC-Type: response", data.index(b"WARC-Type: response") + 1)
    start = data.index(b"Content-Length: ", second) + len(b"Content-Length: ")
    end = data.index(b"\r\n", start)
    path.write_bytes(data[:start] + str(int(data[start:end]) - 40).encode() + data[end:])
    items, (err,) = _read(path)
    assert [i.url for i in items] == ["https://river-post.example/bridge"]  # not the spoilt one
    assert err.reason == "corrupt"
    assert "Record not followed by newline" not in capfd.readouterr().err


def test_rows_over_the_cap_are_skipped_alone(tmp_path):
    path = tmp_path / "mixed.jsonl"
    long_text = "Convoys of aid reached the front-line villages. " * 400  # ~19 KB
    path.write_text('{"text": "Short report: shelling resumed near Bakhmut at dawn, '
                    'officials said."}\n' + '{"text": "%s"}\n' % long_text
                    + '{"text": "Another short report: power returned to Mykolaiv."}\n')
    items, (err,) = _read(path, IngestOptions(max_bytes=10_000))
    assert len(items) == 2 and err.reason == "too large" and "line 2" in str(err)


def test_csv_fields_longer_than_the_csv_module_default(tmp_path):
    path = tmp_path / "long.csv"
    body = "Engineers inspected the dam again on Friday. " * 4000  # ~180 KB, over 128 KiB
    path.write_text(f'title,text\nDam inspection,"{body}"\n')
    (item,), errors = _read(path)
    assert not errors and len(item.text) > 150_000


def test_feed_entry_with_a_short_body_and_no_link_is_used(tmp_path):
    path = tmp_path / "brief.rss"
    path.write_text("<?xml version='1.0'?><rss version='2.0'><channel><title>Briefs</title>"
                    "<item><title>Curfew eased in Kherson</title><description>The evening "
                    "curfew in Kherson now starts an hour later, officials said."
                    "</description></item></channel></rss>")
    (item,), errors = _read(path)
    assert not errors and "starts an hour later" in clean(item).doc.text


def test_plain_dates_in_tables_become_iso(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("title,text,date\nA,Trains to Odesa run on time again after repairs.,"
                    "4 April 2024\nB,Sirens in Lviv for the second night in a row.,"
                    "2024-04-05T06:00:00Z\n")
    items, _ = _read(path)
    assert [i.published for i in items] == ["2024-04-04", "2024-04-05T06:00:00Z"]


def test_csv_row_over_the_cap_is_skipped_and_the_next_row_read(tmp_path):
    path = tmp_path / "big-row.csv"
    para = "Shelling damaged the water tower in the village again. " * 40  # ~2.2 KB a line
    path.write_text('title,text\nFirst,"' + "\n".join([para] * 5) + '"\n'
                    "Second,Power lines near Izium were repaired on Sunday evening.\n")
    items, (err,) = _read(path, IngestOptions(max_bytes=5_000))
    assert [i.title for i in items] == ["Second"]
    assert "row 1" in str(err) and err.reason in ("bad csv", "too large")


def test_cli_column_mapping_and_row_sources(tmp_path, capsys):
    from narrascope.cli import main
    from narrascope.store import Store

    db = str(tmp_path / "m.db")
    code = main(["ingest", str(INGEST / "mapped.csv"), "--db", db, "--column", "text=body",
                 "--column", "published=pub_date"])
    assert code == 1 and "row 2 has no text" in capsys.readouterr().err  # the empty row
    with Store(db) as store:
        docs = sorted(store.iter_documents(), key=lambda d: d.source)
    assert [d.source for d in docs] == [f"{INGEST / 'mapped.csv'}#1",
                                        f"{INGEST / 'mapped.csv'}#3"]
    assert docs[0].published == "2024-04-02" and docs[0].title.startswith("Farmers")
    code = main(["ingest", str(INGEST / "mapped.csv"), "--db", str(tmp_path / "m.db"),
                 "--column", "nonsense"])
    assert code == 2 and "FIELD=COLUMN" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["articles.jsonl.gz", "rows.csv.gz"])
def test_gzipped_tables(tmp_path, name):
    source = INGEST / ("articles.jsonl" if "jsonl" in name else "mapped.csv")
    path = tmp_path / name
    path.write_bytes(gzip.compress(source.read_bytes()))
    items, _ = _read(path)
    plain, _ = _read(source)
    assert [i.text for i in items] == [i.text for i in plain] and items


def test_truncated_gzipped_table_keeps_the_rows_before(tmp_path):
    rows = "".join(json.dumps({"title": f"Report {i}", "text": f"Sappers cleared {i} fields "
                                                                 "near Kharkiv this week."}) + "\n"
                   for i in range(2000))
    data = gzip.compress(rows.encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items, (err,) = _read(path)
    assert 0 < len(items) < 2000 and err.reason == "corrupt"
    assert [i.title for i in items] == [f"Report {i}" for i in range(len(items))]


def test_feed_entities_are_not_expanded_nor_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN")
    laughs = "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 9))
    path = tmp_path / "hostile.rss"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{laughs}'
                    f'<!ENTITY x SYSTEM "{secret.as_uri()}">]><rss version="2.0"><channel>'
                    "<title>t</title><item><title>&x;</title><description>&l8; The council "
                    "in Sumy said shelters would stay open overnight.</description></item>"
                    "</channel></rss>")
    (item,), _ = _read(path)
    assert "shelters would stay open" in item.html
    assert "TOP-SECRET" not in (item.title or "") + item.html
    assert len(item.html) < 10_000  # the 10**8 "lol"s were not expanded


def test_title_is_not_doubled_when_the_text_opens_with_it(tmp_path):
    path = tmp_path / "dup.jsonl"
    path.write_text(json.dumps({"title": "Kyiv  metro  reopens", "text": "Kyiv metro reopens\n\n"
                                "Three stations closed for repairs reopened on Monday."}) + "\n")
    (item,), _ = _read(path)
    doc = clean(item).doc
    assert doc.text.count("Kyiv metro reopens") == 1 and doc.title == "Kyiv metro reopens"
