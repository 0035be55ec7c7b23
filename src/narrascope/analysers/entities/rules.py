"""Gazetteers and pattern rules, one set per language, read from ``data/<lang>.tsv|json``.

The gazetteer names the actors news about the war and the climate keep returning to
(countries, capitals used for their governments, alliances, agencies, nationalities),
with their variant spellings mapped to one canonical name ("Kiev" and "Kyiv" → "Kyiv").
The rules find what a statistical model trained on CoNLL/WikiANN does not: a person's
name after a title ("spokesman Dmitry Peskov"), nationality + group noun ("Ukrainian
soldiers", "Western elites"), and a place or person + "regime" ("Kyiv regime").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Candidate", "LanguageRules", "DATA"]

DATA = Path(__file__).resolve().parent / "data"

#: A capitalised word (Latin or Cyrillic), with inner apostrophes, hyphens and dots.
_NAME_WORD = r"(?:[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ][\w’'\-]*\w|[A-Z]\.)"


@dataclass(frozen=True)
class Candidate:
    """A mention before overlaps are resolved and mentions are grouped."""

    start: int
    end: int
    type: str
    source: str  # "gazetteer", "rule", "title", "model"
    canonical: str | None = None
    #: role noun phrase ("foreign minister") a title rule saw with the name
    role: str | None = None
    qualifier: str | None = None
    #: where a title rule's qualifier and title begin (the name begins at ``start``)
    head_start: int = -1


_WORD_START = re.compile(r"(?<![\w\-])\w")


def _split_top(variants: str) -> list[str]:
    """Split on the ``|`` that are outside parentheses and brackets."""
    out, depth, cur, esc, in_class = [], 0, [], False, False
    for ch in variants:
        if esc:
            cur.append(ch)
            esc = False
            continue
        if ch == "\\":
            esc = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    return out


def _first_chars(variant: str) -> str:
    """The characters a gazetteer variant can begin with (a literal or a ``[..]`` class)."""
    if variant.startswith("["):
        return variant[1:variant.index("]")]
    if variant.startswith("\\"):
        return variant[1]
    if variant[:1] in "(.?*+{":
        raise ValueError(f"gazetteer variant {variant!r} must begin with a letter or a [class]")
    return variant[0]


def _alternation(patterns: list[str]) -> str:
    return "|".join(sorted(patterns, key=len, reverse=True))


@dataclass
class LanguageRules:
    """The compiled gazetteer and rules of one language."""

    language: str
    entries: list[tuple[str, str]] = field(default_factory=list)  # (type, canonical)
    gazetteer_by_char: dict[str, re.Pattern] = field(default_factory=dict)
    titles: re.Pattern | None = None
    groups: re.Pattern | None = None
    regime: re.Pattern | None = None
    officials: dict[str, tuple[str, str]] = field(default_factory=dict)
    adjective_canonical: dict[str, str] = field(default_factory=dict)
    variant_canonical: dict[str, str] = field(default_factory=dict)
    capitalised: bool = True

    @classmethod
    def load(cls, language: str) -> "LanguageRules":
        rules = cls(language)
        tsv, js = DATA / f"{language}.tsv", DATA / f"{language}.json"
        if tsv.exists():
            rules._load_gazetteer(tsv)
        if js.exists():
            rules._load_rules(json.loads(js.read_text(encoding="utf-8")))
        return rules

    def _load_gazetteer(self, path: Path) -> None:
        by_char: dict[str, list[tuple[str, int]]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            kind, canonical, variants = line.split("\t")
            idx = len(self.entries)
            self.entries.append((kind, canonical))
            alts = _split_top(variants)
            # "the Kremlin" is also "The Kremlin" at the start of a sentence
            alts += ["T" + v[1:] for v in alts if v.startswith("the ")]
            for v in alts:
                plain = v.replace("\\.", ".")
                if re.fullmatch(r"[\w .'’\-]+", plain):
                    self.variant_canonical[plain] = canonical
                for ch in _first_chars(v):
                    by_char.setdefault(ch, []).append((v, idx))
        # One pattern per first character, longest variants first ("the United States"
        # before "the"): matching is tried only at word starts, with the pattern of the
        # word's first character, which keeps a large gazetteer cheap.
        for ch, alts in by_char.items():
            alts.sort(key=lambda a: len(a[0]), reverse=True)
            groups = "|".join(f"(?P<g{i}_{n}>{v})" for n, (v, i) in enumerate(alts))
            self.gazetteer_by_char[ch] = re.compile(rf"(?:{groups})(?![\w\-])")

    def _load_rules(self, spec: dict) -> None:
        self.capitalised = bool(spec.get("capitalised", True))
        name = spec.get("name_word", _NAME_WORD)
        if spec.get("titles"):
            # titles are written capitalised in the data; in text they are often lower-case
            titles = [f"[{t[0]}{t[0].lower()}]{t[1:]}" if t[:1].isupper() else t
                      for t in spec["titles"]]
            adj = _alternation(spec.get("adjectives", [])) or r"(?!)"
            # "Президент России Владимир Путин": a genitive after the title, before the name
            suffix = _alternation(spec.get("title_suffix", [])) or r"(?!)"
            self.titles = re.compile(
                rf"(?<![\w\-])(?:(?P<qual>(?:{adj})|{name}(?:'s|’s))\s+)?"
                rf"(?P<title>{_alternation(titles)})(?:\s+(?:{suffix}))?\s+"
                rf"(?P<name>{name}(?:\s+(?:{name}|(?:von|van|der|de|da|dos|bin|al)(?=\s)))*"
                rf"(?<=\w))(?![\w\-])")
        if spec.get("adjectives") and (spec.get("group_org") or spec.get("group_people")):
            self.groups = re.compile(
                rf"(?<![\w\-])(?P<adj>{_alternation(spec['adjectives'])})\s+"
                rf"(?:(?P<org>{_alternation(spec.get('group_org', []) or ['(?!)'])})|"
                rf"(?P<people>{_alternation(spec.get('group_people', []) or ['(?!)'])}))(?![\w\-])")
        if spec.get("regime"):
            self.regime = re.compile(rf"\s+(?P<noun>{_alternation(spec['regime'])})(?![\w\-])")
        self.officials = {k: tuple(v) for k, v in spec.get("officials", {}).items()}

    # -- finding -------------------------------------------------------------------------

    def find_gazetteer(self, text: str) -> list[Candidate]:
        out: list[Candidate] = []
        if not self.gazetteer_by_char:
            return out
        table, pos = self.gazetteer_by_char, 0
        for w in _WORD_START.finditer(text):
            if w.start() < pos:
                continue
            pat = table.get(text[w.start()])
            m = pat.match(text, w.start()) if pat else None
            if m:
                kind, canonical = self.entries[int(m.lastgroup[1:].split("_")[0])]
                if canonical == "=":  # a pattern for a family of names: each is its own
                    canonical = re.sub(r"^(?:the|The) ", "", m.group())
                out.append(Candidate(m.start(), m.end(), kind, "gazetteer", canonical))
                pos = m.end()
        return out

    def canonical_of(self, phrase: str) -> str:
        """The gazetteer's canonical name for a phrase, or the phrase itself."""
        return self.variant_canonical.get(phrase, phrase)

    def find_titles(self, text: str) -> list[Candidate]:
        if self.titles is None:
            return []
        out = []
        for m in self.titles.finditer(text):
            s, e = m.span("name")
            qual = m.group("qual")
            if qual:
                qual = self.canonical_of(re.sub(r"['’]s$", "", qual))
            out.append(Candidate(s, e, "PER", "title", None,
                                 role=m.group("title").lower().rstrip("."), qualifier=qual,
                                 head_start=m.start()))
        return out

    def find_groups(self, text: str) -> list[Candidate]:
        if self.groups is None:
            return []
        out = []
        for m in self.groups.finditer(text):
            kind = "ORG" if m.group("org") else "NORP"
            noun = m.group("org") or m.group("people")
            canonical = f"{self.canonical_of(m.group('adj'))} {noun}"
            out.append(Candidate(m.start(), m.end(), kind, "rule", canonical))
        return out

    def extend_regime(self, text: str, cand: Candidate) -> Candidate | None:
        """"Kyiv" + " regime" → an ORG candidate "Kyiv regime", or None."""
        if self.regime is None or cand.type not in ("PER", "GPE"):
            return None
        m = self.regime.match(text, cand.end)
        if not m:
            return None
        head = cand.canonical or text[cand.start:cand.end]
        return Candidate(cand.start, m.end(), "ORG", "rule", f"{head} {m.group('noun')}")
