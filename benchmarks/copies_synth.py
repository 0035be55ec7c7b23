"""Make synthetic copies of real articles for the ``copies`` benchmark.

Every change is one that reprinting sites make: a new headline, boilerplate lines added or
removed, paragraphs reordered, dropped or cut off, one passage pasted into another
article, and sentences reworded by synonyms and clause swaps. The generator records the
kind each pair should get, so the finder's output can be scored.

The synonym list below was written for this benchmark; it is deliberately generic news
vocabulary, not tuned to any article.
"""

from __future__ import annotations

import random
import re

BOILERPLATE = [
    "Subscribe to our newsletter to get the top stories every morning.",
    "Share this article on social media.",
    "All rights reserved. Reproduction without permission is prohibited.",
    "Follow us on Telegram for breaking news.",
    "Read more: our full coverage of the week's events.",
    "Advertisement",
    "Photo: archive",
]

HEADLINES = ["What we know so far", "Latest developments", "Breaking", "Analysis",
             "In brief", "Top story", "World news", "Opinion and commentary"]

SYNONYMS = dict(pair.replace("_", " ").split(":") for pair in """
said:stated says:states told:informed announced:declared warned:cautioned
government:administration country:nation countries:nations president:leader
officials:authorities official:representative people:citizens war:conflict
military:armed forces:troops attack:assault attacks:assaults killed:slain
large:big small:little important:significant major:key big:large new:fresh
began:started begin:start start:begin help:assist helped:assisted show:demonstrate
shows:demonstrates showed:demonstrated claim:assert claimed:asserted claims:assertions
because:since however:but also:too many:numerous several:a_number_of recent:latest
recently:lately week:seven_days month:four_weeks year:twelve_months today:on_this_day
increase:rise increased:rose decrease:fall decreased:fell support:backing
supported:backed plan:scheme plans:schemes decision:ruling decided:resolved
meeting:talks meet:confer agreement:deal agreed:consented fight:battle fighting:combat
city:town region:area regions:areas border:frontier economy:economic_system
economic:financial money:funds cost:price costs:prices pay:fund paid:funded
public:general media:press report:account reported:noted reports:accounts
news:reports expert:specialist experts:specialists scientists:researchers
study:research climate:weather global:worldwide world:globe energy:power
policy:strategy policies:strategies change:shift changes:shifts changed:shifted
continue:carry_on continued:carried_on continues:carries_on however:yet
western:Western allies:partners ally:partner weapons:arms weapon:arm
statement:declaration according:as_per believe:think believes:thinks
believed:thought want:wish wants:wishes wanted:wished need:require
needs:requires needed:required army:military soldiers:servicemen
minister:secretary ministry:department threat:danger threats:dangers
security:safety peace:calm crisis:emergency attempt:try attempts:tries
tried:attempted try:attempt issue:matter issues:matters problem:difficulty
problems:difficulties important:crucial clear:evident clearly:evidently
likely:probably possible:feasible however:nonetheless despite:in_spite_of
against:versus during:throughout following:after before:prior_to nearly:almost
almost:nearly about:around around:about huge:enormous strong:powerful
""".split())

_SUB = re.compile(r"^(?P<main>[^,]{12,}), (?P<sub>(?:while|after|because|as|although|when|"
                  r"since|before|though)\b[^,]{8,})(?P<end>[.!?])$")
_SAID = re.compile(r"^(?P<body>.{20,}?),? (?P<who>(?:he|she|they|the \w+|[A-Z]\w+(?: [A-Z]\w+)?)"
                   r" (?:said|says|added|stated))(?P<end>[.!?])$")
_WORD = re.compile(r"\b\w+\b")
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def paragraphs(text: str) -> tuple[str, list[str]]:
    lines = [ln.strip() for ln in text.strip().split("\n")]
    title, body = lines[0], [ln for ln in lines[1:] if ln]
    return title, body


def join(title: str, paras: list[str]) -> str:
    return "\n\n".join([title, *paras])


