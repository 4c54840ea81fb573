"""Validation of a mine profile against the contract (docs/profile.md).

The contract's fields live as data in ``rules.schema.PROFILE_FIELDS``; this
module only applies them. Every error of a record is collected before anything
runs (a user fixing a spreadsheet wants the whole list at once), and each
error names the record and the field, as the contract requires.

Values may arrive typed (JSON) or as text (CSV cells): ``validate_profile``
takes typed values, ``coerce_text_record`` first turns CSV text into typed
values (``;`` separates list items; ``true/false/是/否`` are booleans).
A ``null`` or an empty cell means *unknown*, exactly like a missing field.
"""
from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any

from rules.schema import PROFILE_FIELDS, PROVINCES, FieldSpec, normalize_province

_TRUE = {"true", "1", "yes", "y", "t", "是", "有", "对"}
_FALSE = {"false", "0", "no", "n", "f", "否", "无", "没有"}
# CSV cells: a list field's "none" (known to be empty) and any field's "unknown" (as an empty cell)
_NONE = {"无", "没有", "none", "[]"}
_UNKNOWN = {"不详", "未知", "unknown"}

# Per field: accepted spellings -> contract value. The contract's own value and
# its Chinese label (e.g. 露天 for open_pit) are accepted, so a spreadsheet
# written in Chinese validates too; the normalized profile always holds ids.
_ALIASES: dict[str, dict[str, str]] = {}
for _name, _spec in PROFILE_FIELDS.items():
    if _spec.values:
        table = {v.lower(): v for v in _spec.values}
        for v, zh in _spec.value_labels_zh.items():
            table.setdefault(zh, v)
        _ALIASES[_name] = table


# Physical bounds of the number fields, part of the contract (rules/schema.py ``maximum``, so every form,
# generator and docs/profile.md know them): a value past them is a typing slip (a mine of 10^9 ha, a pit
# 10^6 km from any town), reported like any range error. The largest mine sites of China cover a few
# thousand hectares; China spans about 5,000 km; 10^10 m³ (10 km³) of waste rock is beyond any single mine.
NUMBER_BOUNDS: dict[str, float] = {n: f.maximum for n, f in PROFILE_FIELDS.items()
                                   if f.kind == "number" and f.maximum is not None}
# Longest text of a str field, in characters (a mine code, a name, an administrative division).
TEXT_LIMITS: dict[str, int] = {"id": 100, "name": 200, "province": 50, "city": 50, "county": 50}

# name -> (kind, accepted contract values) for the fast path of validate_profile
_FAST: dict[str, tuple[str, frozenset[str]]] = {
    n: (f.kind, frozenset(f.values)) for n, f in PROFILE_FIELDS.items() if f.kind in ("enum", "list", "bool")}


