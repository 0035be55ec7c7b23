"""Server-rendered pages: each renders, links where it should, and escapes article text."""

from __future__ import annotations

from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from narrascope.analysers import registry  # noqa: E402
from narrascope.web import create_app  # noqa: E402
from test_web_fixtures import NARR_A, TOKEN, build_store  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    path = tmp_path_factory.mktemp("pages") / "web.db"
    ids = build_store(path)
    with TestClient(create_app(path, token=TOKEN, analysers=lambda: ["stats"])) as c:
        yield c, ids


def test_dashboard(site):
    c, ids = site
    page = c.get("/").text
    assert 'data-figure="' in page and "Ada Quill" in page and "/clusters/" in page
    assert "/vendor/plotly.min.js" in page
    filtered = c.get("/", params={"outlet": "Northern Post", "by": "day"}).text
    assert "2 article(s)" in filtered
    js = c.get("/vendor/plotly.min.js")
    assert js.status_code == 200 and "plotly" in js.text[:400]


def test_article_page_highlights_each_kind(site):
    c, ids = site
    page = c.get(f"/articles/{ids[0]}").text
    kinds = ["hl-narrative", "hl-quote", "hl-speaker", "hl-copy"]
    kinds += ["hl-entity"] if "entities" in registry() else []
    for css in kinds:
        assert css in page, css
    assert 'class="legend"' in page and f"/narratives/{quote(NARR_A, safe='')}" in page
    assert f"/articles/{ids[2]}" in page  # the copy
    assert "/stories/7" in page
    if "techniques" in registry():
        techniques = c.get(f"/articles/{ids[1]}").text
        assert "hl-technique" in techniques and "Loaded_Language" in techniques
        from markupsafe import escape

        from narrascope.analysers.techniques.labels import describe

        assert str(escape(describe("Loaded_Language"))) in techniques  # explained on hover


def test_search_page_with_filters_and_paging(site):
    c, ids = site
    page = c.get("/search", params={"q": "bridge"}).text
    assert "2 article(s)" in page and "<mark>" in page
    page = c.get("/search", params={"narrative": NARR_A, "outlet": "Daily Lantern"}).text
    assert "1 article(s)" in page and "Harbour plan stalls" in page
    assert "format=csv" in page
    bad = c.get("/search", params={"q": "\"open"})
    assert bad.status_code == 400 and "bad search query" in bad.text


@pytest.mark.parametrize("url, words", [
    (f"/narratives/{quote(NARR_A, safe='')}", "critics blamed the ministry"),
    ("/outlets/Northern%20Post", "Ferry strike ends"),
    ("/speakers/Ada%20Quill", "we need more time"),
    pytest.param("/entities/Ministry", "ministry was blamed", marks=pytest.mark.skipif(
        "entities" not in registry(), reason="the entities analyser is not installed")),
    ("/stories/7", "Bridge vote delayed"),
])
def test_facet_pages(site, url, words):
    c, _ = site
    r = c.get(url)
    assert r.status_code == 200, r.text
    assert words.lower() in r.text.lower()


def test_cluster_add_docs_and_missing_pages(site):
    c, ids = site
    cluster = c.get("/api/stats/copies").json()["clusters"][0]["id"]
    assert "Bridge vote delayed" in c.get(f"/clusters/{cluster}").text
    add = c.get("/add").text
    assert 'id="add-form"' in add and 'type="file"' in add
    for url in ("/articles/ffffffffffffffff", "/narratives/nothing", "/clusters/x"):
        r = c.get(url)
        assert r.status_code == 404 and "<h1>Error 404</h1>" in r.text


def test_article_text_is_escaped(tmp_path):
    evil = ("Evil <b>title</b>\n\nHello <script>document.title='owned'</script> and "
            "<img src=x onerror=\"alert(1)\"> end of a long enough article text.")
    with TestClient(create_app(tmp_path / "x.db", token=TOKEN,
                               analysers=lambda: ["stats"])) as c:
        doc_id = c.post("/api/articles", json={"text": evil, "url": "javascript:alert(1)"},
                        headers={"Authorization": f"Bearer {TOKEN}"}).json()["ids"][0]
        page = c.get(f"/articles/{doc_id}").text
        assert "<script>document" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page and "javascript:" not in page
        assert "<b>title</b>" not in c.get("/search", params={"q": "hello"}).text
