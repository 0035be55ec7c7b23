"""Every built-in module registers cleanly: nothing shipped may be 'broken'."""

from __future__ import annotations

from narrascope import plugins
from narrascope.analysers import registry
from narrascope.cli import build_parser
from narrascope.report import formats
from narrascope.train import trainers


def test_all_builtin_modules_import():
    registry()
    formats()
    trainers()
    build_parser()
    assert plugins.broken() == {}


def test_a_broken_plugin_is_reported_not_fatal(tmp_path, monkeypatch, capsys):
    import sys
    import types

    pkg = types.ModuleType("fakepkg")
    pkg.__path__ = [str(tmp_path)]
    (tmp_path / "good.py").write_text("VALUE = 1\n")
    (tmp_path / "bad.py").write_text("raise RuntimeError('boom')\n")
    monkeypatch.setitem(sys.modules, "fakepkg", pkg)
    plugins.import_submodules(pkg)
    assert sys.modules["fakepkg.good"].VALUE == 1
    assert "fakepkg.bad" not in sys.modules
    assert "RuntimeError: boom" in plugins.broken()["fakepkg.bad"]
    assert "fakepkg.bad could not be loaded" in capsys.readouterr().err
    monkeypatch.delitem(sys.modules, "fakepkg.good")
    plugins._BROKEN.pop("fakepkg.bad")
