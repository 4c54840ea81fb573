"""The rules stage's data: a compiled rule, a conclusion, an evaluation, a load error.

These are the shapes the advisor reads (``Evaluation``, ``Conclusion``,
``Pending``), kept apart from the loader and the engine so both can share them
without importing each other.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rules.nodes import Node

# The kinds a rule can conclude; the single-valued ones admit one value per mine.
KINDS = ("restoration_category", "priority", "recommend", "exclude", "incentive", "constraint", "measure",
         "responsibility", "fact")
SINGLE_VALUED = ("restoration_category", "priority")


class RuleLoadError(ValueError):
    """Every problem found while loading a rule set, one per line:
    ``file:line: rule <id>: field <x>: what is wrong, what to do``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the rules:\n" + "\n".join(self.problems))


@dataclass(frozen=True)
class Then:
    """One conclusion a rule draws when it fires (before this mine's explanation is attached)."""
    kind: str
    value: str
    weight: float = 1.0


@dataclass
class RuleTest:
    """A test case written beside a rule: a profile and what the rule set must conclude for it."""
    name: str
    profile: dict
    expect: dict
    as_of: date | None
    line: int


@dataclass
class Rule:
    id: str
    title_zh: str
    title_en: str
    when: Node
    when_text: Any               # the condition as written (string or all/any/not tree)
    then: tuple[Then, ...]
    sources: tuple[str, ...]     # clause ids, as cited
    explain_zh: str | None = None
    region: tuple[str, ...] = ()  # province short names; () = national
    valid_from: date | None = None
    valid_until: date | None = None
    overrides: tuple[str, ...] = ()
    exception_of: tuple[str, ...] = ()
    hard: bool = False
    note: str = ""
    tests: list[RuleTest] = field(default_factory=list)
    file: Path | None = None
    line: int = 0
    key_lines: dict = field(default_factory=dict)   # YAML key -> line, to point problems at `when:`, `then:`
    facts_zh: dict = field(default_factory=dict)    # Chinese label of each fact it concludes (facts: or title)
    lapsed_reference: bool = False  # applies as reference after valid_until (set from its sources' documents)
    anchors: dict = field(default_factory=dict)   # clause id -> key words the cited clause must contain (rules/anchors.py)
    order: int = 0                # load order, the last tie-breaker
    specificity: int = 0          # number of comparisons in ``when``

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(t.kind for t in self.then)

    @property
    def fields(self) -> frozenset[str]:
        """Profile fields and ``fact.x`` names the condition reads."""
        return self.when.fields

    @property
    def facts_concluded(self) -> tuple[str, ...]:
        return tuple(t.value for t in self.then if t.kind == "fact")

    def in_force(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_until is None or on < self.valid_until)

    def as_reference(self, on: date) -> bool:
        """Past its period, but its lapsed source has no successor: applies as reference only."""
        return self.lapsed_reference and self.valid_until is not None and on >= self.valid_until

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.file else f"<rule>:{self.line}"

    def line_of(self, key: str) -> int:
        """The line of one key of the rule record (its first line if unknown)."""
        return self.key_lines.get(key, self.line)


@dataclass(frozen=True, slots=True)
class Conclusion:
    """One thing a fired rule concludes for this mine. Shared between evaluations of mines with the same
    relevant values, hence frozen: treat ``sources`` and ``facts`` as read-only too."""
    kind: str
    value: str
    weight: float
    rule_id: str
    explanation_zh: str
    sources: list[str]
    facts: dict


@dataclass(frozen=True)
class Pending:
    """A rule that would fire if the unknown fields were known (and had the right values).
    Shared between evaluations with the same relevant values, hence frozen: treat the lists as read-only."""
    rule_id: str
    unknown_fields: list[str]
    would_conclude: list[Then]


@dataclass
class Evaluation:
    conclusions: list[Conclusion]
    removed: list[tuple[Conclusion, str, str]]
    pending: list[Pending]
    not_fired: list[tuple[str, str]]
    facts: dict
    as_of: date | None = None
    # rules applied as reference: their period has ended but their source document (a plan) has no
    # encoded successor, so their conclusions still show, marked, below every binding conclusion
    reference_rules: frozenset = frozenset()

    def of(self, kind: str) -> list[Conclusion]:
        """The kept conclusions of one kind, in rule order."""
        return [c for c in self.conclusions if c.kind == kind]

    def values(self, kind: str) -> list[str]:
        """The distinct values concluded for one kind, first occurrence first."""
        return list(dict.fromkeys(c.value for c in self.conclusions if c.kind == kind))

    def single(self, kind: str) -> str | None:
        """The value of a single-valued kind (restoration_category, priority), or None."""
        values = self.values(kind)
        return values[0] if values else None

    def fired_rules(self) -> list[str]:
        return list(dict.fromkeys(c.rule_id for c in self.conclusions))
