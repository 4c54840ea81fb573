"""Evaluate compiled rules on one mine: three-valued, forward-chained, with precedence and reasons.

``RuleSet.evaluate`` is on the advisor's hot path (thousands of mines a
second), so the work that does not depend on the mine is done once: rules are
topologically ordered (fact producers before fact users), and for each
(date, province) the list of rules in force there is cached as a plan. Per
mine the engine calls one closure per rule, then builds conclusions only for
the rules that fired, and applies precedence:

1. ``overrides`` / ``exception_of`` of fired rules remove what they name;
2. every ``exclude`` removes the ``recommend`` of that model (and of its
   narrower models in the ontology);
3. single-valued kinds keep one value: hard (control-zone) rules beat others,
   regional rules beat national ones; ties left by that documented order are
   conflicts (``minekb rules check`` reports them) and get a deterministic
   answer: the more specific rule, then load order.
"""
from __future__ import annotations

from datetime import date, datetime
from operator import itemgetter
from typing import Iterator

from rules.concepts import concept_index
from rules.loader import PLACEHOLDER
from rules.model import Conclusion, Evaluation, Pending, Rule
from rules.nodes import value_label
from rules.precedence import Precedence
from rules.schema import PROFILE_FIELDS

_FIELD_ORDER = {name: i for i, name in enumerate(PROFILE_FIELDS)}


class _Plan:
    """The rules in force on one date for one province, in evaluation order.

    ``chained``: fact producers (in dependency order), then rules pending on an
    unknown province, as ``(rule, fn, region_pending, facts concluded)``;
    ``plain``: every other rule as ``(rule, fn)``, evaluated in a tighter loop.
    """

    __slots__ = ("entries", "chained", "plain", "reference")

    def __init__(self, entries: list, reference: frozenset = frozenset()) -> None:
        self.entries = entries
        self.reference = reference
        producers = [e for e in entries if e[3]]
        region_open = [e for e in entries if e[2] and not e[3]]
        self.chained = producers + region_open
        self.plain = [(e[0], e[1]) for e in entries if not e[2] and not e[3]]


