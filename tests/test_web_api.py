"""The HTTP API: every endpoint, auth, paging, errors, export, security headers."""

from __future__ import annotations

import csv
import io
import json

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from narrascope.analysers import registry  # noqa: E402
from narrascope.web import create_app  # noqa: E402
from test_web_fixtures import ARTICLES, NARR_A, NARR_B, TOKEN, build_store  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def have(analyser: str) -> bool:
    """Whether an analyser is installed (the fixture stores its results only then)."""
    return analyser in registry()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "web.db"
    return path, build_store(path)


@pytest.fixture(scope="module")
def ids(store_path):
    return store_path[1]


@pytest.fixture(scope="module")
def client(store_path):
    """An app over the fixture store, shared by the tests that only read."""
    app = create_app(store_path[0], token=TOKEN, analysers=lambda: ["stats"])
    with TestClient(app) as c:
        yield c


@pytest.fixture
def writer(tmp_path):
    """An app over a fresh copy of the fixture store, for tests that write."""
    build_store(tmp_path / "web.db")
    app = create_app(tmp_path / "web.db", token=TOKEN, max_upload_bytes=200_000,
                     analysers=lambda: ["stats"])
    with TestClient(app) as c:
        yield c


# -- reading -----------------------------------------------------------------------------

def test_article_has_every_finding(client, ids):
    d = client.get(f"/api/articles/{ids[0]}").json()
    assert d["id"] == ids[0] and d["title"] == "Harbour plan stalls"
    assert [n["label"] for n in d["narratives"]] == [NARR_A]
    assert {q["speaker"] for q in d["quotes"]} == {"Ada Quill"}
    if have("entities"):
        assert {e["entity"] for e in d["entities"]} >= {"Ada Quill", "Ministry"}
    assert d["copies"][0]["id"] == ids[2]
    assert d["relations"][0]["kind"] == "rewrite"


def test_article_by_prefix_and_unknown_ids(client, ids):
    assert client.get(f"/api/articles/{ids[1][:8]}").json()["id"] == ids[1]
    r = client.get("/api/articles/0000000000000000")
    assert r.status_code == 404 and "no stored article" in r.json()["error"]
    assert client.get("/api/articles/<script>").status_code == 404


def test_search_full_text_and_filters(client, ids):
    def found(**params):
        r = client.get("/api/search", params=params)
        assert r.status_code == 200, r.text
        return [h["id"] for h in r.json()["results"]]

    assert set(found(q="bridge")) == {ids[0], ids[2]}
    assert set(found(narrative=NARR_A)) == {ids[0], ids[2]}
    assert found(narrative=NARR_B) == [ids[1]]
    assert set(found(outlet="Northern Post")) == {ids[2], ids[3]}
    assert found(language="de") == [ids[3]]
    if have("entities"):
        assert set(found(entity="Ada Quill")) == {ids[0], ids[2]}
    assert set(found(speaker="Ada Quill")) == {ids[0], ids[2]}
    assert found(since="2024-03-10", until="2024-03-15") == [ids[2]]
    assert found(q="bridge", outlet="Daily Lantern") == [ids[0]]
    assert found(narrative="no such narrative") == []
    # newest first without a query; undated articles last
    assert found() == [ids[3], ids[2], ids[1], ids[0], ids[4]]


def test_search_snippet_marks_the_match(client):
    hit = client.get("/api/search", params={"q": "turbines"}).json()["results"][0]
    assert "turbines" in hit["snippet"] and hit["narratives"] == [NARR_B]


def test_paging_is_stable_and_complete(client):
    seen = []
    first = client.get("/api/search", params={"per_page": 2}).json()
    assert first["total"] == len(ARTICLES) and first["pages"] == 3
    for page in range(1, 4):
        r = client.get("/api/search", params={"per_page": 2, "page": page}).json()
        assert r["page"] == page
        seen += [h["id"] for h in r["results"]]
    assert len(seen) == len(set(seen)) == len(ARTICLES)
    again = [h["id"] for p in (1, 2, 3) for h in client.get(
        "/api/search", params={"per_page": 2, "page": p}).json()["results"]]
    assert again == seen
    assert client.get("/api/search", params={"page": 9}).json()["results"] == []


@pytest.mark.parametrize("params, status, words", [
    ({"q": "\"unbalanced"}, 400, "bad search query"),
    ({"page": 0}, 422, "page"),
    ({"per_page": 1000}, 422, "per_page"),
    ({"since": "last tuesday"}, 422, "YYYY-MM-DD"),
])
def test_search_errors_are_json_with_a_message(client, params, status, words):
    r = client.get("/api/search", params=params)
    assert r.status_code == status
    body = r.json()
    assert body["status"] == status and words in body["error"]


