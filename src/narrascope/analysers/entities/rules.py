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
#: capitalised words that follow a title but name no one ("Ukraine's president Thursday")
WEEKDAYS = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())


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


#: Devanagari letters written with or without a nukta in borrowed names ("ज़ेलेंस्की" and
#: "जेलेंस्की", "फ़्रांस" and "फ्रांस"): each precomposed letter and its bare letter.
_NUKTA_LETTERS = {"\u0958": "\u0915", "\u0959": "\u0916", "\u095a": "\u0917",
                  "\u095b": "\u091c", "\u095c": "\u0921", "\u095d": "\u0922",
                  "\u095e": "\u092b", "\u095f": "\u092f"}
_DECOMPOSE = str.maketrans({pre: bare + "\u093c" for pre, bare in _NUKTA_LETTERS.items()})
_COMPOSE = {bare + "\u093c": pre for pre, bare in _NUKTA_LETTERS.items()}
_BARE = str.maketrans({**_NUKTA_LETTERS, "\u093c": None})
_PLAIN = re.compile(r"[^\\\[\](){}.^$*+?|]+")


def _nukta_spellings(variant: str) -> list[str]:
    """A plain variant with nukta dots and its other spellings: the dotted letters
    precomposed and as letter + nukta (texts use both), and without any dot. Literal
    variants keep the gazetteer's prefix index fast; a regular expression is kept as
    written."""
    if "\u093c" not in variant.translate(_DECOMPOSE) or not _PLAIN.fullmatch(variant):
        return [variant]
    decomposed = variant.translate(_DECOMPOSE)
    composed = decomposed
    for pair, pre in _COMPOSE.items():
        composed = composed.replace(pair, pre)
    return list(dict.fromkeys([variant, decomposed, composed, variant.translate(_BARE)]))


def _first_chars(variant: str) -> str:
    """The characters a gazetteer variant can begin with (a literal or a ``[..]`` class)."""
    if variant.startswith("["):
        return variant[1:variant.index("]")]
    if variant.startswith("\\"):
        return variant[1]
    if variant[:1] in "(.?*+{":
        raise ValueError(f"gazetteer variant {variant!r} must begin with a letter or a [class]")
    return variant[0]


#: Gazetteer variants are indexed by their first 6, 2 or 1 characters, whichever are fixed.
_PREFIX_LENGTHS = (6, 2, 1)
_LITERAL = re.compile(r"\\\W|[^\\\[\](){}.^$*+?|]")
_CLASS = re.compile(r"\[([^\]\\\-^]+)\]")


def _prefixes(variant: str, n: int) -> set[str] | None:
    """The ``n``-character strings a variant can begin with, or None when its first ``n``
    characters are not each a plain character or a ``[..]`` class of plain characters."""
    sets: list[str] = []
    pos = 0
    while len(sets) < n:
        lit = _LITERAL.match(variant, pos)
        cls = None if lit else _CLASS.match(variant, pos)
        if lit:
            sets.append(lit.group()[-1])
            pos = lit.end()
        elif cls:
            sets.append(cls.group(1))
            pos = cls.end()
        else:
            return None
        if variant[pos:pos + 1] and variant[pos:pos + 1] in "?*{+":
            return None
    out = [""]
    for chars in sets:
        out = [p + c for p in out for c in chars]
    return set(out)


def _either_case(patterns: list[str]) -> list[str]:
    """Titles are written capitalised in the data; in text they are often lower-case."""
    return [f"[{p[0]}{p[0].lower()}]{p[1:]}" if p[:1].isupper() else p for p in patterns]


def _alternation(patterns: list[str]) -> str:
    """The patterns as one alternation, longest first, grouped by their first character.

    ``re`` tries the branches of an alternation one by one at every position it scans;
    with the branches grouped under their first character (``P(?:resident|rime
    Minister)|...``) a position is tested against a couple of dozen characters instead
    of every title, which halves the English title rule's time. The grouping matches
    what the plain alternation matches: branches that begin with different characters
    never match at the same position, and within a group the longest-first order is
    kept.
    A list with a branch that does not begin with a plain character or a ``[..]`` class
    of them, or that holds a capturing group, stays a plain alternation.
    """
    ordered = sorted(patterns, key=len, reverse=True)
    groups: dict[str, list[str]] = {}
    for variant in ordered:
        first = _LITERAL.match(variant) or _CLASS.match(variant)
        if (first is None or variant[first.end():first.end() + 1] in ("?", "*", "+", "{")
                or re.search(r"\((?!\?)", variant) or len(_split_top(variant)) > 1):
            return "|".join(ordered)
        chars = first.group(1) if first.re is _CLASS else first.group()[-1]
        for ch in dict.fromkeys(chars):
            groups.setdefault(ch, []).append(variant[first.end():])
    return "|".join(f"{re.escape(ch)}(?:{'|'.join(rests)})" for ch, rests in groups.items())


