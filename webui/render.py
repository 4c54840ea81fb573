"""Compute once, render twice: one data dict as an HTML page or as JSON.

A page view builds a dict and calls ``render(template, data)``; the same URL
with ``?format=json`` (or an ``Accept: application/json`` client) gets the
dict itself, so every page is also an API (Datasette's pattern).
"""
from __future__ import annotations

from typing import Any

from flask import jsonify, render_template, request


def wants_json_page() -> bool:
    if request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes["application/json"] > request.accept_mimetypes["text/html"]


def render(template: str, data: dict[str, Any], status: int = 200, **view: Any):
    """``data`` as JSON or as ``template``; ``view`` holds HTML-only helpers (never part of the JSON)."""
    if wants_json_page():
        response = jsonify(data)
        response.status_code = status
        return response
    return render_template(template, **data, **view), status
