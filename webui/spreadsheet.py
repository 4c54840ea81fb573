"""The batch page's spreadsheets: the inventory template (CSV and XLSX, Chinese or English column titles)
and reading an uploaded XLSX inventory as the CSV text the advisor's readers take.

The column titles are the profile fields' labels from ``rules.schema.PROFILE_FIELDS``
(矿山编号, 矿种 … or Mine id, Mineral …), which ``advisor.readers`` accepts as well as the
field names; list cells take ``;``-separated values, 无 for none, and an empty cell or
不详 for unknown (``advisor.profile.coerce_text_record``).
"""
from __future__ import annotations

import csv
import io
from typing import Any

from rules.schema import PROFILE_FIELDS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ("zh", "en")
_KIND_ZH = {"str": "文字", "enum": "单选", "list": "多选（用 ; 分隔；无＝没有；空白或不详＝未知）", "bool": "是 / 否",
            "number": "数字"}
_KIND_EN = {"str": "text", "enum": "one of", "list": "several, separated by ; (无/none = none; empty or 不详 = unknown)",
            "bool": "是/否 or true/false", "number": "number"}


def header_row(lang: str) -> list[str]:
    """The template's column titles: the fields' Chinese or English labels, in the contract's order."""
    return [spec.label_en if lang == "en" else spec.label_zh for spec in PROFILE_FIELDS.values()]


def _values_text(spec: Any, lang: str) -> str:
    if spec.kind == "bool":
        return "是、否" if lang == "zh" else "是 / 否 (true / false)"
    if not spec.values:
        return ""
    if lang == "zh" and spec.value_labels_zh:
        return "、".join(spec.value_labels_zh.get(v, v) for v in spec.values)
    return ", ".join(spec.values)


def guide_rows(lang: str) -> list[list[str]]:
    """One row a field: column title, field name, what to write, allowed values, range."""
    from advisor.profile import NUMBER_BOUNDS, TEXT_LIMITS

    kinds = _KIND_EN if lang == "en" else _KIND_ZH
    rows = []
    for spec in PROFILE_FIELDS.values():
        title = spec.label_en if lang == "en" else spec.label_zh
        bound = ""
        if spec.kind == "number":
            top = spec.maximum if spec.maximum is not None else NUMBER_BOUNDS.get(spec.name)
            low = ">" if spec.exclusive_minimum else "≥"
            bound = f"{low} {spec.minimum:g}" + (f", ≤ {top:g}" if top is not None else "")
        elif spec.name in TEXT_LIMITS:
            bound = (f"≤ {TEXT_LIMITS[spec.name]} characters" if lang == "en"
                     else f"不超过 {TEXT_LIMITS[spec.name]} 个字符")
        required = ("required" if lang == "en" else "必填") if spec.required else ""
        rows.append([title, spec.name, kinds[spec.kind], _values_text(spec, lang), bound, required])
    return rows


def template_csv(lang: str) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow(header_row(lang))
    return "\ufeff" + buf.getvalue()  # the BOM lets Excel open Chinese titles as UTF-8


def template_xlsx(lang: str) -> bytes:
    """A workbook: the inventory sheet (titles, a drop-down list on every single-choice column) and a guide."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    zh = lang != "en"
    wb = Workbook()
    sheet = wb.active
    sheet.title = "矿山清单" if zh else "Mines"
    sheet.append(header_row(lang))
    sheet.freeze_panes = "A2"
    for i, spec in enumerate(PROFILE_FIELDS.values(), start=1):
        column = get_column_letter(i)
        sheet.column_dimensions[column].width = max(12, len(header_row(lang)[i - 1]) * (2 if zh else 1) + 2)
        sheet[f"{column}1"].font = Font(bold=True)
        choices = None
        if spec.kind == "bool":
            choices = ["是", "否"]
        elif spec.kind == "enum":
            choices = [spec.value_labels_zh.get(v, v) for v in spec.values] if zh else list(spec.values)
        if choices and len(",".join(choices)) < 250:  # Excel's limit for an inline list
            rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            rule.add(f"{column}2:{column}5000")
            sheet.add_data_validation(rule)
    guide = wb.create_sheet("填写说明" if zh else "Guide")
    guide.append(["列名", "字段名", "填写方式", "可选取值", "范围", "必填"] if zh else
                 ["Column", "Field", "What to write", "Allowed values", "Range", "Required"])
    for row in guide_rows(lang):
        guide.append(row)
    for column, width in zip("ABCDEF", (22, 30, 30, 60, 24, 8)):
        guide.column_dimensions[column].width = width
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class SpreadsheetError(ValueError):
    """An uploaded workbook that cannot be read."""


def xlsx_to_csv(data: bytes, max_rows: int) -> str:
    """The first sheet of an XLSX workbook as CSV text (header row first), for ``advisor.readers``.

    Values are read, never formulas (``data_only``); whole numbers stay whole; empty trailing rows are
    dropped. More than ``max_rows`` data rows raise, before anything is advised.
    """
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for a bad file
        raise SpreadsheetError(f"not a readable XLSX workbook ({exc.__class__.__name__})") from None
    try:
        sheet = wb.worksheets[0]
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        n = 0
        for row in sheet.iter_rows(values_only=True):
            cells = ["" if v is None else _cell_text(v) for v in row]
            if not any(c.strip() for c in cells):
                continue
            writer.writerow(cells)
            n += 1
            if n > max_rows + 1:
                raise SpreadsheetError(f"more than {max_rows} rows")
        return buf.getvalue()
    finally:
        wb.close()


def _cell_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", " ").replace("\n", " ")
