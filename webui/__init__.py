"""The web face of minekb: HTML pages and a JSON API over one knowledge base.

``create_app(kb, config=None)`` is the Flask application factory (as in the
Flask tutorial): it takes the knowledge-base object, never opens one itself
and does no work at import time, so tests pass in the session ``kb`` and the
production server (``minekb serve``, waitress) passes the live one.

Routes are thin: every answer comes from the advisor, search, ontology and
rules packages; this package only validates the HTTP input, calls them and
renders their data as HTML or JSON (one data dict, two renderings, as in
Datasette). Every JSON error has one shape, built in ``webui.errors``.
"""
from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Flask is imported when an app is built, not when `minekb` starts
    from flask import Flask

__all__ = ["create_app", "DEFAULT_SETTINGS"]

# Every setting with its default and its help text (listed in docs/webui.md; a test checks that).
DEFAULT_SETTINGS: dict[str, tuple[Any, str]] = {
    "MAX_CONTENT_LENGTH": (8 * 1024 * 1024, "largest request body in bytes (uploads included); larger gets 413"),
    "MAX_BATCH_RECORDS": (20_000, "most mine profiles one batch request may hold; more gets 413"),
    "API_MAX_BATCH": (500, "most mine profiles one synchronous POST /api/advise may hold; more gets 413 "
                           "naming the batch page (/advice/batch) and minekb advise"),
    "MAX_FORM_MEMORY_SIZE": (500_000, "largest non-file form field in bytes; larger gets 413"),
    "MAX_FORM_PARTS": (1000, "most parts of a multipart form; more gets 413"),
    "MAX_JSON_DEPTH": (16, "deepest nesting of a JSON body or uploaded JSON record; deeper gets 400"),
    "MAX_FIELD_LENGTH": (2000, "longest value (or key) of a JSON, CSV, form or query-string field in characters; "
                               "longer gets 400 (the SPARQL text has its own limit)"),
    "MAX_PARAMS": (300, "most parameters of a query string or form; more gets 413"),
    "MAX_QUERY_STRING": (96 * 1024, "longest query string in bytes; longer gets 413"),
    "MAX_QUERY_LENGTH": (500, "longest search query in characters; longer gets 400"),
    "SEARCH_PAGE_SIZE": (10, "search hits per results page"),
    "SEARCH_MAX_LIMIT": (100, "largest `limit` the search API accepts"),
    "SPARQL_TIMEOUT": (5.0, "seconds a SPARQL query may run before it is answered with 422"),
    "SPARQL_MAX_ROWS": (1000, "most result rows a SPARQL query returns; more are cut and flagged"),
    "SPARQL_MAX_QUERY_LENGTH": (10_000, "longest SPARQL query text in characters"),
    "INGEST_EXTENSIONS": ((".txt", ".md", ".docx", ".pdf", ".html", ".htm"),
                          "file types the admin ingest upload accepts"),
}


def create_app(kb: Any, config: dict[str, Any] | None = None) -> "Flask":
    """Build the application for knowledge base ``kb`` (a ``minekb.kb.KnowledgeBase``).

    ``SECRET_KEY`` and ``MINEKB_ADMIN_TOKEN`` come from ``config`` or the
    environment. Without a ``SECRET_KEY`` a random one is made per process (forms
    opened before a restart then need reloading); without an admin token the
    ingest endpoints stay closed. No secret has a default in code.
    """
    from flask import Flask

    from webui import (api, errors, helpers, i18n, ingest, limits, pages_advice, pages_browse, pages_search,
                       security, sparql)
    from webui.state import KBState

    app = Flask(__name__)
    app.config.update({name: default for name, (default, _help) in DEFAULT_SETTINGS.items()})
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY")
    app.config["MINEKB_ADMIN_TOKEN"] = os.environ.get("MINEKB_ADMIN_TOKEN") or None
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets.token_hex(32)

    app.extensions["minekb"] = KBState(kb)
    app.jinja_env.autoescape = True
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    i18n.init_app(app)
    helpers.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    limits.init_app(app)
    for module in (pages_search, pages_browse, pages_advice, api, sparql, ingest):
        app.register_blueprint(module.bp)
    return app
