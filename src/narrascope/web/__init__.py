"""The analyst's web app and HTTP API (``narrascope serve``).

Importing this package is cheap; :func:`create_app` imports FastAPI and the rest on use.
"""

from __future__ import annotations

__all__ = ["create_app"]


def create_app(*args, **kwargs):
    """See :func:`narrascope.web.app.create_app`."""
    from .app import create_app as _create

    return _create(*args, **kwargs)
