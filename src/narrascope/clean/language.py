"""Language identification with py3langid (offline, bundled model)."""

from __future__ import annotations

from functools import lru_cache

__all__ = ["detect_language"]


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` (its first 3,000 characters), or None when unsure."""
    sample = text[:3000]
    if sum(ch.isalpha() for ch in sample) < 10:
        return None
    lang, prob = _identifier().classify(sample)
    return lang if prob >= 0.5 else None
