"""One error shape for every JSON answer, and HTML error pages for browsers.

Every JSON error is ``{"error": "...", "details": [{"record", "field", "message"}]}``
(the contract's shape, as Datasette enforces one shape in all its views). A client
mistake is a 400 (bad input), 404 (no such thing), 405, 413 (too large) or 422
(well-formed but not answerable within the limits), never a 500.
"""
from __future__ import annotations

import importlib
from typing import Any

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException


class APIError(Exception):
    """A client error to answer with ``status`` and the one error body."""

    def __init__(self, status: int, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []


def detail(message: str, field: str | None = None, record: Any = None) -> dict[str, Any]:
    """One entry of ``details``: which record, which field, what is wrong."""
    return {"record": record, "field": field, "message": message}


def error_body(message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": message, "details": [_normal_detail(d) for d in (details or [])]}


def _normal_detail(d: Any) -> dict[str, Any]:
    if isinstance(d, dict):
        return {"record": d.get("record"), "field": d.get("field"), "message": str(d.get("message", ""))}
    return {"record": None, "field": None, "message": str(d)}


def wants_json() -> bool:
    """API and SPARQL paths, ``?format=json`` and clients that prefer JSON get JSON errors."""
    if request.path.startswith("/api/") or request.args.get("format") == "json":
        return True
    if request.path.startswith("/sparql"):
        return not html_asked_for()
    return not _prefers_html()


DATA_TYPES = ("application/sparql-results+json", "application/json", "text/csv", "application/n-triples")


def html_asked_for() -> bool:
    """True only when the client ranks HTML above every data type (a browser does; curl's ``*/*``
    and a SPARQL client sending no Accept header get data), or asks ``?format=html``."""
    if request.args.get("format") == "html":
        return True
    accept = request.accept_mimetypes
    if not accept.provided:
        return False
    return accept.quality("text/html") > max(accept.quality(m) for m in DATA_TYPES)


def _prefers_html() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "text/html" or (best is None and not request.accept_mimetypes.provided)


def respond_error(status: int, message: str, details: list[dict[str, Any]] | None = None):
    if wants_json():
        response = jsonify(error_body(message, details))
        response.status_code = status
        return response
    body = render_template("error.html", status=status, message=message,
                           details=[_normal_detail(d) for d in (details or [])])
    return body, status


_HTTP_MESSAGES = {
    400: "bad request",
    404: "not found",
    405: "method not allowed",
    413: "request too large",
    415: "unsupported media type",
}


def init_app(app: Flask) -> None:
    @app.errorhandler(APIError)
    def _api_error(exc: APIError):
        return respond_error(exc.status, exc.message, exc.details)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        details = None
        if status == 413:
            message, details = _too_large(app)
        elif status == 404:
            message = f"no page or resource at {request.path}"
        elif status == 405:
            message = f"{request.method} is not allowed on {request.path}"
        else:
            message = exc.description or _HTTP_MESSAGES.get(status, "error")
        response = respond_error(status, message, details)
        if status == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            response = app.make_response(response)
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # a bug of ours, never a client's fault: log it, show the shape
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return respond_error(500, "internal error; the server log has the details")

    # Domain errors of lower stages, registered when those stages are installed.
    for spec, status in (("advisor.profile:ProfileError", 400), ("search:QueryError", 400)):
        exc_class = _optional(spec)
        if exc_class is not None:
            app.register_error_handler(exc_class, _domain_handler(status))


def _too_large(app: Flask) -> tuple[str, list[dict[str, Any]]]:
    """Which size limit a 413 from the framework hit: the whole body, or one form field / the form's parts."""
    limit = app.config.get("MAX_CONTENT_LENGTH")
    length = request.content_length
    if limit is not None and (length is None or length > limit):
        return (f"request body larger than the limit of {limit} bytes",
                [detail(f"{length if length is not None else 'unknown'} bytes, limit {limit} (MAX_CONTENT_LENGTH)",
                        "body")])
    memory, parts = app.config.get("MAX_FORM_MEMORY_SIZE"), app.config.get("MAX_FORM_PARTS")
    return (f"a form field is larger than {memory} bytes or the form has more than {parts} parts",
            [detail(f"limits MAX_FORM_MEMORY_SIZE={memory} bytes, MAX_FORM_PARTS={parts}", "form")])


def _domain_handler(status: int):
    def handler(exc: Exception):
        return respond_error(status, str(exc) or exc.__class__.__name__, list(getattr(exc, "details", []) or []))
    return handler


def _optional(spec: str):
    module, _, attr = spec.partition(":")
    try:
        return getattr(importlib.import_module(module), attr, None)
    except ModuleNotFoundError:
        return None
