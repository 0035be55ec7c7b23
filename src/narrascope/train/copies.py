"""``narrascope train copies DIR...``: count the background document frequencies the
story clusters of the ``copies`` analyser weigh terms with.

Reads every ``*.txt`` file under the given folders (one article per file) and writes
``df.json``: the number of articles and, for every story term found in at least
``min_df`` of them (default 2), in how many. Only counts are written, never text.
``narrascope evaluate copies DIR`` reports how much of another corpus's vocabulary the
table knows.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Sequence

from ..errors import NarrascopeError
from . import Trainer, number_option, register_trainer


def _files(paths: Sequence[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(p.rglob("*.txt"))
        elif p.is_file():
            out.append(p)
        else:
            raise NarrascopeError(f"no such file or folder: {p}; give folders of .txt articles")
    if not out:
        raise NarrascopeError(f"no .txt articles under {', '.join(paths)}")
    return out


def train(paths: Sequence[str], output: str | None, options: dict[str, Any]) -> str:
    from ..analysers.copies.background import FILE
    from ..analysers.copies.stories import document_terms
    from ..settings import home

    min_df = number_option(options, "min_df", 2)
    df: Counter = Counter()
    files = _files(paths)
    for f in files:
        df.update(document_terms(f.read_text(encoding="utf-8", errors="replace")))
    out = Path(output) if output else home() / "models" / "copies"
    out.mkdir(parents=True, exist_ok=True)
    table = {t: n for t, n in sorted(df.items()) if n >= min_df}
    (out / FILE).write_text(json.dumps({"docs": len(files), "min_df": min_df, "df": table},
                                       ensure_ascii=False, separators=(",", ":")),
                            encoding="utf-8")
    return str(out / FILE)


def evaluate(path: str, model: str | None, options: dict[str, Any]) -> dict[str, Any]:
    from ..analysers.copies.background import load_background
    from ..analysers.copies.stories import document_terms

    bg = load_background(model)
    files = _files([path])
    seen = known = 0
    for f in files:
        terms = document_terms(f.read_text(encoding="utf-8", errors="replace"))
        seen += len(terms)
        known += sum(1 for t in terms if t in bg.df)
    return {"articles": len(files), "table_articles": bg.docs, "table_terms": len(bg.df),
            "term_coverage": known / seen if seen else 0.0}


register_trainer(Trainer("copies", "background term frequencies for the copies "
                                   "analyser's story clusters", train, evaluate))
