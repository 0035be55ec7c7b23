"""The analyser protocol and its registry.

An analyser is registered under a versioned name (``quotes`` at version ``1``), declares
which other analysers' results it needs (``requires``), loads its model once per process
(in ``__init__`` or lazily), and works on batches of documents. Computing a result and
writing it are separate: analysers return :class:`~narrascope.model.Result` objects and
the pipeline stores them.

Built-in analysers register through the same hook a plugin uses: a module in this
package (found automatically) or an entry point in the ``narrascope.analysers`` group,
calling :func:`register`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Protocol, Sequence, runtime_checkable

from ..errors import UnknownName
from ..model import Document, Result

__all__ = ["Analyser", "AnalyserSpec", "register", "registry", "get_spec", "load_analyser"]


@runtime_checkable
class Analyser(Protocol):
    """What every per-document analyser provides."""

    name: str
    version: str
    requires: tuple[str, ...]

    def analyse(self, docs: Sequence[Document],
                previous: Sequence[Mapping[str, Result]]) -> list[Result]:
        """One :class:`Result` per document, in order. ``previous[i]`` maps the names of the
        required analysers to their results for ``docs[i]``."""
        ...

    def to_json(self, doc: Document, result: Result) -> dict[str, Any]:
        """The keys this analyser adds to an article's JSON object (``quotes``, ...)."""
        ...

    def to_text(self, doc: Document, result: Result) -> list[str]:
        """Lines for the terminal report."""
        ...


@dataclass(frozen=True)
class AnalyserSpec:
    name: str
    version: str
    factory: Callable[[], Analyser]
    description: str
    requires: tuple[str, ...] = ()
    #: analysers run by ``narrascope analyze`` when none are named
    default: bool = True
    #: "document" analysers see one document at a time; "corpus" ones see the store
    scope: str = "document"

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"


_REGISTRY: dict[str, AnalyserSpec] = {}
_LOADED: dict[str, Analyser] = {}
_DISCOVERED = False


def register(name: str, version: str, *, description: str, requires: Sequence[str] = (),
             default: bool = True, scope: str = "document"):
    """Class or factory decorator: ``@register("quotes", "1", description=...)``."""

    def deco(factory):
        if isinstance(factory, type):
            # the decorator is the one place an analyser's name, version and needs are
            # written; instances read them from the class
            factory.name, factory.version, factory.requires = name, version, tuple(requires)
        _REGISTRY[name] = AnalyserSpec(name, version, factory, description, tuple(requires),
                                       default, scope)
        return factory

    return deco


def _discover() -> None:
    global _DISCOVERED
    if _DISCOVERED:
        return
    _DISCOVERED = True
    from .. import analysers as pkg
    from ..plugins import import_submodules, load_entry_points

    import_submodules(pkg, skip=("base",))
    load_entry_points("narrascope.analysers")


def registry() -> dict[str, AnalyserSpec]:
    """Every registered analyser, by name."""
    _discover()
    return dict(_REGISTRY)


def get_spec(name: str) -> AnalyserSpec:
    reg = registry()
    if name not in reg:
        raise UnknownName("analyser", name, reg)
    return reg[name]


def load_analyser(name: str) -> Analyser:
    """The analyser instance for ``name``, made once per process."""
    spec = get_spec(name)
    if spec.key not in _LOADED:
        _LOADED[spec.key] = spec.factory()
    return _LOADED[spec.key]


def resolve_order(names: Sequence[str]) -> list[str]:
    """``names`` plus what they require, dependencies first."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(n: str, stack: tuple[str, ...]) -> None:
        if n in seen:
            return
        if n in stack:
            raise UnknownName("analyser dependency cycle through", n, [])
        for dep in get_spec(n).requires:
            visit(dep, stack + (n,))
        seen.add(n)
        order.append(n)

    for n in names:
        visit(n, ())
    return order
