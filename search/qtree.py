"""The query tree ``search.query`` builds and an engine evaluates: plain data, no engine types.

Keeping this engine-neutral is what lets another engine replace Whoosh by
translating these six node kinds (docs/search.md, scale-out).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Term:
    """One indexed token in one field."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Words that must occur in sequence (checked on the clause's folded text)."""

    field: str
    words: tuple[str, ...]
    boost: float = 1.0


@dataclass
class And:
    parts: list["Node"] = field(default_factory=list)
    boost: float = 1.0


@dataclass
class Or:
    """Any of the parts. Scores add up; with ``tie`` set, the best part counts and every other
    matching part adds ``tie`` times its score (a dis-max: alternative spellings of one thing
    are evidence once, not once per spelling; OpenSearch ``dis_max`` with ``tie_breaker``)."""

    parts: list["Node"] = field(default_factory=list)
    boost: float = 1.0
    tie: float | None = None


@dataclass
class AndNot:
    """Matches of ``a`` that ``b`` does not match."""

    a: "Node"
    b: "Node"


@dataclass
class AndMaybe:
    """Matches of ``a``; ``b`` only adds to the score where it also matches."""

    a: "Node"
    b: "Node"
    boost: float = 1.0


Node = Union[Term, Phrase, And, Or, AndNot, AndMaybe]
