"""The facet index follows the store while other threads read it."""

from __future__ import annotations

import threading
import time

from narrascope.model import Document, Label, Result, Span, doc_id_for
from narrascope.analysers import get_spec, registry
from narrascope.web.queries import (Database, Filters, narrative_volume, search,
                                    top_speakers)
from test_web_fixtures import NARR_A, build_store


def test_reads_stay_consistent_while_articles_arrive(tmp_path):
    path = tmp_path / "web.db"
    build_store(path)
    db = Database(path)
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                search(db, None, Filters(narrative=NARR_A), 1, 5)
                search(db, "harbour", Filters(outlet="Daily Lantern"), 1, 5)
                narrative_volume(db, Filters(language="en"), "day")
                top_speakers(db, Filters(), 5)
                time.sleep(0.002)  # let the writer in
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    readers = [threading.Thread(target=read) for _ in range(2)]
    for t in readers:
        t.start()
    has_narratives = "narratives" in registry()
    for n in range(15):
        text = f"Quay report {n}\n\nThe quay number {n} was blamed for the harbour delay."
        doc = Document(doc_id_for(text), text, f"Quay report {n}", None, "Daily Lantern",
                       f"2024-04-{n % 28 + 1:02d}", (), "en")
        db.writer.add_document(doc)
        if has_narratives:
            db.writer.add_results([Result("narratives", get_spec("narratives").version, doc.id,
                                          (Label(NARR_A, 0.9, (Span(0, 5, NARR_A),),
                                                 {"level": "narrative"}),))])
    stop.set()
    for t in readers:
        t.join()
    assert not errors, errors
    found = search(db, None, Filters(outlet="Daily Lantern"), 1, 100)
    assert found.total == 17
    if has_narratives:
        assert search(db, None, Filters(narrative=NARR_A), 1, 100).total == 17
    db.close()
