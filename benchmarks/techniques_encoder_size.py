"""How fast would a larger encoder read articles on this CPU?

The techniques analyser reads each article as overlapping windows of word pieces through
a fine-tuned encoder (the first 3 of all-MiniLM-L6-v2's layers). No larger pretrained
encoder installs here, but its speed does not depend on its weights: this script cuts the
same windows the shipped model cuts, for N PTC training articles, and times a forward pass
over them through randomly initialised BERT-shaped encoders of several sizes (the
shipped 3 x 384 shape, all-MiniLM-L6-v2's 6 x 384, BERT-base's 12 x 768 and
BERT-large's 24 x 1024), in torch on one thread, fp32 and with dynamic int8 quantisation
of the linear layers. The figures are encoder time only (no tokenising or decoding), in
articles per CPU-second.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/techniques_encoder_size.py [N]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PTC = ROOT.parent / "shared/data/ptc2020/train/train-articles"
SHAPES = [("3 x 384 (shipped)", 3, 384, 12, 1536), ("6 x 384 (all-MiniLM-L6-v2)", 6, 384, 12, 1536),
          ("12 x 768 (BERT-base)", 12, 768, 12, 3072), ("24 x 1024 (BERT-large)", 24, 1024, 16, 4096)]


def article_windows(n: int):
    from narrascope.analysers.techniques import load_model
    from narrascope.analysers.techniques.encoder import windows, word_pieces

    model = load_model()
    st = model.settings
    tokenizer = model.tokenizer
    out = []
    for path in sorted(PTC.glob("*.txt"))[:n]:
        pieces = word_pieces(tokenizer, path.read_text(encoding="utf-8"))
        out.append(windows(len(pieces), int(st["max_length"]), int(st["stride"])))
    return out, int(st["max_length"])


def main(argv: list[str]) -> int:
    if not PTC.is_dir():
        print(f"skipped: {PTC} is absent (research data lives beside the checkout)")
        return 0
    import torch
    from transformers import BertConfig, BertModel

    torch.set_num_threads(1)
    n = int(argv[0]) if argv else 20
    arts, width = article_windows(n)
    total = sum(len(w) for w in arts)
    print(f"{n} PTC articles, {total} windows of up to {width} word pieces, one thread\n")
    print("| encoder shape | parameters | fp32 articles per CPU-s | int8 articles per CPU-s |")
    print("|---|---|---|---|")
    torch.manual_seed(0)
    for name, layers, hidden, heads, inner in SHAPES:
        config = BertConfig(num_hidden_layers=layers, hidden_size=hidden,
                            num_attention_heads=heads, intermediate_size=inner)
        fp32 = BertModel(config, add_pooling_layer=False).eval()
        int8 = torch.ao.quantization.quantize_dynamic(fp32, {torch.nn.Linear}, dtype=torch.qint8)
        rates = []
        for model in (fp32, int8):
            with torch.inference_mode():
                model(torch.ones(4, width, dtype=torch.long))  # warm-up
                t0 = time.process_time()
                for spans in arts:
                    for k in range(0, len(spans), 4):  # 4 windows per call, as shipped
                        batch = spans[k:k + 4]
                        longest = max(b - a for a, b in batch) + 2
                        model(torch.randint(1000, 30000, (len(batch), longest)))
                rates.append(n / (time.process_time() - t0))
        params = sum(p.numel() for p in fp32.parameters()) / 1e6
        print(f"| {name} | {params:.0f} M | {rates[0]:.1f} | {rates[1]:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
