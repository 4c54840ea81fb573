"""The official text of a document supersedes the project's digest of it, under the digest's id.

The bundled records are digests (``content: digest``): the project's restatement
of a document's provisions. When a user ingests the document itself — the same
文号, or the same title and issuer — it takes the digest's place under the same
document id, so every rule source ``<doc_id>~art_N`` now resolves to the
official article N (``minekb rules check`` then verifies each source's anchor,
see rules/anchors.py). The curated metadata of the digest (title — which may
name the revision, as 矿产资源法（2024年修订） does —, level, tier, region,
status, relations, summary) is kept where the official file does not state its
own in a sidecar or front matter; 文号, issuer and dates read from the file win,
the digest's filling only what the file does not give — except an issued or in-force date earlier than
the digest's: the text that supersedes a digest is its version or a later one, so such a date belongs to
an earlier version (an amendment line the reader did not understand), and the digest's date is kept.
Among several digests of one title (矿产资源法 1996/2009 and 2024), a text is the version issued last
before it.

Only a digest numbered as the official text (第N条 …) gives way; a digest
numbered by its own points (要点N: the official numbering was not known) stays,
and the official text is added beside it under an id of its own — its
citations would otherwise point nowhere.

The reverse never happens: re-ingesting the bundled digest (a refresh of the
bundled knowledge) leaves an official text of the same id in place.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any

from corpus import store
from corpus.model import Document, clause_id

DIGESTS = ("digest", "title_only")
_BRACKETS = str.maketrans({c: "[" for c in "〔［（(【"} | {c: "]" for c in "〕］）)】"})
_TITLE_NOISE = re.compile(r"[《》〈〉\"“”'‘’\s]")
_VERSION = re.compile(r"\([^()]*(?:修订|修正|修改)[^()]*\)$")
_ISSUER_ALIASES = {"全国人大常委会": "全国人民代表大会常务委员会"}
# metadata a digest's curator decided, kept unless the official file states its own (sidecar or front matter)
CURATED = ("title", "level", "tier", "region", "status", "relations", "summary", "verified")
# metadata the official file gives when it can be read from it; the digest's value fills a gap
READ = ("number", "issuer", "issued", "in_force_from", "in_force_until")
# dates of the digest's version: a file superseding it cannot be older, so an earlier date read from it is misread
EARLIER_IS_MISREAD = ("issued", "in_force_from")


def number_key(number: str | None) -> str:
    """A 文号 folded for comparison: 国务院令第592号 = 国务院令592号, 〔2019〕 = [2019] = (2019)."""
    if not number:
        return ""
    text = unicodedata.normalize("NFKC", number).translate(_BRACKETS)
    return re.sub(r"\s+|第", "", text).lower()


def title_key(title: str) -> str:
    """A title folded for comparison: no quotes, spaces, 中华人民共和国 prefix or version note (（2024年修订）)."""
    text = _TITLE_NOISE.sub("", unicodedata.normalize("NFKC", title or ""))
    return _VERSION.sub("", text).removeprefix("中华人民共和国")


def issuer_keys(issuer: str) -> set[str]:
    parts = re.split(r"[、,，;；\s]+", unicodedata.normalize("NFKC", issuer or ""))
    return {_ISSUER_ALIASES.get(p, p) for p in parts if p}


def numbered_as_official(digest: Document) -> bool:
    """Does the digest number its clauses as the official text does (第N条, 一、（一）), not by its own points (要点N)?

    Only such a digest can give way to the official text without its citations changing meaning; a digest
    numbered by points stays, and the official text is stored beside it under an id of its own.
    """
    return not any(c.path.split("__", 1)[0].startswith("pt_") for c in digest.clauses)


def is_official(document: Document) -> bool:
    """A document that may supersede a digest: not itself a digest or title-only record."""
    return document.content not in DIGESTS


class Superseder:
    """Finds the digest an ingested official text supersedes, among stored documents and the batch so far."""

    def __init__(self, gen_dir: Path, manifest: dict[str, dict[str, Any]]) -> None:
        self.gen_dir = Path(gen_dir)
        self.manifest = manifest
        self._stored: dict[str, Document] | None = None
        self.batch: dict[str, Document] = {}

    def stored(self) -> dict[str, Document]:
        if self._stored is None:
            self._stored = store.load_documents(self.gen_dir) if self.manifest else {}
        return self._stored

    def _candidates(self) -> dict[str, Document]:
        docs = {i: d for i, d in self.stored().items() if i in self.manifest}
        docs.update(self.batch)
        return {i: d for i, d in docs.items() if d.content in DIGESTS}

    def note(self, document: Document) -> None:
        """Remember a document of this batch (a digest among them may be superseded later in the batch)."""
        self.batch[document.id] = document
        if self._stored is not None and document.id in self._stored and document.content not in DIGESTS:
            self._stored[document.id] = document

    def digest_for(self, document: Document) -> Document | None:
        """The digest ``document`` is the official text of, or None (none, or not decidable between several)."""
        if not is_official(document):
            return None
        digests = self._candidates()
        if document.id in digests:
            return digests[document.id]
        key = number_key(document.number)
        if key:
            hits = [d for d in digests.values() if number_key(d.number) == key]
            if len(hits) == 1:
                return hits[0]
            if hits:
                return None
        tkey = title_key(document.title)
        if not tkey:
            return None
        hits = [d for d in digests.values() if title_key(d.title) == tkey and not (d.number and document.number)]
        issuers = issuer_keys(document.issuer)
        if issuers:
            hits = [d for d in hits if issuer_keys(d.issuer) & issuers]
        if len(hits) > 1 and document.issued:
            same = [d for d in hits if d.issued and (d.issued == document.issued or
                                                    (len(d.issued) == 4 and document.issued.startswith(d.issued)))]
            # else the version in force when this text was issued: the latest digest issued before it
            # (a 2009 amended text of 矿产资源法 is the 1996/2009 digest's, not the 2024 revision's)
            earlier = sorted((d for d in hits if d.issued and d.issued[:len(document.issued)] <= document.issued),
                             key=lambda d: d.issued)
            hits = same or earlier[-1:]
        return hits[0] if len(hits) == 1 else None

    def official_holding(self, document: Document) -> Document | None:
        """The official text already stored (or in the batch) under this digest's id: the digest must not replace it."""
        if is_official(document):
            return None
        held = self.batch.get(document.id) or (self.stored().get(document.id) if document.id in self.manifest else None)
        return held if held is not None and is_official(held) else None


