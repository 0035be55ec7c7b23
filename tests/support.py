"""Paths and helpers the tests share. Import them with ``from support import ...``
(not from ``conftest``: pytest loads every folder's conftest under that one name)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"
SEEDS = SHARED / "seeds"
EXAMPLES = ROOT / "src" / "narrascope" / "data" / "examples"


def need_shared(path: Path = SHARED_DATA) -> Path:
    """Skip the calling test unless ``path`` (under ../shared) exists."""
    if not path.exists():
        pytest.skip(f"{path} is absent (research data lives only beside the project checkout)")
    return path
