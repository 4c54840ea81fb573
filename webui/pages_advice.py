"""The 一矿一策 pages: profile form, advice, downloads, what-if, provinces, batch upload.

Advice pages are GET requests whose query string is the profile, so an
advice page is a permanent, shareable link and needs no CSRF token (it
changes nothing). The batch upload is a POST form and carries one.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request
from werkzeug.datastructures import MultiDict

from rules.schema import PROFILE_FIELDS, PROVINCES
from webui import batch, charts
from webui.errors import APIError, detail, wants_json
from webui.forms import form_fields, profile_from_params, profile_query
from webui.glossary import field_help
from webui.i18n import current_language
from webui.render import render
from webui.security import check_csrf
from webui.state import current_kb

bp = Blueprint("advice", __name__)


def _profile_error_class():
    from advisor.profile import ProfileError

    return ProfileError


def _form_page(profile: dict[str, Any], errors: list[dict[str, Any]] | None = None, status: int = 200):
    data = {"profile": profile, "errors": errors or []}
    return render("advice_form.html", data, status=status, sections=form_fields(profile), provinces=list(PROVINCES),
                  help=field_help(current_language()), errors_by_field=_by_field(errors or []))


def _by_field(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in errors:
        out.setdefault(e.get("field") or "", []).append(e.get("message", ""))
    return out


def _as_of() -> str | None:
    value = request.args.get("as_of") or None
    if value is not None:
        import datetime

        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise APIError(400, "as_of must be a date (YYYY-MM-DD)", [detail(f"not a date: {value!r}", "as_of")]) from None
    return value


@bp.get("/advice")
def form():
    """The empty form, or the form filled from a profile link (``/advice?id=…&mineral=…``)."""
    return _form_page(profile_from_params(request.args))


@bp.get("/advice/result")
def result():
    profile = profile_from_params(request.args)
    try:
        advice = current_kb().advisor.advise(profile, as_of=_as_of(), explain=True)
    except _profile_error_class() as exc:
        if wants_json():
            raise
        return _form_page(profile, list(exc.details), status=400)
    data = {"profile": profile, "advice": advice}
    return render("advice.html", data, query=profile_query(profile), radar=charts.radar_for(advice),
                  provinces=list(PROVINCES), fields=PROFILE_FIELDS)


@bp.get("/advice/report.<fmt>")
def report(fmt: str):
    """The advisor's report as HTML, PDF or Markdown, or the advice as JSON, for download."""
    from webui import reports

    return reports.download(fmt, current_kb().advisor, profile_from_params(request.args), _as_of())


WHAT_IF_ROWS = 3


@bp.app_template_global()
def number_max(name: str) -> float | None:
    """A number field's upper bound: the contract's, else the profile layer's physical bound."""
    from advisor.profile import NUMBER_BOUNDS

    spec = PROFILE_FIELDS.get(name)
    return spec.maximum if spec is not None and spec.maximum is not None else NUMBER_BOUNDS.get(name)


@bp.app_template_global()
def text_limit(name: str) -> int | None:
    from advisor.profile import TEXT_LIMITS

    return TEXT_LIMITS.get(name)


@bp.app_template_global()
def province_names() -> list[str]:
    return list(PROVINCES)


@bp.app_template_global()
def province_label(short: str) -> str:
    entry = PROVINCES.get(short)
    return entry[1] if entry and current_language() == "en" else short


def what_if_rows(args: MultiDict) -> list[dict[str, Any]]:
    """The what-if form's rows: ``vf<i>`` the field, ``vv<i>`` its new value(s), ``vs<i>`` present once the value
    control was shown (so an empty list or select means "unknown" rather than "not chosen yet")."""
    rows = []
    for i in range(1, WHAT_IF_ROWS + 1):
        name = (args.get(f"vf{i}") or "").strip()
        values = [v for v in args.getlist(f"vv{i}")]
        shown = f"vs{i}" in args or f"vv{i}" in args
        rows.append({"i": i, "field": name, "values": values, "shown": shown,
                     "spec": PROFILE_FIELDS.get(name)})
    return rows


def _row_value(row: dict[str, Any]) -> tuple[Any, bool]:
    """(value for the value control, none ticked) of one row."""
    spec = row["spec"]
    if spec is not None and spec.kind == "list":
        items = [item.strip() for v in row["values"] for item in v.split(";") if item.strip()]
        return [v for v in items if v != "none"], "none" in items
    return (row["values"][0] if row["values"] else ""), False


