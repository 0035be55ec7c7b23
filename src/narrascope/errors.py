"""Errors that carry a one-line message for the user: what was wrong, what is allowed."""

from __future__ import annotations

__all__ = ["NarrascopeError", "InputError", "ModelNotFound", "UnknownName"]


class NarrascopeError(Exception):
    """Base class. ``str(err)`` is a single line fit to show a user."""


class InputError(NarrascopeError):
    """One input could not be read; the batch goes on. ``reason`` is a short category."""

    def __init__(self, source: str, message: str, reason: str = "unreadable"):
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {message}")


class ModelNotFound(NarrascopeError):
    """An analyser's model file is missing."""


class UnknownName(NarrascopeError):
    """A name (analyser, format, taxonomy...) that is not registered."""

    def __init__(self, kind: str, name: str, allowed):
        allowed = ", ".join(sorted(allowed)) or "(none)"
        super().__init__(f"unknown {kind} {name!r}; allowed: {allowed}")