@dataclass
class LanguageRules:
    """The compiled gazetteer and rules of one language."""

    language: str
    entries: list[tuple[str, str]] = field(default_factory=list)  # (type, canonical)
    #: (prefix length, patterns by a word's prefix of that length), longest first
    gazetteer_tables: list[tuple[int, dict[str, re.Pattern]]] = field(default_factory=list)
    #: the word starts whose first character has a gazetteer pattern (the others are skipped)
    gazetteer_starts: re.Pattern | None = None
    titles: re.Pattern | None = None
    #: a title with its genitive and no name ("Президент Сербии", "Посол Эстонии")
    bare_titles: re.Pattern | None = None
    groups: re.Pattern | None = None
    regime: re.Pattern | None = None
    officials: dict[str, tuple[str, str]] = field(default_factory=dict)
    adjective_canonical: dict[str, str] = field(default_factory=dict)
    variant_canonical: dict[str, str] = field(default_factory=dict)
    capitalised: bool = True
    #: in a text of another script, names written in Latin letters ("Reuters", "USSR")
    latin_names: re.Pattern | None = None
    latin_type: str = "ORG"

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
        variants: list[tuple[str, int]] = []  # (pattern, entry), in file order
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            kind, canonical, alternatives = line.split("\t")
            idx = len(self.entries)
            self.entries.append((kind, canonical))
            alts = _split_top(alternatives)
            # "the Kremlin" is also "The Kremlin" at the start of a sentence
            alts += ["T" + v[1:] for v in alts if v.startswith("the ")]
            for v in alts:
                plain = v.replace("\\.", ".")
                if re.fullmatch(r"[\w .'’\-]+", plain):
                    self.variant_canonical[plain] = canonical
                variants.extend((w, idx) for w in _nukta_spellings(v))
        self._index_gazetteer(variants)

    def _index_gazetteer(self, variants: list[tuple[str, int]]) -> None:
        """Patterns by a word's first characters, longest variants first ("the United
        States" before "the"). Matching is tried only at word starts, with the one pattern
        that holds every variant able to begin with that word's first six characters
        (or two, or one, for variants with fewer fixed leading characters), which keeps a
        large gazetteer cheap: "the" is not tested against every "the ..." variant."""
        keyed: list[dict[str, list[int]]] = [{} for _ in _PREFIX_LENGTHS]
        for n, (v, _) in enumerate(variants):
            for table, length in zip(keyed, _PREFIX_LENGTHS):
                keys = _prefixes(v, length) if length > 1 else set(_first_chars(v))
                if keys:
                    for key in keys:
                        table.setdefault(key, []).append(n)
                    break

        def compile_(members: list[int]) -> re.Pattern:
            # file order among variants of one length, as a stable sort by length keeps it
            ordered = sorted(set(members), key=lambda n: (-len(variants[n][0]), n))
            groups = "|".join(f"(?P<g{variants[n][1]}_{n}>{variants[n][0]})" for n in ordered)
            return re.compile(rf"(?:{groups})(?![\w\-])")

        self.gazetteer_tables = []
        for i, (table, length) in enumerate(zip(keyed, _PREFIX_LENGTHS)):
            # a longer key's pattern also holds the variants of its shorter keys
            self.gazetteer_tables.append((length, {key: compile_(ns + [
                n for shorter, slen in zip(keyed[i + 1:], _PREFIX_LENGTHS[i + 1:])
                for n in shorter.get(key[:slen], [])]) for key, ns in table.items()}))
        firsts = {key[0] for table in keyed for key in table}
        firsts_class = "".join(re.escape(ch) for ch in sorted(firsts) if re.match(r"\w", ch))
        self.gazetteer_starts = (re.compile(rf"(?<![\w\-])[{firsts_class}]")
                                 if firsts_class else None)

    def _load_rules(self, spec: dict) -> None:
        self.capitalised = bool(spec.get("capitalised", True))
        name = spec.get("name_word", _NAME_WORD)
        if spec.get("titles"):
            titles = _either_case(spec["titles"])
            # "Deputy Agriculture Minister": a rank before any title, part of the title
            prefix = _alternation(_either_case(spec.get("title_prefix", []))) or r"(?!)"
            adj = _alternation(spec.get("adjectives", [])) or r"(?!)"
            # "Президент России Владимир Путин": a genitive after the title, before the name
            suffix = _alternation(spec.get("title_suffix", [])) or r"(?!)"
            # a title and its name stay on one line: a headline's last word is no title
            # of the next line's first ("Biden's Campaign Office\n\nEasy Ways")
            sp = r"[^\S\n]+"
            title = rf"(?:(?:{prefix}){sp})?(?:{_alternation(titles)})"
            genitive = rf"(?:{sp}(?:{suffix}))?"
            self.titles = re.compile(
                rf"(?<![\w\-])(?:(?P<qual>(?:{adj})|{name}(?:'s|’s)){sp})?"
                rf"(?P<title>{title}){genitive}{sp}"
                # a genitive of the title is no name ("президент России" and no name after)
                rf"(?P<name>(?!(?:{suffix})(?![\w\-])){name}"
                rf"(?:{sp}(?:{name}|(?:von|van|der|de|da|dos|bin|al)(?=\s)))*"
                rf"(?<=\w))(?![\w\-])")
            self.bare_titles = re.compile(rf"(?:(?:{adj}){sp})?{title}{genitive}")
        if spec.get("adjectives") and (spec.get("group_org") or spec.get("group_people")):
            self.groups = re.compile(
                rf"(?<![\w\-])(?P<adj>{_alternation(spec['adjectives'])})\s+"
                rf"(?:(?P<org>{_alternation(spec.get('group_org', []) or ['(?!)'])})|"
                rf"(?P<people>{_alternation(spec.get('group_people', []) or ['(?!)'])}))(?![\w\-])")
        if spec.get("regime"):
            self.regime = re.compile(rf"\s+(?P<noun>{_alternation(spec['regime'])})(?![\w\-])")
        self.officials = {k: tuple(v) for k, v in spec.get("officials", {}).items()}
        if spec.get("latin_names"):
            word = r"[A-Z][A-Za-z0-9&\-]*[A-Za-z0-9]"
            self.latin_names = re.compile(rf"(?<![\w\-/.@]){word}(?:[ \-]{word})*(?![\w\-/.@])")
            self.latin_type = str(spec["latin_names"])

    # -- finding -------------------------------------------------------------------------

    def find_gazetteer(self, text: str) -> list[Candidate]:
        out: list[Candidate] = []
        if self.gazetteer_starts is None:
            return out
        tables, pos = self.gazetteer_tables, 0
        for w in self.gazetteer_starts.finditer(text):
            at = w.start()
            if at < pos:
                continue
            pat = None
            for length, table in tables:
                pat = table.get(text[at:at + length])
                if pat is not None:
                    break
            m = pat.match(text, at) if pat else None
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
            if text[s:e].split(None, 1)[0] in WEEKDAYS:
                continue
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

    def find_latin(self, text: str) -> list[Candidate]:
        """Names in Latin letters inside a text of another script: a Hindi article names
        agencies, outlets and acronyms this way ("Reuters", "USSR"), which neither its
        model nor its gazetteer reads."""
        if self.latin_names is None:
            return []
        return [Candidate(m.start(), m.end(), self.latin_type, "rule", m.group())
                for m in self.latin_names.finditer(text)]

    def extend_regime(self, text: str, cand: Candidate) -> Candidate | None:
        """"Kyiv" + " regime" → an ORG candidate "Kyiv regime", or None."""
        if self.regime is None or cand.type not in ("PER", "GPE"):
            return None
        m = self.regime.match(text, cand.end)
        if not m:
            return None
        head = cand.canonical or text[cand.start:cand.end]
        return Candidate(cand.start, m.end(), "ORG", "rule", f"{head} {m.group('noun')}")
