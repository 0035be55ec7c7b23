"""Language identification with py3langid (offline, bundled model)."""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["detect_language"]


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


_LETTERS = re.compile(r"[^\W\d_]")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` (judged on its first 600 characters, enough for
    news prose and cheap: the identifier is pure Python), or None when unsure."""
    sample = text[:600]
    if len(_LETTERS.findall(sample, 0, 400)) < 10:
        return None
    lang, prob = _identifier().classify(sample)
    return lang if prob >= 0.5 else None
