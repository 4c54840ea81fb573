"""Link citations between documents: 《title》 and 文号 mentions -> document ids.

A citation's ``Mention.value`` is the cited document's id when it is in the
corpus, else its 文号 when one is known, else the title as written. 文号 are
known from the documents' metadata and from the texts themselves: a citation
followed by a parenthesized number, ``《…意见》（自然资规〔2019〕6号）``, teaches
that the title has that number, for every document of the corpus. Titles are
compared without the issuer prefix (``自然资源部关于…`` = ``关于…``), since
texts cite the same document both ways.

Every distinct resolved citation also becomes a relation of the citing
document: ``cites``, or what the citing sentence of a policy text says —
``repeals`` (《…》同时废止), ``amends`` (对《…》作如下修改), ``based_on``
(根据《…》…制定本办法), ``implements`` (贯彻落实《…》). Papers only ``cite``.
Inferred relations carry their own notes, so explicit relations from front
matter are never touched and win for the same target.
"""
from __future__ import annotations

import re

from corpus.metadata import DOC_NUMBER_RE, normalize_number
from corpus.model import Document, Relation
from corpus.normalize import match_key

CITES_NOTE = "inferred: cited in the text"
RELATION_NOTE = "inferred from the citing sentence"
INFERRED_NOTES = (CITES_NOTE, RELATION_NOTE)
_NUMBER_AFTER_RE = re.compile(r"\s*[（(]\s*(?:[^（）()]*?[，,；;]\s*)?(" + DOC_NUMBER_RE.pattern + r")")


def title_key(title: str) -> str:
    """Comparable form of a title: match key, no spaces or quotes, issuer prefix before 关于 dropped."""
    key = re.sub(r"[\s《》“”\"]", "", match_key(title))
    pos = key.find("关于")
    return key[pos:] if 0 < pos <= 40 else key


_VERSION_NOTE_RE = re.compile(r"[（(][^（）()]*(?:修订|修正|修改)[^（）()]*[）)]$")


def _registry(documents: dict[str, Document]) -> tuple[dict[str, str], dict[str, str], dict[str, str],
                                                        dict[str, list[tuple[str, str]]]]:
    """(title key -> doc id, 文号 -> doc id, title key -> 文号 learned from texts, versions).

    A title carrying a version note (中华人民共和国矿产资源法（2024年修订）) is also registered without it, under
    ``versions`` (title key -> [(issued, doc id)]): a citation of the bare title is the version in force when
    the citing document was issued (``resolve_title``)."""
    by_title: dict[str, str] = {}
    by_number: dict[str, str] = {}
    learned: dict[str, str] = {}
    versions: dict[str, list[tuple[str, str]]] = {}
    for doc in sorted(documents.values(), key=lambda d: d.id):
        by_title.setdefault(title_key(doc.title), doc.id)
        bare = _VERSION_NOTE_RE.sub("", doc.title or "")
        if bare != doc.title and doc.issued:
            versions.setdefault(title_key(bare), []).append((str(doc.issued), doc.id))
        if doc.number:
            by_number.setdefault(normalize_number(doc.number), doc.id)
            learned.setdefault(title_key(doc.title), normalize_number(doc.number))
    for doc in sorted(documents.values(), key=lambda d: d.id):
        for clause in doc.clauses:
            for mention in clause.mentions:
                if mention.kind != "citation":
                    continue
                m = _NUMBER_AFTER_RE.match(clause.text, mention.end)
                if m:
                    learned.setdefault(title_key(mention.text), normalize_number(m.group(1)))
    return by_title, by_number, learned, versions


def resolve_title(title: str, by_title: dict[str, str], by_number: dict[str, str], learned: dict[str, str],
                  versions: dict[str, list[tuple[str, str]]] | None = None, issued: str | None = None) -> str:
    key = title_key(title)
    if key in by_title:
        return by_title[key]
    dated = sorted((versions or {}).get(key) or [])
    if dated:            # the version issued last on or before the citing document (the earliest if none)
        before = [doc_id for when, doc_id in dated if issued and when[:len(issued)] <= issued]
        return before[-1] if before else (dated[-1][1] if not issued else dated[0][1])
    number = learned.get(key)
    if number:
        return by_number.get(number, number)
    return re.sub(r"\s+", "", title.strip("《》"))


