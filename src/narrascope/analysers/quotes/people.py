"""Who is who in one article: the named people, their titles, and speaker resolution.

The article is read once for names (runs of capitalised words), the titles written
before them ("Kremlin spokesman Dmitry Peskov") or after them in apposition
("Konstantin Gavrilov, a Russian diplomat,"). A speaker phrase is then resolved to the
fullest name the article gives: a surname to the full name, a pronoun to the person the
text was last about, a role ("the NATO secretary general") to the person who held it
earlier in the article. What cannot be resolved stays unresolved, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .lexicon import HONORIFICS, NOT_NAME, PRONOUNS, TITLE_WORDS
from .tokens import Token, scan_left

__all__ = ["Person", "People", "Resolution"]

_ORG_WORDS = frozenset((
    "house ministry council party agency university news times post union nations states "
    "kingdom federation republic department office committee bank fund organization "
    "organisation forces army navy command court congress senate parliament duma "
    "government administration kremlin pentagon institute foundation center centre "
    "association group company corp inc ltd channel network tv radio press service "
    "commission board alliance bureau guard police church embassy network daily journal "
    "tribune herald telegraph gazette reuters tass ria novosti interfax afp ap bloomberg "
    "cnn bbc fox msnbc nbc abc cbs twitter facebook telegram street square city county "
    "river sea ocean island islands peninsula region oblast airport station bridge "
    "summit conference treaty act plan war day week times affairs"
).split())
_FEMALE = frozenset("she her spokeswoman chairwoman congresswoman mrs ms miss madam "
                    "lady queen businesswoman stateswoman".split())
_MALE = frozenset("he him his spokesman chairman congressman mr sir lord king prince "
                  "businessman statesman".split())
_FEMALE_ENDINGS = ("ova", "eva", "ina", "skaya", "yova", "ovna", "evna")
_FEMALE_FIRST = frozenset((
    "maria marie mary anna anne hillary nancy elizabeth kamala ursula angela theresa "
    "liz jen jennifer karine kaja annalena valentina ella olga natalia natalya irina "
    "svetlana elena yelena tatiana victoria nicola jacinda sarah susan linda emily "
    "haley nikki sanna marine giorgia emmanuelle margaret condoleezza madeleine "
    "samantha michelle melania ivanka kellyanne sarah-huckabee dana heather"
).split())


#: Roles an article may use for a person it introduced under another title.
_SYNONYMS = {"ambassador": ("diplomat", "envoy"), "envoy": ("diplomat",),
             "representative": ("diplomat",), "spokeswoman": ("spokesperson", "diplomat"),
             "spokesman": ("spokesperson",), "minister": ("official",),
             "secretary-general": ("secretary", "general"), "consul": ("diplomat",)}


def _role(word: str) -> str | None:
    """``word`` as a role noun (plural folded), or None."""
    if word in TITLE_WORDS:
        return word
    if word.endswith("s") and word[:-1] in TITLE_WORDS:
        return word
    return None


_LINKS = frozenset("of for to and in from".split())
_PREPOSITIONS = frozenset("with to for from about against on at of into onto toward towards "
                          "between among than like via".split())


@dataclass
class Person:
    name: str
    title: str | None = None
    gender: str | None = None
    first: int = 0
    mentions: list[int] = field(default_factory=list)

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


@dataclass(frozen=True)
class Resolution:
    name: str | None
    title: str | None = None
    kind: str = "person"  # person, organisation, group, unknown
    reason: str | None = None


def _strip_poss(word: str) -> str:
    for suf in ("’s", "'s"):
        if word.endswith(suf):
            return word[: -len(suf)]
    return word.rstrip("’'")


def _is_name_token(t: Token) -> bool:
    return (t.cap and t.text[0].isalpha() and t.bare not in TITLE_WORDS
            and t.low not in NOT_NAME and t.low not in HONORIFICS
            and not (t.text.isupper() and len(t.text) > 1))


def _gender_of(words: list[str], name: str) -> str | None:
    low = {w.lower().rstrip(".") for w in words}
    if low & _FEMALE:
        return "f"
    if low & _MALE:
        return "m"
    first = name.split()[0].lower()
    if first in _FEMALE_FIRST or name.split()[-1].lower().endswith(_FEMALE_ENDINGS):
        return "f"
    return None


class People:
    """The people of one article, from its tokens (a list per sentence)."""

    def __init__(self, text: str, sentences: list[list[Token]]):
        self.text = text
        self.people: dict[str, Person] = {}
        self._by_surname: dict[str, str] = {}
        self.mentions: list[tuple[int, str]] = []  # (offset, full name), in order
        #: offsets of mentions after a preposition ("talks with X"): seldom the next "he"
        self.oblique: set[int] = set()
        for toks in sentences:
            self._read(toks)
        self.mentions.sort()

    # -- reading the article -------------------------------------------------------
    def _read(self, toks: list[Token]) -> None:
        i = 0
        n = len(toks)
        while i < n:
            if not toks[i].cap or not _is_name_token(toks[i]):
                i += 1
                continue
            j = i
            while j < len(toks) and (_is_name_token(toks[j]) or (
                    toks[j].text in {"-"} and j + 1 < len(toks) and _is_name_token(toks[j + 1]))):
                j += 1
                if toks[j - 1].text.endswith(("’s", "'s")):
                    break
            self._name_run(toks, i, j)
            i = max(j, i + 1)

    def _name_run(self, toks: list[Token], i: int, j: int) -> None:
        words = [_strip_poss(t.text) for t in toks[i:j] if t.text != "-"]
        if i > 0 and toks[i - 1].low in ("of", "to", "the") and len(words) >= 3:
            words = words[1:]  # "ambassador to the US Anatoly Antonov": US is the title's
            i += 1
        orgs = [k for k, w in enumerate(words) if w.lower() in _ORG_WORDS]
        start = toks[i].start
        if orgs:
            # "United Nations Vasily Kornev": the name is what follows the institution
            rest = len(words) - orgs[-1] - 1
            if rest < 2:
                return
            i = j - rest
            words = words[-rest:]
            start = toks[i].start
        honorific = i > 0 and (toks[i - 1].low in HONORIFICS or (
            toks[i - 1].text == "." and i > 1 and toks[i - 2].low in HONORIFICS))
        lead = scan_left(toks, i)
        a0 = lead[0] if lead else i
        if a0 > 0 and toks[a0 - 1].low in _PREPOSITIONS:
            self.oblique.add(start)
        if len(words) == 1:
            known = self._by_surname.get(words[0])
            if known:
                self.people[known].mentions.append(start)
                self.mentions.append((start, known))
            elif honorific or (i > 0 and toks[i - 1].bare in TITLE_WORDS):
                self._add(words[0], toks, i, j, start)
            return
        if len(words) > 3:
            # "Far Eastern Federal District Viktor Osipenko": a name is its last two words,
            # three with a patronymic or an initial
            keep = 3 if (words[-2].endswith(("ovich", "evich", "ovna", "evna", "ich"))
                         or (len(words[-2]) <= 2 and words[-2][0].isupper())) else 2
            i += len(words) - keep
            words = words[-keep:]
            start = toks[i].start
        self._add(" ".join(words), toks, i, j, start)

    def _add(self, name: str, toks: list[Token], i: int, j: int, start: int) -> None:
        title_words: list[str] = []
        span = scan_left(toks, i)
        if span:
            title_words = [t.text for t in toks[span[0]:i]
                           if t.low not in ("the", "a", "an") and t.text != "."]
            while title_words and (title_words[0].lower() in HONORIFICS or title_words[0].lower()
                                   in NOT_NAME or title_words[0].lower() in _LINKS):
                title_words = title_words[1:]
        appos = self._apposition(toks, j)
        if not title_words and i > 1 and toks[i - 1].text == ",":
            before = scan_left(toks, i - 1)  # "Britain's defence secretary, Margaret Holloway"
            if before:
                title_words = [t.text for t in toks[before[0]:i - 1]
                               if t.low not in ("the", "a", "an")]
        title = " ".join(title_words) if any(
            w.lower().rstrip("’s") in TITLE_WORDS for w in title_words) else None
        if title is None and appos:
            title = appos
        surname = name.split()[-1]
        existing = self._by_surname.get(surname)
        if existing and (existing == name or existing.endswith(" " + name)
                         or name.endswith(" " + existing) or len(name.split()) == 1):
            if len(name) > len(existing) and name.endswith(" " + existing.split()[-1]):
                p = self.people.pop(existing)
                p.name = name
                self.people[name] = p
                self._by_surname[surname] = name
                self.mentions = [(o, name if n == existing else n) for o, n in self.mentions]
                existing = name
            p = self.people[existing]
            p.title = p.title or title
            p.gender = p.gender or _gender_of(title_words + [t.text for t in toks[max(0, i - 2):i]], name)
            p.mentions.append(start)
            self.mentions.append((start, existing))
            return
        gender = _gender_of(title_words + [t.text for t in toks[max(0, i - 2):i]]
                            + (appos or "").split(), name)
        self.people[name] = Person(name, title, gender, start, [start])
        self._by_surname.setdefault(surname, name)
        self.mentions.append((start, name))

    @staticmethod
    def _apposition(toks: list[Token], j: int) -> str | None:
        """The title in ``NAME, a Russian diplomat serving in Vienna,``."""
        if j >= len(toks) or toks[j].text != ",":
            return None
        k = j + 1
        words: list[str] = []
        while k < len(toks) and toks[k].text not in {",", ".", ";", ":", "(", ")"} \
                and len(words) < 12:
            words.append(toks[k].text)
            k += 1
        if not words or k >= len(toks) or toks[k].text not in {",", "."}:
            return None
        if words[0].lower() not in ("a", "an", "the") and words[0].lower() not in TITLE_WORDS:
            return None
        if not any(w.lower() in TITLE_WORDS for w in words):
            return None
        if words[0].lower() in ("a", "an", "the"):
            words = words[1:]
        return " ".join(words)

    # -- resolution ----------------------------------------------------------------
    def last_before(self, offset: int, gender: str | None = None,
                    skip: set[str] | frozenset[str] = frozenset()) -> Person | None:
        """The person most recently named before ``offset``, gender permitting."""
        for off, name in reversed(self.mentions):
            if off >= offset or name in skip:
                continue
            p = self.people[name]
            if gender and p.gender and p.gender != gender:
                continue
            return p
        return None

    def find(self, words: list[str]) -> Person | None:
        """The person a name phrase refers to: the longest known name it contains."""
        clean = [_strip_poss(w) for w in words]
        joined = " ".join(clean)
        for name in sorted(self.people, key=len, reverse=True):
            if name in joined:
                return self.people[name]
        for w in reversed(clean):
            if w in self._by_surname:
                return self.people[self._by_surname[w]]
        return None

    def by_role(self, roles: list[str], before: int) -> Person | None:
        """The person most recently given a title containing ``roles`` before ``before``;
        failing that, the only person the article gives that title at all (a headline or
        lede names the role first: "Russia's foreign minister claims ...")."""
        want = {r.lower() for r in roles}
        for off, name in reversed(self.mentions):
            if off < before and self._holds(self.people[name], want):
                return self.people[name]
        holders = [p for p in self.people.values() if self._holds(p, want)]
        return holders[0] if len(holders) == 1 else None

    @staticmethod
    def _holds(p: Person, want: set[str]) -> bool:
        if not p.title:
            return False
        have = {w.lower().rstrip("’s") for w in p.title.split()}
        have |= {syn for w in have for syn in _SYNONYMS.get(w, ())}
        return want <= have

    def resolve(self, phrase: list[Token], recent: Person | None = None) -> Resolution:
        """Resolve a speaker phrase; ``recent`` is the speaker of the quote just before."""
        words = [t.text for t in phrase if t.text != "."]
        start = phrase[0].start
        if len(phrase) == 1 and phrase[0].low in PRONOUNS:
            return self._pronoun(phrase[0], recent)
        person = self.find([w for w in words if w.lower() not in NOT_NAME])
        if person is not None:
            title = person.title if any(t.text == "," for t in phrase) else (
                self._title_in(phrase, person) or person.title)
            return Resolution(person.name, title, "person")
        roles = [_role(t.bare) for t in phrase if _role(t.bare)]
        names = [w for w in words if w[0].isupper() and w.lower() not in NOT_NAME
                 and w.lower().rstrip("’s") not in TITLE_WORDS]
        det = phrase[0].low
        if roles:
            head = roles[-1]
            plural = head.endswith("s") and head not in ("press",) or det in (
                "two", "three", "several", "some", "many", "both")
            if (det in ("the", "his", "her", "its", "their") or det.endswith(("’s", "'s"))) \
                    and not plural:
                p = self.by_role([r for r in roles if r not in ("the",)], start) \
                    or self.by_role([head], start)
                if p is not None:
                    return Resolution(p.name, p.title, "person")
            title = " ".join(w for w in words if w.lower() not in ("the", "a", "an"))
            reason = ("unnamed group" if plural else
                      "unnamed person" if det in ("a", "an", "one", "another")
                      else "role not tied to a name in the article")
            return Resolution(None, title, "group" if plural else "unknown", reason)
        if names:
            kept = [w for w in words]
            while kept and (kept[0].lower() in NOT_NAME or not kept[0][0].isalnum()):
                kept = kept[1:]
            text = " ".join(_strip_poss(w) for w in kept) or " ".join(words)
            return Resolution(text, None, "organisation" if len(names) != 1 or
                              names[0].lower() in _ORG_WORDS or names[0].isupper()
                              else "name")
        return Resolution(None, None, "unknown", "no name in the speaker phrase")

    def _title_in(self, phrase: list[Token], person: Person) -> str | None:
        """The words before the person's name in the phrase, when they hold a role
        ("Kremlin spokesman" in "Kremlin spokesman Dmitry Peskov")."""
        names = set(person.name.split())
        cut = next((k for k, t in enumerate(phrase) if _strip_poss(t.text) in names), 0)
        words = [t.text for t in phrase[:cut] if t.text != "."
                 and t.low not in ("the", "a", "an") and t.low not in HONORIFICS]
        if any(w.lower() in TITLE_WORDS for w in words):
            return " ".join(words)
        return None

    def _pronoun(self, tok: Token, recent: Person | None) -> Resolution:
        g = PRONOUNS[tok.low]
        if g in ("p",):
            return Resolution(None, None, "group", "plural pronoun")
        if g == "n":
            return Resolution(None, None, "organisation", "pronoun 'it' (an organisation "
                              "or a document)")
        if g in ("1", "2"):
            return Resolution(None, None, "unknown", "first- or second-person pronoun")
        if recent is not None and (recent.gender in (None, g)):
            return Resolution(recent.name, recent.title, "person")
        p = self.last_before(tok.start, g)
        if p is None:
            return Resolution(None, None, "unknown", "no earlier person to refer to")
        return Resolution(p.name, p.title, "person")
