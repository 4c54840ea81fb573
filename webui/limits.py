"""Bounds on every input the server parses: JSON, JSON Lines, CSV, forms, query strings.

Each limit hit is a 400 or 413 in the one error shape whose ``details`` name the
limit (``field``: the record and field, or ``body`` / ``query string``), never
a 500: a JSON body nested 100,000 levels deep used to exhaust the parser's
recursion (issue 17).

=====================  ===================================================
``MAX_CONTENT_LENGTH``  total body size (Flask; 413)
``MAX_FORM_MEMORY_SIZE``, ``MAX_FORM_PARTS``  one form field / parts (Flask; 413)
``MAX_JSON_DEPTH``      nesting of a JSON body or record (400)
``MAX_FIELD_LENGTH``    characters of one value or key (400)
``MAX_PARAMS``          parameters of a query string or form (413)
``MAX_QUERY_STRING``    bytes of a query string (413)
=====================  ===================================================
"""
from __future__ import annotations

import json
from typing import Any, Iterable

from flask import Flask, current_app, request

from webui.errors import APIError, detail

# Parameters with a limit of their own: the SPARQL text (SPARQL_MAX_QUERY_LENGTH), an upload's token.
_OWN_LIMIT = {"query"}


def parse_json(raw: bytes | str, what: str = "body") -> Any:
    """``raw`` parsed, or a 400 naming the problem (syntax, nesting depth, field length)."""
    try:
        data = json.loads(raw or b"")
    except RecursionError:
        raise depth_error(what) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise APIError(400, "the body is not valid JSON", [detail(str(exc), what)]) from None
    check_value(data)
    return data


def depth_error(what: str, record: Any = None) -> APIError:
    limit = current_app.config["MAX_JSON_DEPTH"]
    return APIError(400, f"JSON nested deeper than the limit of {limit} levels",
                    [detail(f"nesting depth over {limit} (MAX_JSON_DEPTH)", what, record)])


def check_value(data: Any, record_of_items: bool = True) -> None:
    """Depth and field length of parsed JSON; an array's items are records (their index is the ``record``)."""
    max_depth = current_app.config["MAX_JSON_DEPTH"]
    max_len = current_app.config["MAX_FIELD_LENGTH"]
    stack: list[tuple[Any, int, Any, Any]] = [(data, 1, None, None)]
    while stack:
        value, depth, record, field = stack.pop()
        if isinstance(value, str):
            if len(value) > max_len:
                raise field_error(field or "body", record, len(value))
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth > max_depth:
            raise depth_error(field or "body", record)
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and len(key) > max_len:
                    raise field_error(key[:40] + "…", record, len(key))
                stack.append((item, depth + 1, record, field or key))
        else:
            top = depth == 1 and record_of_items
            for i, item in enumerate(value):
                stack.append((item, depth + 1, i if top else record, field))


def field_error(field: str, record: Any, length: int) -> APIError:
    limit = current_app.config["MAX_FIELD_LENGTH"]
    return APIError(400, f"a value is longer than the limit of {limit} characters",
                    [detail(f"{length} characters, limit {limit} (MAX_FIELD_LENGTH)", field, record)])


def check_records(records: Iterable[Any]) -> None:
    """The records of an uploaded file (readers' ``InputRecord``): JSON Lines parsed once here, bounded."""
    for rec in records:
        if rec.kind == "jsonl-text":
            try:
                parsed = json.loads(rec.raw)
            except RecursionError:
                raise depth_error("file", rec.where) from None
            except ValueError:
                continue  # the advisor reports the syntax error on this record; the others go on
            rec.raw, rec.kind = parsed, "json"
        try:
            check_value(rec.raw, record_of_items=False)
        except APIError as exc:
            for d in exc.details:
                d["record"] = rec.where
            raise


def check_params(params: Any, where: str) -> None:
    """Count and length of query-string or form parameters."""
    max_params = current_app.config["MAX_PARAMS"]
    max_len = current_app.config["MAX_FIELD_LENGTH"]
    n = sum(1 for _ in params.items(multi=True))
    if n > max_params:
        raise APIError(413, f"more than {max_params} parameters in the {where}",
                       [detail(f"{n} parameters, limit {max_params} (MAX_PARAMS)", where)])
    for name, value in params.items(multi=True):
        name, value = name or "", value or ""  # a multipart part may come without a name
        if name in _OWN_LIMIT:
            continue
        if len(name) > max_len:
            raise field_error(name[:40] + "…", None, len(name))
        if len(value) > max_len:
            raise field_error(name, None, len(value))


def init_app(app: Flask) -> None:
    @app.before_request
    def _bounded_params():
        limit = app.config["MAX_QUERY_STRING"]
        if len(request.query_string) > limit:
            raise APIError(413, f"the query string is longer than the limit of {limit} bytes",
                           [detail(f"{len(request.query_string)} bytes, limit {limit} (MAX_QUERY_STRING)",
                                   "query string")])
        check_params(request.args, "query string")
        if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded",
                                                             "multipart/form-data"):
            check_params(request.form, "form")