def link_citations(new: dict[str, Document], stored: dict[str, Document]) -> set[str]:
    """Resolve citations of ``new`` and re-resolve ``stored``; return stored ids that changed."""
    everything = {**stored, **new}
    by_title, by_number, learned, versions = _registry(everything)
    changed = set()
    for doc_id, doc in everything.items():
        before = _snapshot(doc)
        _link_document(doc, by_title, by_number, learned, versions, set(everything))
        if doc_id in stored and _snapshot(doc) != before:
            changed.add(doc_id)
    return changed


def _snapshot(doc: Document) -> tuple:
    return (tuple((m.kind, m.value) for c in doc.clauses for m in c.mentions),
            tuple((r.type, r.target, r.note) for r in doc.relations))


def _link_document(doc: Document, by_title, by_number, learned, versions, doc_ids: set[str]) -> None:
    cited: dict[str, str] = {}            # target -> relation type (cites unless the sentence says more)
    for clause in doc.clauses:
        for mention in clause.mentions:
            if mention.kind == "citation":
                mention.value = resolve_title(mention.text, by_title, by_number, learned, versions, doc.issued)
                target = mention.value
            elif mention.kind == "doc_number" and mention.value == doc.number:
                continue                      # a document does not cite its own 文号
            elif mention.kind == "doc_number" and mention.value in by_number:
                target = by_number[mention.value]
            else:
                continue
            if target == doc.id:
                continue
            kind = "cites" if doc.level == "research" else _relation_in_sentence(clause.text, mention)
            if cited.get(target, "cites") == "cites":
                cited[target] = kind
    explicit = [r for r in doc.relations if r.note not in INFERRED_NOTES]
    known = {r.target for r in explicit}        # an explicit relation already says more than an inferred one
    doc.relations = explicit + [Relation(kind, t, CITES_NOTE if kind == "cites" else RELATION_NOTE)
                                for t, kind in cited.items()
                                if t not in known and (t in doc_ids or _is_number(t) or kind in _KEPT_UNRESOLVED)]


# What a policy text says about a document it cites: (relation, pattern before the title, pattern after it),
# matched within the citing sentence.
_RELATION_CUES: list[tuple[str, re.Pattern[str] | None, re.Pattern[str] | None]] = [
    # 《A》…同时废止, also the first of a list of titles each described before it is repealed:
    # ``1986年…通过的《A》，1987年…发布的《B》和…《C》同时废止``
    ("repeals", None, re.compile(r"^(?:[^。；《》]{0,60}《[^》]*》)*[^。；《》]{0,12}?(?:同时|予以|即行)?废止")),
    ("amends", re.compile(r"对$"), re.compile(r"^[^。；]{0,6}作(?:如下|以下)?修改")),
    ("based_on", re.compile(r"(?:根据|依据|依照)[^。；]{0,80}$"), re.compile(r"^[^。]{0,80}制定")),
    ("implements", re.compile(r"(?:贯彻落实|贯彻|落实)[^。；]{0,10}$"), None),
]


def _relation_in_sentence(text: str, mention) -> str:
    """repeals / amends / based_on / implements when the citing sentence says so, else cites."""
    start = max(text.rfind(mark, 0, mention.start) for mark in "。；\n") + 1
    ends = [pos for pos in (text.find(mark, mention.end) for mark in "。；\n") if pos >= 0]
    before, after = text[start:mention.start], text[mention.end:min(ends) + 1 if ends else len(text)]
    for kind, before_re, after_re in _RELATION_CUES:
        if (before_re is None or before_re.search(before)) and (after_re is None or after_re.search(after)):
            return kind
    return "cites"


# what a text says it does to a document outside the corpus is still a fact about this document
_KEPT_UNRESOLVED = ("repeals", "amends")


def _is_number(value: str) -> bool:
    return bool(DOC_NUMBER_RE.fullmatch(value))
