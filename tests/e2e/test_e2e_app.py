"""The analyst's path in a real browser: add articles through the form, open the
dashboard, open an article and see its highlights, search by narrative."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from e2e_support import ROOT, TOKEN, shot

SEEDS = ROOT.parent / "shared" / "seeds"
EXAMPLES = ROOT / "src" / "narrascope" / "data" / "examples"


def _inputs() -> list[Path]:
    """The five seed articles when they are beside the checkout, else the bundled examples."""
    files = sorted(SEEDS.glob("*.txt")) or sorted(EXAMPLES.glob("*.txt"))
    if not files:
        pytest.skip("neither ../shared/seeds nor the bundled examples are present")
    return files


def test_add_articles_through_the_form(server, page):
    files = _inputs()
    page.goto(server + "/add")
    page.fill("#token", TOKEN)
    page.set_input_files("#files", [str(f) for f in files])
    page.fill("textarea[name=text]", "Harbour tides report\n\nThe harbour master said the "
                                     "spring tides would be the highest of the decade.")
    page.click("#add-submit")
    page.wait_for_selector("#progress[data-state]", timeout=120_000)
    shot(page, "01-add-form-done")
    assert page.get_attribute("#progress", "data-state") == "done"
    assert page.eval_on_selector("#progress-bar", "el => el.value") == 1
    links = page.locator("#progress-articles a")
    assert links.count() == len(files) + 1
    links.first.click()
    page.wait_for_selector("#article-text")
    assert page.locator("#article-text").inner_text().strip()


def test_dashboard_draws_its_charts(server, page):
    page.goto(server + "/")
    page.wait_for_selector(".chart[data-drawn] .main-svg", timeout=30_000)
    assert page.locator(".chart[data-drawn]").count() == 2  # volume and heat map
    assert page.locator("text=Ada Quill").count() >= 1       # most-quoted speakers
    shot(page, "02-dashboard")
    page.select_option("select[name=outlet]", "Northern Post")
    page.click("form.filters button")
    page.wait_for_selector(".chart[data-drawn] .main-svg")
    assert "2 article(s)" in page.inner_text("form.filters")
    assert not [e for e in page.console_errors if "Content Security Policy" in e], \
        page.console_errors


def test_article_shows_highlights_and_legend(server, page):
    page.goto(server + "/search?q=" + quote('"harbour plan"'))
    page.click("li.hit a.hit-title")
    page.wait_for_selector("#article-text")
    for css in ("hl-narrative", "hl-quote", "hl-speaker"):
        assert page.locator(f"#article-text .{css}").count() >= 1, css
    assert page.locator("ul.legend li").count() >= 3
    # each highlight kind looks different from plain text
    bg = page.eval_on_selector("#article-text .hl-narrative",
                               "el => getComputedStyle(el).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")
    colour = page.eval_on_selector("#article-text .hl-quote", "el => getComputedStyle(el).color")
    assert colour != page.eval_on_selector("#article-text", "el => getComputedStyle(el).color")
    assert page.locator("section[data-key=copies] a").count() == 1  # link to its copy
    assert not page.console_errors, page.console_errors  # nothing the strict CSP blocked
    shot(page, "03-article")
    page.click("section[data-key=copies] a")
    page.wait_for_selector("#article-text")
    assert "Bridge vote delayed" in page.inner_text("h1")


def test_added_article_shows_the_analysers_findings(server, page):
    """An article added through the form, analysed by the real analysers, on its page."""
    import json
    import urllib.request

    with urllib.request.urlopen(server + "/api/search?per_page=200") as r:
        hits = json.loads(r.read())["results"]
    added = [h for h in hits if h["outlet"] not in ("Daily Lantern", "Northern Post")
             and h["title"] not in ("Market reopens", "Harbour tides report")]
    assert len(added) >= len(_inputs())
    best = max(added, key=lambda h: len(h["title"] or ""))
    page.goto(server + f"/articles/{best['id']}")
    page.wait_for_selector("#article-text")
    assert page.inner_text("h1") == best["title"]
    marked = page.locator("#article-text .hl").count()
    panels = page.locator("aside .panel").count()
    assert panels >= 1
    if SEEDS.exists():  # the seeds are news with named people quoted
        assert marked >= 3
    # a role colours an entity's underline, never its text or background
    for el in page.locator("#article-text .hl-entity[class*=role-]").all()[:5]:
        colour = el.evaluate("e => getComputedStyle(e).color")
        assert colour != "rgb(255, 255, 255)", colour
    shot(page, "04-article-added", full=False)


def test_search_by_narrative(server, page):
    page.goto(server + "/search")
    options = page.locator("select[name=narrative] option")
    assert options.count() >= 2
    page.select_option("select[name=narrative]", "URW: Blaming the war on others")
    page.click("form.search button")
    page.wait_for_selector("p.count")
    assert page.inner_text("p.count").startswith("2 article(s)")
    hits = page.locator("li.hit a.hit-title").all_inner_texts()
    assert set(hits) == {"Harbour plan stalls", "Bridge vote delayed"}
    shot(page, "05-search-narrative")
    page.locator("a.tag", has_text="URW: Blaming the war on others").first.click()
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Narrative: URW: Blaming the war on others"
    assert page.locator("li.evidence blockquote").count() >= 2
    page.wait_for_selector(".chart[data-drawn] .main-svg", timeout=30_000)
    shot(page, "06-narrative-page")