def _rows_from_changes(changes: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows showing changes that came as ``vary=`` or ``vf``/``vv`` parameters (a shared link)."""
    rows = []
    for i, (name, value) in enumerate(list(changes.items())[:WHAT_IF_ROWS], start=1):
        if isinstance(value, list):
            values = value or ["none"]
        elif isinstance(value, bool):
            values = ["true" if value else "false"]
        else:
            values = [] if value is None else [str(value)]
        rows.append({"i": i, "field": name, "values": values, "shown": True, "spec": PROFILE_FIELDS.get(name)})
    while len(rows) < WHAT_IF_ROWS:
        rows.append({"i": len(rows) + 1, "field": "", "values": [], "shown": False, "spec": None})
    return rows


@bp.get("/advice/what-if")
def what_if():
    """The advice before and after changing fields: rows of controlled inputs (``vf1``/``vv1``…), or
    ``vary=field=value`` (repeatable) and ``vf``/``vv`` pairs as links may carry them."""
    profile = profile_from_params(request.args)
    rows = what_if_rows(request.args)
    items = request.args.getlist("vary") + [f"{f}={v}" for f, v in zip(request.args.getlist("vf"),
                                                                      request.args.getlist("vv")) if f.strip()]
    for row in rows:
        if row["field"] and row["shown"]:
            values = [v for v in row["values"] if v.strip()] or [""]
            items.extend(f"{row['field']}={v}" for v in values)
    data = {"profile": profile, "changes": {}, "result": None, "errors": []}
    context = {"query": profile_query(profile), "fields": PROFILE_FIELDS, "rows": rows, "row_value": _row_value}
    if not items:
        return render("what_if.html", data, **context)
    try:
        changes = parse_changes(items)
        result = current_kb().advisor.what_if(profile, changes)
    except (_profile_error_class(), APIError) as exc:
        if wants_json():
            raise
        errors = list(exc.details)
        data["errors"] = errors
        return render("what_if.html", data, status=400, errors_by_field=_by_field(errors), **context)
    data.update(changes=changes, result=result)
    if not any(row["field"] for row in rows):
        context["rows"] = _rows_from_changes(changes)
    return render("what_if.html", data, **context)


def parse_changes(items: list[str]) -> dict[str, Any]:
    """``["planned_land_use=construction", "control_zones=ecological_redline;scenic_area"]`` -> a changes dict."""
    params = MultiDict()
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise APIError(400, "each change must read field=value", [detail(f"not field=value: {item!r}", "vary")])
        params.add(name, value)
    changes = profile_from_params(params)
    for name in params:  # an emptied field means "unknown"
        changes.setdefault(name, None)
    return changes


def provinces_with_rules() -> dict[str, int]:
    """Province short name -> how many rules of its own the rule base holds (only provinces that have some)."""
    counts: dict[str, int] = {}
    for rule in current_kb().ruleset.rules:
        for region in rule.region:
            counts[region] = counts.get(region, 0) + 1
    return counts


@bp.get("/advice/compare")
def compare():
    """The same mine under each chosen province's rules, side by side; each cell links to that province's
    advice at the item, where its reasons are."""
    profile = profile_from_params(request.args)
    chosen = [p for p in request.args.getlist("provinces") if p.strip()]
    own = profile.get("province") if isinstance(profile.get("province"), str) else None
    from rules.schema import normalize_province

    own = normalize_province(own) if own else None
    preselected = chosen or ([own] if own else [])
    try:
        result = current_kb().advisor.compare_provinces(profile, chosen) if chosen else None
    except _profile_error_class() as exc:
        if wants_json():
            raise
        return render("compare.html", {"profile": profile, "provinces": chosen, "result": None,
                                       "errors": list(exc.details)}, status=400, query=profile_query(profile),
                      all_provinces=list(PROVINCES), with_rules=provinces_with_rules(), preselected=preselected,
                      own=own, links={})
    links = {}
    if result:
        for p in result["provinces"]:
            links[p] = profile_query({**profile, "province": p})
    return render("compare.html", {"profile": profile, "provinces": chosen, "result": result, "errors": []},
                  query=profile_query(profile), all_provinces=list(PROVINCES), with_rules=provinces_with_rules(),
                  preselected=preselected, own=own, links=links)


@bp.get("/advice/batch/template.<fmt>")
def batch_template(fmt: str):
    """The inventory template to fill in: CSV or XLSX, column titles in Chinese (``?headers=zh``, the default)
    or English (``headers=en``); the upload accepts both, and the field names."""
    from flask import Response

    from webui import spreadsheet

    lang = request.args.get("headers", "zh")
    if lang not in spreadsheet.HEADERS or fmt not in ("csv", "xlsx"):
        raise APIError(404, f"no template {fmt!r} with headers {lang!r}",
                       [detail("use template.csv or template.xlsx with headers=zh or headers=en", "format")])
    if fmt == "csv":
        response = Response(spreadsheet.template_csv(lang), mimetype="text/csv")
    else:
        response = Response(spreadsheet.template_xlsx(lang), mimetype=spreadsheet.XLSX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="minekb-mines-template-{lang}.{fmt}"'
    return response


@bp.route("/advice/batch", methods=["GET", "POST"])
def batch_upload():
    if request.method == "GET":
        return render("batch.html", {"results": None})
    check_csrf()
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise APIError(400, "choose a CSV, JSON or JSON Lines file of mine profiles",
                           [detail("no file uploaded", "file")])
        outcome = batch.advise_upload(current_kb().advisor, upload.filename, upload.read(),
                                      current_app.config["MAX_BATCH_RECORDS"])
    except APIError as exc:
        if wants_json():
            raise
        return render("batch.html", {"results": None, "error": exc.message, "details": exc.details},
                      status=exc.status)
    wanted = request.form.get("format", "html")
    if wanted in batch.DOWNLOADS:
        return batch.download(outcome, wanted)
    return render("batch.html", {"results": outcome.rows_json()}, outcome=outcome,
                  downloads=batch.data_urls(outcome))