#: light function-word edits: (replacement, probability)
FUNCTION = {"the": ("", 0.3), "that": ("", 0.5), "will": ("is set to", 0.5),
            "has": ("had", 0.3), "have": ("had", 0.3), "very": ("", 1.0), "in": ("within", 0.2),
            "on": ("upon", 0.2), "is": ("remains", 0.15), "are": ("remain", 0.15),
            "but": ("yet", 0.5), "and": ("as well as", 0.2), "to": ("so as to", 0.1)}


def _swap_words(sentence: str, rng: random.Random, rate: float) -> str:
    def sub(m: re.Match) -> str:
        w = m.group()
        rep = SYNONYMS.get(w.lower())
        if rep is None and w.lower() in FUNCTION:
            rep, p = FUNCTION[w.lower()]
            return w if rng.random() > p else rep
        if rep is None or rng.random() > rate:
            return w
        return rep.capitalize() if w[0].isupper() else rep
    return _WORD.sub(sub, sentence)


def _swap_clauses(sentence: str) -> str:
    m = _SUB.match(sentence)
    if m:
        sub = m["sub"][0].upper() + m["sub"][1:]
        main = m["main"]
        main = main[0].lower() + main[1:] if not main.split()[0].isupper() else main
        return f"{sub}, {main}{m['end']}"
    m = _SAID.match(sentence)
    if m:
        who = m["who"][0].upper() + m["who"][1:]
        body = m["body"].rstrip(",")
        return f"{who} that {body[0].lower() + body[1:]}{m['end']}"
    return sentence


def reword(paras: list[str], rng: random.Random, rate: float = 0.9) -> list[str]:
    """Reword every sentence: synonyms (at ``rate``) and, where the grammar allows, a
    clause swap."""
    out = []
    for p in paras:
        sents = _SENT.split(p)
        out.append(" ".join(" ".join(_swap_clauses(_swap_words(s, rng, rate)).split())
                            for s in sents))
    return out


def duplicate(title: str, paras: list[str], rng: random.Random) -> str:
    """A reprint: new headline, boilerplate in or out, maybe paragraphs reordered or one
    short paragraph dropped (at least 90% of the words stay)."""
    paras = list(paras)
    change = rng.choice(["headline", "reorder", "drop", "format"])
    if change == "reorder" and len(paras) >= 4:
        i = rng.randrange(1, len(paras) - 1)
        paras[i], paras[i + 1] = paras[i + 1], paras[i]
    elif change == "drop" and len(paras) >= 6:
        total = sum(len(p.split()) for p in paras)
        short = [i for i, p in enumerate(paras) if len(p.split()) <= 0.08 * total]
        if short:
            paras.pop(rng.choice(short))
    elif change == "format":
        paras = [" ".join(p.split()) for p in paras]
        if len(paras) >= 2:
            paras[0:2] = [paras[0] + " " + paras[1]]
    new_title = f"{rng.choice(HEADLINES)}: {title}" if rng.random() < 0.5 else rng.choice(HEADLINES)
    head = rng.sample(BOILERPLATE, rng.randint(0, 2))
    tail = rng.sample(BOILERPLATE, rng.randint(1, 3))
    return join(new_title, head + paras + tail)


def partial_source_piece(title: str, paras: list[str], rng: random.Random) -> tuple[str, str]:
    """An excerpt of the source: the first 30-60% of it (truncation) or a few
    paragraphs kept out of many; returns (kind of change, text)."""
    n = len(paras)
    if rng.random() < 0.5:
        keep = paras[:max(1, int(n * rng.uniform(0.3, 0.6)))]
        return "truncated", join(rng.choice(HEADLINES), keep + ["Read the full story on our partner's site."])
    idx = sorted(rng.sample(range(n), max(1, n // 3)))
    return "excerpt", join(title, [paras[i] for i in idx])


def paste(host_title: str, host_paras: list[str], passage: list[str], rng: random.Random) -> str:
    """``host`` with ``passage`` (paragraphs of another article) pasted in."""
    at = rng.randrange(1, max(2, len(host_paras)))
    return join(host_title, host_paras[:at] + passage + host_paras[at:])


def rewrite(title: str, paras: list[str], rng: random.Random) -> str:
    return join(rng.choice(HEADLINES), reword(paras, rng))
