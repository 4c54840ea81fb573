"""Admin upload of policy files for ingest, confined to the knowledge-base folder.

Files are written under ``$MINEKB_HOME/uploads/<random>/`` with a sanitized
name (``werkzeug.utils.secure_filename``) and a checked extension, and the
resolved path is verified to lie inside that folder before anything is
written: no uploaded name can reach a path outside the knowledge base. The
ingest itself is the library's (``minekb.kb.ingest``), which builds a new
generation and swaps it in atomically; the application then reopens it.
"""
from __future__ import annotations

import secrets
import shutil
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, render_template, request
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from webui.errors import APIError, detail
from webui.security import check_admin_token, check_csrf
from webui.state import current_kb

bp = Blueprint("ingest", __name__)


def upload_dir(kb: Any) -> Path:
    home = getattr(kb, "home", None)
    if home is None:
        raise APIError(400, "this knowledge base has no home folder to ingest into")
    return Path(home.path).resolve() / "uploads"


def safe_target(folder: Path, filename: str, allowed: tuple[str, ...]) -> Path:
    """Where an upload called ``filename`` may be written inside ``folder`` (or a 400)."""
    name = secure_filename(Path(filename.replace("\\", "/")).name)
    suffix = Path(name).suffix.lower()
    if not name or suffix not in allowed:
        raise APIError(400, f"{filename!r}: only {', '.join(allowed)} files can be ingested",
                       [detail(f"file type {suffix or '(none)'} not accepted", "file", filename)])
    target = (folder / name).resolve()
    if target.parent != folder.resolve():
        raise APIError(400, f"{filename!r}: not a plain file name", [detail("path outside the upload folder", "file")])
    return target


def ingest_uploads(files: list[FileStorage]) -> dict[str, Any]:
    """Save the uploads, ingest them, reopen the knowledge base; return what changed."""
    from minekb.home import HomeLockedError
    from minekb.kb import ingest

    files = [f for f in files if f and f.filename]
    if not files:
        raise APIError(400, "send one or more files in the form field 'file'", [detail("no file", "file")])
    state = current_app.extensions["minekb"]
    kb = current_kb()
    folder = upload_dir(kb) / secrets.token_hex(8)
    allowed = tuple(current_app.config["INGEST_EXTENSIONS"])
    targets = [safe_target(folder, f.filename, allowed) for f in files]
    if len({t.name for t in targets}) != len(targets):
        raise APIError(400, "two uploaded files have the same name", [detail("duplicate file name", "file")])
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for upload, target in zip(files, targets):
            upload.save(target)
        report = ingest(targets, kb.home)
    except HomeLockedError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise APIError(409, str(exc)) from None
    except (ValueError, OSError) as exc:  # the corpus stage's clear errors about a file's content
        shutil.rmtree(folder, ignore_errors=True)
        raise APIError(422, f"the files could not be ingested: {exc}", [detail(str(exc), "file")]) from None
    state.reopen()
    return _report_dict(report, [t.name for t in targets])


def _report_dict(report: Any, names: list[str]) -> dict[str, Any]:
    """What the uploader sees: each file by the name it was uploaded under (never the server's path), its
    outcome, the document it became and its reading warnings (title from the file name, no 文号 …)."""
    files = []
    for result in report.files:
        name = Path(result.path).name
        files.append({"file": name, "status": result.status, "doc_id": result.doc_id, "title": result.title,
                      "clauses": result.clauses, "message": (result.message or "").replace(str(result.path), name),
                      "warnings": list(result.warnings)})
    return {"files": files, "uploaded": names, "relinked": list(report.relinked),
            "warnings": sum(len(f["warnings"]) for f in files)}


@bp.route("/ingest", methods=["GET", "POST"])
def page():
    """The admin form: token, files, CSRF."""
    if request.method == "GET":
        return render_template("ingest.html", report=None,
                               enabled=bool(current_app.config.get("MINEKB_ADMIN_TOKEN")))
    check_csrf()
    check_admin_token(request.form.get("token"))
    report = ingest_uploads(request.files.getlist("file"))
    return render_template("ingest.html", report=report, enabled=True)
