"""Shared test fixtures. Tests that read ../shared/data skip, with a reason, where it is absent."""

from __future__ import annotations

import os
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


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets its own NARRASCOPE_HOME, so no test touches a user's store."""
    monkeypatch.setenv("NARRASCOPE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NARRASCOPE_DB", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    yield


@pytest.fixture
def store(tmp_path):
    from narrascope.store import Store

    s = Store(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
