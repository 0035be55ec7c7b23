"""Cleaning: boilerplate removal, title/outlet/date, whitespace, language, offset maps."""

from __future__ import annotations

import random
import re

import pytest

from narrascope.clean import OffsetMap, clean
from narrascope.clean.boilerplate import is_boilerplate_line, is_head_category, is_tail_marker
from narrascope.clean.meta import parse_date_line, split_title_suffix
from narrascope.errors import InputError
from narrascope.model import RawItem

from support import EXAMPLES, FIXTURES, SEEDS

#: the page furniture the foundation issue names; none may survive cleaning
BOILERPLATE = [
    "top of page", "2 views0 comments", "Recent Posts", "See All", "Leave a Reply",
    "Your email address will not be published", "Back to top button", "Source link",
    "Related Articles", "bottom of page", "Post: Blog2_Post", "Uncategorized",
]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _lines(text: str) -> set[str]:
    return {_norm(ln) for ln in text.split("\n") if ln.strip()}


@pytest.mark.parametrize("line", BOILERPLATE + [
    "12 Comments", "0 comments", "5 shares", "Share this:", "Tweet", "Like this:",
    "Photo: RIA Novosti", "Cancel reply", "Required fields are marked *", "Skip to content",
])
def test_boilerplate_lines_are_recognised(line):
    assert is_boilerplate_line(line) or is_head_category(line)


@pytest.mark.parametrize("line", [
    "The Kremlin is furious with announcements expected at the summit.",
    "Comments by the minister were widely reported.",
    "Source: the ministry said the talks were over.",
    "Related talks will take place next week in Geneva.",
    "See all the ways the sanctions have failed, he said.",
])
def test_article_sentences_are_not_boilerplate(line):
    assert not is_boilerplate_line(line)
    assert not is_tail_marker(line)


def test_wordpress_scrape_fixture():
    raw = (FIXTURES / "clean" / "wordpress_scrape.txt").read_text(encoding="utf-8")
    doc = clean(RawItem(source="fixture", text=raw)).doc
    assert doc.title == "Ministry denies report of new talks on prisoner exchange"
    assert doc.outlet == "Harbour Times"
    assert doc.published == "2024-02-04"
    assert doc.text.startswith("Ministry denies report")
    assert doc.text.endswith("in late January.")
    for junk in ("Skip to content", "World\n", "Tags:", "Share this", "Tweet", "5 shares",
                 "Related Posts", "Markets close", "Local team", "Leave a Reply", "Cancel reply",
                 "email address"):
        assert junk not in doc.text
    assert '"There were no such meetings, and there are none planned,"' in doc.text


