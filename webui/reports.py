"""Downloads of one advice: a standalone HTML report, its PDF, or the JSON.

The HTML report is the advice page's body with the stylesheet embedded, so it
opens from disk and prints well; the PDF is that HTML rendered by WeasyPrint
(with the Noto CJK fonts that ``scripts/setup`` installs).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flask import Response, render_template
from markupsafe import Markup

from webui import charts
from webui.errors import APIError, detail

STATIC = Path(__file__).resolve().parent / "static"
FORMATS = ("html", "pdf", "json")


def _filename(profile: dict[str, Any], ext: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", str(profile.get("id", "mine"))).strip("_") or "mine"
    return f"{stem}-advice.{ext}"


def report_html(profile: dict[str, Any], advice: dict[str, Any]) -> str:
    css = (STATIC / "style.css").read_text(encoding="utf-8") + (STATIC / "print.css").read_text(encoding="utf-8")
    return render_template("report.html", profile=profile, advice=advice, radar=charts.radar_for(advice),
                           css=Markup(css), report_mode=True)


def download(fmt: str, profile: dict[str, Any], advice: dict[str, Any]) -> Response:
    if fmt not in FORMATS:
        raise APIError(404, f"no report format {fmt!r}", [detail(f"use one of {', '.join(FORMATS)}", "format")])
    if fmt == "json":
        body: bytes | str = json.dumps(advice, ensure_ascii=False, indent=1)
        mimetype = "application/json"
    elif fmt == "html":
        body, mimetype = report_html(profile, advice), "text/html"
    else:
        from weasyprint import HTML

        body = HTML(string=report_html(profile, advice)).write_pdf()
        mimetype = "application/pdf"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(profile, fmt)}"'
    return response
