"""Hostile inputs a first-time analyst tried, each a defect once: one test per finding."""

from __future__ import annotations

import pytest

from narrascope.cli import main
from narrascope.ingest.base import decode, legacy_codec

RUSSIAN = "Министр иностранных дел заявил во вторник, что переговоры зашли в тупик."
BULGARIAN = "Правителството в София обсъди бюджета за следващата година."
WESTERN = ["Le ministre a déclaré mardi que l'élève était à côté.",
           "Müller und Söhne ließen grüßen.", "A ação de São Paulo já começou.", "à la carte"]


@pytest.mark.parametrize("text", [RUSSIAN, BULGARIAN, "Zelensky и НАТО в Kyiv обсудили"])
def test_cyrillic_in_windows_1251_is_not_read_as_western_mojibake(text):
    assert legacy_codec(text.encode("cp1251")) == "cp1251"
    assert decode(text.encode("cp1251"), "x") == text


@pytest.mark.parametrize("text", WESTERN)
def test_western_legacy_text_still_decodes_as_windows_1252(text):
    assert decode(text.encode("cp1252"), "x") == text


def test_russian_file_in_windows_1251_is_stored_in_cyrillic(tmp_path, capsys):
    from narrascope.store import Store

    src = tmp_path / "ru.txt"
    src.write_bytes(("Переговоры зашли в тупик\n\n" + RUSSIAN + "\n").encode("cp1251"))
    db = tmp_path / "ru.db"
    assert main(["ingest", str(src), "--db", str(db), "-q"]) == 0
    store = Store(db)
    try:
        (doc,) = list(store.iter_documents())
    finally:
        store.close()
    assert doc.title == "Переговоры зашли в тупик"
    assert RUSSIAN in doc.text


def test_bad_json_line_message_reads_as_one_sentence(tmp_path, capsys):
    src = tmp_path / "rows.jsonl"
    src.write_text('{"text": "A first good article that is long enough to be stored."}\n'
                   '{"text": "a control character \t inside"}\n')
    assert main(["ingest", str(src), "--db", str(tmp_path / "j.db")]) == 1
    err = capsys.readouterr().err
    (line,) = [ln for ln in err.splitlines() if "line 2" in ln]
    assert "at at" not in line and "column" in line
