"""The narrative taxonomy: the shipped file, loading users' files, and label consistency."""

from __future__ import annotations

import json

import pytest

from narrascope.taxonomies import TaxonomyError, default_taxonomy, load_taxonomy

from support import SHARED_DATA, need_shared

TASK = SHARED_DATA / "semeval2025-t10"


def test_shipped_taxonomy_shape():
    tax = default_taxonomy()
    assert tax.domains == ("URW", "CC")
    assert len(tax.narratives) == 21
    assert "URW: Discrediting Ukraine: Rewriting Ukraine’s history" in tax.parent  # curly ’
    # every narrative takes "Narrative: Other"; the URW plots narrative has nothing else
    assert all(tax.other_of(n) for n in tax.narratives)
    plots = "URW: Hidden plots by secret schemes of powerful groups"
    assert tax.children(plots) == (plots + ": Other",)
    assert all(tax.descriptions[lab] for lab in tax.narratives + tax.subnarratives)


def test_shipped_taxonomy_covers_the_task_labels():
    need_shared(TASK)
    tax = default_taxonomy()
    listed = set()
    for name in ("labels-narratives.txt", "labels-subnarratives.txt"):
        listed |= {ln.strip() for ln in (TASK / name).read_text(encoding="utf-8").splitlines()
                   if ln.strip()}
    assert all(tax.is_label(lab) for lab in listed)
    # the four climate labels the list forgets but the annotations use
    for lab in ("CC: Climate change is beneficial: Temperature increase is beneficial",
                "CC: Climate change is beneficial: Other",
                "CC: Downplaying climate change: Sea levels are not rising",
                "CC: Green policies are geopolitical instruments: Climate-related "
                "international relations are abusive/exploitative"):
        assert tax.is_label(lab) and lab not in listed


def test_consistency_rules():
    tax = default_taxonomy()
    sub = "URW: Praise of Russia: Praise of Russian military might"
    narrs, subs = tax.consistent([], [sub])
    assert narrs == ["URW: Praise of Russia"] and subs == [sub]
    narrs, subs = tax.consistent(["CC: Downplaying climate change"], [])
    assert subs == ["CC: Downplaying climate change: Other"]
    assert tax.consistent([], []) == (["Other"], ["Other"])
    # "Other" never stands beside a narrative
    narrs, subs = tax.consistent(["Other", "URW: Praise of Russia"], ["Other"])
    assert "Other" not in narrs and "Other" not in subs


def test_user_taxonomy_without_domains(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"name": "mine", "other": "None", "narratives": {
        "Elections are rigged": {"description": "d", "subnarratives": {"Postal votes": "p"}},
        "Vaccines are dangerous": {"other": False},
    }}), encoding="utf-8")
    tax = load_taxonomy(path)
    assert tax.narratives == ("Elections are rigged", "Vaccines are dangerous")
    assert tax.parent["Elections are rigged: Postal votes"] == "Elections are rigged"
    assert tax.other_of("Vaccines are dangerous") is None
    assert tax.consistent(["Vaccines are dangerous"], []) == (["Vaccines are dangerous"],
                                                              ["None"])


@pytest.mark.parametrize("content, message", [
    ("name: x\n", "exactly one of 'domains'"),
    ("domains: {}\n", "missing 'name'"),
    ("name: x\nnarratives:\n  'A; B': {}\n", "may not contain ';'"),
    ("name: x\nnarratives:\n  A:\n    subnarratives:\n      Other: d\n", "'Other' is implied"),
    ("name: x\nnarratives:\n  A:\n    subnarratives: [a, b]\n", "expected a mapping"),
    ("name: x\nnarratives: [\n", "not valid YAML at line"),
])
def test_bad_taxonomy_files_say_what_is_wrong(tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TaxonomyError) as err:
        load_taxonomy(path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_unknown_taxonomy_name():
    with pytest.raises(TaxonomyError, match="semeval2025-t10"):
        load_taxonomy("no-such-taxonomy")


def test_analyser_describes_its_labels():
    from narrascope.analysers import load_analyser

    a = load_analyser("narratives")
    assert a.describe("URW: Discrediting Ukraine")
    assert a.describe("no such label") is None
