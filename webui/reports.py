"""Downloads of one advice: the advisor's 一矿一策 report as HTML or PDF, or the advice as JSON.

The report is the advisor's own (``advisor.report``: profile, fingerprint
chart, advice with reasons and cited clause texts, precedents, unknowns and
what-if scenarios), so a download from the web and ``minekb report`` give the
same document.
"""
from __future__ import annotations

import json
import re
from typing import Any

from flask import Response

from webui.errors import APIError, detail

FORMATS = {"html": "text/html", "pdf": "application/pdf", "md": "text/markdown", "json": "application/json"}


def _filename(profile: dict[str, Any], ext: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", str(profile.get("id", "mine"))).strip("_") or "mine"
    return f"{stem}-advice.{ext}"


def download(fmt: str, advisor: Any, profile: dict[str, Any], as_of: str | None) -> Response:
    if fmt not in FORMATS:
        raise APIError(404, f"no report format {fmt!r}", [detail(f"use one of {', '.join(FORMATS)}", "format")])
    if fmt == "json":
        body: str | bytes = json.dumps(advisor.advise(profile, as_of=as_of), ensure_ascii=False, indent=1)
    else:
        from advisor.report import build_report, render

        body = render(build_report(advisor, profile, as_of=as_of), fmt)
    response = Response(body, mimetype=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(profile, fmt)}"'
    return response
