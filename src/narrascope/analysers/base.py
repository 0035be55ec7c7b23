"""The analyser protocol and its registry.

An analyser is registered under a versioned name (``quotes`` at version ``1``), declares
which other analysers' results it needs (``requires``), loads its model once per process
(in ``__init__`` or lazily), and works on batches of documents. Computing a result and
writing it are separate: analysers return :class:`~narrascope.model.Result` objects and
the pipeline stores them.

Built-in analysers register through the same hook a plugin uses: a module in this
package (found automatically) or an entry point in the ``narrascope.analysers`` group,
calling :func:`register`.

Results are stored under the analyser's version. When a user has trained a model of
their own (under ``$NARRASCOPE_HOME/models``) that an analyser, or one it reads, uses
instead of the shipped one, :func:`stored_version` adds a fingerprint of that model to
the version, so a retrained model's results are computed afresh instead of the old
model's being served from the store.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol, Sequence, runtime_checkable

from ..errors import UnknownName
from ..model import Document, Result

__all__ = ["Analyser", "AnalyserSpec", "register", "registry", "get_spec", "load_analyser",
           "stored_version"]


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
    #: the user-trained model files or folders the analyser uses instead of shipped ones
    #: (none when it uses only what the package ships)
    user_models: Callable[[], Sequence[Path]] | None = None

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"


_REGISTRY: dict[str, AnalyserSpec] = {}
_LOADED: dict[str, Analyser] = {}
_DISCOVERED = False


def register(name: str, version: str, *, description: str, requires: Sequence[str] = (),
             default: bool = True, scope: str = "document",
             user_models: Callable[[], Sequence[Path]] | None = None):
    """Class or factory decorator: ``@register("quotes", "1", description=...)``.
    ``user_models`` lists the user-trained models in use (see :func:`stored_version`)."""

    def deco(factory):
        if isinstance(factory, type):
            # the decorator is the one place an analyser's name, version and needs are
            # written; instances read them from the class
            factory.name, factory.version, factory.requires = name, version, tuple(requires)
        _REGISTRY[name] = AnalyserSpec(name, version, factory, description, tuple(requires),
                                       default, scope, user_models)
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


_FINGERPRINTS: dict[tuple, str] = {}


def _files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


def _fingerprint(paths: Sequence[Path]) -> str:
    """A short hash of the contents of ``paths`` (files or folders), computed once per
    process for the same files, sizes and modification times."""
    files = [(p, f) for p in paths for f in _files(Path(p))]
    key = tuple((str(f), st.st_size, st.st_mtime_ns) for _, f in files for st in [f.stat()])
    if key not in _FINGERPRINTS:
        h = hashlib.blake2b(digest_size=5)
        for root, f in files:
            h.update(str(f.relative_to(root) if f != root else f.name).encode() + b"\0")
            with open(f, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        _FINGERPRINTS[key] = h.hexdigest()
    return _FINGERPRINTS[key]


def stored_version(name: str) -> str:
    """The version ``name``'s results are stored and looked up under: the registered
    version, followed by ``+user.`` and a fingerprint when it, or an analyser whose
    results it reads, uses a user-trained model (``entities`` at ``7+user.3f9a0c21b4``).
    Retraining changes the fingerprint, so results of the earlier model are not reused."""
    paths: list[Path] = []
    for n in resolve_order([name]):
        spec = get_spec(n)
        if spec.user_models is not None:
            paths.extend(spec.user_models())
    version = get_spec(name).version
    return f"{version}+user.{_fingerprint(paths)}" if paths else version
