"""The command line: every command, its formats and its exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from narrascope.cli import main

from support import EXAMPLES


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "cli.db")


def test_analyze_jsonl_has_the_promised_fields(capsys, db):
    code, out, err = run(capsys, "analyze", str(EXAMPLES), "--db", db, "-f", "jsonl",
                         "-a", "stats", "-q")
    assert code == 0 and err == ""
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == len(list(EXAMPLES.glob("*.txt")))
    for row in rows:
        for key in ("id", "source", "title", "url", "outlet", "published", "language", "text"):
            assert key in row
        assert row["source"].endswith(".txt") and row["stats"]["words"] > 20
    assert {r["outlet"] for r in rows} >= {"Northern Courier", "Eastern Mirror"}


def test_analyze_text_report(capsys, db):
    code, out, _ = run(capsys, "analyze", str(EXAMPLES / "01_vilnius_warning.txt"), "--db", db,
                       "-f", "text", "-a", "stats", "-q")
    assert code == 0
    assert "West \"doomed to fail\" in Ukraine" in out and "outlet Northern Courier" in out
    assert "Recent Posts" not in out and "bottom of page" not in out
    assert "STATS" in out


def test_ingest_search_show_export(capsys, db, tmp_path):
    code, _, err = run(capsys, "ingest", str(EXAMPLES), "--db", db)
    assert code == 0 and "article(s) added" in err
    code, out, _ = run(capsys, "search", "grain", "--db", db)
    assert code == 0 and "grain exports" in out
    doc_id = out.split()[0]
    code, out, _ = run(capsys, "show", doc_id[:6], "--db", db)
    assert code == 0 and "Odesa" in out
    code, out, _ = run(capsys, "search", "nonexistentword", "--db", db)
    assert code == 3 and out == ""
    code, out, _ = run(capsys, "export", "--format", "csv", "--db", db)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == len(list(EXAMPLES.glob("*.txt")))
    target = tmp_path / "out" / "all.jsonl"
    code, _, _ = run(capsys, "export", "--db", db, "-o", str(target))
    assert code == 0 and len(target.read_text().splitlines()) == len(rows)


def test_show_unknown_id(capsys, db):
    from narrascope.store import Store

    Store(db).close()  # an empty store: reading commands refuse a path with none
    code, _, err = run(capsys, "show", "ffffffffffff", "--db", db)
    assert code == 3 and "no stored article" in err


def test_unknown_format_and_analyser_are_usage_errors(capsys, db):
    code, _, err = run(capsys, "analyze", str(EXAMPLES), "--db", db, "-f", "pdf")
    assert code == 2 and "unknown format 'pdf'; allowed:" in err and "jsonl" in err
    code, _, err = run(capsys, "analyze", str(EXAMPLES), "--db", db, "-a", "nope")
    assert code == 2 and "unknown analyser 'nope'" in err
    code, _, err = run(capsys, "train", "nope", "x")
    assert code == 2 and "unknown training kind" in err
    for bad in ("0", "two"):
        with pytest.raises(SystemExit) as exit_:  # argparse's own usage error
            main(["analyze", str(EXAMPLES), "--db", db, "-j", bad])
        err = capsys.readouterr().err
        assert exit_.value.code == 2 and f"'{bad}' is not a number of processes" in err


def test_partial_batch_exits_1_and_keeps_going(capsys, db, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    good = tmp_path / "good.txt"
    good.write_text("A title\n\nA paragraph of article text that is long enough to keep.\n")
    code, out, err = run(capsys, "analyze", str(tmp_path / "empty.txt"), str(good),
                         str(tmp_path / "missing.txt"), "--db", db, "-f", "jsonl", "-a", "stats")
    assert code == 1
    assert len(out.splitlines()) == 1
    assert "empty.txt: file is empty" in err and "missing.txt: no such file" in err
    assert "2 input(s) skipped: 1 empty, 1 not found" in err


def test_nothing_readable_exits_3(capsys, db, tmp_path):
    code, out, err = run(capsys, "analyze", str(tmp_path / "nope.txt"), "--db", db, "-q")
    assert code == 3 and out == ""


def test_installed_console_script(db):
    """The `narrascope` entry point is installed and prints its usage."""
    proc = subprocess.run([sys.executable, "-m", "narrascope", "--help"], capture_output=True,
                          text=True, check=True)
    for cmd in ("ingest", "analyze", "search", "show", "export", "train", "evaluate"):
        assert cmd in proc.stdout


def test_formats_and_analysers_are_listed(capsys):
    code, out, _ = run(capsys, "formats")
    assert code == 0 and "jsonl" in out and "text" in out and "csv" in out
    code, out, _ = run(capsys, "analysers")
    assert code == 0 and "stats@1" in out


def test_semeval_narratives_has_a_line_for_every_input_file(capsys, db, tmp_path):
    (tmp_path / "tiny.txt").write_text("short\n")
    (tmp_path / "good.txt").write_text("A title\n\nA paragraph of article text, long enough.\n")
    code, out, _ = run(capsys, "analyze", str(tmp_path / "good.txt"), str(tmp_path / "tiny.txt"),
                       str(tmp_path / "absent.txt"), "--db", db, "-f", "semeval-narratives", "-q")
    assert code == 1
    names = [line.split("\t")[0] for line in out.splitlines()]
    assert names == ["good.txt", "tiny.txt"]
    assert all(len(line.split("\t")) == 3 for line in out.splitlines())


@pytest.mark.parametrize("kind, data, option, words", [
    ("ner", "entities/tiny.conll", "max_steps=many", "max_steps='many' is not a whole number"),
    ("ner", "entities/tiny.conll", "pretrain_epochs=x", "pretrain_epochs='x' is not a whole"),
    ("techniques", "techniques", "fold=first", "fold='first' is not a whole number"),
    ("framing", "framing", "c_main=big", "c_main='big' is not a number"),
    ("narratives", "narratives", "alpha=x", "alpha='x' is not a number"),
    ("narratives", "narratives", "word_ngrams=1-x", "word_ngrams='1-x' is not a range"),
])
def test_a_numeric_training_option_that_is_no_number_is_one_line(capsys, tmp_path, kind,
                                                                  data, option, words):
    from support import FIXTURES

    code = main(["train", kind, str(FIXTURES / data), "-o", str(tmp_path / "m"),
                 "--option", option])
    err = capsys.readouterr().err
    # progress lines may come first; the error is one line, the last
    errors = [line for line in err.splitlines() if line.startswith("narrascope: error:")]
    assert code == 2 and "Traceback" not in err and len(errors) == 1
    assert words in errors[0] and err.strip().endswith(errors[0])
    assert not (tmp_path / "m").exists()
