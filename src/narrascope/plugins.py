"""Discovery of built-in modules and plugins: the hook every registry uses.

A module that fails to import is reported once on stderr and skipped, so one broken
analyser or format never takes the whole command down with it.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from importlib.metadata import entry_points
from types import ModuleType

__all__ = ["import_submodules", "load_entry_points", "broken"]

#: module name -> one-line reason it could not be imported
_BROKEN: dict[str, str] = {}


def _report(name: str, err: BaseException) -> None:
    if name not in _BROKEN:
        _BROKEN[name] = f"{type(err).__name__}: {err}"
        print(f"narrascope: warning: {name} could not be loaded and is skipped "
              f"({_BROKEN[name]})", file=sys.stderr)


def import_submodules(package: ModuleType, skip: tuple[str, ...] = ()) -> None:
    """Import every public submodule (and subpackage) of ``package`` once."""
    for mod in pkgutil.iter_modules(package.__path__):
        if mod.name.startswith("_") or mod.name in skip:
            continue
        name = f"{package.__name__}.{mod.name}"
        if name in sys.modules or name in _BROKEN:
            continue
        try:
            importlib.import_module(name)
        except Exception as err:  # noqa: BLE001 - a plugin's failure is reported, not fatal
            sys.modules.pop(name, None)
            _report(name, err)


def load_entry_points(group: str) -> None:
    """Load third-party plugins that declare an entry point in ``group``."""
    for ep in entry_points(group=group):
        try:
            ep.load()
        except Exception as err:  # noqa: BLE001
            _report(f"{group}:{ep.name}", err)


def broken() -> dict[str, str]:
    return dict(_BROKEN)
