"""Compact batch output: sources by clause id, and one shared table of the clauses.

The contract puts every cited clause (title, 文号, label, text …) into every
reason: about 100 kB a mine, most of it the same clauses again and again. For a
national inventory ``minekb advise --compact`` writes each advice with its
sources as clause ids (``"sources": ["cn-sc-order-592~art_3", …]``) and, once,
on the first line, the table of every clause an advice can cite:
``{"clauses": {"<clause id>": SOURCE, …}}``. Everything else in an advice is
exactly the contract's. ``expand`` turns a compact advice back into the full one
(the tests check that it equals the per-mine advice).
"""
from __future__ import annotations

import copy
from typing import Any, Iterable

import orjson


class IdRefs:
    """A ``SourceResolver`` view whose output-only ``ref`` gives the clause ids, not the SOURCE objects."""

    def __init__(self, resolver: Any) -> None:
        self.full = resolver
        self._refs: dict[tuple[str, ...], orjson.Fragment] = {}

    def ref(self, clause_ids: Iterable[str], cited_by: str = "") -> orjson.Fragment:
        key = tuple(clause_ids)
        hit = self._refs.get(key)
        if hit is None:
            ids = [s["clause_id"] for s in self.full.sources(key, cited_by)]   # resolved: an unknown clause is an error
            hit = self._refs[key] = orjson.Fragment(orjson.dumps(ids))
        return hit

    def __getattr__(self, name: str) -> Any:
        return getattr(self.full, name)


def compact_view(advisor: Any) -> Any:
    """A copy of ``advisor`` whose batch output (``advise(..., for_json=True)`` + ``dumps``) cites clause ids.

    It shares the rules, labels, gate and every cache that holds no source; the caches of reasons and
    precedents, which do, are its own."""
    view = copy.copy(advisor)
    view.resolver = IdRefs(advisor.resolver)
    view._reasons = {}
    view._derived = {}
    view.potential_ref = view.resolver.ref(_potential_ids(advisor), cited_by="advisor/data/potential.yaml")
    finder = copy.copy(advisor.precedents)
    finder._refs = {cid: view.resolver.ref([s["clause_id"] for s in sources], f"case {cid}")
                    for cid, sources in advisor.precedents._sources.items()}
    view.precedents = finder
    return view


def _potential_ids(advisor: Any) -> list[str]:
    return [s["clause_id"] for s in advisor.potential_sources]


def citable_clauses(advisor: Any) -> list[str]:
    """Every clause id an advice of this advisor can cite: the rules', the legal gate's, the potential
    data's and the precedents' (in that order, each once)."""
    ids: dict[str, None] = {}
    for rule in advisor.ruleset.rules:
        ids.update(dict.fromkeys(rule.sources))
    gate = advisor.gate
    cells = list(gate.cells) + list(gate.natural_recovery_keeps.values())
    if gate.default is not None:
        cells.append(gate.default)
    for cell in cells:
        ids.update(dict.fromkeys(cell.sources))
    ids.update(dict.fromkeys(_potential_ids(advisor)))
    for add in advisor.low["adds"]:
        ids.update(dict.fromkeys(add["sources"]))
    for sources in advisor.precedents._sources.values():
        ids.update(dict.fromkeys(s["clause_id"] for s in sources))
    return list(ids)


def clause_table(advisor: Any) -> dict[str, dict[str, Any]]:
    """The shared table of the compact output: clause id -> the contract's SOURCE object."""
    return {cid: advisor.resolver.source(cid, "clause table") for cid in citable_clauses(advisor)}


def table_line(advisor: Any) -> bytes:
    """The first line of a compact output."""
    return orjson.dumps({"clauses": clause_table(advisor)})


def expand(advice: Any, table: dict[str, dict[str, Any]]) -> Any:
    """A compact advice with every ``sources`` list of clause ids replaced by the SOURCE objects."""
    if isinstance(advice, dict):
        out = {}
        for key, value in advice.items():
            if key == "sources" and isinstance(value, list) and all(isinstance(v, str) for v in value):
                out[key] = [table[v] for v in value]
            else:
                out[key] = expand(value, table)
        return out
    if isinstance(advice, list):
        return [expand(v, table) for v in advice]
    return advice
