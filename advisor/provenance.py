"""Clause provenance and concept labels, resolved once and shared by every advice.

Every reason of an advice cites clauses as the contract's SOURCE objects.
They are built from the knowledge base once per clause id and then reused (the
same dict object), which keeps a 20,000-mine batch cheap. A clause id that
does not resolve is an error: advice never cites a source the user cannot read.
"""
from __future__ import annotations

import importlib
from typing import Any, Iterable

import orjson

from corpus.citation_label import clause_label


class UnresolvedSourceError(LookupError):
    """A rule or an advisor datum cites a clause id missing from the knowledge base."""


def official_source(doc: Any) -> str:
    """The official document a digest restates, as a reader would look it up: 《title》（文号，issuer，date）."""
    title = doc.title.strip()
    if not title.startswith("《"):
        title = f"《{title}》"
    details = [x for x in (doc.number, doc.issuer, doc.issued) if x]
    return title + (f"（{'，'.join(details)}）" if details else "")


class SourceResolver:
    """clause id -> the contract's SOURCE object, cached."""

    def __init__(self, kb: Any) -> None:
        self.kb = kb
        self._one: dict[str, dict[str, Any]] = {}
        self._many: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        self._refs: dict[tuple[str, ...], orjson.Fragment] = {}

    def source(self, clause_id: str, cited_by: str = "") -> dict[str, Any]:
        hit = self._one.get(clause_id)
        if hit is not None:
            return hit
        found = self.kb.clause(clause_id)
        if found is None:
            by = f" (cited by {cited_by})" if cited_by else ""
            raise UnresolvedSourceError(f"source clause {clause_id!r}{by} is not in the knowledge base")
        doc, clause = found
        title = doc.title.strip()
        if not title.startswith("《"):
            title = f"《{title}》"
        hit = {
            "doc_id": doc.id,
            "doc_title": title,
            "doc_number": doc.number or None,
            "issuer": doc.issuer,
            "clause_id": clause.id,
            "clause_text": clause.text,
            # optional fields beyond the contract: whether the document's facts are
            # confirmed (facts.md "U" facts are not), and its in-force status
            "verified": bool(doc.verified),
            "doc_status": doc.status,
            # second version of the contract: binding force, and where in the text the clause is
            "tier": getattr(doc, "binding_tier", None) or "research",
            "binding": bool(getattr(doc, "binding", False)),
            "clause_label": clause_label(clause) or clause.heading or None,   # 第三条（一）, 要点3: what to look up
        }
        content = getattr(doc, "content", None)
        if content:
            hit["official_text"] = content == "official"
            hit["content"] = content
        if content and content != "official":
            # the clause text is the project's restatement: every view says so, naming the document it restates
            official = "官方原文" if hit["binding"] else "原文"
            hit["official_source"] = official_source(doc)
            hit["text_label_zh"] = f"本库转述，非{official}" if content == "digest" else f"仅有标题，非{official}"
            hit["text_label_en"] = "minekb's digest, not the original text" if content == "digest" \
                else "title only, not the original text"
            hit["text_note_zh"] = f"{hit['text_label_zh']}；{official}：{hit['official_source']}"
            hit["text_note_en"] = f"{hit['text_label_en']}; the original: {hit['official_source']}"
        self._one[clause_id] = hit
        return hit

    def ref(self, clause_ids: Iterable[str], cited_by: str = "") -> orjson.Fragment:
        """The same clause list as ``sources``, serialized once, for output only (``Advisor.dumps``).

        The clause texts are most of an advice's bytes and recur across a
        batch: as a pre-serialized fragment they are escaped once per process.
        """
        key = tuple(clause_ids)
        hit = self._refs.get(key)
        if hit is None:
            hit = self._refs[key] = orjson.Fragment(orjson.dumps(self.sources(key, cited_by)))
        return hit

    def sources(self, clause_ids: Iterable[str], cited_by: str = "") -> list[dict[str, Any]]:
        key = tuple(clause_ids)
        hit = self._many.get(key)
        if hit is None:
            if not key:
                raise UnresolvedSourceError(f"{cited_by or 'a reason'} cites no clause; every reason needs one")
            hit = [self.source(cid, cited_by) for cid in dict.fromkeys(key)]
            self._many[key] = hit
        return hit


class Labels:
    """Concept id -> {"zh", "en"} from the ontology (``ontology.labels.labels``), cached.

    Until the ontology stage is present in a checkout, a concept's label is its
    id (never an invented text); ``missing`` lists ids the ontology did not know,
    so a test can require every concluded value to be a real concept.
    """

    def __init__(self) -> None:
        self._cache: dict[str, dict[str, str]] = {}
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self.missing: set[str] = set()
        try:
            self._fn = importlib.import_module("ontology.labels").labels
        except ModuleNotFoundError as exc:
            if exc.name not in ("ontology", "ontology.labels"):
                raise
            self._fn = None

    def __call__(self, concept_id: str) -> dict[str, str]:
        hit = self._cache.get(concept_id)
        if hit is not None:
            return hit
        got: dict[str, Any] | None = None
        if self._fn is not None:
            try:
                got = self._fn(concept_id)
            except (KeyError, LookupError, ValueError):
                got = None
        if not got or not got.get("zh"):
            self.missing.add(concept_id)
            hit = {"zh": concept_id, "en": concept_id, "definition": "", "broader": []}
        else:
            hit = {"zh": got.get("zh") or concept_id, "en": got.get("en") or concept_id,
                   "definition": got.get("definition") or "", "broader": list(got.get("broader") or [])}
        self._cache[concept_id] = hit
        return hit

    def ancestors(self, concept_id: str) -> tuple[str, ...]:
        """Every broader concept, nearest first (skos:broader is followed transitively), cached."""
        hit = self._ancestors.get(concept_id)
        if hit is None:
            hit = self._ancestors[concept_id] = tuple(self._walk_up(concept_id))
        return hit

    def _walk_up(self, concept_id: str) -> list[str]:
        out: list[str] = []
        queue = list(self(concept_id)["broader"])
        while queue:
            cur = queue.pop(0)
            if cur not in out and cur != concept_id:
                out.append(cur)
                queue.extend(self(cur)["broader"])
        return out
