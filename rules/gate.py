"""The legal gate: which utilization model each control zone and land class permits, as cited data.

``rules/legal_gate.yaml`` is a compatibility table (model × zone → forbidden /
conditional / permitted, every cell citing its clauses). It runs after all
rules: nothing it forbids is recommended, whatever weight rules gave it, and
what it conditions carries its condition. See docs/legal-semantics.md.

Zones are conditions on the profile written in the rule language
(``'ecological_redline' in control_zones``), so they are three-valued: a zone
whose field is unknown leaves a forbidding or conditioning cell undecided,
and the model is then only conditionally usable (verify the field first).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from rules.anchors import anchor_problem, check_anchors, parse_source, source_ids
from rules.compile import Compiler, ConditionError, compile_text
from rules.expr import ExprError
from rules.schema import PROFILE_FIELDS, UTILIZATION_MODELS

_FIELD_ORDER = {name: i for i, name in enumerate(PROFILE_FIELDS)}

GATE_FILE = Path(__file__).resolve().parent / "legal_gate.yaml"
VERDICTS = ("permitted", "conditional", "forbidden")
_STRICT = {"permitted": 0, "conditional": 1, "forbidden": 2}
ZONE_KEYS = {"label", "when"}
CELL_KEYS = {"model", "zone", "verdict", "explain_zh", "condition_zh", "met_when", "sources", "note"}
TOP_KEYS = {"zones", "cells", "incentive_uses", "default", "natural_recovery"}


class GateError(ValueError):
    """Every problem found in the gate table, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(problems)} problem(s) in the legal gate table:\n" + "\n".join(problems))


@dataclass(frozen=True)
class Zone:
    id: str
    label_zh: str
    label_en: str
    when: Any                      # compiled Node
    fields: tuple[str, ...]        # the profile fields its condition reads


@dataclass(frozen=True)
class Cell:
    id: str                        # gate.<zone>.<model>
    model: str
    zone: str
    verdict: str
    explain_zh: str
    sources: tuple[str, ...]
    condition_zh: str = ""
    met_when: Any = None           # compiled Node or None
    met_when_fields: tuple[str, ...] = ()


@dataclass
class Verdict:
    """The gate's answer for one model on one mine."""

    status: str                                   # permitted | conditional | forbidden
    cells: list[Cell] = field(default_factory=list)          # the cells that decided it (forbidding or conditioning)
    conditions_zh: list[str] = field(default_factory=list)
    missing_fields: list[str] = field(default_factory=list)  # unknown fields that leave a cell undecided
    undecided: list[Cell] = field(default_factory=list)      # cells that apply if those fields say so

    @property
    def could_be_forbidden(self) -> bool:
        return any(c.verdict == "forbidden" for c in self.undecided)


