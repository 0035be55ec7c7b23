"""Which camp of the Russia-Ukraine war a name belongs to, from a small gazetteer.

The role an article gives an actor depends on the article's stance as much as on what
the sentence says: the same "Moscow" is a villain in one outlet and a peacemaker in
another. The ``stance`` feature block crosses an article-level text vector with the
camp of the mention, so the classifier can learn "Russia-side actor in an article that
reads like this" rather than "Russia". The patterns are the project's own, matched on the
case-folded mention in the five languages of the training data (English, Bulgarian,
Hindi, Portuguese, Russian); names outside the gazetteer fall in ``other``.
"""

from __future__ import annotations

import re

__all__ = ["SIDES", "side_vector"]

_PATTERNS: dict[str, str] = {
    "russia": (r"russi|moscow|kremlin|putin|lavrov|peskov|shoigu|medvedev|zakharova|nebenzia"
               r"|росси|руси|русск|руск|москв|кремл|путин|лавров|песков|шойгу|медведев|захаров"
               r"|rússia|russo|moscou|रूस|पुतिन|मास्को|मॉस्को|क्रेमलिन|लावरोव"),
    "west": (r"\bnato\b|\bus\b|\busa\b|united states|americ|washington|biden|blinken|\beu\b"
             r"|european|europe|\bwest|britain|\buk\b|london|german|france|french|macron"
             r"|scholz|pentagon|white house|нато|сащ|сша|америк|вашингтон|байден|запад|европ"
             r"|\bес\b|брюксел|лондон|otan|eua|estados unidos|ocident|britân|अमेरिका|नाटो"
             r"|पश्चिम|बाइडेन|यूरोप|ब्रिटेन"),
    "ukraine": (r"ukrain|kyiv|kiev|zelensk|kuleba|украин|украйн|киев|зеленск|ucrân|ucran"
                r"|यूक्रेन|ज़ेलेंस्की|जेलेंस्की|कीव"),
}
_COMPILED = {side: re.compile(p) for side, p in _PATTERNS.items()}
#: the camps, in the order of :func:`side_vector`'s entries
SIDES: tuple[str, ...] = (*_PATTERNS, "other")


def side_vector(surface: str) -> list[float]:
    """One-hot-ish camp indicators of a mention (a name may hit two camps, e.g.
    "Russia-Ukraine talks"); ``other`` is set when it hits none."""
    s = surface.casefold()
    hits = [1.0 if rx.search(s) else 0.0 for rx in _COMPILED.values()]
    return hits + [0.0 if any(hits) else 1.0]
