"""Shared test fixtures. Tests that read ../shared/data skip, with a reason, where it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import EXAMPLES, FIXTURES, ROOT, SEEDS, SHARED, SHARED_DATA, need_shared  # noqa: F401


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
