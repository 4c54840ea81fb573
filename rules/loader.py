"""Load ``rules/data/*.yaml`` into compiled ``Rule`` objects, collecting every problem.

A rule file is written by a person reading a policy; a mistake in it must be
found at load time and reported with the file, the line, the rule and the
key, together with every other mistake, so one run of ``minekb rules check``
gives the whole list. Nothing is evaluated here; ``rules.engine.RuleSet``
takes the compiled rules.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from rules.anchors import anchor_problem, parse_source
from rules.cases import check_expect, normalize_profile
from rules.compile import Compiler, ConditionError, compile_text
from rules.expr import ExprError
from rules.model import Rule, RuleLoadError, RuleTest, Then
from rules.nodes import AndNode, Leaf, Node, NotNode, OrNode
from rules.references import check_references
from rules.schema import PROFILE_FIELDS, normalize_province
from rules.yamlio import LineDict, line_of, load_yaml
from rules.yamlio import display_path as _display

RULE_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
FACT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")
RULE_KEYS = {"id", "title", "when", "then", "explain_zh", "sources", "region", "valid_from", "valid_until",
             "overrides", "exception_of", "hard", "note", "tests"}
# `then` keys -> the conclusion kind they produce (singular and plural spellings alike).
THEN_KEYS = {"restoration_category": "restoration_category", "priority": "priority", "recommend": "recommend",
             "exclude": "exclude", "incentive": "incentive", "incentives": "incentive",
             "constraint": "constraint", "constraints": "constraint", "measure": "measure", "measures": "measure",
             "responsibility": "responsibility", "fact": "fact", "facts": "fact"}
NATIONAL = {"CN", "cn", "全国", "national"}
TEST_KEYS = {"name", "profile", "expect", "as_of"}


class _Problems:
    """Collects ``file:line: rule <id>: field <x>: message`` lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, file: Path | str, line: int, rule_id: str | None, key: str | None, message: str) -> None:
        parts = [f"{file}:{line}"]
        if rule_id:
            parts.append(f"rule {rule_id}")
        if key:
            parts.append(f"field {key}")
        parts.append(message)
        self.lines.append(": ".join(parts))


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _date(value, what: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{what} must be a date written YYYY-MM-DD (or null), not {value!r}")


def _count_leaves(node: Node) -> int:
    return len(node.leaves())


def _requires_zone(node: Node) -> bool:
    """True if the condition can hold only when the mine lies in some control zone (implicitly hard)."""
    if isinstance(node, Leaf):
        return node.field == "control_zones" and node.positive_member
    if isinstance(node, AndNode):
        return any(_requires_zone(c) for c in node.children)
    if isinstance(node, OrNode):
        return bool(node.children) and all(_requires_zone(c) for c in node.children)
    return False


class _Loader:
    def __init__(self, kb=None) -> None:
        self.kb = kb
        self.problems = _Problems()
        self.fact_labels: dict[str, str] = {}
        self.raw: list[tuple[Path, LineDict]] = []

    # -- pass 1: read files, collect facts --------------------------------
    def read(self, paths: list[Path]) -> None:
        for path in paths:
            shown = _display(path)
            try:
                doc = load_yaml(path)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = mark.line + 1 if mark else 0
                self.problems.add(shown, line, None, None, f"not valid YAML ({getattr(exc, 'problem', exc)}); fix the syntax")
                continue
            if doc is None:
                continue
            if not isinstance(doc, dict) or "rules" not in doc:
                self.problems.add(shown, getattr(doc, "line", 1), None, None,
                                  "a rule file is a mapping with a 'rules:' list (and optionally 'facts:')")
                continue
            extra = set(doc) - {"rules", "facts"}
            if extra:
                self.problems.add(shown, line_of(doc, sorted(extra)[0]), None, None,
                                  f"unknown top-level key(s) {', '.join(sorted(map(str, extra)))}; use rules: and facts:")
            facts = doc.get("facts") or {}
            if not isinstance(facts, dict):
                self.problems.add(shown, line_of(doc, "facts"), None, "facts", "facts: maps a fact name to {zh: ..., en: ...}")
                facts = {}
            for name, label in facts.items():
                if not isinstance(name, str) or not FACT_NAME.match(name):
                    self.problems.add(shown, line_of(facts, name), None, "facts", f"fact name {name!r} must be snake_case")
                    continue
                zh = label.get("zh") if isinstance(label, dict) else label
                if not isinstance(zh, str) or not zh:
                    self.problems.add(shown, line_of(facts, name), None, "facts", f"fact {name} needs a zh label")
                    continue
                self.fact_labels[name] = zh
            rules = doc.get("rules")
            if not isinstance(rules, list):
                self.problems.add(shown, line_of(doc, "rules"), None, "rules", "rules: must be a list of rule records")
                continue
            for i, record in enumerate(rules):
                if not isinstance(record, dict):
                    self.problems.add(shown, line_of(rules, i), None, None, "each rule is a mapping with id, title, when, then, sources")
                    continue
                self.raw.append((path, record))
                then = record.get("then")
                if isinstance(then, dict):
                    for key in ("fact", "facts"):
                        for name in _as_list(then.get(key)):
                            if isinstance(name, str) and FACT_NAME.match(name):
                                title = record.get("title")
                                zh = title.get("zh") if isinstance(title, dict) else None
                                self.fact_labels.setdefault(name, zh or name)

    # -- pass 2: build rules --------------------------------------------------
    def build(self) -> list[Rule]:
        compiler = Compiler(self.fact_labels)
        rules: list[Rule] = []
        seen: dict[str, str] = {}
        for order, (path, rec) in enumerate(self.raw):
            shown = _display(path)
            rid = rec.get("id")
            line = rec.line

            def bad(key: str | None, message: str, at: Any = None, _rid=rid, _shown=shown, _rec=rec) -> None:
                where = at if isinstance(at, int) else (line_of(_rec, key) if key else _rec.line)
                self.problems.add(_shown, where, _rid if isinstance(_rid, str) else "?", key, message)

            if not isinstance(rid, str) or not RULE_ID.match(rid):
                bad("id", f"rule id {rid!r} must be dotted snake_case, e.g. bj.zone.core_reserve_closure")
                continue
            if rid in seen:
                bad("id", f"duplicate rule id (first defined at {seen[rid]}); give each rule its own id")
                continue
            seen[rid] = f"{shown}:{line}"
            for key in sorted(set(rec) - RULE_KEYS, key=str):
                bad(key, f"unknown key; a rule has {', '.join(sorted(RULE_KEYS))}")
            title = rec.get("title")
            if isinstance(title, str):
                title = {"zh": title}
            if not isinstance(title, dict) or not isinstance(title.get("zh"), str) or not title.get("zh"):
                bad("title", "title needs {zh: ..., en: ...}")
                title = {"zh": rid}
            when = self._when(rec, compiler, bad)
            then = self._then(rec.get("then"), bad)
            sources, anchors = self._sources(rec.get("sources"), bad)
            region = self._region(rec.get("region"), bad)
            try:
                valid_from = _date(rec.get("valid_from"), "valid_from")
            except ValueError as exc:
                bad("valid_from", str(exc))
                valid_from = None
            try:
                valid_until = _date(rec.get("valid_until"), "valid_until")
            except ValueError as exc:
                bad("valid_until", str(exc))
                valid_until = None
            if valid_from and valid_until and valid_until <= valid_from:
                bad("valid_until", f"valid_until {valid_until} is not after valid_from {valid_from}")
            explain = rec.get("explain_zh")
            if explain is not None:
                if not isinstance(explain, str) or not explain.strip():
                    bad("explain_zh", "explain_zh is a Chinese sentence")
                    explain = None
                else:
                    for name in PLACEHOLDER.findall(explain):
                        if name not in PROFILE_FIELDS:
                            bad("explain_zh", f"placeholder {{{name}}} is not a profile field; use {{field}} with a field name")
            hard = rec.get("hard", False)
            if not isinstance(hard, bool):
                bad("hard", "hard is true or false")
                hard = False
            links = {}
            for key in ("overrides", "exception_of"):
                ids = _as_list(rec.get(key))
                if not all(isinstance(x, str) for x in ids):
                    bad(key, f"{key} lists rule ids")
                    ids = []
                links[key] = tuple(ids)
            note = rec.get("note") or ""
            if when is None or then is None:
                continue
            rule = Rule(
                id=rid, title_zh=title["zh"], title_en=str(title.get("en") or ""), when=when,
                when_text=rec.get("when"), then=then, sources=sources, explain_zh=explain, region=region,
                valid_from=valid_from, valid_until=valid_until, overrides=links["overrides"],
                exception_of=links["exception_of"], hard=hard or _requires_zone(when), note=str(note),
                file=path, line=line, key_lines=dict(getattr(rec, "lines", {})), order=order,
                specificity=_count_leaves(when), anchors=anchors,
            )
            rule.tests = self._tests(rec.get("tests"), bad, rec)
            rule.facts_zh = {f: self.fact_labels.get(f, rule.title_zh) for f in rule.facts_concluded}
            rules.append(rule)
        check_references(rules, set(seen), self.kb, self.problems)
        if self.kb is not None:
            mark_lapsed_reference(rules, self.kb)
        return rules

    def _when(self, rec, compiler: Compiler, bad) -> Node | None:
        if "when" not in rec:
            bad(None, "missing 'when:' (the condition); write all: [] for a rule that always applies")
            return None
        failed = []

        def build(value, container, key) -> Node | None:
            at = line_of(container, key)
            if isinstance(value, str):
                try:
                    return compile_text(value, compiler)
                except ExprError as exc:
                    failed.append(1)
                    pointer = value[: exc.pos] + "⟨here⟩" + value[exc.pos:]
                    bad("when", f"{exc} in \"{pointer}\"", at)
                except ConditionError as exc:
                    failed.append(1)
                    bad("when", f"{exc} in \"{value}\"", at)
                return None
            if isinstance(value, bool):
                failed.append(1)
                bad("when", "write all: [] for a rule that always applies, not true/false", at)
                return None
            if isinstance(value, list):
                built = [build(v, value, i) for i, v in enumerate(value)]
                return AndNode([n for n in built if n is not None])
            if isinstance(value, dict) and len(value) == 1:
                (op, inner), = value.items()
                if op in ("all", "any"):
                    if isinstance(inner, list):
                        built = [build(v, inner, i) for i, v in enumerate(inner)]
                    else:
                        built = [build(inner, value, op)]
                    nodes = [n for n in built if n is not None]
                    return AndNode(nodes) if op == "all" else OrNode(nodes)
                if op == "not":
                    child = build(inner, value, op)
                    return NotNode(child) if child is not None else None
            failed.append(1)
            bad("when", f"a condition is a string or one of all: [...], any: [...], not: ..., not {value!r}", at)
            return None

        node = build(rec["when"], rec, "when")
        return None if failed or node is None else node

    def _then(self, then, bad) -> tuple[Then, ...] | None:
        if not isinstance(then, dict) or not then:
            bad("then", "then: maps a conclusion kind to its value(s): " + ", ".join(sorted(set(THEN_KEYS))))
            return None
        out: list[Then] = []
        ok = True
        for key, value in then.items():
            kind = THEN_KEYS.get(key)
            if kind is None:
                bad("then", f"unknown conclusion {key!r}; use one of {', '.join(sorted(set(THEN_KEYS)))}", line_of(then, key))
                ok = False
                continue
            if kind == "recommend":
                items = self._recommend(value)
                if items is None:
                    bad("then", "recommend is a model id, a list of ids, {model_id: weight} or [{model: id, weight: w}] "
                        "with 0 < weight <= 1", line_of(then, key))
                    ok = False
                    continue
                out.extend(Then("recommend", m, w) for m, w in items)
                continue
            values = _as_list(value)
            if kind in ("restoration_category", "priority") and len(values) != 1:
                bad("then", f"{kind} takes exactly one value", line_of(then, key))
                ok = False
                continue
            for v in values:
                if not isinstance(v, str) or not (FACT_NAME if kind == "fact" else RULE_ID).match(v.removeprefix("mk:")):
                    bad("then", f"{key}: {v!r} is not a concept id (snake_case)", line_of(then, key))
                    ok = False
                    continue
                out.append(Then(kind, v.removeprefix("mk:")))
        return tuple(out) if ok and out else None

    @staticmethod
    def _recommend(value) -> list[tuple[str, float]] | None:
        items: list[tuple[str, Any]] = []
        if isinstance(value, str):
            items = [(value, 1.0)]
        elif isinstance(value, dict):
            items = list(value.items())
        elif isinstance(value, list):
            for v in value:
                if isinstance(v, str):
                    items.append((v, 1.0))
                elif isinstance(v, dict) and "model" in v and set(v) <= {"model", "weight"}:
                    items.append((v["model"], v.get("weight", 1.0)))
                elif isinstance(v, dict) and len(v) == 1:
                    items.extend(v.items())
                else:
                    return None
        else:
            return None
        out = []
        for model, weight in items:
            if not isinstance(model, str) or not RULE_ID.match(model.removeprefix("mk:")):
                return None
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 1:
                return None
            out.append((model.removeprefix("mk:"), float(weight)))
        return out or None

    def _sources(self, sources, bad) -> tuple[tuple[str, ...], dict[str, str]]:
        """Clause ids and their anchors: each source is ``doc_id~path`` or ``doc_id~path: key words`` (rules/anchors.py)."""
        values = _as_list(sources)
        if not values:
            bad("sources", "every rule cites at least one clause id (doc_id~path)")
            return (), {}
        out, anchors = [], {}
        for v in values:
            parsed = parse_source(v)
            if parsed is None or "~" not in parsed[0]:
                bad("sources", f"{v!r} is not a clause id; write doc_id~path or 'doc_id~path: key words', "
                               f"e.g. bj-mine-plan-2021~pt_18: 自然恢复")
                continue
            cid, anchor = parsed
            if anchor is not None:
                problem = anchor_problem(anchor)
                if problem:
                    bad("sources", f"anchor of {cid}: {problem}")
                    continue
                anchors[cid] = anchor
            out.append(cid)
        return tuple(out), anchors

    def _region(self, region, bad) -> tuple[str, ...]:
        out = []
        for v in _as_list(region):
            if isinstance(v, str) and v.strip() in NATIONAL:
                continue
            short = normalize_province(v) if isinstance(v, str) else None
            if short is None:
                bad("region", f"{v!r} is not a province; use short names such as 北京, 江西 (omit region for national rules)")
                continue
            out.append(short)
        return tuple(dict.fromkeys(out))

    def _tests(self, tests, bad, rec) -> list[RuleTest]:
        out: list[RuleTest] = []
        if tests is None:
            return out
        if not isinstance(tests, list):
            bad("tests", "tests: is a list of {name, profile, expect}")
            return out
        for i, case in enumerate(tests):
            at = line_of(tests, i)
            if not isinstance(case, dict):
                bad("tests", "a test case is {name, profile, expect}", at)
                continue
            name = case.get("name")
            extra = set(case) - TEST_KEYS
            if extra:
                bad("tests", f"unknown key(s) {', '.join(sorted(map(str, extra)))} in a test case; use {', '.join(sorted(TEST_KEYS))}", at)
            if not isinstance(name, str) or not name.strip():
                bad("tests", "each test case needs a name stating the behaviour", at)
                continue
            profile, errors = normalize_profile(case.get("profile"), default_id=f"{rec.get('id')}-{i + 1}")
            errors += check_expect(case.get("expect"))
            try:
                as_of = _date(case.get("as_of"), "as_of")
            except ValueError as exc:
                errors.append(str(exc))
                as_of = None
            for message in errors:
                bad("tests", f"case {name!r}: {message}", at)
            if not errors:
                out.append(RuleTest(name.strip(), profile, dict(case["expect"]), as_of, at))
        return out

def mark_lapsed_reference(rules: list[Rule], kb) -> None:
    """Set ``lapsed_reference`` on each rule with a ``valid_until`` whose period ended only because a source
    document lapsed (a plan whose period is over: status ``expired``) while no encoded document supersedes,
    repeals or amends it. Such a rule keeps applying after ``valid_until`` as reference (see
    docs/legal-semantics.md); a rule whose source was repealed or superseded does not."""
    successors: set[str] = set()
    documents = getattr(kb, "documents", None) or {}
    for doc in documents.values():
        for rel in getattr(doc, "relations", None) or ():
            if rel.type in ("supersedes", "repeals", "amends"):
                successors.add(rel.target)
    for rule in rules:
        if rule.valid_until is None:
            continue
        docs = {}
        for cid in rule.sources:
            found = kb.clause(cid)
            if found is not None:
                docs[found[0].id] = found[0]
        lapsed = [d for d in docs.values() if getattr(d, "status", None) == "expired"]
        ended = any(getattr(d, "status", None) in ("repealed", "superseded") for d in docs.values())
        rule.lapsed_reference = bool(lapsed) and not ended and not any(d.id in successors for d in lapsed)


def rule_files(rules_dir: Path) -> list[Path]:
    return sorted(Path(rules_dir).rglob("*.yaml"))


def load_rules_and_problems(rules_dir: Path, kb=None) -> tuple[list[Rule], list[str]]:
    """The rules that compiled and every problem found (``minekb rules check`` goes on with the former)."""
    rules_dir = Path(rules_dir)
    if not rules_dir.is_dir():
        return [], [f"{rules_dir}: no such rules folder; create it with *.yaml rule files"]
    loader = _Loader(kb)
    loader.read(rule_files(rules_dir))
    rules = loader.build()
    return rules, loader.problems.lines


def load_rules(rules_dir: Path, kb=None) -> list[Rule]:
    """Every rule under ``rules_dir``, compiled; raises ``RuleLoadError`` listing every problem."""
    rules, problems = load_rules_and_problems(rules_dir, kb)
    if problems:
        raise RuleLoadError(problems)
    return rules
