"""Compiled condition trees: three-valued closures that can also explain themselves in Chinese.

A ``Node``'s ``fn(profile, facts)`` returns ``True``, ``False`` or ``None``
(unknown, Kleene logic). The closures are built once at load time
(``rules.compile``); the same nodes say, for a given mine, why they held or
failed (``reasons``), which fields they read (``fields``), which unknown
fields keep them undecided (``unknown_fields``), and how to write them in the
``rule-engine`` package's syntax (``to_rule_engine``, for the benchmark).
"""
from __future__ import annotations

from typing import Callable

from rules.schema import PROFILE_FIELDS, FieldSpec


# --- Chinese labels --------------------------------------------------------

def value_label(spec: FieldSpec, value) -> str:
    """This value of this field in Chinese (``ecological_redline`` -> ``生态保护红线``)."""
    if type(value) is str:
        return spec.value_labels_zh.get(value, value)
    if type(value) is list:
        if not value:
            return "无"
        labels = spec.value_labels_zh
        return "、".join([labels.get(v, v) if type(v) is str else value_label(spec, v) for v in value])
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return "、".join(value_label(spec, v) for v in value) if value else "无"
    return spec.value_labels_zh.get(value, str(value))


def actual_text(name: str, profile: dict, facts: dict, fact_labels: dict) -> str:
    """'本矿山<field>为<value>' for a field of this profile, or that it is unknown."""
    if name.startswith("fact."):
        fact = name[5:]
        label = fact_labels.get(fact, fact)
        value = facts.get(fact)
        if value is None:
            return f"「{label}」尚不能确定"
        return f"本矿山{'属于' if value else '不属于'}「{label}」"
    spec = PROFILE_FIELDS[name]
    value = profile.get(name)
    if value is None:
        return f"本矿山未填写{spec.label_zh}"
    if spec.kind == "bool":
        return f"本矿山{spec.label_zh}：{value_label(spec, value)}"
    return f"本矿山{spec.label_zh}为{value_label(spec, value)}"


# --- nodes -----------------------------------------------------------------

class Node:
    fn: Callable
    fields: frozenset

    def leaves(self) -> list["Leaf"]:
        raise NotImplementedError

    def reasons(self, p: dict, f: dict, want: bool, whynot: bool, out: list) -> None:
        raise NotImplementedError

    def unknown_fields(self, p: dict, f: dict, out: set) -> None:
        """The fields (and ``fact.x`` names) whose being unknown makes this node unknown."""
        if self.fn(p, f) is None:
            for leaf in self.leaves():
                if leaf.fn(p, f) is None:
                    out.update(leaf.fields)


class Leaf(Node):
    """One comparison; subclasses differ only in texts, the closure is built by ``compile_leaf``."""

    def __init__(self, field: str, fn: Callable, text_pos: str, text_neg: str, engine: str,
                 fact_labels: dict, holds: Callable | None = None) -> None:
        self.field = field
        self.fn = fn
        self.fields = frozenset([field])
        self.text_pos = text_pos
        self.text_neg = text_neg
        self.engine = engine
        self.fact_labels = fact_labels
        self._holds = holds
        self.positive_member = False   # true for 'v' in f / f has_any / has_all: requires a value to be present
        self.values: tuple = ()        # the literal values the comparison names (the check's search domain)
        self.known_test = False        # known(f): true also when the field is absent

    def leaves(self):
        return [self]

    def describe(self, neg: bool = False) -> str:
        return self.text_neg if neg else self.text_pos

    def reasons(self, p, f, want, whynot, out):
        if whynot:
            out.append(f"不满足「{self.describe(neg=want)}」：{actual_text(self.field, p, f, self.fact_labels)}")
        elif self._holds is not None:
            out.append(self._holds(p, f, want))
        else:
            out.append(self.describe(neg=not want))

    def to_rule_engine(self) -> str:
        return self.engine


class NotNode(Node):
    def __init__(self, child: Node) -> None:
        self.child = child
        self.fields = child.fields
        cfn = child.fn

        def fn(p, f):
            r = cfn(p, f)
            return None if r is None else not r
        self.fn = fn

    def leaves(self):
        return self.child.leaves()

    def reasons(self, p, f, want, whynot, out):
        self.child.reasons(p, f, not want, whynot, out)

    def describe(self, neg: bool = False) -> str:
        return self.child.describe(not neg) if isinstance(self.child, Leaf) else (
            f"并非（{self.child.describe()}）" if not neg else self.child.describe())

    def to_rule_engine(self) -> str:
        return f"not ({self.child.to_rule_engine()})"


class AndNode(Node):
    def __init__(self, children: list[Node]) -> None:
        self.children = children
        self.fields = frozenset().union(*(c.fields for c in children))
        fns = tuple(c.fn for c in children)
        if len(fns) == 2:
            a, b = fns

            def fn(p, f):
                r = a(p, f)
                if r is False:
                    return False
                s = b(p, f)
                if s is False:
                    return False
                return None if (r is None or s is None) else True
        else:
            def fn(p, f):
                unknown = False
                for c in fns:
                    r = c(p, f)
                    if r is False:
                        return False
                    if r is None:
                        unknown = True
                return None if unknown else True
        self.fn = fn

    def leaves(self):
        return [leaf for c in self.children for leaf in c.leaves()]

    def reasons(self, p, f, want, whynot, out):
        for child in self.children:
            value = child.fn(p, f)
            if want and value is True:
                child.reasons(p, f, True, whynot, out)
            elif not want and value is False:
                child.reasons(p, f, False, whynot, out)
                return

    def describe(self, neg: bool = False) -> str:
        text = "且".join(c.describe() for c in self.children)
        return f"并非（{text}）" if neg else text

    def to_rule_engine(self) -> str:
        return " and ".join(f"({c.to_rule_engine()})" for c in self.children) if self.children else "true"


class OrNode(Node):
    def __init__(self, children: list[Node]) -> None:
        self.children = children
        self.fields = frozenset().union(*(c.fields for c in children))
        fns = tuple(c.fn for c in children)

        def fn(p, f):
            unknown = False
            for c in fns:
                r = c(p, f)
                if r is True:
                    return True
                if r is None:
                    unknown = True
            return None if unknown else False
        self.fn = fn

    def leaves(self):
        return [leaf for c in self.children for leaf in c.leaves()]

    def reasons(self, p, f, want, whynot, out):
        for child in self.children:
            value = child.fn(p, f)
            if want and value is True:
                child.reasons(p, f, True, whynot, out)
                return
            if not want and value is False:
                child.reasons(p, f, False, whynot, out)

    def describe(self, neg: bool = False) -> str:
        text = "或".join(c.describe() for c in self.children)
        return f"并非（{text}）" if neg else text

    def to_rule_engine(self) -> str:
        return " or ".join(f"({c.to_rule_engine()})" for c in self.children) if self.children else "false"
