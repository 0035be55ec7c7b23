"""WikiANN ``dev`` F1 of the entity recogniser's models, one row per language.

    python benchmarks/ner_wikiann.py [--langs hi,pt,ru] [--models DIR]

``--models DIR`` scores the candidate models in ``DIR/<lang>/`` (as ``narrascope train
ner -o DIR/<lang>`` writes them) instead of the ones the recogniser would load (the
user's ``$NARRASCOPE_HOME/models/entities/<lang>``, else the shipped model). The scores
are entity-level, exact span and type, as ``narrascope evaluate ner`` gives them; this
script only puts the languages side by side with their per-type F1.

WikiANN ``test`` is held back; ``dev`` is for looking at a finished run once, never for
choosing among checkpoints or runs that differ only by chance. A model trained on ``dev``
as well (as the Russian one is since the twelfth session) gets a warning under its row:
its held-out figure is the cross-validation in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ner" / "wikiann"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--langs", default="hi,pt,ru", help="comma-separated WikiANN languages")
    ap.add_argument("--models", type=Path, help="a folder of candidate models, one per language")
    args = ap.parse_args(argv)
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent (WikiANN is research data, not part of the project)")
        return 3
    sys.path.insert(0, str(ROOT / "src"))
    from narrascope.train.ner import evaluate

    print(f"{'lang':<5} {'P':>7} {'R':>7} {'F1':>7} {'gold':>7}  per type F1{'':<20} seconds")
    for lang in [x.strip() for x in args.langs.split(",") if x.strip()]:
        model = args.models / lang if args.models else None
        if model is not None and not (model / "config.cfg").exists():
            print(f"{lang:<5} no model in {model}")
            continue
        t0 = time.perf_counter()
        m = evaluate(str(DATA / lang / "dev"), str(model) if model else None,
                     {"json_per_type": True})
        types = " ".join(f"{k} {v['f1']:.3f}" for k, v in sorted(m["per_type"].items()))
        print(f"{lang:<5} {m['precision']:7.4f} {m['recall']:7.4f} {m['f1']:7.4f} "
              f"{m['entities']:7d}  {types:<31} {time.perf_counter() - t0:.0f}")
        if "warning" in m:
            print(f"      {m['warning']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
