"""Which lines of already-scraped text are page furniture rather than article.

Three kinds of rule, each a table that is easy to extend:

* ``LINE_PATTERNS``: a line that matches one of these whole is dropped wherever it is
  ("top of page", "2 views0 comments", "Leave a Reply", share counters...);
* ``TAIL_MARKERS``: a line that starts a widget of other posts or comments ("Recent
  Posts", "Related Articles"); from there to the end nothing is article text, so the
  teasers such widgets list are dropped with it;
* ``HEAD_CATEGORIES``: section or category labels that scrapers leave above the title.
"""

from __future__ import annotations

import re

__all__ = ["is_boilerplate_line", "is_tail_marker", "is_head_category"]

_P = lambda s: re.compile(s, re.IGNORECASE)  # noqa: E731

LINE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(_P(p) for p in (
    r"(top|bottom) of (the )?page",
    r"back to top( button)?",
    r"skip to (main )?content",
    r"\d[\d,.]*\s*[kKmM]?\s*views?\s*(\d[\d,.]*\s*comments?)?",
    r"\d[\d,.]*\s*[kKmM]?\s*(comments?|shares?|likes?|replies|reactions)",
    r"(no|0) comments?( yet)?",
    r"(share|tweet|pin|email|print|whatsapp|telegram|facebook|twitter|linkedin|reddit|vk)"
    r"( this( article| post| story)?| on \w+)?:?",
    r"(share|follow us)( on)?:?(\s*(facebook|twitter|x|telegram|vk|whatsapp|linkedin|email)[,;|/]*)*",
    r"see all",
    r"like this:?",
    r"(like|love|haha|wow|sad|angry)( \d+)?",
    r"loading\.\.\.|reblog|subscribe|subscribed",
    r"recent posts",
    r"post: blog\d*_post",
    r"leave a (reply|comment)",
    r"cancel reply",
    r"your email address will not be published\.?( required fields are marked \*?)?",
    r"required fields are marked \*?",
    r"source link",
    r"related (articles|posts|stories|news)",
    r"(you (may|might) also like|read (more|also|next)|more from [\w ]+|popular posts|"
    r"most (read|popular)|trending( now)?)[:.]?",
    r"(subscribe|sign up)( (to|for) (our|the) newsletter)?[.!]?",
    r"(advertisement|sponsored( content)?|ad)",
    r"(photo|image|video)( credit)?:\s*\S.{0,80}",
    r"(previous|next) (post|article)[:.]?.{0,200}",
    r"tags?:.{0,200}",
    r"filed under:.{0,200}",
    r"comments? \(\d+\)",
    r"(all rights reserved|©|\(c\)|copyright).{0,120}",
    r"click here to .{0,80}",
    r"loading\.{0,3}",
))

TAIL_MARKERS: tuple[re.Pattern[str], ...] = tuple(_P(p) for p in (
    r"recent posts",
    r"related (articles|posts|stories|news)",
    r"leave a (reply|comment)",
    r"(you (may|might) also like|read (more|also|next)|more from [\w ]+|popular posts|"
    r"most (read|popular))[:.]?",
    r"\d+\s*comments?",
    r"comments?",
))

HEAD_CATEGORIES: frozenset[str] = frozenset(s.lower() for s in (
    "Uncategorized", "Uncategorised", "News", "World", "World News", "Politics", "Opinion",
    "Analysis", "Home", "Menu", "Europe", "Russia", "Ukraine", "Military", "Society",
    "Economy", "Business", "Breaking", "Breaking News", "Latest", "Latest News", "Blog",
    "Editorial", "Commentary", "Op-Ed", "Featured", "Top Stories", "In Depth",
))


def _union(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)


_LINE_RE = _union(LINE_PATTERNS)
_TAIL_RE = _union(TAIL_MARKERS)
#: furniture lines are short; longer lines are article text whatever they contain
_MAX_LEN = 240


def is_boilerplate_line(line: str) -> bool:
    s = line.strip()
    return bool(s) and len(s) <= _MAX_LEN and _LINE_RE.fullmatch(s) is not None


def is_tail_marker(line: str) -> bool:
    s = line.strip()
    return bool(s) and len(s) <= _MAX_LEN and _TAIL_RE.fullmatch(s) is not None


def is_head_category(line: str) -> bool:
    return line.strip().lower().rstrip(":") in HEAD_CATEGORIES
