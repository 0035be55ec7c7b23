"""The view registry and highlight segmentation, on JSON built by hand."""

from __future__ import annotations

from narrascope.web.index import week_of
from narrascope.web.pages import http_url
from narrascope.web.queries import split_marks
from narrascope.web.render import article_view, segments
from narrascope.web.views import Highlight, generic_view, register_view, view_for, views


def test_overlapping_highlights_keep_every_class():
    text = "abcdefghij"
    segs = segments(text, [Highlight(0, 6, "hl-narrative", "n"), Highlight(3, 8, "hl-quote", "q")])
    assert "".join(s.text for s in segs) == text
    assert [(s.text, s.css) for s in segs] == [
        ("abc", "hl hl-narrative"), ("def", "hl hl-narrative hl-quote"),
        ("gh", "hl hl-quote"), ("ij", "")]
    assert segs[1].title == "n\nq" and segs[1].anchors == (3,)


def test_no_highlights_is_one_plain_segment():
    assert [s.text for s in segments("plain", [])] == ["plain"]
    assert segments("", []) == []


def test_article_view_panels_legend_and_bad_offsets():
    art = {"id": "x", "text": "Mayor Ada said hello.",
           "quotes": [{"speaker": "Ada", "start": 15, "end": 20, "speaker_span": [6, 9],
                       "kind": "indirect"},
                      {"speaker": "Bad", "start": 15, "end": 999}],
           "narratives": [{"label": "N1", "score": 0.5, "evidence": [{"start": 0, "end": 21}]}]}
    v = article_view(art)
    assert "".join(s.text for s in v.segments) == art["text"]
    assert [p.key for p in v.panels] == ["narratives", "quotes"]
    quotes = v.panels[1].items
    assert [i.label for i in quotes] == ["Ada"]  # the item with bad offsets is dropped
    assert dict(v.legend)["hl-quote"] == "quote" and "hl-narrative" in dict(v.legend)


def test_unknown_keys_get_the_generic_view():
    art = {"text": "one two three", "sentiment": [{"label": "calm", "start": 4, "end": 7}]}
    v = article_view(art)
    assert any("hl-other" in s.css and s.text == "two" for s in v.segments)
    assert view_for("sentiment").title == "Sentiment"
    assert generic_view("x").facets([{"label": "y"}]) == []


def test_a_new_view_is_one_decorated_class(monkeypatch):
    import narrascope.web.views as registry_module

    monkeypatch.setattr(registry_module, "_VIEWS", dict(views()))

    @register_view("test_colours", title="Colours", css="hl-other", legend="colour")
    class Colours:
        @staticmethod
        def facets(value):
            return [("colour", c, "") for c in value]

    assert views()["test_colours"].facets(["red"]) == [("colour", "red", "")]
    assert views()["test_colours"].highlights("text", ["red"]) == []


def test_facets_of_the_builtin_views():
    assert view_for("narratives").facets([{"label": "A"}, {"name": "B"}]) == [
        ("narrative", "A", ""), ("narrative", "B", "")]
    assert view_for("quotes").facets([{"speaker": "Ada"}, {"speaker": None}]) == [
        ("speaker", "Ada", "")]
    assert view_for("entities").facets([{"entity": "NATO", "main_role": "Antagonist"}]) == [
        ("entity", "NATO", "antagonist")]
    assert view_for("story").facets({"id": 3, "label": "x"}) == [("story", "3", "")]


def test_snippets_mark_the_query_words():
    from narrascope.web.queries import MARK_CLOSE, MARK_OPEN, _cut, _query_pattern

    text = "Nothing here. " * 20 + "The harbour masters met the Harbourside crew at dawn."
    cut = _cut(text, _query_pattern("harbour* OR dawn"))
    assert cut.startswith("…") and f"{MARK_OPEN}harbour{MARK_CLOSE}" in cut
    assert f"{MARK_OPEN}Harbourside{MARK_CLOSE}" in cut and f"{MARK_OPEN}dawn{MARK_CLOSE}" in cut
    assert _cut(text, _query_pattern("NOT AND")) == text[:240]
    assert MARK_OPEN not in _cut(text, _query_pattern('"ferry"'))


def test_small_helpers():
    assert week_of("2024-03-10") == "2024-03-04" and week_of("2024-03-04") == "2024-03-04"
    assert split_marks("a \ue000hit\ue001 b") == (("a ", False), ("hit", True), (" b", False))
    assert http_url("javascript:alert(1)") is None and http_url("https://x.org") == "https://x.org"
