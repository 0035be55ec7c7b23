"""What an analyst saw on the article page, fixed: no panel lists bare numbers."""

from __future__ import annotations

from narrascope.web.views import generic_view, view_for

SUMMARY = {"techniques": ["Loaded_Language", "Doubt"], "counts": {"Loaded_Language": 2, "Doubt": 1},
           "spans": 3, "words": 200, "per_1000_words": 15.0,
           "density_by_technique": {"Loaded_Language": 10.0, "Doubt": 5.0}, "share_of_text": 0.08}


def test_techniques_summary_says_what_each_number_counts():
    items = view_for("techniques_summary").items("", SUMMARY)
    assert items[0].label == "All techniques"
    assert "3 technique span(s)" in items[0].detail and "8% of the text" in items[0].detail
    assert [i.label for i in items[1:]] == ["Loaded Language", "Doubt"]  # most spans first
    assert items[1].detail == "2 span(s) · 10.00 per 1,000 words"
    assert items[1].href == "/search?technique=Loaded_Language"
    assert all(i.label and i.detail for i in items)


def test_generic_view_of_one_record_names_each_value():
    items = generic_view("readability").items("", {"grade": 9.5, "hard_words": 12,
                                                   "by_part": {"intro": 3}, "tags": ["a", "b"]})
    assert [(i.label, i.detail) for i in items] == [
        ("grade", "9.5"), ("hard words", "12"), ("by part", "intro: 3"), ("tags", "a, b")]


def test_dashboard_techniques_link_to_their_articles_and_read_as_words(tmp_path):
    import pytest

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from narrascope.analysers import registry
    from narrascope.web import create_app
    from test_web_fixtures import TOKEN, build_store

    if "techniques" not in registry():
        pytest.skip("the techniques analyser is not installed")
    path = tmp_path / "web.db"
    build_store(path)
    with TestClient(create_app(path, token=TOKEN, analysers=lambda: ["stats"])) as c:
        page = c.get("/").text
    assert '<a href="/search?technique=Loaded_Language">Loaded Language</a>' in page


def test_a_facet_page_with_no_name_is_a_404_not_every_article(tmp_path):
    import pytest

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from narrascope.web import create_app
    from test_web_fixtures import TOKEN, build_store

    path = tmp_path / "web.db"
    build_store(path)
    with TestClient(create_app(path, token=TOKEN, analysers=lambda: ["stats"])) as c:
        for kind in ("entities", "narratives", "speakers", "outlets"):
            r = c.get(f"/{kind}/")
            assert r.status_code == 404, kind
            assert "no " in r.text and "named" in r.text
            assert c.get(f"/{kind}/%20").status_code == 404


def test_search_page_explains_an_empty_page_and_keeps_the_technique_filter(tmp_path):
    import pytest

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from narrascope.web import create_app
    from test_web_fixtures import TOKEN, build_store

    path = tmp_path / "web.db"
    build_store(path)
    with TestClient(create_app(path, token=TOKEN, analysers=lambda: ["stats"])) as c:
        past = c.get("/search", params={"page": 999}).text
        assert "past the last page" in past and 'href="/search?page=1"' in past
        assert "No stored article matches" in c.get("/search", params={"q": "zzqqxx"}).text
        kept = c.get("/search", params={"technique": "Doubt"}).text
        assert '<option value="Doubt" selected>Doubt</option>' in kept
        from narrascope.analysers import registry

        if "techniques" in registry():  # stored techniques are offered, named in words
            offered = c.get("/search").text
            assert '<option value="Loaded_Language">Loaded Language</option>' in offered


def test_pages_name_an_icon_so_browsers_do_not_ask_for_a_missing_favicon():
    from pathlib import Path

    import narrascope.web

    base = Path(narrascope.web.__file__).parent / "templates" / "base.html"
    assert '<link rel="icon" href="data:,">' in base.read_text()


def test_csv_export_with_no_match_still_has_its_header(tmp_path):
    import pytest

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from narrascope.web import create_app
    from test_web_fixtures import TOKEN, build_store

    path = tmp_path / "web.db"
    build_store(path)
    with TestClient(create_app(path, token=TOKEN, analysers=lambda: ["stats"])) as c:
        r = c.get("/api/export", params={"format": "csv", "q": "zzqqxx"})
        assert r.status_code == 200 and r.text.startswith("id,source,title,")
        assert c.get("/api/export", params={"format": "jsonl", "q": "zzqqxx"}).text == ""


def test_articles_per_week_counts_each_article_once_not_once_per_narrative(tmp_path):
    import pytest

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from narrascope.analysers import get_spec, registry
    from narrascope.model import Document, Label, Result, doc_id_for
    from narrascope.store import Store
    from narrascope.web import create_app
    from narrascope.web.queries import Database, Filters, article_volume

    if "narratives" not in registry():
        pytest.skip("the narratives analyser is not installed")
    path = tmp_path / "two.db"
    store = Store(path)
    text = "Two narratives at once\n\nOne invented article that pushes two narratives."
    doc = Document(doc_id_for(text), text, "Two narratives at once", None, "Post",
                   "2024-05-07", (), "en", "test:two")
    store.add_document(doc)
    labels = tuple(Label(n, 0.9, (), {"level": "narrative"}) for n in ("URW: A", "URW: B"))
    store.add_results([Result("narratives", get_spec("narratives").version, doc.id, labels)])
    store.close()
    vol = article_volume(Database(path), Filters(outlet="Post"), "week")
    assert vol["counts"] == [1] and vol["undated"] == 0
    with TestClient(create_app(path, analysers=lambda: ["stats"])) as c:
        page = c.get("/outlets/Post").text
    import html
    import json
    import re

    (fig,) = re.findall(r'data-figure="([^"]+)"', page)
    assert json.loads(html.unescape(fig))["data"][0]["y"] == [1]


def test_typed_entity_and_speaker_filters_ignore_case(tmp_path):
    import pytest

    pytest.importorskip("fastapi")
    from narrascope.analysers import registry
    from narrascope.web.queries import Database, Filters, search
    from test_web_fixtures import build_store

    if "quotes" not in registry():
        pytest.skip("the quotes analyser is not installed")
    path = tmp_path / "web.db"
    build_store(path)
    db = Database(path)
    exact = search(db, None, Filters(speaker="Ada Quill")).total
    assert exact > 0
    assert search(db, None, Filters(speaker="ada quill")).total == exact
    assert search(db, None, Filters(speaker="nobody at all")).total == 0


def test_api_reference_shows_code_as_code_and_choices_as_a_list(tmp_path):
    import pytest

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from narrascope.web import create_app

    with TestClient(create_app(tmp_path / "empty.db")) as c:
        page = c.get("/docs").text
    assert "``" not in page and "<code>q</code>" in page
    assert "string (day, week, month, outlet)" in page and "((" not in page
