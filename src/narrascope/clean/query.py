"""A search query as typed, made safe for SQLite FTS5.

FTS5 reads ``U.S.``, ``Kyiv's``, ``anti-war``, ``10%`` or ``Orlov:`` as syntax (or as a
column filter) and fails, though an analyst means the words. :func:`fts_query` keeps what
FTS5 offers on purpose -- words, ``"quoted phrases"``, ``AND``/``OR``/``NOT``, parentheses,
``NEAR(a b, 5)`` and ``prefix*`` -- and quotes every other term as a phrase, so its
characters are read as text: ``U.S.`` finds the phrase "U S", as the tokenizer indexed it.
"""

from __future__ import annotations

import re

__all__ = ["fts_query"]

#: a quoted phrase (with "" inside; an unclosed one is left for FTS5 to refuse), a
#: parenthesis or comma (NEAR's syntax), or a run of anything else
_TOKEN = re.compile(r'"(?:[^"]|"")*"?|[(),]|[^\s(),"]+')
_BAREWORD = re.compile(r"\w+\*?", re.UNICODE)
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}


def _term(token: str) -> str:
    if token in _OPERATORS or token in "()," or token.startswith('"') \
            or _BAREWORD.fullmatch(token):
        return token
    star = "*" if token.endswith("*") and len(token) > 1 else ""
    body = token[:-1] if star else token
    return '"' + body.replace('"', '""') + '"' + star


def fts_query(query: str) -> str:
    """``query`` with every term FTS5 would misread quoted as a phrase; a query that is
    already valid FTS5 of words, phrases, operators and prefixes is returned unchanged.
    A comma counts only inside ``NEAR(...)``; elsewhere it separates words, like a space."""
    out: list[str] = []
    near = 0  # parenthesis depth inside a NEAR group, 0 outside one
    for token in _TOKEN.findall(query):
        if token == "(":
            near = near + 1 if near or (out and out[-1] == "NEAR") else 0
        elif token == ")":
            near = max(near - 1, 0)
        elif token == "," and not near:
            continue
        out.append(_term(token))
    return " ".join(out)
