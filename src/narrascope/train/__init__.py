"""Train and evaluate the learned analysers.

Each kind (``narratives``, ``ner``, ``framing``, ``techniques``, ``quotes``...) registers a
:class:`Trainer` with :func:`register_trainer` from a module in this package, found
automatically; ``narrascope train KIND DATA...`` and ``narrascope evaluate KIND DATA``
dispatch through this registry.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..errors import NarrascopeError, UnknownName
from ..plugins import import_submodules

__all__ = ["Trainer", "register_trainer", "trainers", "get_trainer", "number_option"]


@dataclass(frozen=True)
class Trainer:
    kind: str
    description: str
    #: train(data_paths, output_path, options) -> path of the model written
    train: Callable[[Sequence[str], str | None, dict[str, Any]], str]
    #: evaluate(data_path, model_path, options) -> metrics dict (printed by the CLI)
    evaluate: Callable[[str, str | None, dict[str, Any]], dict[str, Any]]


_TRAINERS: dict[str, Trainer] = {}


def register_trainer(trainer: Trainer) -> Trainer:
    _TRAINERS[trainer.kind] = trainer
    return trainer


def trainers() -> dict[str, Trainer]:
    import_submodules(sys.modules[__name__])
    return dict(_TRAINERS)


def number_option(options: dict[str, Any], key: str, default: Any,
                  cast: Callable[[Any], Any] | None = None) -> Any:
    """``--option KEY=VALUE`` as a number (``cast``, else the type of ``default``), or
    ``default`` when the option is not given; a value that is not a number of that kind
    is a one-line error naming the option, raised before any long work starts."""
    if options.get(key) is None:
        return default
    conv = cast or type(default)
    try:
        return conv(options[key])
    except (TypeError, ValueError):
        kind = "a whole number" if conv is int else "a number"
        example = f"; give one such as {key}={default}" if default is not None else ""
        raise NarrascopeError(f"--option {key}={options[key]!r} is not {kind}{example}") from None


def get_trainer(kind: str) -> Trainer:
    t = trainers()
    if kind not in t:
        raise UnknownName("training kind", kind, t)
    return t[kind]
