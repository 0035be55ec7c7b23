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


ARTICLE = ("Ministers meet again over the grain deal\n\nThe ministers met in Geneva on Monday "
           "and agreed on nothing, officials said after the talks ended late at night.\n")


def _analyze_refused(tmp_path, capsys, *extra) -> str:
    """Run analyze with ``extra`` options; it must refuse in one line before storing anything."""
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE)
    db = tmp_path / "never.db"
    code = main(["analyze", str(src), "--db", str(db), *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not db.exists()  # refused before the store was opened, so before any work
    return err


def test_output_path_under_a_file_is_refused_before_any_work(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    err = _analyze_refused(tmp_path, capsys, "-o", str(tmp_path / "afile" / "out.jsonl"))
    assert "is a file, not a folder" in err


def test_output_path_that_is_a_folder_is_refused(tmp_path, capsys):
    err = _analyze_refused(tmp_path, capsys, "-o", str(tmp_path))
    assert "is a folder" in err


def test_export_to_a_folder_is_one_line_not_a_traceback(tmp_path, capsys):
    from narrascope.store import Store

    Store(tmp_path / "e.db").close()
    code = main(["export", "-o", str(tmp_path), "--db", str(tmp_path / "e.db")])
    err = capsys.readouterr().err
    assert code == 2 and "is a folder" in err and "Traceback" not in err


def test_mentions_with_a_format_that_ignores_them_is_refused(tmp_path, capsys):
    mentions = tmp_path / "m.txt"
    mentions.write_text("a.txt\tGeneva\t60\t65\n")
    err = _analyze_refused(tmp_path, capsys, "-f", "jsonl", "--mentions", str(mentions))
    assert "semeval-roles" in err


@pytest.mark.parametrize("content, says", [
    (b"a.txt\tGeneva\t60\t65\nnot a mention line\n", "line 2"),
    (b"a.txt\tGeneva\t-3\t65\n", "negative"),
    (b"\x89PNG\r\n\x1a\n\xff\xfe\x00binary", "not UTF-8"),
])
def test_bad_mention_list_fails_before_the_analysis_not_after(tmp_path, capsys, content, says):
    mentions = tmp_path / "m.txt"
    mentions.write_bytes(content)
    err = _analyze_refused(tmp_path, capsys, "-f", "semeval-roles", "--mentions", str(mentions))
    assert says in err


@pytest.mark.parametrize("argv", [["search", "x", "-n", "-5"], ["search", "x", "--offset", "-1"],
                                  ["serve", "--max-upload", "-5"], ["search", "x", "-n", "abc"]])
def test_negative_counts_and_sizes_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "at least" in capsys.readouterr().err


def test_csv_keeps_findings_the_first_article_lacks_and_has_a_header_when_empty(monkeypatch):
    import csv as csvlib
    import io

    from narrascope.report import csv as csv_format

    rows = [{"id": "a", "text": "one", "stats": {"words": 1}},
            {"id": "b", "text": "two", "stats": {"words": 1}, "quotes": [{"text": "q"}]}]
    monkeypatch.setattr(csv_format, "article_json", lambda art: art)
    out = io.StringIO()
    csv_format.write_csv(out, rows, {})
    table = list(csvlib.DictReader(io.StringIO(out.getvalue())))
    assert table[1]["quotes"] == '[{"text": "q"}]' and table[0]["quotes"] == ""
    empty = io.StringIO()
    csv_format.write_csv(empty, [], {})
    assert empty.getvalue().startswith("id,source,title,")


def test_files_a_folder_holds_that_no_reader_takes_are_named_not_dropped_unseen(tmp_path, capsys):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "story.txt").write_text(ARTICLE)
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4 not read")
    (folder / "photo.PNG").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / ".hidden.pdf").write_bytes(b"%PDF")  # hidden files stay unmentioned
    code = main(["ingest", str(folder), "--db", str(tmp_path / "n.db")])
    err = capsys.readouterr().err
    assert code == 0  # a notice, not a skipped input: the run is not partial
    (line,) = [ln for ln in err.splitlines() if "not read" in ln]
    assert line.startswith(f"narrascope: {folder}: 2 file(s) not read: no reader for .pdf, .png")
    assert "1 article(s) added" in err


@pytest.mark.parametrize("url", ["ftp://example.org/story.txt", "file:///etc/hostname"])
def test_a_url_of_another_scheme_is_named_as_such(tmp_path, capsys, url):
    code = main(["ingest", url, "--db", str(tmp_path / "u.db")])
    err = capsys.readouterr().err
    assert code == 3
    assert f"{url}: {url.split(':')[0]}:// URLs are not fetched (allowed: http:// and https://" in err


@pytest.mark.parametrize("env, value", [("NARRASCOPE_MAX_BYTES", "abc"),
                                        ("NARRASCOPE_MAX_BYTES", "-1"),
                                        ("NARRASCOPE_FETCH_TIMEOUT", "soon")])
def test_a_bad_numeric_setting_is_one_line_naming_the_variable(tmp_path, capsys, monkeypatch,
                                                               env, value):
    monkeypatch.setenv(env, value)
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE)
    assert main(["ingest", str(src), "--db", str(tmp_path / "s.db")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"narrascope: error: {env}={value!r} is not allowed")
    assert len(err.strip().splitlines()) == 1


def test_serve_refuses_a_bad_fetch_timeout_before_starting(monkeypatch, capsys):
    monkeypatch.setenv("NARRASCOPE_FETCH_TIMEOUT", "soon")
    assert main(["serve", "--port", "8799", "-q"]) == 2
    assert "NARRASCOPE_FETCH_TIMEOUT='soon'" in capsys.readouterr().err


def test_train_list_prints_the_kinds_its_help_points_to(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["train", "--list"])
    assert exc.value.code == 0
    kinds = [ln.split()[0] for ln in capsys.readouterr().out.splitlines()]
    assert "narratives" in kinds and "techniques" in kinds


def test_training_data_that_is_not_utf8_is_one_line_not_a_traceback(tmp_path, capsys):
    data = tmp_path / "train.conll"
    data.write_bytes("Москва B-LOC\n".encode("cp1251"))
    assert main(["evaluate", "ner", str(data)]) == 2
    err = capsys.readouterr().err
    assert "must be UTF-8 text" in err and len(err.strip().splitlines()) == 1


def test_a_column_mapping_to_an_unknown_field_is_a_usage_error_before_reading(tmp_path, capsys):
    src = tmp_path / "rows.csv"
    src.write_text('headline,body\nTalks stall,"The talks stalled again on Monday, officials said."\n')
    db = tmp_path / "c.db"
    assert main(["ingest", str(src), "--column", "bdy=body", "--db", str(db)]) == 2
    assert "unknown field 'bdy' (allowed: text, html, title" in capsys.readouterr().err
    assert not db.exists()
    assert main(["ingest", str(src), "--column", "Body=body", "--db", str(db), "-q"]) == 0


def test_show_with_a_too_short_prefix_says_what_an_id_may_be(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE)
    db = str(tmp_path / "s.db")
    assert main(["ingest", str(src), "--db", db, "-q"]) == 0
    assert main(["show", "abc", "--db", db]) == 3
    assert "a prefix of at least 4 characters" in capsys.readouterr().err


def _stdin(monkeypatch, data: bytes) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_dash_reads_an_article_piped_into_standard_input(tmp_path, capsys, monkeypatch):
    from narrascope.store import Store

    _stdin(monkeypatch, ARTICLE.encode())
    db = tmp_path / "in.db"
    assert main(["ingest", "-", "--db", str(db), "-q"]) == 0
    store = Store(db)
    try:
        (doc,) = list(store.iter_documents())
        assert doc.title == "Ministers meet again over the grain deal"
        assert store.sources_of(doc.id) == ["-"]
    finally:
        store.close()


def test_dash_reads_json_lines_and_names_a_bad_line_as_from_standard_input(tmp_path, capsys,
                                                                          monkeypatch):
    rows = ('{"text": "A first article long enough to be stored, about the talks."}\n'
            '{"text": broken}\n')
    _stdin(monkeypatch, rows.encode())
    assert main(["ingest", "-", "--db", str(tmp_path / "j.db")]) == 1
    err = capsys.readouterr().err
    assert "narrascope: -: line 2 is not valid JSON" in err and "1 article(s) added" in err


@pytest.mark.parametrize("data, says", [(b"", "standard input is empty"),
                                        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary")])
def test_dash_with_nothing_or_binary_piped_in_is_one_line(tmp_path, capsys, monkeypatch,
                                                          data, says):
    _stdin(monkeypatch, data)
    assert main(["ingest", "-", "--db", str(tmp_path / "e.db")]) == 3
    err = capsys.readouterr().err
    assert "narrascope: -: " in err and says in err and "/tmp" not in err


class _FakeFraming:
    def classify(self, doc, spans):
        return [("Protagonist", ("Guardian",), 0.5) for _ in spans]


def _roles_article(tmp_path):
    from narrascope.model import Document, doc_id_for
    from narrascope.report import Article

    text = "Talks in Geneva\n\nThe mayor of Odesa said the port would reopen."
    doc = Document(doc_id_for(text), text, "Talks in Geneva", source=str(tmp_path / "a.txt"))
    return Article(doc=doc, results={}, source=str(tmp_path / "a.txt"))


def test_listed_mentions_off_the_text_are_answered_with_a_warning(tmp_path, capsys, monkeypatch):
    import io

    from narrascope.report import get_format, semeval_roles

    monkeypatch.setattr(semeval_roles, "load_analyser", lambda name: _FakeFraming())
    mentions = tmp_path / "m.txt"
    mentions.write_text("a.txt\tOdesa\t30\t34\na.txt\tKyiv\t900\t903\na.txt\tmayor\t30\t34\n")
    fmt = get_format("semeval-roles")
    options = fmt.check({"mentions": str(mentions)})
    monkeypatch.setattr(semeval_roles, "read_mention_list",
                        lambda path: pytest.fail("the list was read twice"))
    out = io.StringIO()
    fmt.writer(out, [_roles_article(tmp_path)], options)
    assert len(out.getvalue().splitlines()) == 3  # every listed mention still has an answer
    err = capsys.readouterr().err
    assert "2 listed mention(s) do not match their file's text" in err
    assert "a.txt 900-903, 'Kyiv'" in err


def test_serve_on_a_port_in_use_is_one_line_before_the_server_starts(tmp_path, capsys,
                                                                     monkeypatch):
    import socket

    uvicorn = pytest.importorskip("uvicorn")
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("the server started"))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["serve", "--port", str(port), "--db", str(tmp_path / "w.db"), "-q"])
    assert code == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [["export"], ["search", "x"], ["show", "abcd"], ["quotes"],
                                  ["copies"]])
