"""Constants and helpers the end-to-end tests share (imported by name, since every
folder's conftest is loaded under the one module name ``conftest``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))  # the web tests' shared fixture store

CHROMIUM = Path(os.environ.get("NARRASCOPE_CHROMIUM", "/usr/bin/chromium"))
SHOTS = ROOT / "screenshots"
TOKEN = "e2e-token"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def shot(page, name: str, full: bool = True) -> Path:
    """Save a screenshot (the whole page, or with ``full=False`` the window) to look at."""
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    return path
