"""The roles an article can cast an actor in: three main roles, 22 fine roles under them.

The label strings are those of SemEval-2025 Task 10 (subtask 1) and must stay exactly as
written; the one-line descriptions are the project's own.
"""

from __future__ import annotations

from typing import Iterable

__all__ = ["MAIN_ROLES", "FINE_ROLES", "ROLES", "DESCRIPTIONS", "main_of", "consistent"]

#: main role -> its fine roles, in the task's order
ROLES: dict[str, tuple[str, ...]] = {
    "Protagonist": ("Guardian", "Martyr", "Peacemaker", "Rebel", "Underdog", "Virtuous"),
    "Antagonist": ("Instigator", "Conspirator", "Tyrant", "Foreign Adversary", "Traitor",
                   "Spy", "Saboteur", "Corrupt", "Incompetent", "Terrorist", "Deceiver",
                   "Bigot"),
    "Innocent": ("Forgotten", "Exploited", "Victim", "Scapegoat"),
}
MAIN_ROLES: tuple[str, ...] = tuple(ROLES)
FINE_ROLES: tuple[str, ...] = tuple(f for fines in ROLES.values() for f in fines)
_MAIN_OF = {fine: main for main, fines in ROLES.items() for fine in fines}

#: short descriptions shown in reports and docs (the project's wording)
DESCRIPTIONS: dict[str, str] = {
    "Protagonist": "cast as the hero: the one who acts, and acts rightly",
    "Antagonist": "cast as the villain: the source of the conflict or the harm",
    "Innocent": "cast as blameless: the one who suffers what others do",
    "Guardian": "protects people, a community or its values",
    "Martyr": "gives up safety or life for a cause",
    "Peacemaker": "seeks an end to the fighting through talks",
    "Rebel": "stands up against power to win freedom or change",
    "Underdog": "weaker side that fights on against the odds",
    "Virtuous": "honest, fair, principled",
    "Instigator": "starts or stokes the conflict",
    "Conspirator": "plots in secret behind the scenes",
    "Tyrant": "rules by force and abuses power",
    "Foreign Adversary": "another country or bloc acting against us",
    "Traitor": "betrays their own side or country",
    "Spy": "gathers secrets for a rival",
    "Saboteur": "wrecks or disrupts from within",
    "Corrupt": "puts money or power above right and law",
    "Incompetent": "does harm through blunders and bad judgement",
    "Terrorist": "uses violence against civilians, extremist or mercenary",
    "Deceiver": "lies, manipulates, spreads propaganda",
    "Bigot": "shows hatred or prejudice toward a group",
    "Forgotten": "ignored or left behind by those who should help",
    "Exploited": "used by others for their gain",
    "Victim": "suffers physical or economic harm",
    "Scapegoat": "blamed unjustly for what others did",
}


def main_of(fine: str) -> str:
    """The main role a fine role belongs to (KeyError for an unknown role)."""
    return _MAIN_OF[fine]


def consistent(main: str, fines: Iterable[str]) -> bool:
    """True when ``fines`` is non-empty and every fine role sits under ``main``."""
    fines = list(fines)
    return bool(fines) and all(_MAIN_OF.get(f) == main for f in fines)
