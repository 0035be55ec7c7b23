"""The semeval-roles format: given mention lists round-trip, ends stay inclusive, file
names are the inputs' base names, and raw offsets are mapped onto the clean text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from narrascope.analysers.framing import FramingAnalyser
from narrascope.analysers.framing.classifier import RoleClassifier
from narrascope.analysers.framing.taxonomy import consistent
from narrascope.clean import clean
from narrascope.errors import NarrascopeError
from narrascope.ingest.base import decode
from narrascope.model import RawItem, Result, Span
from narrascope.report import Article, get_format
from narrascope.report import semeval_roles
from narrascope.train.framing import train

from support import FIXTURES

CORPUS = FIXTURES / "framing" / "EN"
MENTIONS = FIXTURES / "framing" / "mentions.txt"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> RoleClassifier:
    out = tmp_path_factory.mktemp("framing") / "model"
    train([str(CORPUS)], str(out), {"blocks": "sent,near,name,prior"})
    return RoleClassifier.load(out)


class _Spy(FramingAnalyser):
    """Records the clean spans the format asks about."""

    def __init__(self, model):
        super().__init__(model)
        self.asked: list[tuple[str, str]] = []

    def classify(self, doc, spans):
        self.asked.extend((doc.id, doc.text[s:e]) for s, e in spans)
        return super().classify(doc, spans)


def _articles(results=None):
    out = []
    for path in sorted((CORPUS / "raw-documents").glob("*.txt")):
        raw = decode(path.read_bytes(), str(path))
        cleaned = clean(RawItem(source=str(path), text=raw))
        res = (results or {}).get(path.name, {})
        out.append(Article(cleaned.doc, res, source=str(path), offsets=cleaned.offsets.to_json()))
    return out


def test_listed_mentions_round_trip(tiny_model, monkeypatch):
    spy = _Spy(tiny_model)
    monkeypatch.setattr(semeval_roles, "load_analyser", lambda name: spy)
    out = io.StringIO()
    get_format("semeval-roles").writer(out, _articles(), {"mentions": str(MENTIONS)})
    given = MENTIONS.read_text(encoding="utf-8").splitlines()
    lines = out.getvalue().splitlines()
    assert len(lines) == len(given)
    for line, listed in zip(lines, given):
        fields = line.split("\t")
        assert fields[:4] == listed.split("\t")  # file name, mention, start, inclusive end
        assert len(fields) >= 6 and consistent(fields[4], fields[5:])
    # every listed raw span reached the classifier as exactly the mention's clean text
    assert sorted(t for _, t in spy.asked) == sorted(x.split("\t")[1] for x in given)


def test_listed_mentions_in_files_not_given_are_left_out(tiny_model, monkeypatch, tmp_path,
                                                         capsys):
    monkeypatch.setattr(semeval_roles, "load_analyser", lambda name: FramingAnalyser(tiny_model))
    listing = tmp_path / "m.txt"
    listing.write_text(MENTIONS.read_text(encoding="utf-8") + "EN_T_999.txt\tNobody\t0\t5\n",
                       encoding="utf-8")
    out = io.StringIO()
    get_format("semeval-roles").writer(out, _articles()[:1], {"mentions": str(listing)})
    names = {line.split("\t")[0] for line in out.getvalue().splitlines()}
    assert names == {"EN_T_001.txt"}
    assert "not given as input" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["EN_T_001.txt\tX\t3\n", "EN_T_001.txt\tX\tfive\t9\n",
                                 "EN_T_001.txt\tX\t9\t3\n"])
def test_malformed_mention_list_is_a_one_line_error(tmp_path, bad):
    p = tmp_path / "m.txt"
    p.write_text(bad, encoding="utf-8")
    with pytest.raises(NarrascopeError, match="line 1"):
        semeval_roles.read_mention_list(p)


def test_detected_mentions_carry_raw_inclusive_offsets():
    arts = _articles()
    crlf = next(a for a in arts if Path(a.source).name == "EN_T_002.txt")
    text = crlf.doc.text
    start = text.index("Villagers")
    span = Span(start, start + len("Villagers"), "Innocent", 0.9,
                {"fine_roles": ["Victim"], "entity": "Villagers"})
    framed = Result("framing", "1", crlf.doc.id, spans=(span,))
    article = Article(crlf.doc, {"framing": framed}, source=crlf.source, offsets=crlf.offsets)
    out = io.StringIO()
    get_format("semeval-roles").writer(out, [article], {})
    (line,) = out.getvalue().splitlines()
    name, mention, s, e, main, fine = line.split("\t")
    raw = Path(crlf.source).read_bytes().decode("utf-8")
    assert name == "EN_T_002.txt" and mention == "Villagers"
    assert raw[int(s):int(e) + 1] == "Villagers"
    assert int(s) != start  # the CRLF file's raw offsets differ from the clean ones
    assert (main, fine) == ("Innocent", "Victim")


@pytest.mark.slow
def test_cli_answers_the_mention_list(capsys, tmp_path):
    """`narrascope analyze FILES --format semeval-roles --mentions LIST`, end to end (with
    whatever entities analyser and framing model are installed)."""
    from narrascope.analysers import registry
    from narrascope.cli import main

    if "entities" not in registry():
        pytest.skip("the entities analyser is not installed")
    files = sorted(str(p) for p in (CORPUS / "raw-documents").glob("*.txt"))
    code = main(["analyze", *files, "--db", str(tmp_path / "t.db"), "-f", "semeval-roles",
                 "--mentions", str(MENTIONS), "-q"])
    out = capsys.readouterr().out
    assert code == 0
    given = MENTIONS.read_text(encoding="utf-8").splitlines()
    lines = out.splitlines()
    assert [line.split("\t")[:4] for line in lines] == [g.split("\t") for g in given]
    for line in lines:
        fields = line.split("\t")
        assert consistent(fields[4], fields[5:])
