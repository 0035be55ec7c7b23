"""Narrative taxonomies as data: loading, validation, and the label arithmetic on them.

A taxonomy is a YAML or JSON file (see ``data/taxonomies/semeval2025-t10.yaml``)::

    name: my-taxonomy
    other: Other                  # the label for "none of these"
    domains:                      # optional; without it, write `narratives:` at the top
      URW:
        description: ...
        narratives:
          Praise of Russia:
            description: ...
            other: true           # allows "URW: Praise of Russia: Other" (the default)
            subnarratives:
              Praise of Russian military might: one-line description

Labels are written the way SemEval-2025 Task 10 writes them: a narrative is
``DOMAIN: Narrative`` (or ``Narrative`` without domains), a sub-narrative
``DOMAIN: Narrative: Sub`` and ``DOMAIN: Narrative: Other`` where the narrative is present
but none of its listed sub-narratives is. The bare ``other`` label stands for "no
narrative of this taxonomy", on both levels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import NarrascopeError

__all__ = ["Taxonomy", "TaxonomyError", "load_taxonomy", "default_taxonomy", "builtin_taxonomies",
           "DEFAULT_TAXONOMY"]

DEFAULT_TAXONOMY = "semeval2025-t10"
_SEP = ": "
#: characters that would break the task's `;`-separated, tab-separated files
_FORBIDDEN = (";", "\t", "\n")


class TaxonomyError(NarrascopeError):
    """A taxonomy file that cannot be used; the message says where and what is allowed."""


@dataclass(frozen=True)
class Taxonomy:
    """The labels of a narrative taxonomy and how they nest."""

    name: str
    version: str
    other: str
    #: full narrative labels (``URW: Praise of Russia``), in file order, without ``other``
    narratives: tuple[str, ...]
    #: full sub-narrative labels, including the ``...: Other`` ones, without ``other``
    subnarratives: tuple[str, ...]
    #: sub-narrative label -> its narrative label
    parent: Mapping[str, str]
    #: narrative label -> its domain ("" without domains)
    domain: Mapping[str, str]
    #: any label -> its description ("" when none was written)
    descriptions: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    #: the parsed file, kept so a trained model can carry its taxonomy with it
    source: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def domains(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.domain.values()))

    def other_of(self, narrative: str) -> str | None:
        """``narrative: Other`` when the taxonomy allows it, else None."""
        label = narrative + _SEP + "Other"
        return label if label in self.parent else None

    def children(self, narrative: str) -> tuple[str, ...]:
        return tuple(s for s in self.subnarratives if self.parent[s] == narrative)

    def is_label(self, label: str) -> bool:
        return label == self.other or label in self.domain or label in self.parent

    def consistent(self, narratives: Iterable[str], subnarratives: Iterable[str]
                   ) -> tuple[list[str], list[str]]:
        """Make a prediction consistent: every sub-narrative brings its narrative, every
        narrative without a sub-narrative gets ``narrative: Other`` where allowed, and
        ``other`` appears only (and always) when nothing else does."""
        subs = [s for s in dict.fromkeys(subnarratives) if s in self.parent]
        narrs = [n for n in dict.fromkeys(narratives) if n in self.domain]
        for s in subs:
            if self.parent[s] not in narrs:
                narrs.append(self.parent[s])
        covered = {self.parent[s] for s in subs}
        for n in narrs:
            if n not in covered and (o := self.other_of(n)):
                subs.append(o)
        order_n = {n: i for i, n in enumerate(self.narratives)}
        order_s = {s: i for i, s in enumerate(self.subnarratives)}
        narrs.sort(key=order_n.__getitem__)
        subs.sort(key=order_s.__getitem__)
        return (narrs or [self.other]), (subs or [self.other])

    def to_dict(self) -> dict[str, Any]:
        return dict(self.source)


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TaxonomyError(f"{where}: description must be a string, not {type(value).__name__}")
    return value.strip()


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TaxonomyError(f"{where}: a label name must be a non-empty string, got {value!r}")
    bad = [c for c in _FORBIDDEN if c in value]
    if bad or _SEP in value or value != value.strip():
        raise TaxonomyError(f"{where}: label name {value!r} may not contain ';', tabs, "
                            "newlines, ': ' or surrounding spaces")
    return value


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TaxonomyError(f"{where}: expected a mapping of names to entries, "
                            f"got {type(value).__name__}")
    return value


def from_dict(data: Any, origin: str = "taxonomy") -> Taxonomy:
    """Build and validate a :class:`Taxonomy` from parsed YAML/JSON."""
    if not isinstance(data, Mapping):
        raise TaxonomyError(f"{origin}: the top level must be a mapping with 'name' and "
                            "'domains' (or 'narratives')")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TaxonomyError(f"{origin}: missing 'name' (a non-empty string)")
    has_domains, has_narrs = "domains" in data, "narratives" in data
    if has_domains == has_narrs:
        raise TaxonomyError(f"{origin}: give exactly one of 'domains' (a mapping of domain "
                            "names) or 'narratives' (a mapping of narrative names)")
    other = _name(data.get("other", "Other"), f"{origin}: other")
    domains = (_mapping(data["domains"], f"{origin}: domains") if has_domains
               else {"": {"narratives": data["narratives"]}})

    narratives: list[str] = []
    subs: list[str] = []
    parent: dict[str, str] = {}
    domain_of: dict[str, str] = {}
    desc: dict[str, str] = {}
    for dname, dentry in domains.items():
        where = f"{origin}: domain {dname!r}"
        if has_domains:
            _name(dname, where)
        dentry = _mapping(dentry, where)
        if has_domains:
            desc[dname] = _text(dentry.get("description"), where)
        narr_map = _mapping(dentry.get("narratives"), f"{where}: narratives")
        if not narr_map:
            raise TaxonomyError(f"{where}: has no narratives; list at least one under "
                                "'narratives'")
        for nname, nentry in narr_map.items():
            nwhere = f"{where}: narrative {nname!r}"
            _name(nname, nwhere)
            nlabel = f"{dname}{_SEP}{nname}" if has_domains else nname
            if isinstance(nentry, str) or nentry is None:
                nentry = {"description": nentry}
            nentry = _mapping(nentry, nwhere)
            if nlabel in domain_of or nlabel == other:
                raise TaxonomyError(f"{nwhere}: label {nlabel!r} is defined twice")
            narratives.append(nlabel)
            domain_of[nlabel] = dname
            desc[nlabel] = _text(nentry.get("description"), nwhere)
            allow_other = nentry.get("other", True)
            if not isinstance(allow_other, bool):
                raise TaxonomyError(f"{nwhere}: 'other' must be true or false")
            sub_map = _mapping(nentry.get("subnarratives"), f"{nwhere}: subnarratives")
            for sname, sdesc in sub_map.items():
                swhere = f"{nwhere}: subnarrative {sname!r}"
                _name(sname, swhere)
                if sname == "Other":
                    raise TaxonomyError(f"{swhere}: 'Other' is implied; use 'other: true' "
                                        "on the narrative instead")
                slabel = nlabel + _SEP + sname
                if slabel in parent:
                    raise TaxonomyError(f"{swhere}: label {slabel!r} is defined twice")
                subs.append(slabel)
                parent[slabel] = nlabel
                desc[slabel] = _text(sdesc, swhere)
            if allow_other:
                olabel = nlabel + _SEP + "Other"
                subs.append(olabel)
                parent[olabel] = nlabel
                desc[olabel] = f"{desc[nlabel]} (none of the listed sub-narratives)".strip()
    desc[other] = "No narrative of this taxonomy."
    return Taxonomy(name=name.strip(), version=str(data.get("version", "1")), other=other,
                    narratives=tuple(narratives), subnarratives=tuple(subs), parent=parent,
                    domain=domain_of, descriptions=desc,
                    description=_text(data.get("description"), origin),
                    source=json.loads(json.dumps(data)))


def _parse(text: str, origin: str) -> Any:
    if origin.endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise TaxonomyError(f"{origin}: not valid JSON ({err.msg} at line {err.lineno})"
                                ) from None
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise TaxonomyError(f"{origin}: not valid YAML{at}") from None


def builtin_taxonomies() -> dict[str, resources.abc.Traversable]:
    """The taxonomies shipped with narrascope, by name."""
    folder = resources.files("narrascope") / "data" / "taxonomies"
    return {p.name.rsplit(".", 1)[0]: p for p in folder.iterdir()
            if p.name.endswith((".yaml", ".yml", ".json"))}


def load_taxonomy(name_or_path: str | Path = DEFAULT_TAXONOMY) -> Taxonomy:
    """A shipped taxonomy by name, or a YAML/JSON file by path."""
    key = str(name_or_path)
    shipped = builtin_taxonomies()
    if key in shipped:
        return from_dict(_parse(shipped[key].read_text(encoding="utf-8"), shipped[key].name),
                         key)
    path = Path(key)
    if not path.is_file():
        raise TaxonomyError(f"no taxonomy {key!r}: give a YAML/JSON file or one of "
                            f"{', '.join(sorted(shipped))}")
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise TaxonomyError(f"{path}: a taxonomy file must end in .yaml, .yml or .json")
    return from_dict(_parse(path.read_text(encoding="utf-8"), str(path)), str(path))


def default_taxonomy() -> Taxonomy:
    return load_taxonomy(DEFAULT_TAXONOMY)
