"""Type-check parsed conditions against the profile contract and compile them to closures.

Each condition becomes a tree of ``rules.nodes`` objects whose ``fn(profile,
facts)`` is a plain closure built here, once, at load time: evaluating a mine
never touches rule text. A type error (unknown field, a value outside the
field's vocabulary, ``<`` on an enum, ``==`` on a list) is a ``ConditionError``
that says what to write instead.
"""
from __future__ import annotations

import difflib
from rules import expr as ast
from rules.nodes import AndNode, Leaf, Node, NotNode, OrNode, value_label
from rules.schema import PROFILE_FIELDS, FieldSpec, normalize_province


_OP_ZH = {"<": "小于", "<=": "不大于", ">": "大于", ">=": "不小于", "==": "等于", "!=": "不等于"}
_OP_NEG = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_OP_SWAP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


class ConditionError(ValueError):
    """A condition that parses but does not fit the profile contract."""


# --- type checking and leaf compilation ------------------------------------

def _field_error(name: str) -> ConditionError:
    close = difflib.get_close_matches(name, list(PROFILE_FIELDS), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return ConditionError(f"unknown attribute {name!r}; use one of the profile fields{hint} or fact.<name>")


def _check_value(spec: FieldSpec, value, *, what: str = "value"):
    """Return the value normalized for this field, or raise naming the vocabulary."""
    if spec.kind in ("enum", "list"):
        if not isinstance(value, str):
            raise ConditionError(f"{spec.name} takes quoted values, not {value!r}")
        if value not in spec.values:
            close = difflib.get_close_matches(value, spec.values, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ConditionError(f"{value!r} is not a {spec.name} value{hint}; use one of {', '.join(spec.values)}")
        return value
    if spec.kind == "str":
        if not isinstance(value, str):
            raise ConditionError(f"{spec.name} is text: quote the value")
        if spec.name == "province":
            short = normalize_province(value)
            if short is None:
                raise ConditionError(f"{value!r} is not a provincial-level division; write a short name such as 北京 or 江西")
            return short
        return value
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise ConditionError(f"{spec.name} is true/false, not {value!r}")
        return value
    if spec.kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConditionError(f"{spec.name} is a number, not {value!r}")
        if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
            raise ConditionError(f"{value:g} is outside the range of {spec.name} ({spec.minimum}..{spec.maximum})")
        return value
    raise ConditionError(f"{spec.name} cannot be compared")


def _spec(name: ast.Name) -> FieldSpec:
    spec = PROFILE_FIELDS.get(name.name)
    if spec is None:
        raise _field_error(name.name)
    return spec


def _re_lit(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return repr(float(value))


def _lt(key, limit):
    def fn(p, f):
        v = p.get(key)
        return None if v is None else v < limit
    return fn


def _le(key, limit):
    def fn(p, f):
        v = p.get(key)
        return None if v is None else v <= limit
    return fn


def _gt(key, limit):
    def fn(p, f):
        v = p.get(key)
        return None if v is None else v > limit
    return fn


def _ge(key, limit):
    def fn(p, f):
        v = p.get(key)
        return None if v is None else v >= limit
    return fn


_NUMBER_CLOSURES = {"<": _lt, "<=": _le, ">": _gt, ">=": _ge}


class Compiler:
    """Turns syntax trees into nodes; knows the fact names the rule set defines."""

    def __init__(self, fact_labels: dict[str, str]) -> None:
        self.fact_labels = fact_labels

    def _fact(self, name: ast.Name) -> Leaf:
        fact = name.name[5:]
        if fact not in self.fact_labels:
            close = difflib.get_close_matches(fact, list(self.fact_labels), n=1)
            hint = f" (did you mean fact.{close[0]}?)" if close else ""
            raise ConditionError(f"no rule concludes the fact {fact!r}{hint}; add a rule with then: {{fact: {fact}}}")
        label = self.fact_labels[fact]

        def fn(p, f, _k=fact):
            return f.get(_k)
        return Leaf(name.name, fn, f"属于「{label}」", f"不属于「{label}」", f"fact_{fact}", self.fact_labels)

    def compile(self, node) -> Node:
        if isinstance(node, ast.And):
            return AndNode([self.compile(c) for c in node.children])
        if isinstance(node, ast.Or):
            return OrNode([self.compile(c) for c in node.children])
        if isinstance(node, ast.Not):
            return NotNode(self.compile(node.child))
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Name):
            return self._bare(node)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        raise ConditionError("a value alone is not a condition; compare it with a field")

    def _bare(self, name: ast.Name) -> Leaf:
        if name.is_fact:
            return self._fact(name)
        spec = _spec(name)
        if spec.kind != "bool":
            raise ConditionError(f"{spec.name} is a {spec.kind} field, not true/false; compare it (e.g. {spec.name} == '...')")
        key = spec.name

        def fn(p, f):
            v = p.get(key)
            return None if v is None else v is True
        return Leaf(key, fn, f"{spec.label_zh}：是", f"{spec.label_zh}：否", key, self.fact_labels)

    def _call(self, call: ast.Call) -> Leaf:
        name = call.arg
        if call.func == "known":
            if name.is_fact:
                leaf = self._fact(name)
                inner = leaf.fn
                label = self.fact_labels[name.name[5:]]

                def fn(p, f):
                    return inner(p, f) is not None
                known = Leaf(name.name, fn, f"可确定是否「{label}」", f"尚不能确定是否「{label}」",
                             f"{leaf.engine} != null", self.fact_labels)
                known.known_test = True
                return known
            spec = _spec(name)
            key = spec.name

            def fn(p, f):
                return p.get(key) is not None
            leaf = Leaf(key, fn, f"已填写{spec.label_zh}", f"未填写{spec.label_zh}", f"{key} != null", self.fact_labels)
            leaf.known_test = True
            return leaf
        spec = _spec(name)
        if spec.kind != "list":
            raise ConditionError(f"empty() takes a list field; {spec.name} is {spec.kind}")
        key = spec.name

        def fn(p, f):
            v = p.get(key)
            return None if v is None else not v
        return Leaf(key, fn, f"{spec.label_zh}：无", f"{spec.label_zh}：有", f"{key}.is_empty", self.fact_labels)

    def _compare(self, c: ast.Compare) -> Leaf:
        op, left, right = c.op, c.left, c.right
        if op in ("in", "notin") and isinstance(left, ast.Literal) and isinstance(right, ast.Name):
            return self._contains(right, left.value, op == "notin")
        if isinstance(left, ast.Literal) and isinstance(right, ast.Name) and op in _OP_ZH:
            left, right, op = right, left, _OP_SWAP.get(op, op)
        if not isinstance(left, ast.Name):
            raise ConditionError("the left side of a comparison must be a field (or a quoted value before 'in' a list field)")
        if left.is_fact:
            if op in ("==", "!=") and isinstance(right, ast.Literal) and isinstance(right.value, bool):
                leaf = self._fact(left)
                return leaf if (right.value == (op == "==")) else NotNode(leaf)  # type: ignore[return-value]
            raise ConditionError(f"{left.name} is true/false: write it bare, with not, or == true/false")
        spec = _spec(left)
        if op in ("in", "notin"):
            if spec.kind == "list":
                raise ConditionError(f"{spec.name} is a list: test it with 'v' in {spec.name} or {spec.name} has_any [...]")
            if not isinstance(right, ast.ListLiteral) or not right.values:
                raise ConditionError(f"'in' needs a non-empty list of values: {spec.name} in ['a', 'b']")
            if spec.kind not in ("enum", "str"):
                raise ConditionError(f"{spec.name} is a {spec.kind} field; use == or a comparison")
            return self._member(spec, tuple(_check_value(spec, v) for v in right.values), op == "notin")
        if op in ("has_any", "has_all"):
            if spec.kind != "list":
                raise ConditionError(f"{op} applies to list fields; {spec.name} is {spec.kind}")
            if not isinstance(right, ast.ListLiteral) or not right.values:
                raise ConditionError(f"{op} needs a non-empty list of values: {spec.name} {op} ['a', 'b']")
            return self._has(spec, tuple(_check_value(spec, v) for v in right.values), op == "has_all")
        if not isinstance(right, ast.Literal):
            raise ConditionError(f"compare {spec.name} with one value (a list goes with 'in')")
        if spec.kind == "list":
            raise ConditionError(f"{spec.name} is a list: test it with 'v' in {spec.name} or {spec.name} has_any [...]")
        if op in _OP_NEG and spec.kind != "number":
            raise ConditionError(f"{op} compares numbers; {spec.name} is {spec.kind}")
        value = _check_value(spec, right.value)
        if op in _OP_NEG:
            return self._number(spec, op, value)
        return self._equal(spec, value, op == "!=")

    def _equal(self, spec: FieldSpec, value, negate: bool) -> Leaf:
        key = spec.name
        if negate:
            def fn(p, f):
                v = p.get(key)
                return None if v is None else v != value
        else:
            def fn(p, f):
                v = p.get(key)
                return None if v is None else v == value
        shown = value_label(spec, value)
        pos, neg = f"{spec.label_zh}为{shown}", f"{spec.label_zh}不是{shown}"
        if spec.kind == "bool":
            pos, neg = f"{spec.label_zh}：{shown}", f"{spec.label_zh}：{value_label(spec, not value)}"
        if negate:
            pos, neg = neg, pos

        def holds(p, f, want):
            return f"{spec.label_zh}为{value_label(spec, p.get(key))}" if spec.kind != "bool" else (pos if want else neg)
        engine = f"{key} {'!=' if negate else '=='} {_re_lit(value)}"
        leaf = Leaf(key, fn, pos, neg, engine, self.fact_labels, holds)
        leaf.values = (value,)
        return leaf

    def _member(self, spec: FieldSpec, values: tuple, negate: bool) -> Leaf:
        key = spec.name
        members = frozenset(values)
        if negate:
            def fn(p, f):
                v = p.get(key)
                return None if v is None else v not in members
        else:
            def fn(p, f):
                v = p.get(key)
                return None if v is None else v in members
        shown = "或".join(value_label(spec, v) for v in values)
        pos, neg = f"{spec.label_zh}为{shown}", f"{spec.label_zh}不是{shown}"
        if negate:
            pos, neg = neg, pos

        def holds(p, f, want):
            return f"{spec.label_zh}为{value_label(spec, p.get(key))}"
        engine = f"{'not ' if negate else ''}({key} in [{', '.join(_re_lit(v) for v in values)}])"
        leaf = Leaf(key, fn, pos, neg, engine, self.fact_labels, holds)
        leaf.values = values
        return leaf

    def _contains(self, name: ast.Name, value, negate: bool) -> Leaf:
        if name.is_fact:
            raise ConditionError(f"{name.name} is true/false, not a list")
        spec = _spec(name)
        if spec.kind != "list":
            raise ConditionError(f"'v' in {spec.name} needs a list field; {spec.name} is {spec.kind}: write {spec.name} == 'v'")
        value = _check_value(spec, value)
        key = spec.name
        if negate:
            def fn(p, f):
                v = p.get(key)
                return None if v is None else value not in v
        else:
            def fn(p, f):
                v = p.get(key)
                return None if v is None else value in v
        shown = value_label(spec, value)
        pos, neg = f"{spec.label_zh}包含{shown}", f"{spec.label_zh}不含{shown}"
        if negate:
            pos, neg = neg, pos
        engine = f"{'not ' if negate else ''}({_re_lit(value)} in {key})"
        leaf = Leaf(key, fn, pos, neg, engine, self.fact_labels)
        leaf.positive_member = not negate
        leaf.values = (value,)
        return leaf

    def _has(self, spec: FieldSpec, values: tuple, all_: bool) -> Leaf:
        key = spec.name
        wanted = frozenset(values)
        if all_:
            def fn(p, f):
                v = p.get(key)
                return None if v is None else wanted.issubset(v)
        else:
            def fn(p, f):
                v = p.get(key)
                return None if v is None else not wanted.isdisjoint(v)
        shown = "、".join(value_label(spec, v) for v in values)
        if all_:
            pos, neg = f"{spec.label_zh}同时包含{shown}", f"{spec.label_zh}未同时包含{shown}"
        else:
            pos, neg = f"{spec.label_zh}包含{shown}之一", f"{spec.label_zh}不含{shown}中任何一项"

        def holds(p, f, want):
            if want and not all_:
                hit = [v for v in values if v in (p.get(key) or ())]
                return f"{spec.label_zh}包含{value_label(spec, hit)}"
            return pos if want else neg
        joiner = " and " if all_ else " or "
        engine = "(" + joiner.join(f"{_re_lit(v)} in {key}" for v in values) + ")"
        leaf = Leaf(key, fn, pos, neg, engine, self.fact_labels, holds)
        leaf.positive_member = True
        leaf.values = values
        return leaf

    def _number(self, spec: FieldSpec, op: str, limit: float) -> Leaf:
        key = spec.name
        fn = _NUMBER_CLOSURES[op](key, limit)
        shown = value_label(spec, float(limit))
        pos = f"{spec.label_zh}{_OP_ZH[op]}{shown}"
        neg = f"{spec.label_zh}{_OP_ZH[_OP_NEG[op]]}{shown}"

        def holds(p, f, want):
            return f"{spec.label_zh}为{value_label(spec, float(p.get(key)))}（{pos if want else neg}）"
        leaf = Leaf(key, fn, pos, neg, f"{key} {op} {_re_lit(limit)}", self.fact_labels, holds)
        leaf.values = (float(limit),)
        return leaf


def compile_text(text: str, compiler: Compiler) -> Node:
    """Parse and compile one condition string (raises ``ast.ExprError`` or ``ConditionError``)."""
    return compiler.compile(ast.parse(text))
