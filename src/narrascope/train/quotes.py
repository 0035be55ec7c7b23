"""Evaluate the quote finder: ``narrascope evaluate quotes DATA``.

DATA is either a PolNeAR split (a folder with ``text/`` and ``attributions/``) or a
folder of narrascope's own hand-labelled articles (``*.json``, see
``tests/fixtures/quotes/README.md``).

On PolNeAR the metric is the issue's: over the attributions of speech (the cue holds a
verb of saying, or is "according to"), a predicted (speaker span, quoted words) pair is
right when its words cover at least half of the gold content and its speaker span
overlaps the gold source. Predicted quotes sharing a cue are one attribution (a quote
and its continuation). Predictions that match a gold attribution outside the speech
subset (a belief, an intention) are neither right nor wrong; the rest that match nothing
are wrong.

The quote finder is rule-based: there is nothing to train, so ``narrascope train quotes``
explains that instead of writing a model.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..errors import NarrascopeError
from . import Trainer, number_option, register_trainer

__all__ = ["read_polnear", "score_polnear", "score_own", "GoldAttribution"]

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class GoldAttribution:
    source: Spans
    cue: Spans
    content: Spans
    cue_text: str

    @property
    def speech(self) -> bool:
        return is_speech_cue(self.cue_text)


def is_speech_cue(cue: str) -> bool:
    """Whether a cue is a verb of saying or "according to" (the evaluation subset)."""
    from ..analysers.quotes.lexicon import SPEECH_FORMS

    low = cue.lower()
    if "according to" in low or "pointed out" in low:
        return True
    words = re.findall(r"[a-z]+", low.replace("n’t", " not").replace("n't", " not"))
    if any(w in _NEGATION for w in words):
        return False  # "did not say", "declined to comment": no words were reported
    return any(w in SPEECH_FORMS and (k == 0 or words[k - 1] != "to")
               for k, w in enumerate(words))


#: Cues that report that something was *not* said are not quotes.
_NEGATION = frozenset("not never declined refused declines refuses declining refusing "
                      "without".split())


def _spans(field: str) -> Spans:
    out = []
    for part in field.split(";"):
        a, b = part.split()[-2:]
        out.append((int(a), int(b)))
    return tuple(out)


def read_ann(path: Path, text: str) -> list[GoldAttribution]:
    spans: dict[str, tuple[str, Spans]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            kind, _, rest = parts[1].partition(" ")
            spans[parts[0]] = (kind, _spans(rest))
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(x.split(":", 1) for x in parts[1].split()))
    out = []
    for e in events:
        cue = spans.get(e.get("Cue", ""), ("", ()))[1]
        content = spans.get(e.get("Content", ""), ("", ()))[1]
        source = spans.get(e.get("Source", ""), ("", ()))[1]
        if not content or not cue:
            continue
        cue_text = " ".join(text[a:b] for a, b in cue)
        out.append(GoldAttribution(source, cue, content, cue_text))
    return out


def read_polnear(folder: str | Path) -> Iterator[tuple[str, str, list[GoldAttribution]]]:
    """``(name, text, attributions)`` per article of a PolNeAR split, one annotator each."""
    folder = Path(folder)
    if not (folder / "text").is_dir() or not (folder / "attributions").is_dir():
        raise NarrascopeError(f"{folder} is not a PolNeAR split; give a folder with text/ "
                              "and attributions/ (e.g. ../shared/data/quotes/polnear/dev)")
    anns: dict[str, Path] = {}
    for p in sorted((folder / "attributions").glob("*.ann")):
        anns.setdefault(p.stem.rsplit("_", 1)[0], p)
    for t in sorted((folder / "text").glob("*.txt")):
        if t.stem not in anns:
            continue
        text = t.read_text(encoding="utf-8")
        yield t.stem, text, read_ann(anns[t.stem], text)


def _overlap(a: Spans, b: Spans) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _length(a: Spans) -> int:
    return sum(e - s for s, e in a)


def _group(quotes: Sequence[dict[str, Any]]) -> list[tuple[Spans, Spans, str]]:
    """Predicted attributions: quotes sharing a cue are one (their contents joined)."""
    by_cue: dict[tuple[int, int], tuple[list[tuple[int, int]], Spans, str]] = {}
    for q in quotes:
        key = tuple(q["cue_span"])
        sp = (tuple(q["speaker_span"]),) if q["speaker_span"] else ()
        by_cue.setdefault(key, ([], sp, q["cue"]))[0].append((q["start"], q["end"]))  # type: ignore
    return [(tuple(c), sp, cue) for c, sp, cue in by_cue.values()]


def _match(content: Spans, speaker: Spans, g: GoldAttribution, need_speaker: bool,
           strict: bool) -> bool:
    ov = _overlap(content, g.content)
    if ov * 2 < _length(g.content) or (strict and ov * 2 < _length(content)):
        return False
    return not need_speaker or (bool(speaker) and _overlap(speaker, g.source) > 0)


def score_polnear(folder: str | Path, *, strict: bool = False, limit: int | None = None
                  ) -> dict[str, Any]:
    from ..analysers.quotes import quotes_of

    tp = fp = ignored = found = gold_n = 0
    words_found = 0
    chars = 0
    n_docs = 0
    elapsed = 0.0
    for k, (_, text, gold) in enumerate(read_polnear(folder)):
        if limit is not None and k >= limit:
            break
        n_docs += 1
        chars += len(text)
        t0 = time.perf_counter()
        preds = _group(quotes_of(text))
        elapsed += time.perf_counter() - t0
        speech = [g for g in gold if g.speech and g.source]
        gold_n += len(speech)
        for content, speaker, cue in preds:
            if not is_speech_cue(cue):
                ignored += 1  # a quote after a weaker cue ("accused"): outside the subset
                continue
            if any(_match(content, speaker, g, True, strict) for g in speech):
                tp += 1
            elif any(_match(content, speaker, g, False, strict) for g in gold):
                ignored += 1
            else:
                fp += 1
        for g in speech:
            if any(_match(c, s, g, True, strict) for c, s, _ in preds):
                found += 1
            if any(_match(c, s, g, False, strict) for c, s, _ in preds):
                words_found += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = found / gold_n if gold_n else 0.0
    return {
        "documents": n_docs, "gold_speech_attributions": gold_n,
        "predicted_attributions": tp + fp + ignored, "ignored_non_speech": ignored,
        "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "recall_words_only": words_found / gold_n if gold_n else 0.0,
        "articles_per_second": n_docs / elapsed if elapsed else 0.0,
    }


def score_own(folder: str | Path) -> dict[str, Any]:
    """Score the hand-labelled set: pair precision/recall and speaker resolution."""
    from ..analysers.quotes import quotes_of

    files = sorted(Path(folder).glob("*.json"))
    if not files:
        raise NarrascopeError(f"no *.json articles in {folder}; give a PolNeAR split or a "
                              "folder of narrascope quote fixtures")
    tp = n_pred = n_gold = found = 0
    res_ok = res_n = pron_ok = pron_n = 0
    for f in files:
        item = json.loads(f.read_text(encoding="utf-8"))
        text = item["text"]
        gold = locate(item)
        preds = quotes_of(text)
        n_pred += len(preds)
        n_gold += len(gold)
        for q in preds:
            if any(_own_match(q, g) for g in gold):
                tp += 1
        for g in gold:
            hit = next((q for q in preds if _own_match(q, g)), None)
            found += hit is not None
            pronoun = g["speaker_text"] is not None and g["speaker_text"].lower() in (
                "he", "she")
            res_n += 1
            pron_n += pronoun
            ok = hit is not None and hit["speaker"] == g["resolved"]
            res_ok += ok
            pron_ok += ok and pronoun
    p = tp / n_pred if n_pred else 0.0
    r = found / n_gold if n_gold else 0.0
    return {"documents": len(files), "gold_quotes": n_gold, "predicted_quotes": n_pred,
            "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "speaker_resolution": res_ok / res_n if res_n else 0.0,
            "pronoun_speakers": pron_n,
            "pronoun_resolution": pron_ok / pron_n if pron_n else 0.0}


def locate(item: dict[str, Any]) -> list[dict[str, Any]]:
    """Offsets of a fixture's hand labels: each string is found in the text, the content
    first, the speaker as its nearest occurrence to the content (``speaker_at`` picks
    the n-th occurrence instead)."""
    text = item["text"]
    out = []
    for q in item["quotes"]:
        start = text.find(q["content"])
        if start < 0:
            raise NarrascopeError(f"fixture {item.get('id')}: content {q['content']!r} "
                                  "is not in the text")
        content = (start, start + len(q["content"]))
        speaker = None
        if q.get("speaker"):
            occ = [m.start() for m in re.finditer(r"\b" + re.escape(q["speaker"]) + r"\b", text)]
            if not occ:
                raise NarrascopeError(f"fixture {item.get('id')}: speaker {q['speaker']!r} "
                                      "is not in the text")
            at = occ[q["speaker_at"]] if "speaker_at" in q else min(
                occ, key=lambda o: min(abs(o - content[0]), abs(o - content[1])))
            speaker = (at, at + len(q["speaker"]))
        out.append({"content": content, "speaker_span": speaker,
                    "speaker_text": q.get("speaker"), "resolved": q.get("resolved"),
                    "kind": q.get("kind", "direct"), "cue": q.get("cue")})
    return out


def _own_match(q: dict[str, Any], g: dict[str, Any]) -> bool:
    c = ((q["start"], q["end"]),)
    gc = (g["content"],)
    if _overlap(c, gc) * 2 < _length(gc):
        return False
    if g["speaker_span"] is None:
        return True
    return bool(q["speaker_span"]) and _overlap((tuple(q["speaker_span"]),),
                                                 (g["speaker_span"],)) > 0


def _evaluate(data: str, model: str | None, options: dict[str, Any]) -> dict[str, Any]:
    path = Path(data)
    if not path.exists():
        raise NarrascopeError(f"{data} does not exist; give a PolNeAR split folder or a "
                              "folder of quote fixtures")
    if (path / "text").is_dir():
        strict = str(options.get("strict", "")).lower() in ("1", "true", "yes")
        limit = number_option(options, "limit", None, int)
        return score_polnear(path, strict=strict, limit=limit)
    return score_own(path)


def _train(data: Sequence[str], output: str | None, options: dict[str, Any]) -> str:
    raise NarrascopeError("the quote finder is rule-based and has no model to train; "
                          "use `narrascope evaluate quotes DATA` to measure it")


register_trainer(Trainer("quotes", "quote finder (rule-based; evaluate on PolNeAR or "
                         "narrascope's own labelled set)", _train, _evaluate))
