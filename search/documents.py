"""The documents of an index: cards for 文号 and title queries, articles by number, citation labels.

``build_index`` writes ``documents.json`` beside the clause index: one entry per
document (its metadata, its folded title, its 文号 key, the index number of its
first clause and of each 第N条). The searcher answers from it

* a **document card** when a query is the document's 文号 or its title (or holds
  it: 土地复垦条例第三条), so the document itself comes before clauses that merely
  mention it;
* **the article asked for** (土地复垦条例第三条, 国务院令第592号第三条): that clause
  first, ahead of its own items and of clauses citing it.

Clause labels (``clause_label``, from ``corpus.citation_label``) are how a
citation names a clause: 第三条, 二、（一）, 要点3 — never the clause id.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from corpus.citation_label import NUMERAL, clause_label, heading_label  # noqa: F401  (re-exported for the web pages)
from corpus.model import Clause, Document
from corpus.numbering import cn_to_int
from search.analysis import doc_number_key, find_doc_numbers, fold

DOCUMENTS_FILE = "documents.json"
_NUMERAL = NUMERAL
_ARTICLE_RE = re.compile(rf"^\s*第({_NUMERAL})条")
_POINT_RE = re.compile(r"^\s*要点\s*(\d+)")
_ASKED_ARTICLE_RE = re.compile(rf"第\s*({_NUMERAL})\s*条|要点\s*(\d+)")
_TITLE_STRIP_RE = re.compile(r"[《》〈〉\s\"“”]")
MIN_TITLE_CHARS = 4        # a shorter title (法, 条例) is no evidence of the document being meant
CONTAINED_SHARE = 0.7      # a query inside a title must be at least this share of it to name the document


def cn_number(text: str) -> int | None:
    """三 → 3, 十二 → 12, 四十四 → 44, 一百零三 → 103, 12 → 12; None when not a numeral."""
    try:
        return cn_to_int(text.strip())
    except ValueError:
        return None


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", fold(text or ""))


def is_heading_only(clause: Clause) -> bool:
    """A chapter or section heading indexed as a clause: its text is its own title (第四章 土地复垦验收)."""
    text = clause.text.strip()
    return bool(text) and len(text) <= 60 and bool(clause.heading) and clause.heading.strip().endswith(text)


def title_key(title: str) -> str:
    return _TITLE_STRIP_RE.sub("", fold(title or ""))


@dataclass
class DocEntry:
    id: str
    title: str
    number: str | None
    issuer: str
    level: str
    tier: str
    status: str
    content: str
    region: str
    issued: str | None
    in_force_from: str | None
    in_force_until: str | None
    source: str
    clauses: int
    first: int | None                       # index number of its first clause
    indexed: int = 0                        # its clauses in the index (numbered first, first + 1, …)
    lead: int | None = None                 # its first provision (not a chapter heading): leads a 文号 query
    articles: dict[str, int] = field(default_factory=dict)   # "3" → index number of 第三条 (or 要点3)
    title_key: str = ""
    number_key: str | None = None

    def card(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("id", "title", "number", "issuer", "level", "tier", "status", "content",
                                              "region", "issued", "in_force_from", "in_force_until", "clauses")}


def document_entries(documents: dict[str, Document], status_of, tier_of) -> list[dict[str, Any]]:
    """One entry per document, clause index numbers counted in ``search.index.iter_records``' order."""
    out = []
    docnum = 0
    for doc_id in sorted(documents):
        doc = documents[doc_id]
        first, lead, articles, indexed = None, None, {}, 0
        for clause in doc.clauses:
            if not clause.text.strip():     # not indexed (search.index.iter_records)
                continue
            if first is None:
                first = docnum
            if lead is None and not is_heading_only(clause):
                lead = docnum
            indexed += 1
            m = _ARTICLE_RE.match(clause.heading or "") or _POINT_RE.match(clause.heading or "")
            if m:
                n = cn_number(m.group(1))
                if n is not None and str(n) not in articles:
                    articles[str(n)] = docnum
            docnum += 1
        out.append({
            "id": doc.id, "title": doc.title, "number": doc.number, "issuer": doc.issuer, "level": doc.level,
            "tier": tier_of(doc), "status": status_of(doc), "content": doc.content or "", "region": doc.region,
            "issued": doc.issued, "in_force_from": doc.in_force_from, "in_force_until": doc.in_force_until,
            "source": doc.source, "clauses": len(doc.clauses), "first": first, "indexed": indexed,
            "lead": lead if lead is not None else first,
            "articles": articles,
            "title_key": title_key(doc.title), "number_key": doc_number_key(doc.number),
        })
    return out


class DocumentTable:
    """``documents.json`` loaded: find the documents a query names, and the article it asks for."""

    def __init__(self, entries: Iterable[dict[str, Any]]) -> None:
        self.entries = [DocEntry(**e) for e in entries]
        self.by_number: dict[str, list[DocEntry]] = {}
        self.by_raw_number: dict[str, list[DocEntry]] = {}   # numbers no 文号 pattern reads (平成14年法律第148号)
        for e in self.entries:
            if e.number_key:
                self.by_number.setdefault(e.number_key, []).append(e)
            if e.number:
                self.by_raw_number.setdefault(_squeeze(e.number), []).append(e)

    def named(self, query: str) -> list[tuple[DocEntry, int]]:
        """(document, closeness) for the documents the query names by 文号 or title, closest first.

        Closeness 0: the query is its 文号 or its exact title; 1: the query holds its title
        (土地复垦条例第三条); 2: the query is most of its title. Official texts before digests.
        """
        folded = fold(query or "")
        found: list[DocEntry] = []
        for _, _, keys in find_doc_numbers(folded):
            for k in keys:
                found += [e for e in self.by_number.get(k, []) if e not in found]
        found += [e for e in self.by_raw_number.get(_squeeze(folded), []) if e not in found]
        n_numbered = len(found)
        q = title_key(folded)
        q_bare = _ASKED_ARTICLE_RE.sub("", q)
        if len(q_bare) >= MIN_TITLE_CHARS:
            for e in self.entries:
                t = e.title_key
                if len(t) < MIN_TITLE_CHARS or e in found:
                    continue
                if t == q_bare or t in q or (q_bare in t and len(q_bare) >= CONTAINED_SHARE * len(t)):
                    found.append(e)
        # the 文号 or the exact title first, then a title the query holds, then a title holding the query;
        # among equals the official text before a digest
        def closeness(e: DocEntry) -> int:
            if e in by_number or e.title_key == q_bare:
                return 0
            return 1 if e.title_key in q else 2
        by_number = list(found[:n_numbered])
        ranked = sorted(found, key=lambda e: (closeness(e), e.content not in ("official", ""), -len(e.title_key)))
        return [(e, closeness(e)) for e in ranked]

    @staticmethod
    def without_article(query: str) -> str:
        """The query without the article it asks for (土地复垦条例第三条 → 土地复垦条例)."""
        return _ASKED_ARTICLE_RE.sub(" ", fold(query or "")).strip()

    @staticmethod
    def asked_article(query: str) -> str | None:
        """"3" for 土地复垦条例第三条 (or 要点3); None when the query asks for no article."""
        m = _ASKED_ARTICLE_RE.search(fold(query or ""))
        if not m:
            return None
        n = cn_number(m.group(1)) if m.group(1) else int(m.group(2))
        return str(n) if n else None