class Gate:
    def __init__(self, zones: dict[str, Zone], cells: list[Cell], incentive_uses: dict[str, str],
                 ancestors: Callable[[str], Iterable[str]], default: Cell | None = None) -> None:
        self.zones = zones
        # what a use no zone restricts still owes (e.g. conformity with the spatial plan), cited
        self.default = default
        # uses a natural-recovery mine does not get (with every narrower model), and the narrower models that
        # stay open to it because their own rules keep the vegetation (each a Cell citing why)
        self.natural_recovery_excludes: tuple[str, ...] = ("construction_use", "resource_reuse")
        self.natural_recovery_keeps: dict[str, Cell] = {}
        self.cells = cells
        self.unanchored: list[str] = []    # cited sources without an anchor (warnings of rules check)
        self.incentive_uses = incentive_uses
        self._ancestors = ancestors
        # (model, zone) -> cell; a model's chain is itself then its broader models, nearest first
        self._cell = {(c.model, c.zone): c for c in cells}
        self._chains: dict[str, tuple[str, ...]] = {}
        self._memo: dict[tuple, Verdict] = {}
        self._met_fields: dict[str, tuple[str, ...]] = {}
        self._forbidding: dict[tuple, list[Cell]] = {}
        self._restricts: dict[str, tuple[tuple[str, Cell], ...]] = {}

    def chain(self, model: str) -> tuple[str, ...]:
        hit = self._chains.get(model)
        if hit is None:
            hit = self._chains[model] = (model, *self._ancestors(model))
        return hit

    def zone_values(self, profile: dict) -> dict[str, bool | None]:
        """Each zone's truth for this mine: True, False or None (a field it reads is unknown)."""
        return {zid: z.when.fn(profile, {}) for zid, z in self.zones.items()}

    def cell_for(self, model: str, zone: str) -> Cell | None:
        """The cell that decides ``model`` in ``zone``: its own, else its nearest broader model's."""
        return next((self._cell[(m, zone)] for m in self.chain(model) if (m, zone) in self._cell), None)

    def _restricting(self, model: str) -> tuple[tuple[str, Cell], ...]:
        """(zone, cell) for each zone whose most specific cell for ``model`` restricts it (not permitted)."""
        hit = self._restricts.get(model)
        if hit is None:
            out = []
            for zid in self.zones:
                cell = self.cell_for(model, zid)
                if cell is not None and cell.verdict != "permitted":
                    out.append((zid, cell))
            hit = self._restricts[model] = tuple(out)
        return hit

    def assess(self, model: str, profile: dict, zone_values: dict[str, bool | None] | None = None) -> Verdict:
        zv = zone_values if zone_values is not None else self.zone_values(profile)
        restricting = self._restricting(model)
        key = (model, tuple([zv[zid] for zid, _ in restricting]), self._met_key(model, profile))
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        status = "permitted"
        out = Verdict("permitted")
        missing: set[str] = set()
        for zid, cell in restricting:
            value = zv[zid]
            if value is False:
                continue
            verdict = cell.verdict
            if verdict == "conditional" and cell.met_when is not None and cell.met_when.fn(profile, {}) is True:
                continue
            if value is None:
                out.undecided.append(cell)
                local: set[str] = set()
                self.zones[zid].when.unknown_fields(profile, {}, local)
                missing |= local
                text = (f"须核实是否位于{self.zones[zid].label_zh}"
                        f"（{'、'.join(PROFILE_FIELDS[f].label_zh for f in sorted(local) if f in PROFILE_FIELDS)}未填写）")
                if text not in out.conditions_zh:
                    out.conditions_zh.append(text)
                if _STRICT[status] < _STRICT["conditional"]:
                    status = "conditional"
                continue
            out.cells.append(cell)
            if verdict == "conditional" and cell.condition_zh not in out.conditions_zh:
                out.conditions_zh.append(cell.condition_zh)
            if _STRICT[verdict] > _STRICT[status]:
                status = verdict
        out.status = status
        if missing:
            out.missing_fields = sorted(missing, key=_FIELD_ORDER.get)
        if len(self._memo) > 50_000:
            self._memo.clear()
        self._memo[key] = out
        return out

    def _met_key(self, model: str, profile: dict) -> tuple:
        """The values ``met_when`` conditions of the model's cells read (part of the memo key)."""
        fields = self._met_fields.get(model)
        if fields is None:
            names: set[str] = set()
            for m in self.chain(model):
                for c in self.cells:
                    if c.model == m and c.met_when is not None:
                        names |= {f for f in c.met_when_fields}
            fields = self._met_fields[model] = tuple(sorted(names))
        if not fields:
            return ()
        return tuple([_hashable(profile.get(f)) for f in fields])

    def forbidding(self, zone_values: dict[str, bool | None]) -> list[Cell]:
        """The forbidding cells of the zones this mine certainly lies in, in table order."""
        key = tuple(zid for zid, v in zone_values.items() if v is True)
        hit = self._forbidding.get(key)
        if hit is None:
            inside = set(key)
            cells = [c for c in self.cells if c.verdict == "forbidden" and c.zone in inside]
            forbidden = {c.model for c in cells}
            # a narrower model's own prohibition is left out where a broader model it belongs to is forbidden too
            # (the broader entry already says it; a recommended or intended narrower model is judged on its own)
            hit = self._forbidding[key] = [c for c in cells if not any(a in forbidden for a in self.chain(c.model)[1:])]
        return hit


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _node_fields(node: Any) -> set[str]:
    """The profile fields a compiled condition reads."""
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if hasattr(n, "children"):
            stack.extend(n.children)
        elif hasattr(n, "child"):
            stack.append(n.child)
        elif getattr(n, "field", None):
            out.add(n.field)
    return out


def _compile(text: Any, where: str, problems: list[str]) -> Any:
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: a condition must be a non-empty expression string")
        return None
    try:
        return compile_text(text, Compiler({}))
    except (ExprError, ConditionError) as exc:
        problems.append(f"{where}: {exc} in \"{text}\"")
        return None


