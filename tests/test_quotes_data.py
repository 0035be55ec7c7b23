"""The quote finder on narrascope's own labelled set, the seeds, and PolNeAR when present."""

from __future__ import annotations

import json

import pytest

from support import FIXTURES, SEEDS, SHARED_DATA, need_shared
from narrascope.train.quotes import locate, score_own

OWN = FIXTURES / "quotes"


def test_own_set_is_well_formed():
    files = sorted(OWN.glob("*.json"))
    assert len(files) >= 20
    styles = set()
    for f in files:
        item = json.loads(f.read_text(encoding="utf-8"))
        styles.add(item["style"].split(",")[0])
        for g in locate(item):  # every labelled string is in its article
            assert g["kind"] in ("direct", "indirect")
    assert {"state media", "wire", "blog", "translated Russian officialese"} <= styles


def test_own_set_quality_floor():
    m = score_own(OWN)
    assert m["pronoun_speakers"] >= 20
    assert m["pronoun_resolution"] >= 0.9
    assert m["precision"] >= 0.85 and m["recall"] >= 0.85
    assert m["speaker_resolution"] >= 0.8


SEED_SPEAKERS = {
    "000": {"Anatoly Antonov", "Konstantin Gavrilov"},
    "001": {"Sergey Lavrov", "Lloyd Austin", "Emily Horne"},
    "002": {"Jens Stoltenberg"},
    "003": {"Dmitry Peskov", "Jens Stoltenberg"},
    "004": {"John Kirby", "Vladimir Putin"},
}
#: surname as written -> the full name every quote it speaks must resolve to
OFFICIALS = {"Antonov": "Anatoly Antonov", "Gavrilov": "Konstantin Gavrilov",
             "Lavrov": "Sergey Lavrov", "Patrushev": "Nikolai Patrushev",
             "Peskov": "Dmitry Peskov", "Stoltenberg": "Jens Stoltenberg",
             "Kirby": "John Kirby", "Putin": "Vladimir Putin", "Horne": "Emily Horne"}


def test_seed_officials_get_the_right_speaker():
    need_shared(SEEDS)
    from narrascope.analysers.quotes import quotes_of

    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        quotes = quotes_of(text)
        found = {q["speaker"] for q in quotes}
        assert SEED_SPEAKERS.get(path.name[:3], set()) <= found, (path.name, found)
        for q in quotes:
            written = q["speaker_text"] or ""
            for surname, full in OFFICIALS.items():
                if surname in written:
                    assert q["speaker"] == full, (path.name, q)


@pytest.mark.slow
def test_polnear_dev_sample_scores():
    dev = need_shared(SHARED_DATA / "quotes" / "polnear" / "dev")
    from narrascope.train.quotes import score_polnear

    m = score_polnear(dev, limit=10)
    assert m["documents"] == 10 and m["gold_speech_attributions"] > 0
    assert 0.5 <= m["precision"] <= 1.0 and 0.4 <= m["recall"] <= 1.0