def test_examples_lose_their_furniture_and_keep_their_paragraphs():
    for path in sorted(EXAMPLES.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        doc = clean(RawItem(source=str(path), text=raw)).doc
        kept = _lines(doc.text)
        for junk in BOILERPLATE:
            assert junk not in kept, (path.name, junk)
        # every paragraph of more than ten words is article text and must survive
        for line in _lines(raw):
            if line.startswith(doc.title):
                continue  # the title line, whose site suffix became the outlet
            if is_boilerplate_line(line):
                continue
            if len(line.split()) > 10 and not re.match(r"(Five recipes|Why our garden)", line):
                assert line in doc.text, (path.name, line[:40])


def test_seeds_clean_as_a_reader_would():
    if not SEEDS.exists():
        pytest.skip(f"{SEEDS} is absent (the seeds live only beside the project checkout)")
    for path in sorted(SEEDS.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        doc = clean(RawItem(source=str(path), text=raw)).doc
        kept = _lines(doc.text)
        for junk in BOILERPLATE:
            assert junk not in kept, (path.name, junk)
        assert not any(ln.startswith(("Your email address", "Post: Blog")) for ln in kept)
        lines = [_norm(ln) for ln in raw.split("\n") if ln.strip()]
        # everything before a "Recent Posts"/"Related Articles"/"Leave a Reply" widget that is
        # not furniture is article text and must be kept, word for word
        for i, line in enumerate(lines):
            if is_tail_marker(line) and i > len(lines) // 3:
                assert not any(after in kept for after in lines[i + 1:]
                               if len(after.split()) > 3), (path.name, "teaser kept")
                break
            if is_boilerplate_line(line) or is_head_category(line) or i == 0:
                continue
            if parse_date_line(line) or _alnum(line) == _alnum(doc.title):
                continue  # a date line, or the headline repeated above the body
            assert _norm(line) in kept, (path.name, i)
        assert doc.title and doc.language == "en"


def test_seed_titles_outlets_and_dates():
    if not SEEDS.exists():
        pytest.skip(f"{SEEDS} is absent")
    docs = {p.name[:3]: clean(RawItem(source=str(p), text=p.read_text(encoding="utf-8"))).doc
            for p in SEEDS.glob("*.txt")}
    assert docs["000"].title.startswith("Furious Russia")
    assert docs["001"].title.startswith("Russia’s foreign minister")  # not "Uncategorized"
    assert docs["002"].outlet == "The Moscow Post"
    assert docs["002"].published == "2023-11-29"
    assert "|" not in docs["002"].title
    assert docs["004"].outlet == "RT"
    assert docs["003"].outlet is None  # "– Kremlin" attributes the headline, it is no outlet
    assert docs["003"].title.endswith("– Kremlin")


@pytest.mark.parametrize("title,expected", [
    ("Talks stall again | Latest news The Moscow Post", ("Talks stall again", "The Moscow Post")),
    ("No threat seen – US — RT World News", ("No threat seen – US", "RT")),
    ("NATO 'slaughtering' Ukrainians – Kremlin", ("NATO 'slaughtering' Ukrainians – Kremlin", None)),
    ("Grain deal extended - Reuters", ("Grain deal extended", "Reuters")),
    ("A | B", ("A | B", None)),
])
def test_title_suffix(title, expected):
    t, outlet, _ = split_title_suffix(title)
    assert (t, outlet) == expected


@pytest.mark.parametrize("line,iso", [
    ("29 November 2023", "2023-11-29"), ("Nov 29, 2023", "2023-11-29"),
    ("2023-11-29", "2023-11-29"), ("29.11.2023", "2023-11-29"),
    ("Published 4 February 2024", "2024-02-04"), ("Monday, 3 July 2023 12:30", "2023-07-03"),
    ("31 February 2023", None), ("The 29 November meeting", None),
])
def test_date_lines(line, iso):
    assert parse_date_line(line) == iso


def test_whitespace_is_normalised_and_text_is_stable():
    raw = "Title  here\r\n\r\n  First\u00a0para  with   spaces.\u200b\r\n\r\n\r\n\tSecond para.  \n"
    c = clean(RawItem(source="x", text=raw, scraped=False))
    assert c.doc.text == "Title here\n\nFirst para with spaces.\n\nSecond para."
    # cleaning is idempotent: the cleaned text cleans to itself, so ids are stable
    again = clean(RawItem(source="y", text=c.doc.text, scraped=False))
    assert again.doc.text == c.doc.text and again.doc.id == c.doc.id


def test_offset_map_round_trips():
    rng = random.Random(7)
    raw = (FIXTURES / "clean" / "wordpress_scrape.txt").read_text(encoding="utf-8")
    raw = raw.replace("The report", "The  report\u00a0").replace("\n\n", "\r\n \r\n")
    c = clean(RawItem(source="x", text=raw))
    text = c.doc.text
    for _ in range(500):
        a = rng.randrange(len(text) - 6)
        b = a + rng.randint(1, 6)
        if not text[a:b].strip() or any(ch.isspace() for ch in text[a:b]):
            continue
        ra, rb = c.offsets.span_to_raw(a, b)
        assert raw[ra:rb] == text[a:b]
        assert c.offsets.span_to_clean(ra, rb) == (a, b)
    assert OffsetMap.from_json(c.offsets.to_json()) == c.offsets


def test_language_is_identified():
    ru = "Министр иностранных дел заявил, что переговоры зашли в тупик и продолжатся позже."
    bg = "Министърът на външните работи заяви, че преговорите ще продължат следващата седмица."
    pt = "O ministro dos Negócios Estrangeiros afirmou que as negociações vão continuar amanhã."
    hi = "विदेश मंत्री ने कहा कि बातचीत अगले सप्ताह फिर से शुरू होगी और समझौता संभव है।"
    for text, lang in ((ru, "ru"), (bg, "bg"), (pt, "pt"), (hi, "hi")):
        assert clean(RawItem(source="x", text=text, scraped=False,
                             title_first_line=False)).doc.language == lang


def test_nothing_left_is_an_input_error():
    with pytest.raises(InputError) as err:
        clean(RawItem(source="page.txt", text="top of page\n\nLeave a Reply\n\nbottom of page\n"))
    assert "page.txt" in str(err.value) and err.value.reason == "no text"


def test_html_headline_is_not_doubled_and_the_page_date_wins():
    html = ("<html><head><title>Grain ships leave port | Site</title>"
            '<meta property="article:published_time" content="2023-10-02"></head><body><article>'
            "<h1>Grain ships leave port</h1><p>Ukraine shipped more grain in September than in "
            "any month since the corridor collapsed, officials said on Monday.</p><p>About twenty "
            "ships left the ports under the new arrangement, and insurers remain cautious.</p>"
            "</article></body></html>")
    doc = clean(RawItem(source="x.html", html=html, published="2024-01-01")).doc
    assert doc.text.count("Grain ships leave port") == 1
    assert doc.text.startswith("Grain ships leave port\n\nUkraine shipped")
    assert doc.published == "2023-10-02"


def test_a_repeated_headline_is_kept_once():
    raw = ("Talks stall over grain route | Harbour Times\n\n12 May 2024\n\n"
           "Talks stall over \"grain\" route\n\nNegotiators failed to agree on Friday on a new "
           "route for grain ships, officials said.\n")
    doc = clean(RawItem(source="x", text=raw)).doc
    assert doc.text == ("Talks stall over grain route\n\nNegotiators failed to agree on Friday "
                        "on a new route for grain ships, officials said.")