def _check_sources(kb: Any, sources: Any, where: str, problems: list[str], unanchored: list[str] | None = None) -> None:
    """With a knowledge base, every cited clause must be in it and contain its anchor (rules/anchors.py)."""
    cited = [p for p in (parse_source(v) for v in (sources if isinstance(sources, list) else [sources])) if p]
    for cid, anchor in cited:
        if anchor is not None and anchor_problem(anchor):
            problems.append(f"{where}: anchor of {cid}: {anchor_problem(anchor)}")
    if kb is None:
        return
    for cid, _ in cited:
        if kb.clause(cid) is None:
            problems.append(f"{where}: source clause {cid!r} is not in the knowledge base")
    broken, missing = check_anchors(((where, where, cid, anchor) for cid, anchor in cited), kb)
    problems.extend(f"{where}: source {f.clause_id} no longer contains its anchor {f.anchor!r}: re-point the cell "
                    f"to the clause that says it" for f in broken)
    if unanchored is not None:
        unanchored.extend(f"{where}: source {f.clause_id} has no anchor" for f in missing)


def _ids(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return []


def _source_ids(value: Any) -> list[str]:
    """Cited clause ids, each written bare or with its anchor (``doc~path: key words``)."""
    if isinstance(value, list) and all(parse_source(v) for v in value):
        return source_ids(value)
    return _ids(value)


def load_gate(path: Path | None = None, *, kb: Any = None, concepts: dict | None = None,
              ancestors: Callable[[str], Iterable[str]] | None = None) -> tuple[Gate | None, list[str]]:
    """The gate table and every problem found (``minekb rules check`` reports them; the advisor refuses to
    start with any). With ``kb`` every cited clause must resolve; with ``concepts`` every incentive must exist."""
    path = Path(path or GATE_FILE)
    shown = path.name if path == GATE_FILE else str(path)
    problems: list[str] = []
    unanchored: list[str] = []     # sources without an anchor: warnings (rules check reports them)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [f"{shown}: the legal gate table is missing"]
    except yaml.YAMLError as exc:
        return None, [f"{shown}: not valid YAML ({exc})"]
    if not isinstance(data, dict):
        return None, [f"{shown}: must be a mapping with zones, cells and incentive_uses"]
    for key in sorted(set(data) - TOP_KEYS):
        problems.append(f"{shown}: unknown top-level key {key!r}; use {', '.join(sorted(TOP_KEYS))}")
    models = set(UTILIZATION_MODELS)
    zones: dict[str, Zone] = {}
    for zid, spec in (data.get("zones") or {}).items():
        where = f"{shown}: zone {zid}"
        if not isinstance(spec, dict):
            problems.append(f"{where}: must be a mapping with label and when")
            continue
        for key in sorted(set(spec) - ZONE_KEYS):
            problems.append(f"{where}: unknown key {key!r}; a zone has label and when")
        label = spec.get("label") or {}
        if not isinstance(label, dict) or not label.get("zh"):
            problems.append(f"{where}: label needs zh (and en)")
            label = {"zh": zid}
        node = _compile(spec.get("when"), f"{where}: when", problems)
        if node is not None:
            zones[zid] = Zone(zid, str(label["zh"]), str(label.get("en") or zid), node, tuple(sorted(_node_fields(node))))
    cells: list[Cell] = []
    seen: dict[tuple[str, str], str] = {}
    for k, spec in enumerate(data.get("cells") or []):
        where = f"{shown}: cells[{k}]"
        if not isinstance(spec, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        for key in sorted(set(spec) - CELL_KEYS):
            problems.append(f"{where}: unknown key {key!r}; a cell has {', '.join(sorted(CELL_KEYS))}")
        cell_models, cell_zones = _ids(spec.get("model")), _ids(spec.get("zone"))
        where = f"{shown}: cells[{k}] ({'/'.join(cell_models) or '?'} × {'/'.join(cell_zones) or '?'})"
        if not cell_models:
            problems.append(f"{where}: model must be a model id or a list of them")
        if not cell_zones:
            problems.append(f"{where}: zone must be a zone id or a list of them")
        for m in cell_models:
            if m not in models:
                problems.append(f"{where}: {m!r} is not a utilization model of the ontology")
        for z in cell_zones:
            if z not in zones and z not in (data.get("zones") or {}):
                problems.append(f"{where}: zone {z!r} is not defined under zones")
        verdict = spec.get("verdict")
        if verdict not in VERDICTS:
            problems.append(f"{where}: verdict must be one of {', '.join(VERDICTS)}")
            continue
        explain = spec.get("explain_zh")
        if not isinstance(explain, str) or not explain.strip():
            problems.append(f"{where}: explain_zh (why, in Chinese) is required")
            explain = ""
        condition = spec.get("condition_zh") or ""
        if verdict == "conditional" and not str(condition).strip():
            problems.append(f"{where}: a conditional cell needs condition_zh (what must hold)")
        if verdict != "conditional" and (condition or spec.get("met_when")):
            problems.append(f"{where}: condition_zh and met_when belong to conditional cells only")
        met = _compile(spec["met_when"], f"{where}: met_when", problems) if spec.get("met_when") else None
        sources = _source_ids(spec.get("sources"))
        if not sources:
            problems.append(f"{where}: sources must list at least one clause id")
        _check_sources(kb, spec.get("sources"), where, problems, unanchored)
        for m in cell_models:
            for z in cell_zones:
                if (m, z) in seen:
                    problems.append(f"{where}: {m} × {z} is already decided at {seen[(m, z)]}")
                    continue
                seen[(m, z)] = f"cells[{k}]"
                cells.append(Cell(f"gate.{z}.{m}", m, z, verdict, str(explain).strip(), tuple(sources),
                                  str(condition).strip(), met, tuple(sorted(_node_fields(met))) if met else ()))
    uses: dict[str, str] = {}
    for inc, model in (data.get("incentive_uses") or {}).items():
        if model not in models:
            problems.append(f"{shown}: incentive_uses: {inc}: {model!r} is not a utilization model of the ontology")
            continue
        if concepts is not None and inc not in concepts:
            problems.append(f"{shown}: incentive_uses: {inc!r} is not a concept of the ontology")
            continue
        uses[str(inc)] = str(model)
    default = None
    spec = data.get("default")
    if not isinstance(spec, dict) or not spec.get("explain_zh") or not _source_ids(spec.get("sources")):
        problems.append(f"{shown}: default needs explain_zh and sources: what a use that no zone restricts still "
                        "must respect (e.g. the spatial plan), cited")
    else:
        for key in sorted(set(spec) - {"explain_zh", "sources"}):
            problems.append(f"{shown}: default: unknown key {key!r}; it has explain_zh and sources")
        _check_sources(kb, spec["sources"], f"{shown}: default", problems, unanchored)
        default = Cell("gate.default", "", "", "permitted", str(spec["explain_zh"]).strip(),
                       tuple(_source_ids(spec["sources"])))
    nr = data.get("natural_recovery")
    nr_excludes, nr_keeps = None, {}
    if nr is not None:
        where = f"{shown}: natural_recovery"
        if not isinstance(nr, dict) or set(nr) - {"excludes", "keeps"}:
            problems.append(f"{where}: must be a mapping with excludes (model ids) and keeps (cited models)")
        else:
            nr_excludes = tuple(_ids(nr.get("excludes")))
            for m in nr_excludes:
                if m not in models:
                    problems.append(f"{where}: excludes: {m!r} is not a utilization model of the ontology")
            for k, keep in enumerate(nr.get("keeps") or []):
                kw = f"{where}: keeps[{k}]"
                if not isinstance(keep, dict) or keep.get("model") not in models or not keep.get("explain_zh") \
                        or not _source_ids(keep.get("sources")):
                    problems.append(f"{kw}: needs model (a utilization model), explain_zh and sources")
                    continue
                _check_sources(kb, keep["sources"], kw, problems, unanchored)
                nr_keeps[keep["model"]] = Cell(f"gate.natural_recovery.keeps.{keep['model']}", keep["model"], "",
                                               "permitted", str(keep["explain_zh"]).strip(),
                                               tuple(_source_ids(keep["sources"])))
    if ancestors is None:
        from rules.concepts import ancestors as concept_ancestors, concept_index

        index = concept_index()

        def ancestors(cid: str, _index=index) -> tuple[str, ...]:
            return concept_ancestors(cid, _index)
    gate = Gate(zones, cells, uses, ancestors, default)
    if nr_excludes is not None:
        gate.natural_recovery_excludes = nr_excludes
    gate.natural_recovery_keeps = nr_keeps
    gate.unanchored = unanchored
    return gate, problems
