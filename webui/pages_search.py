"""Home page and search results."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request

from webui.errors import APIError, detail
from webui.render import render
from webui.state import current_kb

bp = Blueprint("search", __name__)

# Filters the search stage understands, as query parameters of /search and /api/search.
FILTERS = ("level", "tier", "region", "issuer", "status", "clause_type", "concept", "year", "year_from", "year_to")
SORTS = ("relevance", "date", "level")


def search_filters(args) -> dict[str, Any]:
    """The filters of a request: repeated parameters become lists, years become integers."""
    filters: dict[str, Any] = {}
    for name in FILTERS:
        values = [v for v in args.getlist(name) if v.strip()]
        if not values:
            continue
        if name in ("year_from", "year_to"):
            try:
                filters[name] = int(values[0])
            except ValueError:
                raise APIError(400, f"{name} must be a year", [detail(f"not a year: {values[0]!r}", name)]) from None
        else:
            filters[name] = values if len(values) > 1 else values[0]
    return filters


def sort_param() -> str:
    """The ``sort`` parameter: relevance (default), date (newest first) or level (strongest tier first)."""
    sort = request.args.get("sort") or "relevance"
    if sort not in SORTS:
        raise APIError(400, f"sort must be one of {', '.join(SORTS)}", [detail(f"not a sort: {sort!r}", "sort")])
    return sort


def run_search(query: str, limit: int, offset: int, filters: dict[str, Any]) -> dict[str, Any]:
    """Call the search stage, after checking the HTTP input the stage cannot see.

    An empty query with filters browses (every clause the filters allow).
    """
    max_len = current_app.config["MAX_QUERY_LENGTH"]
    if len(query) > max_len:
        raise APIError(400, f"the query is longer than {max_len} characters",
                       [detail(f"{len(query)} characters", "q")])
    return current_kb().searcher.search(query, limit=limit, offset=offset, filters=filters, sort=sort_param())


def int_param(name: str, default: int, minimum: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise APIError(400, f"{name} must be a whole number", [detail(f"not a number: {raw!r}", name)]) from None
    if not minimum <= value <= maximum:
        raise APIError(400, f"{name} must be between {minimum} and {maximum}",
                       [detail(f"out of range: {value}", name)])
    return value


@bp.get("/")
def home():
    kb = current_kb()
    documents = kb.documents
    data = {
        "documents": len(documents),
        "clauses": sum(len(d.clauses) for d in documents.values()),
        "rules": _rule_count(kb),
    }
    return render("home.html", data)


def _rule_count(kb) -> int | None:
    try:
        return len(kb.ruleset.rules)
    except ModuleNotFoundError:
        return None


@bp.get("/search")
def search():
    query = request.args.get("q", "").strip()
    size = current_app.config["SEARCH_PAGE_SIZE"]
    page = int_param("page", 1, 1, 1000)
    filters = search_filters(request.args)
    sort = sort_param()
    if not query and not filters:
        return render("search.html", {"query": "", "total": 0, "hits": [], "page": 1, "pages": 0,
                                      "filters": filters, "sort": sort})
    try:
        result = run_search(query, size, (page - 1) * size, filters)
    except _query_error() as exc:
        if request.args.get("format") == "json":
            raise
        return render("search.html", {"query": query, "total": 0, "hits": [], "page": 1, "pages": 0,
                                      "filters": filters, "sort": sort, "query_error": str(exc)}, status=400,
                      facet_link=_facet_link, page_link=_page_link, sort_link=_sort_link)
    total = int(result.get("total", 0))
    data = dict(result)
    data.update({"page": page, "pages": (total + size - 1) // size, "filters": filters, "page_size": size,
                 "sort": sort})
    return render("search.html", data, facet_link=_facet_link, page_link=_page_link, sort_link=_sort_link)


def _query_error():
    from search import QueryError

    return QueryError


def _facet_link(name: str, value: Any) -> str:
    """This search narrowed (or, if already set, widened) by one facet value."""
    from urllib.parse import urlencode

    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    if (name, str(value)) in pairs:
        pairs.remove((name, str(value)))
    else:
        pairs.append((name, str(value)))
    return "/search?" + urlencode(pairs)


def _sort_link(sort: str) -> str:
    """This search in another order (back to its first page)."""
    from urllib.parse import urlencode

    pairs = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "sort")]
    return "/search?" + urlencode([*pairs, *([("sort", sort)] if sort != "relevance" else [])])


def _page_link(page: int) -> str:
    from urllib.parse import urlencode

    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    return "/search?" + urlencode([*pairs, ("page", str(page))])