def test_stats_narratives_by_period_and_outlet(client):
    week = client.get("/api/stats/narratives", params={"by": "week"}).json()
    # every period with an article is there, so quiet weeks show as gaps
    assert week["periods"] == ["2024-03-04", "2024-03-11", "2024-03-18"]
    assert week["series"][NARR_A] == [1, 1, 0] and week["series"][NARR_B] == [1, 0, 0]
    day = client.get("/api/stats/narratives", params={"by": "day"}).json()
    assert day["periods"] == ["2024-03-04", "2024-03-06", "2024-03-12", "2024-03-20"]
    only = client.get("/api/stats/narratives", params={"outlet": "Northern Post"}).json()
    assert only["series"] == {NARR_A: [1, 0]}
    table = client.get("/api/stats/narratives", params={"by": "outlet"}).json()
    assert table["outlets"] == ["Daily Lantern", "Northern Post"]
    row = table["counts"][table["narratives"].index(NARR_A)]
    assert row == [1, 1]
    assert client.get("/api/stats/narratives", params={"by": "year"}).status_code == 422


def test_stats_entities_speakers_copies_overview(client, ids):
    ents = client.get("/api/stats/entities").json()["entities"]
    if have("entities"):
        assert ents[0]["entity"] in ("Ada Quill", "Ministry") and ents[0]["articles"] == 2
    speakers = client.get("/api/stats/speakers").json()["speakers"]
    assert speakers == [{"speaker": "Ada Quill", "articles": 2}]
    copies = client.get("/api/stats/copies").json()
    assert copies["total"] == 1
    assert {m["id"] for m in copies["clusters"][0]["members"]} == {ids[0], ids[2]}
    ov = client.get("/api/stats/overview").json()
    assert ov["articles"] == 5 and ov["outlets"]["Northern Post"] == 2
    assert ov["languages"] == {"en": 4, "de": 1}


def test_export_jsonl_and_csv(client, ids):
    r = client.get("/api/export", params={"narrative": NARR_A})
    assert r.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in r.text.splitlines()]
    assert {d["id"] for d in rows} == {ids[0], ids[2]}
    assert all("narratives" in d for d in rows)
    r = client.get("/api/export", params={"format": "csv", "q": "turbines"})
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["id"] for row in table] == [ids[1]]
    assert client.get("/api/export", params={"format": "xml"}).status_code == 422


# -- writing -----------------------------------------------------------------------------

TEXT = ("Lighthouse keepers vote to strike\n\nThe keepers of the north lighthouse voted to "
        "strike on Friday, their union said.")


def test_add_text_then_duplicate(writer):
    r = writer.post("/api/articles", json={"text": TEXT, "outlet": "Coast Courier"},
                    headers=AUTH)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["state"] == "done" and len(body["ids"]) == 1
    doc = writer.get(f"/api/articles/{body['ids'][0]}").json()
    assert doc["outlet"] == "Coast Courier" and doc["stats"]["words"] > 5
    again = writer.post("/api/articles", json={"text": TEXT}, headers=AUTH)
    assert again.status_code == 200 and again.json()["articles"][0]["new"] is False
    assert writer.get("/api/search", params={"q": "lighthouse"}).json()["total"] == 1


def test_add_batch_and_list_body(writer):
    batch = [{"text": f"Story {n}\n\nA short article number {n} about ferries and tides."}
             for n in range(3)]
    r = writer.post("/api/articles", json={"articles": batch}, headers=AUTH)
    assert r.status_code == 201 and len(r.json()["ids"]) == 3
    r = writer.post("/api/articles", json=batch[:1], headers=AUTH)
    assert r.status_code == 200 and len(r.json()["ids"]) == 1


def test_add_upload_and_pasted_text(writer):
    files = [("files", ("keepers.txt", TEXT.encode(), "text/plain"))]
    r = writer.post("/api/articles", files=files,
                    data={"text": "Pasted one\n\nA pasted article about the harbour tides."},
                    headers=AUTH)
    assert r.status_code == 201, r.text
    sources = {a["source"] for a in r.json()["articles"]}
    assert "upload:keepers.txt" in sources and "web:text-1" in sources


