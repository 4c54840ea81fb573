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
    """JSON (English messages, field names as the API names them) or an HTML page in the user's language."""
    if wants_json():
        response = jsonify(error_body(message, details))
        response.status_code = status
        return response
    body = render_template("error.html", status=status, message=message,
                           details=[_normal_detail(d) for d in (details or [])])
    return body, status


# The web UI's own error messages in Chinese (the profile checks' messages are translated by
# ``advisor.profile.message_zh``): pattern of the English message -> Chinese, ``{1}``… its groups.
_ZH: list[tuple[str, str]] = [
    (r"no page or resource at (.*)", "没有这个页面或资源：{1}"),
    (r"the query is longer than (\d+) characters", "检索词超过 {1} 个字符的上限，请缩短后再试"),
    (r"(\d+) characters", "{1} 个字符"),
    (r"(\w+) is not allowed on (.*)", "{2} 不接受 {1} 请求"),
    (r"request body larger than the limit of (\d+) bytes", "请求内容超过 {1} 字节的上限"),
    (r"(.*) bytes, limit (\d+) \(MAX_CONTENT_LENGTH\)", "{1} 字节，上限 {2} 字节"),
    (r"a form field is larger than (\d+) bytes or the form has more than (\d+) parts",
     "表单中有一项超过 {1} 字节，或表单超过 {2} 项"),
    (r"more than (\d+) parameters in the (.*)", "参数超过 {1} 个"),
    (r"the query string is longer than the limit of (\d+) bytes", "网址参数超过 {1} 字节的上限"),
    (r"a value is longer than the limit of (\d+) characters", "有一项内容超过 {1} 个字符的上限"),
    (r"(\d+) characters, limit (\d+) \((\w+)\)", "{1} 个字符，上限 {2} 个"),
    (r"(\d+) parameters, limit (\d+) \((\w+)\)", "{1} 个参数，上限 {2} 个"),
    (r"choose a CSV, JSON or JSON Lines file of mine profiles", "请选择矿山清单文件（CSV、XLSX、JSON 或 JSON Lines）"),
    (r"no file uploaded", "没有上传文件"),
    (r"(.*): not UTF-8 or GB18030 text", "{1}：不是 UTF-8 或 GB18030 编码的文本"),
    (r"cannot decode the file", "无法读取文件的编码"),
    (r"(.*): more than (\d+) mine profiles in one upload; split the file", "{1}：一次最多上传 {2} 座矿山，请拆分文件"),
    (r"limit is (\d+) records", "上限 {1} 条记录"),
    (r"(.*): not a readable XLSX workbook.*", "{1}：无法读取的 XLSX 工作簿"),
    (r"(.*): the file is empty.*", "{1}：文件是空的"),
    (r"(.*): no CSV header.*", "{1}：缺少表头；第一行须写明各列字段（如 矿山编号、省级行政区）"),
    (r"(.*): the CSV header has no 'id' column.*", "{1}：表头中没有“矿山编号”（id）列，它是必填项"),
    (r"(.*): invalid CSV at line (\d+): (.*)", "{1}：第 {2} 行不是有效的 CSV：{3}"),
    (r"(.*): invalid JSON at line (\d+), column (\d+): (.*)", "{1}：第 {2} 行第 {3} 列不是有效的 JSON：{4}"),
    (r"(.*): the JSON array is empty.*", "{1}：JSON 数组是空的，至少需要一座矿山"),
    (r"(.*): expected a JSON object or an array of objects, got (\w+)", "{1}：应为 JSON 对象或对象数组"),
    (r"the form has expired or did not come from this site; reload the page and send it again",
     "表单已过期或并非来自本站，请刷新页面后重新提交"),
    (r"missing or wrong CSRF token", "缺少或错误的表单校验码"),
    (r"as_of must be a date \(YYYY-MM-DD\)", "as_of 须为日期（YYYY-MM-DD）"),
    (r"not a date: (.*)", "不是日期：{1}"),
    (r"each change must read field=value", "每项改变须写成 字段=取值"),
    (r"not field=value: (.*)", "不是 字段=取值 的形式：{1}"),
    (r"unknown (document|clause|concept|rule) id", "没有这个编号"),
    (r"no document '(.*)' in the knowledge base", "知识库中没有编号为“{1}”的文件"),
    (r"no clause '(.*)' in the knowledge base", "知识库中没有编号为“{1}”的条款"),
    (r"no concept '(.*)' in the knowledge base", "知识库中没有编号为“{1}”的概念"),
    (r"no rule '(.*)' in the knowledge base", "知识库中没有编号为“{1}”的规则"),
    (r"unknown province", "不是省级行政区"),
    (r"internal error; the server log has the details", "服务器内部错误，详情已记入服务器日志"),
    (r"bad request", "请求有误"),
    (r"not found", "未找到"),
    (r"request too large", "请求内容过大"),
    (r"invalid mine profile", "矿山信息有误"),
]


def message_zh(message: str, field: str | None = None) -> str:
    """The Chinese of an error message of the web UI or the profile checks (the message itself if none)."""
    import re

    from advisor.profile import message_zh as profile_zh

    for pattern, zh in _ZH:
        m = re.fullmatch(pattern, message, re.S)
        if m:
            return re.sub(r"\{(\d)\}", lambda x: m.group(int(x.group(1))) or "", zh)
    if "; " in message and ("record " in message or "input" in message):  # a ProfileError's summary
        return "；".join(message_zh(part, field) for part in message.split("; "))
    summary = re.fullmatch(r"(?:record (.*?)|input)(?:, field '(.*?)')?: (.*)", message, re.S)
    if summary:
        where = f"记录 {summary.group(1)}" if summary.group(1) else "输入"
        fld = summary.group(2)
        return f"{where}{('，字段 ' + fld) if fld else ''}：{profile_zh(summary.group(3), fld)}"
    return profile_zh(message, field)


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
