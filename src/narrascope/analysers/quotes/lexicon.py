"""Word lists the quote finder relies on: reporting verbs, titles, pronouns.

Narrascope calls a *quote* an attribution of speech: words somebody said, wrote or
posted, introduced by a verb of saying or by "according to". Verbs of belief or intention
("believes", "figures", "wants") are not cues. The lists are hand-made; their inflected
forms are generated here so that matching is a set lookup.
"""

from __future__ import annotations

__all__ = ["SPEECH_FORMS", "WEAK_FORMS", "BARE_FORMS", "THAT_ONLY_FORMS", "CLAUSE_FORMS", "DIRECT_ONLY_FORMS", "TITLE_WORDS", "PRONOUNS", "HONORIFICS",
           "NOT_NAME", "inflect", "ADVERBS", "AUX"]

#: Lemmas of verbs of saying: each introduces reported speech (direct or indirect).
SPEECH_LEMMAS = (
    "say tell warn claim argue stress note add state explain insist announce declare "
    "assert write tweet post comment remark reply respond answer ask report deny admit "
    "acknowledge confirm emphasise emphasize reiterate repeat predict promise vow pledge "
    "threaten complain quip joke recall testify mention concede contend maintain allege "
    "charge counter retort observe proclaim boast lament caution suggest urge assure "
    "underline underscore specify clarify disclose reveal inform estimate conclude "
    "continue judge summarise summarize opine speculate muse chide scoff insist "
    "recount describe characterise characterize stipulate signal hint forecast "
    "acknowledge affirm concur agree object protest demand tout highlight shout yell "
    "exclaim whisper mutter"
).split()

#: Lemmas that introduce a quotation only when quote marks are present
#: ("accused Washington of 'priming' opinion", "called it 'a farce'").
WEAK_LEMMAS = ("accuse call dub label brand refer slam blast criticise criticize praise "
               "condemn dismiss mock decry denounce hail term cite quote").split()

_IRREGULAR = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "write": ("write", "writes", "wrote", "written", "writing"),
    "forecast": ("forecast", "forecasts", "forecasting", "forecasted"),
    "hint": ("hint", "hints", "hinted", "hinting"),
}
_DOUBLE = {"admit", "refer", "concur", "quip", "object", "dub", "label", "signal"}


def inflect(lemma: str) -> tuple[str, ...]:
    """The lemma and its -s, -ed and -ing forms (regular English morphology)."""
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if lemma.endswith("e"):
        return lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return lemma, lemma + "es", lemma + "ed", lemma + "ing"
    if lemma in _DOUBLE and lemma not in {"object", "signal"}:
        return lemma, lemma + "s", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"
    if lemma in {"label", "signal"}:  # British and American doubling both occur
        return (lemma, lemma + "s", lemma + "ed", lemma + "led", lemma + "ing",
                lemma + "ling")
    return lemma, lemma + "s", lemma + "ed", lemma + "ing"


#: Forms that are far more often nouns (or other words) than verbs of saying.
NOT_CUES = frozenset(("state states note notes tweet tweets judge judges signal signals "
                      "report reports post posts comment comments claim claims charge "
                      "charges estimate estimates forecast forecasts promise promises "
                      "answer answers counter counters protest protests demand demands "
                      "object objects hint hints repeat estimate remark remarks reply "
                      "joke jokes concern summit continue warning judging reporting").split())
SPEECH_FORMS = frozenset(f for lemma in SPEECH_LEMMAS for f in inflect(lemma)) - NOT_CUES

#: Verbs that take reported speech without "that" ("Peskov said NATO ..."); the other
#: cues make an indirect quote only before "that" or a colon.
BARE_LEMMAS = ("say tell add claim argue insist note stress write warn predict suggest "
               "acknowledge admit report contend maintain allege assert declare state "
               "announce confirm tweet post reiterate emphasise emphasize "
               "explain repeat").split()