def test_add_async_job_reports_progress(writer):
    r = writer.post("/api/articles?wait=false", json={"text": TEXT}, headers=AUTH)
    assert r.status_code == 202 and r.headers["location"] == f"/api/jobs/{r.json()['id']}"
    import time

    for _ in range(100):
        job = writer.get(r.headers["location"]).json()
        if job["state"] == "done":
            break
        time.sleep(0.05)
    assert job["state"] == "done" and job["progress"] == 1.0 and len(job["ids"]) == 1
    assert writer.get("/api/jobs/nope").status_code == 404


def test_writes_need_the_token(writer, tmp_path):
    assert writer.post("/api/articles", json={"text": TEXT}).status_code == 401
    r = writer.post("/api/articles", json={"text": TEXT},
                    headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 403 and r.json()["error"] == "wrong token"
    no_token = create_app(tmp_path / "web.db")
    with TestClient(no_token) as c:
        r = c.post("/api/articles", json={"text": TEXT}, headers=AUTH)
        assert r.status_code == 403 and "NARRASCOPE_TOKEN" in r.json()["error"]


@pytest.mark.parametrize("kwargs, status, words", [
    ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "JSON"),
    ({"json": {}}, 422, "'text' or a 'url'"),
    ({"json": {"articles": []}}, 422, "nothing to add"),
    ({"json": {"text": "x", "title": 5}}, 422, "must be a string"),
    ({"content": b"hello", "headers": {"content-type": "text/plain"}}, 415, "content type"),
    ({"json": {"url": "ftp://example.org/a"}}, 422, "not an http(s) URL"),
    ({"json": {"text": "too short"}}, 422, "no article could be added"),
])
def test_bad_submissions(writer, kwargs, status, words):
    headers = {**AUTH, **kwargs.pop("headers", {})}
    r = writer.post("/api/articles", headers=headers, **kwargs)
    assert r.status_code == status, r.text
    assert words in r.json()["error"]


def test_url_guard_refuses_private_addresses(writer):
    r = writer.post("/api/articles", json={"url": "http://127.0.0.1:9/article"}, headers=AUTH)
    assert r.status_code == 422
    assert "127.0.0.1" in r.json()["error"]


def test_upload_size_limit(writer):
    big = b"word " * 50_000  # 250 kB, over the 200 kB limit of this app
    r = writer.post("/api/articles", files=[("files", ("big.txt", big, "text/plain"))],
                    headers=AUTH)
    assert r.status_code == 413 and "limit" in r.json()["error"]


# -- reads closed by a setting -----------------------------------------------------------

def test_closed_reads(store_path):
    app = create_app(store_path[0], token=TOKEN, open_reads=False)
    with TestClient(app) as c:
        assert c.get("/api/search").status_code == 401
        assert c.get("/").status_code == 401
        assert c.get("/api/search", headers=AUTH).status_code == 200
        assert c.post("/login", data={"token": "nope"}).status_code == 403
        r = c.post("/login", data={"token": TOKEN}, follow_redirects=False)
        assert r.status_code == 303 and "httponly" in r.headers["set-cookie"].lower()
        assert c.get("/api/search").status_code == 200  # the cookie now


# -- schema, docs, headers ---------------------------------------------------------------

def test_openapi_lists_every_api_route(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) >= {"/api/articles", "/api/articles/{doc_id}", "/api/search",
                          "/api/stats/narratives", "/api/stats/entities",
                          "/api/stats/speakers", "/api/stats/copies", "/api/export",
                          "/api/jobs/{job_id}", "/api/stats/overview"}
    assert all(p.startswith("/api/") for p in paths)
    page = client.get("/docs").text
    assert "/api/search" in page and "cdn" not in page.lower() and "<script>" not in page


def test_security_headers_everywhere(client, ids):
    for url in ("/", f"/articles/{ids[0]}", "/api/search", "/static/app.js", "/nope"):
        h = client.get(url).headers
        csp = dict(d.strip().split(" ", 1) for d in h["content-security-policy"].split(";"))
        assert csp["script-src"] == "'self'" and csp["default-src"] == "'none'", url
        assert h["x-content-type-options"] == "nosniff"
        assert "x-narrascope-charts" not in h
        # only pages drawing plotly charts allow inline styles
        charts = url == "/"
        assert ("'unsafe-inline'" in csp["style-src"]) == charts, url


def test_errors_unknown_route_and_method(client):
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and "no such page" in r.json()["error"]
    r = client.delete("/api/search")
    assert r.status_code == 405 and "not allowed" in r.json()["error"]
