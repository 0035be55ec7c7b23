"""``narrascope serve``: its options are checked before anything starts."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")

from narrascope.cli import main  # noqa: E402


@pytest.mark.parametrize("argv, env, words", [
    (["serve", "--closed-reads"], {}, "needs NARRASCOPE_TOKEN"),
    (["serve", "--port", "70000"], {"NARRASCOPE_TOKEN": "t"}, "bad --port"),
    (["serve", "--workers", "0"], {"NARRASCOPE_TOKEN": "t"}, "bad --workers"),
])
def test_bad_options_are_usage_errors(argv, env, words, monkeypatch, capsys):
    monkeypatch.delenv("NARRASCOPE_TOKEN", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert main(argv) == 2
    assert words in capsys.readouterr().err


def test_workers_build_the_app_from_the_options(monkeypatch, tmp_path):
    import json

    from narrascope.cli import serve

    monkeypatch.setenv(serve.OPTIONS_ENV, json.dumps({
        "db_path": str(tmp_path / "w.db"), "token": None, "open_reads": True,
        "max_upload_bytes": 1000, "allow_private": False}))
    app = serve.app_from_env()
    assert app.state.settings.max_upload_bytes == 1000
    assert (tmp_path / "w.db").exists()
