"""Settings, declared once in one table. ``docs/settings.md`` is checked against it by a test."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SETTINGS", "Setting", "home", "default_db_path", "get"]


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("NARRASCOPE_HOME", "(user data dir)",
            "Folder for the default database and user models. Default: the platform's user "
            "data folder, e.g. ~/.local/share/narrascope."),
    Setting("NARRASCOPE_DB", "$NARRASCOPE_HOME/narrascope.db",
            "SQLite database file. `--db PATH` overrides it."),
    Setting("NARRASCOPE_MAX_BYTES", "50000000",
            "Largest input file or download read, in bytes; larger inputs are skipped."),
    Setting("NARRASCOPE_FETCH_TIMEOUT", "20",
            "Seconds before a URL fetch gives up."),
    Setting("NARRASCOPE_TOKEN", "",
            "Token that write endpoints of the HTTP API require (`Authorization: Bearer ...`)."),
    Setting("NARRASCOPE_READS", "open",
            "`open` or `closed`: whether the HTTP API's reads and pages need the token too "
            "(`narrascope serve --closed-reads` sets `closed`)."),
    Setting("NARRASCOPE_EMBEDDINGS", "onnx",
            "`onnx` or `torch`: which backend computes sentence embeddings. `onnx` uses the "
            "shipped int8 export when it and onnxruntime are present, else torch; `torch` "
            "always runs the original model (sentence-transformers)."),
)

_BY_ENV = {s.env: s for s in SETTINGS}


def get(env: str) -> str:
    s = _BY_ENV[env]
    return os.environ.get(env, s.default)


def home() -> Path:
    env = os.environ.get("NARRASCOPE_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("narrascope", appauthor=False))


def default_db_path() -> Path:
    env = os.environ.get("NARRASCOPE_DB")
    return Path(env).expanduser() if env else home() / "narrascope.db"


def max_bytes() -> int:
    return int(get("NARRASCOPE_MAX_BYTES"))


def fetch_timeout() -> float:
    return float(get("NARRASCOPE_FETCH_TIMEOUT"))