class RuleSet(Precedence):
    """A loaded, compiled rule set. Build it with ``rules.load_ruleset``.

    Its caches (plans, conclusions, pending records) are plain dicts filled on
    first use and bounded; evaluating from several threads is safe under the
    GIL (at worst one value is computed twice). ``Conclusion`` and ``Pending``
    objects are shared between evaluations: read-only.
    """

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = list(rules)
        self.by_id = {r.id: r for r in self.rules}
        self.producers: dict[str, list[Rule]] = {}
        for r in self.rules:
            for fact in r.facts_concluded:
                self.producers.setdefault(fact, []).append(r)
        self.fact_labels = {f: rs[0].facts_zh.get(f) or rs[0].title_zh for f, rs in self.producers.items()}
        referenced = {f[5:] for r in self.rules for f in r.fields if f.startswith("fact.")}
        # a fact no loaded rule produces (its rule failed to load, in `rules check`) stays unknown
        self._fact_defaults = {**{f: None for f in sorted(referenced - set(self.producers))},
                               **{f: False for f in self.producers}}
        self._order = self._evaluation_order()
        self._precedence = self._precedence_order()
        self._plans: dict[tuple, _Plan] = {}
        self._templates = {r.id: _template(r.explain_zh) for r in self.rules if r.explain_zh}
        self._kinds = {r.id: r.kinds for r in self.rules}
        self._profile_fields = {r.id: tuple(sorted((f for f in r.fields if not f.startswith("fact.")),
                                                   key=_FIELD_ORDER.get)) for r in self.rules}
        self._fact_fields = {r.id: tuple(sorted(f for f in r.fields if f.startswith("fact."))) for r in self.rules}
        self._made: dict[tuple, tuple[Conclusion, ...]] = {}
        self._unknowns: dict[tuple, tuple] = {}
        self._fact_names = {r.id: tuple(f[5:] for f in self._fact_fields[r.id]) for r in self.rules}
        self._then_lists = {r.id: list(r.then) for r in self.rules}
        self._simple_pending: dict[tuple, Pending] = {}  # shared Pending objects by (rule, unknown fields)
        self._simple = {r.id: shape for r in self.rules if (shape := _conjunction_shape(r.when)) is not None}
        # the profile fields an explanation depends on: those the condition reads and the template's placeholders
        self._explain_fields = {r.id: tuple(dict.fromkeys((*self._profile_fields[r.id],
                                                           *PLACEHOLDER.findall(r.explain_zh or ""))))
                                for r in self.rules}
        # C-level getters of the values a rule's cache keys are made of
        self._explain_get = {rid: _getter(f) for rid, f in self._explain_fields.items()}
        self._fields_get = {rid: _getter(f) for rid, f in self._profile_fields.items()}
        self._facts_get = {rid: _getter(f) for rid, f in self._fact_names.items()}
        self._ranks = {r.id: self.rank(r) for r in self.rules}
        self._linked = any(r.overrides or r.exception_of for r in self.rules)
        self._link_rules = frozenset(r.id for r in self.rules if r.overrides or r.exception_of)
        self._concepts = concept_index()
        self._ancestors: dict[str, tuple[str, ...]] = {}

    # -- container protocol ---------------------------------------------------
    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def get(self, rule_id: str) -> Rule | None:
        return self.by_id.get(rule_id)

    # -- ordering (once) ------------------------------------------------------
    def _evaluation_order(self) -> list[Rule]:
        """Fact producers first, each after the producers of the facts it reads; then the rest, in load order."""
        done: set[str] = set()
        order: list[Rule] = []

        def place(rule: Rule) -> None:
            if rule.id in done:
                return
            done.add(rule.id)
            for name in sorted(rule.fields):
                if name.startswith("fact."):
                    for dep in self.producers.get(name[5:], ()):
                        place(dep)
            order.append(rule)

        for r in self.rules:
            if r.facts_concluded:
                place(r)
        order.extend(r for r in self.rules if r.id not in done)
        return order

    def _precedence_order(self) -> dict[str, int]:
        """Rank so that a rule comes before every rule it overrides (the graph is acyclic: checked at load)."""
        seen: dict[str, int] = {}
        order: list[str] = []

        def visit(rid: str) -> None:
            if rid in seen:
                return
            seen[rid] = 1
            for other in self.rules:
                if rid in other.overrides or rid in other.exception_of:
                    visit(other.id)
            order.append(rid)

        for r in self.rules:
            visit(r.id)
        return {rid: i for i, rid in enumerate(order)}

    def plan(self, on: date, province: str | None) -> _Plan:
        key = (on, province)
        plan = self._plans.get(key)
        if plan is None:
            entries = []
            reference = set()
            for r in self._order:
                if not r.in_force(on):
                    if not r.as_reference(on):
                        continue
                    reference.add(r.id)
                region_pending = False
                if r.region:
                    if province is None:
                        region_pending = True
                    elif province not in r.region:
                        continue
                entries.append((r, r.when.fn, region_pending, r.facts_concluded))
            plan = _Plan(entries, frozenset(reference))
            if len(self._plans) > 512:
                self._plans.clear()
            self._plans[key] = plan
        return plan

    # -- evaluation -------------------------------------------------------------
    def evaluate(self, profile: dict, *, as_of: date | None = None, explain: bool = False) -> Evaluation:
        """Apply the rules in force on ``as_of`` (default today) to one validated profile."""
        on = as_of or date.today()
        if isinstance(on, datetime):
            on = on.date()
        province = profile.get("province")
        facts = dict(self._fact_defaults)
        fired: list[Rule] = []
        unknown: list[tuple[Rule, bool]] = []
        pending_producers: dict[str, bool] = {}
        plan = self.plan(on, province)
        for rule, fn, region_pending, concluded in plan.chained:
            value = fn(profile, facts)
            if region_pending and value is not False:
                value = None
            if value is True:
                fired.append(rule)
            elif value is None:
                unknown.append((rule, region_pending))
            if concluded:
                for name in concluded:
                    if value is True:
                        facts[name] = True
                    elif value is None:
                        pending_producers[rule.id] = region_pending
                        if facts[name] is False:
                            facts[name] = None
        fire, wait = fired.append, unknown.append
        for rule, fn in plan.plain:
            value = fn(profile, facts)
            if value is True:
                fire(rule)
            elif value is None:
                wait((rule, False))

        return self.finish(profile, on, plan.reference, facts, fired, unknown, pending_producers, explain)

    def finish(self, profile: dict, on: date, reference: frozenset, facts: dict, fired: list[Rule],
               unknown: list[tuple[Rule, bool]], pending_producers: dict[str, bool],
               explain: bool = False) -> Evaluation:
        """From the rules' values for one mine to its ``Evaluation``: conclusions, precedence, pending.

        Shared by ``evaluate`` and the columnar batch path (``rules.columnar``), which computes
        ``fired`` / ``unknown`` / ``facts`` for a whole batch at once and calls this per mine."""
        conclusions: list[Conclusion] = []
        if fired:
            frozen = _frozen(profile)
            for rule in fired:
                conclusions.extend(self._conclusions(rule, frozen, profile, facts))
        kept, removed = self._precedence_apply(fired, conclusions, reference)
        pending = self._pending_all(unknown, profile, facts, pending_producers) if unknown else []
        not_fired = self._why_not(on, profile.get("province"), profile, facts) if explain else []
        known_facts = {k: v for k, v in facts.items() if v is not None}
        return Evaluation(kept, removed, pending, not_fired, known_facts, on, reference)

    # -- explanations -----------------------------------------------------------
    def _conclusions(self, rule: Rule, frozen: dict, profile: dict, facts: dict) -> tuple[Conclusion, ...]:
        """A fired rule's conclusions for this mine. They depend only on the values of the fields the rule
        reads (and its template names), so they are built once per distinct combination and shared (frozen)."""
        rid = rule.id
        key = (rid, self._explain_get[rid](frozen), self._facts_get[rid](facts))
        made = self._made.get(key)
        if made is None:
            if len(self._made) >= 100_000:
                self._made.clear()
            text = self._explain(rule, profile, facts)
            used = {f: profile[f] for f in self._profile_fields[rule.id] if f in profile}
            for name in self._fact_fields[rule.id]:
                used[name] = facts.get(name[5:])
            sources = list(rule.sources)
            made = self._made[key] = tuple(Conclusion(t.kind, t.value, t.weight, rule.id, text, sources, used)
                                           for t in rule.then)
        return made

    def _explain(self, rule: Rule, profile: dict, facts: dict) -> str:
        """From the rule's explain_zh template filled with this mine's values, else from the conditions that held."""
        template = self._templates.get(rule.id)
        if template is not None and template[1]:
            out = []
            for literal, key, labels, spec in template[0]:
                out.append(literal)
                if key is not None:
                    v = profile.get(key)
                    if v is None:
                        out.append("（未填写）")
                    elif type(v) is str:
                        out.append(labels.get(v, v))
                    else:
                        out.append(value_label(spec, v))
            return "".join(out)
        reasons: list[str] = []
        rule.when.reasons(profile, facts, True, False, reasons)
        generated = "；".join(dict.fromkeys(reasons))
        if template is None:
            return f"本矿山{generated}，适用「{rule.title_zh}」" if generated else f"适用「{rule.title_zh}」"
        return f"{template[0][0][0]}（本矿山：{generated}）" if generated else template[0][0][0]

    def _pending_all(self, unknown: list[tuple[Rule, bool]], profile: dict, facts: dict,
                     pending_producers: dict[str, bool]) -> list[Pending]:
        """A ``Pending`` per undecided rule. What keeps a rule undecided depends only on the values of the
        fields it reads, so it is cached on them; facts are expanded into their own unknown fields."""
        frozen = None   # the profile as cache keys, made only if a rule below needs it
        memo: dict[str, frozenset] = {}
        out = []
        simple = self._simple
        cache = self._simple_pending
        get = profile.get
        for rule, region_pending in unknown:
            shape = simple.get(rule.id)
            if shape is not None:
                # a conjunction of comparisons: undecided exactly by its missing fields and undecided facts
                fields = [f for f in shape[0] if get(f) is None]
                if region_pending:
                    fields.append("province")
                open_facts = [x for x in shape[1] if facts.get(x) is None] if shape[1] else shape[1]
                if not open_facts:
                    key = (rule.id, *fields)
                    made = cache.get(key)
                    if made is None:
                        if region_pending:
                            fields.sort(key=_FIELD_ORDER.get)
                        made = cache[key] = Pending(rule.id, fields, self._then_lists[rule.id])
                    out.append(made)
                    continue
                if frozen is None:
                    frozen = _frozen(profile)
                more = set(fields)
                for fact in open_facts:
                    more |= self._fact_unknowns(fact, frozen, profile, facts, pending_producers, memo)
                out.append(self._pending_of(rule.id, frozenset(more)))
                continue
            if frozen is None:
                frozen = _frozen(profile)
            made, fields, fact_names = self._unknown_entry(rule, region_pending, frozen, profile, facts)
            if made is None:
                fields = set(fields)
                for fact in fact_names:
                    fields |= self._fact_unknowns(fact, frozen, profile, facts, pending_producers, memo)
                made = self._pending_of(rule.id, frozenset(fields))
            out.append(made)
        return out

    def _pending_of(self, rule_id: str, fields: frozenset) -> Pending:
        key = (rule_id, fields)
        made = self._simple_pending.get(key)
        if made is None:
            if len(self._simple_pending) >= 200_000:
                self._simple_pending.clear()
            made = self._simple_pending[key] = Pending(rule_id, sorted(fields, key=_FIELD_ORDER.get),
                                                       self._then_lists[rule_id])
        return made

    def _unknown_entry(self, rule: Rule, region_pending: bool, frozen: dict, profile: dict, facts: dict) -> tuple:
        rid = rule.id
        key = (rid, region_pending, self._fields_get[rid](frozen), self._facts_get[rid](facts))
        entry = self._unknowns.get(key)
        if entry is None:
            if len(self._unknowns) >= 200_000:
                self._unknowns.clear()
            local: set[str] = set()
            rule.when.unknown_fields(profile, facts, local)
            fields = {f for f in local if not f.startswith("fact.")}
            if region_pending:
                fields.add("province")
            fact_names = tuple(sorted(f[5:] for f in local if f.startswith("fact.")))
            made = None if fact_names else Pending(rid, sorted(fields, key=_FIELD_ORDER.get), self._then_lists[rid])
            entry = self._unknowns[key] = (made, frozenset(fields), fact_names)
        return entry

    def _fact_unknowns(self, fact: str, frozen: dict, profile: dict, facts: dict,
                       pending_producers: dict[str, bool], memo: dict) -> frozenset:
        """The profile fields whose being unknown leaves ``fact`` undecided in this evaluation."""
        found = memo.get(fact)
        if found is not None:
            return found
        memo[fact] = frozenset()  # guards against a cycle (rejected at load anyway)
        out: set[str] = set()
        for producer in self.producers.get(fact, ()):
            region_pending = pending_producers.get(producer.id)
            if region_pending is None:
                continue  # this producer is decided (or not in force here)
            _made, fields, fact_names = self._unknown_entry(producer, region_pending, frozen, profile, facts)
            out |= fields
            for name in fact_names:
                out |= self._fact_unknowns(name, frozen, profile, facts, pending_producers, memo)
        memo[fact] = found = frozenset(out)
        return found

    def _why_not(self, on: date, province: str | None, profile: dict, facts: dict) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for rule in self._order:
            if not rule.in_force(on) and not rule.as_reference(on):
                if rule.valid_from and on < rule.valid_from:
                    out.append((rule.id, f"该规则自{rule.valid_from}起施行，评估日期{on}尚未生效"))
                else:
                    out.append((rule.id, f"该规则已于{rule.valid_until}失效，评估日期为{on}"))
                continue
            if rule.region and province is not None and province not in rule.region:
                out.append((rule.id, f"该规则仅适用于{'、'.join(rule.region)}，本矿山位于{province}"))
                continue
            if rule.when.fn(profile, facts) is False:
                reasons: list[str] = []
                rule.when.reasons(profile, facts, False, True, reasons)
                out.append((rule.id, "；".join(dict.fromkeys(reasons)) or "条件不成立"))
        return out


