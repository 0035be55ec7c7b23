"""narrascope train KIND DATA... / evaluate KIND DATA."""

from __future__ import annotations

import argparse
import json

from . import EXIT_OK
from ..errors import NarrascopeError


class _ListKinds(argparse.Action):
    """``--list``: print every training kind with what it trains, and exit (like
    ``--version``, it needs no KIND or DATA)."""

    def __init__(self, option_strings, dest, **kw):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kw)

    def __call__(self, parser, namespace, values, option_string=None):
        from ..train import trainers

        for kind, t in sorted(trainers().items()):
            print(f"{kind:<12} {t.description}")
        parser.exit()


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="train a model from labelled data",
                       description="Train a model; KIND is one of `narrascope train --list`.")
    p.add_argument("--list", action=_ListKinds, help="list the training kinds and exit")
    p.add_argument("kind", metavar="KIND")
    p.add_argument("data", nargs="+", metavar="DATA")
    p.add_argument("-o", "--output", metavar="PATH", help="model file to write (default: the "
                   "user model folder under $NARRASCOPE_HOME/models)")
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                   help="trainer-specific setting (repeatable)")
    p.set_defaults(func=run_train)

    p = sub.add_parser("evaluate", help="evaluate a model on labelled data with the task's metrics")
    p.add_argument("kind", metavar="KIND")
    p.add_argument("data", metavar="DATA")
    p.add_argument("-m", "--model", metavar="PATH", help="model to evaluate (default: the shipped one)")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE")
    p.set_defaults(func=run_evaluate)


def _options(pairs) -> dict:
    out = {}
    for pair in pairs:
        k, sep, v = pair.partition("=")
        if not sep:
            raise NarrascopeError(f"bad --option {pair!r}; write KEY=VALUE")
        out[k.strip()] = v.strip()
    return out


def _not_utf8(data, err: UnicodeDecodeError) -> NarrascopeError:
    """A trainer met bytes that are not UTF-8: one line naming the data, not a traceback."""
    names = ", ".join(data) if isinstance(data, list) else data
    return NarrascopeError(f"{names}: labelled data must be UTF-8 text; found {err.reason} at "
                           f"byte {err.start} (convert it, e.g. iconv -t UTF-8)")


def run_train(args) -> int:
    from ..train import get_trainer

    try:
        path = get_trainer(args.kind).train(args.data, args.output, _options(args.option))
    except UnicodeDecodeError as e:
        raise _not_utf8(args.data, e) from None
    print(f"model written to {path}")
    return EXIT_OK


def run_evaluate(args) -> int:
    from ..train import get_trainer

    try:
        metrics = get_trainer(args.kind).evaluate(args.data, args.model, _options(args.option))
    except UnicodeDecodeError as e:
        raise _not_utf8(args.data, e) from None
    if args.json:
        print(json.dumps(metrics, indent=2, ensure_ascii=False))
    else:
        table = metrics.pop("table", None)
        for k, v in metrics.items():
            print(f"{k:<28} {v:.4f}" if isinstance(v, float) else f"{k:<28} {v}")
        if table:
            print()
            print(table)
    return EXIT_OK
