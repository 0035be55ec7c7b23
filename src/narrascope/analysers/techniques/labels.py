"""The 14 technique classes of the Propaganda Techniques Corpus and our descriptions of them.

The class names are the corpus's exact strings (they are facts an outside scorer matches);
the descriptions in ``descriptions.json`` are the project's own words, shown in reports
and the web app.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files

__all__ = ["TECHNIQUES", "describe", "descriptions"]

#: The PTC (SemEval-2020 Task 11) technique classes, most frequent first.
TECHNIQUES: tuple[str, ...] = (
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Doubt",
    "Exaggeration,Minimisation",
    "Appeal_to_fear-prejudice",
    "Flag-Waving",
    "Causal_Oversimplification",
    "Appeal_to_Authority",
    "Slogans",
    "Whataboutism,Straw_Men,Red_Herring",
    "Black-and-White_Fallacy",
    "Thought-terminating_Cliches",
    "Bandwagon,Reductio_ad_hitlerum",
)


@lru_cache(maxsize=1)
def descriptions() -> dict[str, str]:
    """Every technique's description, by class name."""
    text = files(__package__).joinpath("descriptions.json").read_text(encoding="utf-8")
    return json.loads(text)


def describe(label: str) -> str:
    """A one-paragraph plain-English description of technique ``label`` ('' if unknown)."""
    return descriptions().get(label, "")