class ProfileError(ValueError):
    """One or more bad values in one or more records.

    ``details`` is the contract's error list: ``[{"record", "field", "message"}]``,
    the same shape the JSON API answers with status 400.
    """

    def __init__(self, details: list[dict[str, Any]], message: str | None = None) -> None:
        self.details = list(details)
        super().__init__(message or self._summary())

    def _summary(self) -> str:
        if not self.details:
            return "invalid mine profile"
        parts = []
        for d in self.details[:8]:
            where = f"record {d['record']}" if d.get("record") not in (None, "") else "input"
            fld = f", field '{d['field']}'" if d.get("field") else ""
            parts.append(f"{where}{fld}: {d['message']}")
        more = f" (and {len(self.details) - 8} more)" if len(self.details) > 8 else ""
        return "; ".join(parts) + more

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON error body."""
        return {"error": str(self), "details": self.details}


@dataclass
class _Collector:
    record: Any
    details: list[dict[str, Any]] = field(default_factory=list)

    def add(self, fld: str | None, message: str) -> None:
        self.details.append({"record": self.record, "field": fld, "message": message})


def _suggest(name: str) -> str:
    close = difflib.get_close_matches(name, PROFILE_FIELDS.keys(), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _enum_value(spec: FieldSpec, value: Any, col: _Collector, where: str) -> str | None:
    if not isinstance(value, str):
        col.add(spec.name, f"{where}expected one of {', '.join(spec.values)}, got {type(value).__name__} {value!r}")
        return None
    hit = _ALIASES[spec.name].get(value.strip().lower()) or _ALIASES[spec.name].get(value.strip())
    if hit is None:
        col.add(spec.name, f"{where}{value!r} is not one of {', '.join(spec.values)}")
    return hit


def _check_number(spec: FieldSpec, value: Any, col: _Collector) -> float | int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        col.add(spec.name, f"expected a number, got {type(value).__name__} {value!r}")
        return None
    if isinstance(value, float) and not math.isfinite(value):
        col.add(spec.name, f"expected a finite number, got {value!r}")
        return None
    if spec.minimum is not None:
        if spec.exclusive_minimum and value <= spec.minimum:
            col.add(spec.name, f"must be greater than {spec.minimum:g}, got {value!r}")
            return None
        if not spec.exclusive_minimum and value < spec.minimum:
            col.add(spec.name, f"must be at least {spec.minimum:g}, got {value!r}")
            return None
    maximum = spec.maximum if spec.maximum is not None else NUMBER_BOUNDS.get(spec.name)
    if maximum is not None and value > maximum:
        col.add(spec.name, f"must be at most {maximum:g}, got {value!r}")
        return None
    return value


def _check_field(spec: FieldSpec, value: Any, col: _Collector) -> Any:
    kind = spec.kind
    if kind == "str":
        if not isinstance(value, str):
            col.add(spec.name, f"expected a string, got {type(value).__name__} {value!r}")
            return None
        value = value.strip()
        limit = TEXT_LIMITS.get(spec.name)
        if limit is not None and len(value) > limit:
            col.add(spec.name, f"longer than {limit} characters ({len(value)})")
            return None
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            col.add(spec.name, "contains control characters (line breaks, tabs)")
            return None
        if spec.name == "province":
            short = normalize_province(value)
            if short is None:
                col.add(spec.name, f"{value!r} is not a provincial-level division of China "
                                   f"(write e.g. 江西, 江西省 or Jiangxi)")
            return short
        if spec.required and not value:
            col.add(spec.name, "must not be empty")
            return None
        return value
    if kind == "enum":
        return _enum_value(spec, value, col, "")
    if kind == "list":
        if not isinstance(value, (list, tuple)):
            col.add(spec.name, f"expected a list of {', '.join(spec.values)}, got {type(value).__name__} {value!r}")
            return None
        out: list[str] = []
        if len(value) > 1 and any(isinstance(v, str) and v.strip().lower() in _NONE for v in value):
            col.add(spec.name, "无 (none) cannot be combined with other values")
            return None
        if len(value) == 1 and isinstance(value[0], str) and value[0].strip().lower() in _NONE:
            return []  # ["无"] / ["none"]: known to be none, as the form's 无 box sends it
        for i, item in enumerate(value):
            hit = _enum_value(spec, item, col, f"item {i + 1}: ")
            if hit is not None and hit not in out:
                out.append(hit)
        return out
    if kind == "bool":
        if not isinstance(value, bool):
            col.add(spec.name, f"expected true or false, got {type(value).__name__} {value!r}")
            return None
        return value
    if kind == "number":
        return _check_number(spec, value, col)
    raise AssertionError(f"unknown field kind {kind!r} in rules.schema")  # a schema bug, not user input


def validate_profile(raw: Any, record: Any = None) -> dict[str, Any]:
    """Check ``raw`` against the contract and return the normalized profile.

    ``record`` names the record in error details (a line, an index or the id);
    by default the profile's own id. Fields set to ``None`` are dropped
    (unknown). Raises ``ProfileError`` listing every problem at once.
    """
    if record is None and isinstance(raw, dict) and isinstance(raw.get("id"), str):
        record = raw["id"]
    col = _Collector(record if record is not None else "")
    if not isinstance(raw, dict):
        col.add(None, f"a mine profile must be a JSON object, got {type(raw).__name__}")
        raise ProfileError(col.details)
    out: dict[str, Any] = {}
    for name, value in raw.items():
        fast = _FAST.get(name)
        if fast is not None:  # the common case: a value already in contract form
            kind, values = fast
            t = type(value)
            if (kind == "enum" and t is str and value in values) or (kind == "bool" and t is bool):
                out[name] = value
                continue
            if kind == "list" and t is list and all(type(v) is str and v in values for v in value) \
                    and len(set(value)) == len(value):
                out[name] = list(value)
                continue
        spec = PROFILE_FIELDS.get(name) if isinstance(name, str) else None
        if spec is None:
            col.add(str(name), f"unknown field '{name}'{_suggest(str(name))}; "
                               "see the profile contract for the field names")
            continue
        if value is None:
            continue
        checked = _check_field(spec, value, col)
        if checked is not None:
            out[name] = checked
    if "id" not in raw or raw.get("id") is None:
        col.add("id", "missing required field 'id' (矿山编号)")
    elif "id" in out and not out["id"]:
        pass  # already reported as empty
    if col.details:
        raise ProfileError(col.details)
    return out


def coerce_text_record(row: dict[str, str | None]) -> dict[str, Any]:
    """Turn one CSV row (all text) into typed values for ``validate_profile``.

    Unknown columns are passed through untouched so that validation reports
    them by name; a value that cannot be read as its type is also passed
    through as text, so validation reports it with the field's own message.
    Empty cells and 不详 are unknown (dropped); 无 in a list field is the
    empty list (known to be none). List items are separated by ``;`` (also
    ``；`` or ``、``).
    """
    out: dict[str, Any] = {}
    for name, text in row.items():
        if name is None:  # more cells than header columns
            out["(extra cells)"] = text
            continue
        if text is None:
            continue
        text = text.strip()
        if text == "":
            continue
        spec = PROFILE_FIELDS.get(name)
        if spec is not None and text.lower() in _UNKNOWN:
            continue  # 不详: unknown, like an empty cell
        if spec is None or spec.kind in ("str", "enum"):
            out[name] = text
        elif spec.kind == "list":
            if text.lower() in _NONE:
                out[name] = []  # 无: known to be none
                continue
            parts = text.replace("；", ";").replace("、", ";").split(";")
            out[name] = [part.strip() for part in parts if part.strip()]
        elif spec.kind == "bool":
            low = text.lower()
            out[name] = True if low in _TRUE else False if low in _FALSE else text
        elif spec.kind == "number":
            try:
                num = float(text.replace(",", "")) if any(c in text for c in ".eE,") else int(text)
            except ValueError:
                num = text
            out[name] = num
    return out


# The messages above in Chinese, for the Chinese interface (the API and the CLI keep English and the
# field names). Each pattern matches one message of this module (or of the advisor's what-if, compare,
# date and reader checks); ``{1}``… are its groups. ``tests/test_webui_messages.py`` checks that every
# message this module can produce has a translation.
_ZH: list[tuple[str, str]] = [
    (r"item (\d+): (.*)", "第{1}项：{2}"),
    (r"expected one of (.*), got (\w+) (.*)", "应为以下取值之一：{1}；实际是 {3}"),
    (r"(.*) is not one of (.*)", "{1} 不是可选取值（可选：{2}）"),
    (r"expected a number, got (\w+) (.*)", "应为数字，实际是 {2}"),
    (r"expected a finite number, got (.*)", "应为有限的数字，实际是 {1}"),
    (r"must be greater than (\S+), got (.*)", "必须大于 {1}，实际是 {2}"),
    (r"must be at least (\S+), got (.*)", "不得小于 {1}，实际是 {2}"),
    (r"must be at most (\S+), got (.*)", "不得大于 {1}，实际是 {2}"),
    (r"expected a string, got (\w+) (.*)", "应为文字，实际是 {2}"),
    (r"longer than (\d+) characters \((\d+)\)", "过长：最多 {1} 个字符，实际 {2} 个"),
    (r"contains control characters.*", "含有换行、制表等控制字符"),
    (r"(.*) is not a provincial-level division of China.*", "{1} 不是中国的省级行政区（可写 江西、江西省 或 Jiangxi）"),
    (r"must not be empty", "不能为空"),
    (r"expected a list of (.*), got (\w+) (.*)", "应为列表（可选：{1}），实际是 {3}"),
    (r"expected true or false, got (\w+) (.*)", "应为“是”或“否”，实际是 {2}"),
    (r"a mine profile must be a JSON object, got (\w+)", "矿山信息应为 JSON 对象，实际是 {1}"),
    (r"unknown field '(.*?)' \(did you mean '(.*?)'\?\).*", "未知字段“{1}”（是否指“{2}”？）"),
    (r"unknown field '(.*?)'.*", "未知字段“{1}”，字段名见矿山信息说明"),
    (r"missing required field 'id'.*", "缺少必填项：矿山编号"),
    (r"无 \(none\) cannot be combined with other values", "“无”不能与其他取值同时选择"),
    (r"a what-if cannot change the mine's id", "情景对比不能改变矿山编号"),
    (r"name at least one province", "请至少选择一个省份"),
    (r"(.*) is not a date; write it as YYYY-MM-DD", "{1} 不是日期，请写成 YYYY-MM-DD"),
    (r"invalid JSON: nested too deeply", "JSON 嵌套过深"),
    (r"invalid JSON: (.*)", "JSON 格式错误：{1}"),
]
_ZH_COMPILED = [(re.compile(pattern, re.S), zh) for pattern, zh in _ZH]


def message_zh(message: str, field: str | None = None) -> str:
    """The Chinese of one error message of this module (the message itself when it has none);
    with ``field``, its list of allowed codes reads as their Chinese labels."""
    spec = PROFILE_FIELDS.get(field or "")
    if spec is not None and spec.values and spec.value_labels_zh:
        codes = ", ".join(spec.values)
        message = message.replace(codes, "、".join(spec.value_labels_zh.get(v, v) for v in spec.values))
    for pattern, zh in _ZH_COMPILED:
        m = pattern.fullmatch(message)
        if m:
            groups = [message_zh(g) if i == 2 and pattern.pattern.startswith("item") else g
                      for i, g in enumerate(m.groups(), start=1)]
            return re.sub(r"\{(\d)\}", lambda x: groups[int(x.group(1)) - 1] or "", zh)
    return message


def province_names() -> list[str]:
    """The provincial-level divisions' short names (for a province picker)."""
    return list(PROVINCES)
