"""Template filters and helpers shared by every page."""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, request
from markupsafe import Markup, escape

from webui import i18n

# Facets whose values are closed vocabularies with interface labels in the catalog.
_CATALOG_FACETS = {"level": "level.", "status": "status.", "clause_type": "ctype.", "tier": "tier."}


def marks(highlight: str) -> Markup:
    """A search highlight with only ``<mark>`` kept as markup; everything else is escaped."""
    text = str(escape(highlight))
    return Markup(text.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


def facet_items(facets: Any) -> list[tuple[str, list[tuple[str, int, bool]]]]:
    """Facets as ``[(name, [(value, count, selected)])]`` from ``{name: {value: count}}`` or value lists."""
    out = []
    for name, values in (facets or {}).items():
        if isinstance(values, dict):
            pairs = list(values.items())
        else:
            pairs = [(v.get("value"), v.get("count", 0)) if isinstance(v, dict) else tuple(v) for v in values]
        chosen = set(request.args.getlist(name))
        items = [(str(v), int(c), str(v) in chosen) for v, c in pairs if v not in (None, "")]
        if items:
            out.append((name, items))
    return out


def facet_value_label(name: str, value: Any) -> str:
    prefix = _CATALOG_FACETS.get(name)
    if prefix and f"{prefix}{value}" in i18n.catalog():
        return i18n.gettext(f"{prefix}{value}")
    if name == "region" and value == "CN":
        return i18n.gettext("region.national")
    if name == "concept":
        return i18n.concept_label(str(value)) or str(value)
    return str(value)


_TOKEN = re.compile(r"'[^']*'|\"[^\"]*\"|fact\.\w+|known\(\w+\)|empty\(\w+\)|not in|has_any|has_all|==|!=|<=|>=|[<>]|\b(?:and|or|not|in|true|false)\b|\w+|\S")
_OPS_ZH = {"==": "=", "!=": "≠", "in": "属于", "not in": "不属于", "has_any": "含任一", "has_all": "含全部",
           "and": "并且", "or": "或者", "not": "并非", "true": "是", "false": "否"}
_OPS_EN = {"==": "=", "!=": "≠", "in": "in", "not in": "not in", "has_any": "has any of", "has_all": "has all of",
           "and": "and", "or": "or", "not": "not", "true": "yes", "false": "no"}


def readable_condition(text: str, fact_labels: dict[str, str] | None = None) -> str:
    """A rule condition with field names and values replaced by their labels (``'x' in f`` -> 「X」属于 F)."""
    from rules.schema import PROFILE_FIELDS

    en = i18n.current_language() == "en"
    ops = _OPS_EN if en else _OPS_ZH
    vocab = {v: name for name, spec in PROFILE_FIELDS.items() for v in spec.values}
    out = []
    for tok in _TOKEN.findall(str(text)):
        if tok[:1] in "'\"":
            value = tok[1:-1]
            field = vocab.get(value)
            out.append(f"「{i18n.value_label(field, value) if field else value}」")
        elif tok.startswith("fact."):
            name = tok[5:]
            out.append(f"〔{(fact_labels or {}).get(name) or name}〕")
        elif tok.startswith(("known(", "empty(")):
            name = tok[tok.index("(") + 1:-1]
            word = ("known: " if en else "已知：") if tok.startswith("known") else ("none: " if en else "为空：")
            out.append(f"{word}{i18n.field_label(name)}")
        elif tok in ops:
            out.append(ops[tok])
        elif tok in PROFILE_FIELDS:
            out.append(i18n.field_label(tok))
        else:
            out.append(tok)
    return " ".join(out).replace("[ ", "[").replace(" ]", "]").replace(" ,", ",")


def fmt_score(value: Any) -> str:
    try:
        return f"{float(value):.2f}"
    except (TypeError, ValueError):
        return "—"


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(marks=marks, score=fmt_score, readable=readable_condition)
    app.jinja_env.globals.update(facet_items=facet_items, facet_value_label=facet_value_label)
