"""narrascope analysers / formats: what is registered."""

from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("analysers", help="list the registered analysers")
    p.set_defaults(func=run_analysers)
    p = sub.add_parser("formats", help="list the output formats")
    p.set_defaults(func=run_formats)


def run_analysers(args) -> int:
    from ..analysers import registry, stored_version

    for name, spec in sorted(registry().items()):
        req = f" (requires {', '.join(spec.requires)})" if spec.requires else ""
        print(f"{spec.key:<20} {spec.scope:<9} {spec.description}{req}")
        mine = spec.user_models() if spec.user_models is not None else []
        if mine:
            print(f"{'':<20} uses your trained model(s) instead of the shipped ones: "
                  f"{', '.join(str(p) for p in mine)}; results stored as "
                  f"{name}@{stored_version(name)}")
    return 0


def run_formats(args) -> int:
    from ..report import formats

    for name, spec in sorted(formats().items()):
        print(f"{name:<20} {spec.description}")
    return 0