CLAUSE_FORMS = frozenset(f for lemma in BARE_LEMMAS for f in inflect(lemma)) & SPEECH_FORMS
#: Every verb of saying may report its content without "that": a clause ("said NATO
#: is ..."), or for the others an object or an infinitive ("urged citizens to save
#: power", "promised immigration reform"); CLAUSE_FORMS are those that take a clause.
BARE_FORMS = SPEECH_FORMS
#: ... except these, whose bare object is seldom speech ("maintains a wide lead",
#: "conceding the race", "concede its former territories"): what follows them is a
#: quote only after "that" or a colon; content before them ("..., she conceded") is.
THAT_ONLY_FORMS = frozenset(f for lemma in ("maintain", "concede") for f in inflect(lemma))

#: Verbs that introduce only a direct quotation ("he continued: “…”").
DIRECT_ONLY_FORMS = frozenset(f for lemma in (
    "continue threaten underscore underline signal hint "
    "highlight tout judge recount summarise summarize opine muse chide scoff quip "
    "joke specify clarify characterise characterize inform concur object protest "
    "demand").split() for f in inflect(lemma))
WEAK_FORMS = frozenset(f for lemma in WEAK_LEMMAS for f in inflect(lemma)) - SPEECH_FORMS

#: Nouns of office and role: a speaker phrase may be built of these ("Kremlin spokesman").
TITLE_WORDS = frozenset((
    "president vice-president prime minister ministers secretary general secretary-general "
    "spokesman spokeswoman spokesperson spokespeople press chancellor ambassador envoy "
    "diplomat diplomats official officials senator sen rep representative congressman "
    "congresswoman governor gov mayor chairman chairwoman chair head chief director "
    "commander general gen colonel col lieutenant major admiral leader leaders adviser "
    "advisor aide aides analyst analysts expert experts economist professor prof dr "
    "researcher scientist correspondent reporter journalist editor columnist author "
    "candidate nominee deputy foreign defence defense interior finance security council "
    "national state deputy-minister representative member members lawmaker lawmakers "
    "mp mps speaker king queen prince pope patriarch judge attorney lawyer prosecutor "
    "manager executive ceo founder owner source sources people residents witnesses "
    "officer officers soldier soldiers activist activists campaign campaigner staff "
    "strategist pollster operative operatives organizer organiser co-founder premier "
    "emir sheikh ayatollah commissioner negotiator coordinator blogger host anchor "
    "commentator observer observers insider insiders"
).split())

HONORIFICS = frozenset("mr mrs ms miss dr prof sir lord lady gen col sen rep gov".split())

PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "they": "p", "we": "p",
            "i": "1", "you": "2", "it": "n"}

#: Adverbs and auxiliaries allowed between a speaker and the cue ("has also said").
ADVERBS = frozenset(("also just finally later previously repeatedly reportedly earlier again then "
                     "recently once further separately publicly privately flatly "
                     "bluntly openly firmly angrily sharply simply even only never "
                     "often frequently subsequently initially originally "
                     "allegedly apparently reportedly").split())
AUX = frozenset("has had have was were is are would will did does do had been be "
                "could might may 's".split())

#: Capitalised words that never start a name (sentence-initial function words etc.).
NOT_NAME = frozenset((
    "the a an this that these those it its he she they we i you his her their our my "
    "your in on at by for from with of to and but or as if when while after before "
    "since because although though however meanwhile moreover also yet so then there "
    "here what which who whom whose where why how all some many most no not one two "
    "monday tuesday wednesday thursday friday saturday sunday today yesterday "
    "tomorrow earlier later last next according speaking asked during under over "
    "despite amid among between both each every other such only just even still "
    "now thus hence instead indeed asked mr mrs ms neither nor either so well with "
    "russia ukraine america china europe nato britain france germany israel iran "
    "turkey poland india japan syria moscow kyiv kiev washington london beijing"
).split())
