"""Browsing pages: documents and their clauses, ontology concepts, rules, the admin upload."""
from __future__ import annotations

from flask import Blueprint, redirect, request

from corpus.model import split_clause_id
from search.documents import clause_label
from webui import browse_data
from webui.errors import APIError, detail
from webui.present import clause_url, document_detail, segments
from webui.render import render
from webui.state import current_kb

bp = Blueprint("browse", __name__)


@bp.get("/documents")
def documents():
    """Every document, filtered (level, tier, status, region, content), searched (title, 文号, issuer) and sorted."""
    return render("documents.html", browse_data.document_list(request.args), docs_link=_docs_link)


def _docs_link(name: str, value: str) -> str:
    """This document list with one filter value added (or, if already chosen, removed)."""
    from urllib.parse import urlencode

    pairs = [(k, v) for k, v in request.args.items(multi=True)]
    if (name, value) in pairs:
        pairs.remove((name, value))
    else:
        pairs.append((name, value))
    return "/documents?" + urlencode(pairs)


@bp.get("/documents/<doc_id>")
def document(doc_id: str):
    kb = current_kb()
    doc = kb.documents.get(doc_id)
    if doc is None:
        raise APIError(404, f"no document {doc_id!r} in the knowledge base", [detail("unknown document id", "doc_id")])
    data = document_detail(doc, kb.documents)
    data.update({"tier": doc.binding_tier, "content": doc.content or "", "official": browse_data.official_source(doc)})
    labels = {c.id: clause_label(c) for c in doc.clauses}
    return render("document.html", data, segments=segments, known_docs=kb.documents, labels=labels)


@bp.get("/clauses/<path:clause_id>")
def clause(clause_id: str):
    """The permanent link of a clause: redirects to the clause inside its document."""
    try:
        split_clause_id(clause_id)
    except ValueError as exc:
        raise APIError(404, str(exc), [detail("malformed clause id", "clause_id")]) from None
    if current_kb().clause(clause_id) is None:
        raise APIError(404, f"no clause {clause_id!r} in the knowledge base", [detail("unknown clause id", "clause_id")])
    return redirect(clause_url(clause_id), code=302)


@bp.get("/concepts")
def concepts():
    return render("concepts.html", browse_data.concept_index())


@bp.get("/concepts/<concept_id>")
def concept(concept_id: str):
    return render("concept.html", browse_data.concept_page(concept_id))


@bp.get("/models")
def models():
    return render("models.html", browse_data.model_hierarchy())


@bp.get("/rules")
def rules():
    region = request.args.get("region") or None
    return render("rules.html", browse_data.rule_index(region))


@bp.get("/rules/<rule_id>")
def rule(rule_id: str):
    return render("rule.html", browse_data.rule_page(rule_id), fact_labels=_fact_labels())


def _fact_labels() -> dict[str, str]:
    return dict(getattr(current_kb().ruleset, "fact_labels", {}) or {})
