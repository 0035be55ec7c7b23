"""narrascope analysers / formats: what is registered."""

from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("analysers", help="list the registered analysers")
    p.set_defaults(func=run_analysers)
    p = sub.add_parser("formats", help="list the output formats")
    p.set_defaults(func=run_formats)


def run_analysers(args) -> int:
    from ..analysers import registry

    for name, spec in sorted(registry().items()):
        req = f" (requires {', '.join(spec.requires)})" if spec.requires else ""
        print(f"{spec.key:<20} {spec.scope:<9} {spec.description}{req}")
    return 0


def run_formats(args) -> int:
    from ..report import formats

    for name, spec in sorted(formats().items()):
        print(f"{name:<20} {spec.description}")
    return 0