def adopt(document: Document, digest: Document) -> Document:
    """``document`` (an official text) under the digest's id, its gaps filled by the digest's curated metadata."""
    origin = dict(document.metadata_origin)
    stated = {k for k, v in origin.items() if v in ("sidecar", "front_matter")}
    changes: dict[str, Any] = {"id": digest.id, "content": "official"}
    for name in CURATED:
        if name not in stated and getattr(digest, name) not in (None, "", [], "unknown"):
            changes[name] = getattr(digest, name)
            origin[name] = "superseded_digest"
    for name in READ:
        if not getattr(document, name) and getattr(digest, name):
            changes[name] = getattr(digest, name)
            origin[name] = "superseded_digest"
        elif name in EARLIER_IS_MISREAD and name not in stated and getattr(digest, name) \
                and getattr(document, name) and getattr(document, name) < getattr(digest, name):
            # the text the digest restates is at least as recent as the digest: an earlier date read from
            # the file is an earlier version's (an amendment line not understood), not this text's
            changes[name] = getattr(digest, name)
            origin[name] = f"superseded_digest (the file gave {getattr(document, name)})"
    if "relations" in changes:
        changes["relations"] = [replace(r) for r in digest.relations]
    changes["metadata_origin"] = origin
    adopted = rename(replace(document, **changes), digest.id)
    if document.id != digest.id:
        adopted.metadata_origin["id"] = f"superseded_digest (read as {document.id})"
    return adopted


def kept_date_warnings(document: Document) -> list[str]:
    """A reading warning for each date ``adopt`` kept from the digest over an earlier one read from the file."""
    mark = "superseded_digest (the file gave "
    return [f"{name} {origin[len(mark):-1]} read from the file is earlier than the digest's "
            f"{getattr(document, name)}: probably an earlier version's date (an amendment line not understood); "
            "the digest's is kept"
            for name, origin in document.metadata_origin.items() if origin.startswith(mark)]


def beside_id(digest: Document) -> str:
    """The id of an official text stored beside a digest numbered by points (which keeps its own id)."""
    return f"{digest.id}-official"


def rename(document: Document, doc_id: str) -> Document:
    """The document under another id, every clause id and parent link following."""
    renamed = replace(document, id=doc_id)
    renamed.clauses = [replace(c, id=clause_id(doc_id, c.path), doc_id=doc_id,
                               parent=clause_id(doc_id, c.parent.split("~", 1)[1]) if c.parent else None)
                       for c in document.clauses]
    return renamed
