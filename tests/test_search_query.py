"""Search queries as analysts type them: punctuation inside words is text, not FTS5 syntax."""

from __future__ import annotations

import pytest

from narrascope.clean.query import fts_query
from narrascope.cli import main


@pytest.mark.parametrize("typed, sent", [
    ("U.S.", '"U.S."'),
    ("anti-war", '"anti-war"'),
    ("Orlov:", '"Orlov:"'),
    ("Ukraine AND U.S.", 'Ukraine AND "U.S."'),
    ("pre-war*", '"pre-war"*'),
    ("NATO, Ukraine", "NATO Ukraine"),
    ('"security guarantees" AND NATO', '"security guarantees" AND NATO'),
    ("(Kyiv OR Kiev) NOT war", "( Kyiv OR Kiev ) NOT war"),
    ("NEAR(NATO Ukraine, 5)", "NEAR ( NATO Ukraine , 5 )"),
    ("Zelens*", "Zelens*"),
    ("Путин", "Путин"),
])
def test_terms_fts5_would_misread_become_phrases(typed, sent):
    assert fts_query(typed) == sent


def test_punctuated_words_are_found_from_the_command_line(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text("Aid debate in Congress\n\nThe U.S. anti-war caucus met on Monday; 10% of "
                   "members said Kyiv's request was fair.\n")
    db = str(tmp_path / "q.db")
    assert main(["ingest", str(src), "--db", db, "-q"]) == 0
    capsys.readouterr()
    for query in ("U.S.", "anti-war", "Kyiv's", "10%", "caucus:"):
        assert main(["search", query, "--db", db]) == 0, query
        assert "Aid debate in Congress" in capsys.readouterr().out
    assert main(["search", '"unclosed', "--db", db]) == 2  # a real syntax error stays one


def test_punctuated_words_are_found_in_the_web_app(tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from narrascope.web import create_app
    from test_web_fixtures import TOKEN, build_store

    path = tmp_path / "web.db"
    build_store(path)
    with TestClient(create_app(path, token=TOKEN, analysers=lambda: ["stats"])) as c:
        assert c.get("/search", params={"q": "harbour-bridge"}).status_code == 200
        assert c.get("/api/search", params={"q": "U.S."}).status_code == 200