def _template(text: str) -> tuple[list[tuple], bool]:
    """An explain_zh template as ``[(literal, field or None, value labels, spec)]``, and whether it has fields."""
    parts = PLACEHOLDER.split(text)
    pieces = []
    for i in range(0, len(parts), 2):
        key = parts[i + 1] if i + 1 < len(parts) else None
        spec = PROFILE_FIELDS[key] if key else None
        pieces.append((parts[i], key, spec.value_labels_zh if spec else None, spec))
    return pieces, len(parts) > 1


_LIST_FIELDS = tuple(name for name, spec in PROFILE_FIELDS.items() if spec.kind == "list")


_ALL_UNKNOWN = {name: None for name in PROFILE_FIELDS}


def _getter(names: tuple[str, ...]):
    """A function returning the values of ``names`` from a dict that has them all, as one hashable value."""
    if not names:
        return lambda d: ()
    return itemgetter(*names)


def _frozen(profile: dict) -> dict:
    """The profile with every contract field (None = unknown) and lists as tuples, to key caches."""
    out = dict(_ALL_UNKNOWN)
    out.update(profile)
    for name in _LIST_FIELDS:
        value = out.get(name)
        if value is not None:
            out[name] = tuple(value)
    return out


def _conjunction_shape(node) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """For a condition that is a conjunction of (possibly negated) comparisons: the profile fields and the
    facts whose being unknown can leave it undecided, fields in contract order; None for other shapes."""
    from rules.nodes import AndNode, Leaf, NotNode

    leaves = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, NotNode) and isinstance(n.child, Leaf):
            n = n.child
        if isinstance(n, Leaf):
            leaves.append(n)
        elif isinstance(n, AndNode):
            stack.extend(n.children)
        else:
            return None
    fields = {leaf.field for leaf in leaves if not leaf.known_test and not leaf.field.startswith("fact.")}
    facts = {leaf.field[5:] for leaf in leaves if not leaf.known_test and leaf.field.startswith("fact.")}
    return tuple(sorted(fields, key=_FIELD_ORDER.get)), tuple(sorted(facts))
