"""Security headers, CSRF tokens for forms, and the admin token for writing endpoints.

* Every response carries a strict Content-Security-Policy (only this site's
  scripts and styles, no inline script or style, no framing) and the usual
  headers (nosniff, referrer policy, frame denial).
* Every HTML form that POSTs carries a CSRF token bound to the session; a POST
  without the right token is refused with 400. JSON API calls are exempt: they
  must be ``application/json``, which a cross-site form cannot send.
* Writing endpoints (ingest) need ``MINEKB_ADMIN_TOKEN`` from the environment;
  without it configured they are closed (403), never open with a default.
"""
from __future__ import annotations

import hmac
import secrets

from flask import Flask, current_app, request, session

from webui.errors import APIError, detail

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
CSRF_FIELD = "csrf_token"


def csrf_token() -> str:
    """The session's CSRF token (made on first use)."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def check_csrf() -> None:
    """Refuse a form POST whose token does not match the session's."""
    sent = request.form.get(CSRF_FIELD) or request.headers.get("X-CSRF-Token") or ""
    expected = session.get(CSRF_FIELD) or ""
    if not expected or not hmac.compare_digest(sent, expected):
        raise APIError(400, "the form has expired or did not come from this site; reload the page and send it again",
                       [detail("missing or wrong CSRF token", CSRF_FIELD)])


def check_admin_token(sent: str | None) -> None:
    """Allow a writing request only with the configured admin token."""
    expected = current_app.config.get("MINEKB_ADMIN_TOKEN")
    if not expected:
        raise APIError(403, "uploads are disabled: the server was started without MINEKB_ADMIN_TOKEN")
    if not sent or not hmac.compare_digest(sent.encode(), str(expected).encode()):
        raise APIError(401, "a valid admin token is required", [detail("wrong or missing admin token", "token")])


def bearer_token() -> str | None:
    auth = request.headers.get("Authorization", "")
    return auth[7:].strip() if auth.lower().startswith("bearer ") else None


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.after_request
    def _headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.path.startswith("/api/") or request.path.startswith("/sparql"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
