"""Background document frequencies for story terms: a word table counted once over a
large news corpus (``narrascope train copies``), so that even a small store knows that
"NATO" is common and "Vilnius" is not.

The table holds counts of words, never text: ``{"docs": N, "df": {term: documents}}``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from ...settings import home

__all__ = ["Background", "load_background", "default_model_path", "SHIPPED"]

SHIPPED = Path(__file__).resolve().parents[2] / "models" / "copies"
FILE = "df.json"


@dataclass(frozen=True)
class Background:
    docs: int = 0
    df: dict[str, int] = field(default_factory=dict)
    #: ``log((docs + 1) / (df + 1))`` per term, and its value for an unknown term
    idf: dict[str, float] = field(default_factory=dict)
    rare: float = 1.0

    @classmethod
    def of(cls, docs: int, df: dict[str, int]) -> "Background":
        return cls(docs, df, {t: math.log((docs + 1) / (n + 1)) for t, n in df.items()},
                   math.log(docs + 1) or 1.0)


def default_model_path() -> Path:
    """The user's trained table if there is one, else the shipped one."""
    user = home() / "models" / "copies"
    return user if (user / FILE).exists() else SHIPPED


def load_background(path: str | Path | None = None) -> Background:
    """The table at ``path`` (a folder or the JSON file); an empty one when absent, so the
    analyser still works (on the store's own frequencies only)."""
    p = Path(path) if path else default_model_path()
    if p.is_dir():
        p = p / FILE
    if not p.exists():
        return Background()
    d = json.loads(p.read_text(encoding="utf-8"))
    return Background.of(int(d["docs"]), {str(k): int(v) for k, v in d["df"].items()})
