"""Grouping mentions into entities within one article.

* Gazetteer and rule mentions carry a canonical name already ("Kiev" → "Kyiv").
* People: a mention joins an entity whose name words contain its own ("Lavrov" and
  "Sergey Lavrov"); the fullest form names the entity. Russian and Bulgarian case endings
  are stripped before words are compared ("Лаврова" = "Лавров").
* Organisations: an acronym joins the entity whose words it abbreviates.
* Role phrases ("Russia's foreign minister", "the Kremlin spokesman") become mentions of
  the person a title rule or the officials table ties that role to, when that person is
  named in the article.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping

from ...model import Span
from .rules import Candidate, LanguageRules

__all__ = ["group_mentions", "word_key", "INFLECTED"]

_ENDINGS = re.compile(r"(?:ого|его|ому|ему|ыми|ими|ой|ей|ом|ем|ым|им|ий|ый|ую|ая|яя|"
                      r"та|то|те|ът|ят|а|я|у|ю|е|ы|и)$")
INFLECTED = {"ru", "bg"}
_WORD = re.compile(r"[\w’'\-.]+")
_POSSESSIVE = re.compile(r"['’]s$")
_ARTICLE_OR_POSSESSIVE = re.compile(r"^(?:the|The)\s+|['’]s$")
_SPACES = re.compile(r"\s+")
_STOP = {"the", "of", "and", "for", "de", "da", "do", "das", "dos", "e", "и", "на", "по"}


def word_key(word: str, lang: str) -> str:
    """A comparison key for one word: lower-cased, case endings stripped in ru/bg."""
    w = _POSSESSIVE.sub("", word).lower().strip(".")
    if lang in INFLECTED and len(w) > 5:
        stem = _ENDINGS.sub("", w)
        if len(stem) >= 4:
            w = stem
    return w


@dataclass
class _Entity:
    id: int
    type: str
    names: list[str] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    canonical: str | None = None
    role: str | None = None
    qualifier: str | None = None


def _clean(text: str) -> str:
    return _SPACES.sub(" ", _ARTICLE_OR_POSSESSIVE.sub("", text)).strip()


def _acronym(name: str) -> str:
    return "".join(w[0] for w in name.split() if w.lower() not in _STOP and w[:1].isalpha()).upper()


def _same_qualifier(a: str | None, b: str | None, rules: LanguageRules) -> bool:
    if not a or not b:
        return True
    a, b = rules.canonical_of(a), rules.canonical_of(b)
    return a[:5].lower() == b[:5].lower()


def group_mentions(text: str, chosen: list[Candidate], rules: LanguageRules,
                   scores: Mapping[str, float]) -> list[Span]:
    """Spans with ``entity`` / ``entity_id`` / ``text`` attributes, in text order."""
    lang = rules.language
    entities: list[_Entity] = []
    assigned: dict[int, _Entity] = {}
    by_canonical: dict[tuple[str, str], _Entity] = {}

    def new(kind: str) -> _Entity:
        ent = _Entity(len(entities), kind)
        entities.append(ent)
        return ent

    keys: dict[str, str] = {}  # word -> word_key, for this article

    def key_of(word: str) -> str:
        k = keys.get(word)
        if k is None:
            k = keys[word] = word_key(word, lang)
        return k

    order = sorted(range(len(chosen)), key=lambda i: (-len(_WORD.findall(
        text, chosen[i].start, chosen[i].end)), chosen[i].start))
    for i in order:
        c = chosen[i]
        surface = _clean(text[c.start:c.end])
        canonical = c.canonical or rules.variant_canonical.get(surface)
        words = [key_of(w) for w in _WORD.findall(canonical if c.type == "PER" and
                                                  canonical else surface)]
        if c.type == "PER":
            # people group by name words, whether the gazetteer knows them or not
            ent = _match_person(entities, words, c.start, assigned, chosen)
            if ent is None:
                ent = new("PER")
            ent.keys.update(words)
            if canonical and not ent.canonical:
                ent.canonical = canonical
            if c.role and not ent.role:
                ent.role, ent.qualifier = c.role, c.qualifier
        else:
            key = canonical or " ".join(words)
            ent = by_canonical.get((c.type, key))
            if ent is None and c.type == "ORG" and surface.isupper():
                ent = next((e for (t, _), e in by_canonical.items()
                            if t == "ORG" and e.names and _acronym(e.names[0]) == surface), None)
            if ent is None:
                ent = new(c.type)
                ent.canonical = canonical
                by_canonical[(c.type, key)] = ent
        ent.names.append(surface)
        assigned[i] = ent

    extra = _role_mentions(text, chosen, entities, rules)
    spans = []
    for i, c in enumerate(chosen):
        spans.append((c, assigned[i]))
    covered = [(c.start, c.end) for c, _ in extra]
    spans = [(c, e) for c, e in spans if not any(s <= c.start and c.end <= t for s, t in covered)]
    spans += extra
    spans.sort(key=lambda ce: ce[0].start)

    # Entity ids in order of first mention; canonical names: the fullest form.
    ids: dict[int, int] = {}
    names: dict[int, str] = {}
    out = []
    for c, ent in spans:
        eid = ids.setdefault(ent.id, len(ids))
        if eid not in names:
            names[eid] = ent.canonical or _fullest(ent.names)
        out.append(Span(c.start, c.end, c.type, scores.get(c.source, 0.8),
                        {"entity": names[eid], "entity_id": eid, "text": text[c.start:c.end]}))
    return out


def _fullest(names: list[str]) -> str:
    counts = Counter(names)
    return max(names, key=lambda n: (len(_WORD.findall(n)), counts[n], -names.index(n)))


def _match_person(entities: list[_Entity], words: list[str], start: int,
                  assigned: dict[int, _Entity], chosen: list[Candidate]) -> _Entity | None:
    if not words:
        return None
    wanted = set(words)
    fits = [e for e in entities if e.type == "PER" and e.keys and wanted <= e.keys]
    if not fits:
        return None
    # Prefer an entity whose last name is this word, then the most mentioned one.
    return max(fits, key=lambda e: (words[-1] in e.keys and e.names and
                                    words[-1] == word_key(e.names[0].split()[-1], ""),
                                    len(e.names)))


def _role_mentions(text: str, chosen: list[Candidate], entities: list[_Entity],
                   rules: LanguageRules) -> list[tuple[Candidate, _Entity]]:
    """Role phrases that stand for a person named in the article."""
    people = [e for e in entities if e.type == "PER"]
    for e in people:
        if e.role:
            continue
        for name in e.names:
            last = name.split()[-1] if name.split() else ""
            if last in rules.officials:
                e.role, e.qualifier = rules.officials[last]
                break
    roles: dict[str, list[_Entity]] = {}
    for e in people:
        if e.role and len(e.role) > 3 and not e.role.endswith("."):
            roles.setdefault(e.role, []).append(e)
    if not roles or not rules.capitalised:
        return []
    alts = "|".join(map(re.escape, sorted(roles, key=len, reverse=True)))
    pat = re.compile(r"(?<![\w\-])(?:(?P<the>[Tt]he)\s+|(?P<q>[A-Z]\w*(?:(?:\.\w)+\.?)?(?:\s[A-Z]\w*)?)"
                     r"(?:['’]s)?\s+)(?P<role>(?i:" + alts + r"))(?![\w\-])(?!\s+[A-Z])")
    out = []
    names_at = [(c.start, c.end) for c in chosen if c.type == "PER"]
    for m in pat.finditer(text):
        cands = [e for e in roles[m.group("role").lower()]
                 if _same_qualifier(m.group("q"), e.qualifier, rules)]
        if len(cands) != 1 or any(m.start() < e and s < m.end() for s, e in names_at):
            continue
        out.append((Candidate(m.start(), m.end(), "PER", "role"), cands[0]))
    return out