def test_reading_commands_do_not_make_a_store_from_a_mistyped_db(tmp_path, capsys, argv):
    typo = tmp_path / "narascope.db"
    assert main([*argv, "--db", str(typo)]) == 2
    assert f"no store at {typo}" in capsys.readouterr().err
    assert not typo.exists()


def test_serve_says_when_its_store_does_not_exist_yet(tmp_path, capsys, monkeypatch):
    uvicorn = pytest.importorskip("uvicorn")
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    monkeypatch.setattr("narrascope.cli.serve._check_listen", lambda host, port: None)
    monkeypatch.setattr("narrascope.web.create_app", lambda **kw: object())
    typo = tmp_path / "narascope.db"
    assert main(["serve", "--db", str(typo)]) == 0
    assert f"no store at {typo} yet: serving an empty one" in capsys.readouterr().err


def test_a_folder_readme_is_not_worth_a_notice(tmp_path, capsys):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "story.txt").write_text(ARTICLE)
    (folder / "README.md").write_text("# What these articles are\n")
    (folder / "LICENSE").write_text("terms\n")
    assert main(["ingest", str(folder), "--db", str(tmp_path / "r.db")]) == 0
    assert "not read" not in capsys.readouterr().err


def test_task_offsets_of_an_html_article_count_the_stored_text_and_say_so(tmp_path, capsys):
    import io

    from narrascope.model import Document, Result, Span, doc_id_for
    from narrascope.report import Article, get_format

    text = "Title\n\nThe mayor of Odesa said the port would reopen."
    doc = Document(doc_id_for(text), text, "Title")
    spans = (Span(text.index("mayor"), text.index("mayor") + 5, "Doubt"),)
    result = Result("techniques", "1", doc.id, spans=spans)
    shift = [[0, 100, len(text)]]  # the text was found 100 characters into its source
    page, plain = tmp_path / "page.html", tmp_path / "article123.txt"
    page.write_text("<html>...</html>")
    plain.write_text(" " * 100 + text)
    out = io.StringIO()
    get_format("ptc-techniques").writer(out, [
        Article(doc, {"techniques": result}, str(page), shift),
        Article(doc, {"techniques": result}, str(plain), shift)], {})
    start = text.index("mayor")
    assert out.getvalue().splitlines() == [f"page\tDoubt\t{start}\t{start + 5}",
                                           f"123\tDoubt\t{start + 100}\t{start + 105}"]
    err = capsys.readouterr().err
    assert "ptc-techniques: 1 article(s) were not read from plain-text files" in err


def test_a_file_named_twice_is_read_and_reported_once(tmp_path, capsys):
    folder = tmp_path / "news"
    folder.mkdir()
    story = folder / "story.txt"
    story.write_text(ARTICLE)
    code = main(["ingest", str(story), str(folder / "." / "story.txt"), str(folder),
                 "--db", str(tmp_path / "t.db")])
    assert code == 0
    assert "1 article(s) added, 0 already stored" in capsys.readouterr().err


def test_output_that_is_an_input_is_refused_not_overwritten(tmp_path, capsys):
    err = _analyze_refused(tmp_path, capsys, "-o", str(tmp_path / "a.txt"))
    assert "is one of the inputs" in err
    assert (tmp_path / "a.txt").read_text() == ARTICLE
