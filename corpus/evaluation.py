"""Precision, recall and F1 of the clause classifier against a hand-typed gold set.

Three hand-typed sets in ``tests/fixtures/corpus``: the dev set
``gold_clause_types.yaml`` (150 clauses; the cues were developed on it), the
held-out set ``gold_clause_types_blind.yaml`` (84 clauses of all five seeds,
typed blind and never used for tuning: only its aggregate figures are looked
at) and ``gold_clause_types_heldout.yaml`` (22 clauses of seed 001 whose
errors were once read, so no longer unseen). Each names seed
clauses by seed file, path and the first characters of their text; the seeds
are parsed and annotated with the same pipeline as an ingest, and every gold
clause must still be found with the same text start, or the evaluation stops
with an error naming the entry (a parser change must not silently compare
different clauses).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from corpus.model import CLAUSE_TYPES

_FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "corpus"
DEFAULT_GOLD = _FIXTURES / "gold_clause_types.yaml"            # the dev set: the cues were developed on it
HELDOUT_GOLD = _FIXTURES / "gold_clause_types_blind.yaml"      # held out: typed blind, never used for tuning
SEED001_CHECK = _FIXTURES / "gold_clause_types_heldout.yaml"   # 22 clauses of seed 001, errors once looked at


class GoldSetError(ValueError):
    """A gold entry that no longer matches the parsed seeds."""


@dataclass
class TypeScore:
    type: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    scores: dict[str, TypeScore]
    total: int
    correct: int
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of clauses typed right: micro-averaged P = R = F1 for single-label typing."""
        return self.correct / self.total if self.total else 0.0

    @property
    def macro_f1(self) -> float:
        present = [s for s in self.scores.values() if s.support]
        return sum(s.f1 for s in present) / len(present) if present else 0.0

    def table(self) -> str:
        lines = [f"{'type':<15}{'support':>8}{'precision':>11}{'recall':>8}{'F1':>7}"]
        for s in self.scores.values():
            if s.support or s.fp:
                lines.append(f"{s.type:<15}{s.support:>8}{s.precision:>11.2f}{s.recall:>8.2f}{s.f1:>7.2f}")
        lines.append(f"{'overall (micro)':<15}{self.total:>8}{self.accuracy:>11.2f}{self.accuracy:>8.2f}"
                     f"{self.accuracy:>7.2f}")
        lines.append(f"{'macro F1':<15}{'':>8}{'':>11}{'':>8}{self.macro_f1:>7.2f}")
        return "\n".join(lines)


    def as_json(self, errors: bool = False) -> dict[str, Any]:
        return {"total": self.total, "accuracy": self.accuracy, "macro_f1": self.macro_f1,
                "types": {t: {"support": s.support, "precision": s.precision, "recall": s.recall, "f1": s.f1}
                          for t, s in self.scores.items()},
                "errors": self.errors if errors else None}


def load_gold(path: Path = DEFAULT_GOLD) -> dict[str, Any]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for k, entry in enumerate(data["clauses"]):
        if entry.get("type") not in CLAUSE_TYPES:
            raise GoldSetError(f"{path}: clauses[{k}] has type {entry.get('type')!r}, not one of {CLAUSE_TYPES}")
    return data


def evaluate(seeds_dir: Path, gold_path: Path = DEFAULT_GOLD, terms=()) -> Evaluation:
    """Parse and annotate the seeds named by the gold set and score the predicted types."""
    from corpus.annotate import Annotator
    from corpus.parse import parse_path

    gold = load_gold(gold_path)
    annotator = Annotator(terms)
    clauses = {}
    for key, name in gold["seeds"].items():
        document = annotator.annotate(parse_path(Path(seeds_dir) / name))
        clauses[str(key)] = {c.path: c for c in document.clauses}
    scores = {t: TypeScore(t) for t in CLAUSE_TYPES}
    errors, correct = [], 0
    for k, entry in enumerate(gold["clauses"]):
        clause = clauses[str(entry["seed"])].get(entry["path"])
        if clause is None or not clause.text.startswith(str(entry["starts"])):
            found = clause.text[:20] if clause else "no such clause"
            raise GoldSetError(f"{gold_path}: clauses[{k}] {entry['seed']}:{entry['path']} should start with "
                               f"{entry['starts']!r}, found {found!r}")
        expected, predicted = entry["type"], clause.type
        if expected == predicted:
            scores[expected].tp += 1
            correct += 1
        else:
            scores[expected].fn += 1
            scores[predicted].fp += 1
            errors.append({"clause": f"{entry['seed']}:{entry['path']}", "expected": expected,
                           "predicted": predicted, "cues": clause.type_cues, "text": clause.text[:60]})
    return Evaluation(scores, len(gold["clauses"]), correct, errors)
