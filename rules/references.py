"""Checks that need the whole rule set, or the knowledge base: references between rules and out of them.

Every ``overrides`` / ``exception_of`` target must exist; derived facts and
precedence links must not form cycles; with a knowledge base, every source
clause must resolve and every concluded concept must exist in the ontology,
in the scheme of its kind, and no source may be a clause of a title-only
record (rules/title_only.py). Problems go to the loader's collector.
"""
from __future__ import annotations

from rules.concepts import EXPECTED_SCHEME, concept_index
from rules.model import Rule
from rules.title_only import check_title_only_sources
from rules.yamlio import display_path as _display


def check_references(rules: list[Rule], declared: set[str], kb, problems) -> None:
    """Links between rules (overrides, exception_of, fact cycles) and, with a knowledge base, sources and concepts."""
    by_id = {r.id: r for r in rules}
    for rule in rules:
        shown = _display(rule.file)
        for key in ("overrides", "exception_of"):
            for target in getattr(rule, key):
                if target not in declared:
                    problems.add(shown, rule.line_of(key), rule.id, key, f"no rule {target!r}; name an existing rule id")
                elif target == rule.id:
                    problems.add(shown, rule.line_of(key), rule.id, key, "a rule cannot override itself")
    _check_cycles(rules, by_id, problems)
    if kb is not None:
        clauses = kb.clauses
        for rule in rules:
            for cid in rule.sources:
                if cid not in clauses:
                    doc = cid.split("~", 1)[0]
                    hint = ("the document exists; check the clause path with `minekb show " + doc + "`"
                            if doc in kb.documents else f"no document {doc!r} in the knowledge base")
                    problems.add(_display(rule.file), rule.line_of("sources"), rule.id, "sources",
                                      f"unresolved source {cid!r}: {hint}")
        check_title_only_sources(rules, kb, problems)
        _check_concepts(rules, problems)

def _check_cycles(rules: list[Rule], by_id: dict[str, Rule], problems) -> None:
    producers: dict[str, list[Rule]] = {}
    for r in rules:
        for f in r.facts_concluded:
            producers.setdefault(f, []).append(r)
    state: dict[str, int] = {}

    def visit(rule: Rule, stack: list[str]) -> None:
        state[rule.id] = 1
        deps = [p for f in rule.fields if f.startswith("fact.") for p in producers.get(f[5:], [])]
        for dep in deps:
            if state.get(dep.id) == 1:
                problems.add(_display(rule.file), rule.line_of("when"), rule.id, "when",
                                  f"derived facts depend on each other in a cycle ({' -> '.join(stack + [dep.id])}); break the cycle")
            elif dep.id not in state:
                visit(dep, stack + [dep.id])
        state[rule.id] = 2

    for r in rules:
        if r.facts_concluded and r.id not in state:
            visit(r, [r.id])
    # overrides / exception_of must be acyclic too
    edges = {r.id: [t for t in (*r.overrides, *r.exception_of) if t in by_id] for r in rules}
    color: dict[str, int] = {}

    def walk(node: str, path: list[str]) -> None:
        color[node] = 1
        for t in edges[node]:
            if color.get(t) == 1:
                r = by_id[node]
                problems.add(_display(r.file), r.line, r.id, "overrides",
                                  f"precedence cycle {' -> '.join(path + [t])}; one of these rules must not override the other")
            elif t not in color:
                walk(t, path + [t])
        color[node] = 2

    for r in rules:
        if r.id not in color:
            walk(r.id, [r.id])

def _check_concepts(rules: list[Rule], problems) -> None:
    index = concept_index()
    if index is None:
        return
    for rule in rules:
        for then in rule.then:
            if then.kind == "fact":
                continue
            concept = index.get(then.value)
            where = (_display(rule.file), rule.line_of("then"), rule.id, "then")
            if concept is None:
                problems.add(*where, f"{then.kind} {then.value!r} is not a concept of the ontology; "
                                  "use an id from ontology/concepts/*.ttl or add the concept there")
                continue
            scheme = EXPECTED_SCHEME.get(then.kind)
            if scheme and concept.schemes and scheme not in concept.schemes:
                problems.add(*where, f"{then.kind} {then.value!r} belongs to {', '.join(concept.schemes)}, "
                                  f"not {scheme}; use a {then.kind} concept")
