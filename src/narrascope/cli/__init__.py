"""The ``narrascope`` command. Each subcommand is a module in this package that only
parses its arguments (``add_parser``) and calls the library (``run``).

Exit codes: 0 all went well; 1 some inputs or documents were skipped (the rest was done);
2 bad usage (unknown option, format or analyser); 3 nothing could be done.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from ..errors import NarrascopeError
from ..plugins import import_submodules

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="narrascope",
        description="Find propaganda narratives, actors' framing, quotes, persuasion "
                    "techniques and copies in news articles.",
        epilog="Exit codes: 0 ok; 1 some inputs skipped; 2 bad usage; 3 nothing done.")
    parser.add_argument("--version", action="version", version=f"narrascope {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    import_submodules(sys.modules[__name__])
    prefix = __name__ + "."
    for name in sorted(n for n in sys.modules if n.startswith(prefix) and n.count(".") == 2):
        module = sys.modules[name]
        if hasattr(module, "add_parser") and not name.rsplit(".", 1)[1].startswith("_"):
            module.add_parser(sub)
    return parser


def add_common(p: argparse.ArgumentParser) -> None:
    """Options every command that touches the store takes."""
    p.add_argument("--db", metavar="PATH",
                   help="SQLite database (default: $NARRASCOPE_DB or $NARRASCOPE_HOME/narrascope.db)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress bars or summaries on stderr (for scripts)")


def whole_number(minimum: int):
    """An argparse ``type`` for a whole number of at least ``minimum``, whose error says so
    (``int`` alone takes -5 for a limit or a size)."""

    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            n = None
        if n is None or n < minimum:
            raise argparse.ArgumentTypeError(f"{value!r} is not allowed; give a whole number of "
                                             f"at least {minimum}")
        return n

    return parse


def warn(args, msg: str) -> None:
    if not getattr(args, "quiet", False):
        print(f"narrascope: {msg}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except NarrascopeError as e:
        print(f"narrascope: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("narrascope: interrupted; what was stored so far is kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
