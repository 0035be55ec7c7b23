"""Metadata that scraped text carries in its first lines: the outlet in a title suffix,
a date line under the title."""

from __future__ import annotations

import re
from datetime import date

__all__ = ["split_title_suffix", "parse_date_line"]

#: Separators that put a site name after a title. An en dash or hyphen more often
#: attributes a headline ("... – Kremlin"), so it counts only before a known outlet.
_STRONG_SEP = re.compile(r"\s+(?:\||—|::|»)\s+(?P<site>[^|—]{2,80})$")
_WEAK_SEP = re.compile(r"\s+[-–]\s+(?P<site>[^-–]{2,60})$")
KNOWN_OUTLETS = frozenset(s.lower() for s in (
    "RT", "RT World News", "RT News", "TASS", "Sputnik", "Sputnik International", "RIA Novosti",
    "Reuters", "AP News", "Associated Press", "BBC News", "BBC", "CNN", "Fox News",
    "The Guardian", "Al Jazeera", "Euronews", "DW", "France 24", "Kyiv Independent",
    "Ukrainska Pravda", "Pravda", "Global Times", "The Moscow Post", "Moscow Times",
    "The Moscow Times", "Newsweek", "Politico", "The Hill", "Breitbart", "Zero Hedge",
    "ZeroHedge", "Strategic Culture Foundation", "Southfront", "South Front", "NewsPunch",
    "The Gateway Pundit", "InfoWars", "Natural News", "Daily Mail", "Daily Mail Online",
    "The Telegraph", "The Independent", "New York Post", "Washington Examiner",
))
_GENERIC_PREFIX = re.compile(r"^(latest news|breaking news|news|home)\s*[:\-–]?\s+", re.I)
_GENERIC_SUFFIX = re.compile(r"\s+(world news|news|online|\.com)$", re.I)


def _outlet_name(site: str) -> str:
    site = _GENERIC_PREFIX.sub("", site.strip())
    trimmed = _GENERIC_SUFFIX.sub("", site)
    return trimmed if len(trimmed) >= 2 else site


def split_title_suffix(title: str) -> tuple[str, str | None, int]:
    """``(title, outlet, cut)``: the title without a site suffix, the outlet named by the
    suffix (or None), and the index in ``title`` where the suffix began."""
    m = _STRONG_SEP.search(title)
    if m and len(title[: m.start()].split()) >= 3:
        return title[: m.start()].rstrip(), _outlet_name(m.group("site")), m.start()
    m = _WEAK_SEP.search(title)
    if m and m.group("site").strip().lower() in KNOWN_OUTLETS:
        return title[: m.start()].rstrip(), _outlet_name(m.group("site")), m.start()
    return title, None, len(title)


_MONTHS = {m: i for i, m in enumerate(
    ("january february march april may june july august september october november december"
     ).split(), start=1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_D_M_Y = re.compile(r"(?:\w+,\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})"
                    r"(?:\s*[,|-]?\s*\d{1,2}:\d{2}(?:\s*[ap]m)?)?")
_M_D_Y = re.compile(r"(?:\w+,\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})"
                    r"(?:\s*[,|-]?\s*\d{1,2}:\d{2}(?:\s*[ap]m)?)?")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?\S*)?")
_DMY_NUM = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")


def _mk(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def parse_date_line(line: str) -> str | None:
    """An ISO date if the whole line is a date ("29 November 2023", "Nov 29, 2023",
    "2023-11-29", "29.11.2023"), else None."""
    s = line.strip().removeprefix("Published").removeprefix("Updated").strip(" :")
    if not s or len(s) > 40:
        return None
    if m := _ISO.fullmatch(s):
        return _mk(int(m[1]), int(m[2]), int(m[3]))
    if m := _D_M_Y.fullmatch(s):
        mon = _MONTHS.get(m[2].lower())
        return _mk(int(m[3]), mon, int(m[1])) if mon else None
    if m := _M_D_Y.fullmatch(s):
        mon = _MONTHS.get(m[1].lower())
        return _mk(int(m[3]), mon, int(m[2])) if mon else None
    if m := _DMY_NUM.fullmatch(s):
        return _mk(int(m[3]), int(m[2]), int(m[1]))
    return None
