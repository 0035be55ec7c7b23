"""Settings are declared once; the docs list each of them; defaults resolve."""

from __future__ import annotations

from narrascope import settings

from support import ROOT


def test_every_setting_is_documented():
    page = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for s in settings.SETTINGS:
        assert f"`{s.env}`" in page, s.env


def test_default_locations(monkeypatch, tmp_path):
    monkeypatch.setenv("NARRASCOPE_HOME", str(tmp_path / "h"))
    assert settings.default_db_path() == tmp_path / "h" / "narrascope.db"
    monkeypatch.setenv("NARRASCOPE_DB", str(tmp_path / "x.db"))
    assert settings.default_db_path() == tmp_path / "x.db"
    monkeypatch.setenv("NARRASCOPE_MAX_BYTES", "123")
    assert settings.max_bytes() == 123
