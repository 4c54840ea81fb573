"""Source anchors: the key words of the provision a rule encodes, checked against the cited clause.

A rule (or a legal-gate cell) cites clauses by id. An id alone cannot tell when
the text behind it changes — when the official text of a document supersedes
the project's digest under the same document id (``corpus/supersede.py``), its
articles are numbered as officially printed and ``art_3`` may now be another
provision. So each source carries an **anchor**: a few words of the provision
that occur in the official text and in the digest alike. In YAML a source is
written either as a bare clause id (no anchor: a warning) or with its anchor::

    sources: [cn-sc-order-592~art_3: 谁损毁谁复垦, cn-land-administration-law~art_43: 优先用于农业]
    sources:
      - {clause: cn-sc-order-592~art_3, anchor: 谁损毁谁复垦}

Several key words are joined with ``…`` (``历史遗留…县级以上人民政府``): each
must occur in the clause. Matching ignores punctuation, whitespace, full- and
half-width forms and case, so 谁损毁、谁复垦 and “谁损毁，谁复垦” both hold 谁损毁谁复垦.
``minekb rules check`` fails when a cited clause no longer contains its anchor
and names the rules to re-point.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

ANCHOR_SEP = re.compile(r"…+|\.{3,}")
MAX_ANCHOR_CHARS = 60      # an anchor is a few key words, not a copy of the provision


def parse_source(value: Any) -> tuple[str, str | None] | None:
    """A written source -> (clause id, anchor or None); None when it is neither form."""
    if isinstance(value, str):
        cid, sep, anchor = value.partition(": ")     # a quoted 'doc~path: key words'
        return (cid.strip(), anchor.strip()) if sep else (value.strip(), None)
    if isinstance(value, dict):
        if "clause" in value and set(value) <= {"clause", "anchor"}:
            cid, anchor = value.get("clause"), value.get("anchor")
        elif len(value) == 1:
            cid, anchor = next(iter(value.items()))
        else:
            return None
        if not isinstance(cid, str):
            return None
        if anchor is not None and not isinstance(anchor, str):
            anchor = str(anchor)
        return cid.strip(), (anchor.strip() if isinstance(anchor, str) else None)
    return None


def source_ids(values: Any) -> list[str]:
    """The clause ids of a ``sources`` value (a list in either form, or one id); unreadable items are left out."""
    if values is None:
        return []
    if not isinstance(values, list):
        values = [values]
    out = []
    for v in values:
        parsed = parse_source(v)
        if parsed is not None:
            out.append(parsed[0])
    return out


def anchor_problem(anchor: str) -> str | None:
    """Why an anchor as written cannot be checked (None when it can)."""
    parts = [normalize(p) for p in ANCHOR_SEP.split(anchor)]
    if not anchor.strip() or not all(parts):
        return "an anchor is a few key words of the provision (several joined with …), not empty"
    if len(anchor) > MAX_ANCHOR_CHARS:
        return f"an anchor is a few key words (at most {MAX_ANCHOR_CHARS} characters), not the provision itself"
    return None


def normalize(text: str) -> str:
    """Letters and digits only, width-folded and lower-cased: what anchor matching compares."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def holds(anchor: str, text: str) -> bool:
    """Does ``text`` contain every key word of ``anchor`` (punctuation and spacing ignored)?"""
    body = normalize(text)
    parts = [normalize(p) for p in ANCHOR_SEP.split(anchor)]
    return all(p and p in body for p in parts)


@dataclass(frozen=True)
class AnchorFinding:
    owner: str          # "rule <id>" or "legal gate cell <id>"
    where: str          # file:line
    clause_id: str
    anchor: str | None
    content: str        # the cited document's content (official / digest / "")

    def describe(self) -> str:
        if self.anchor is None:
            return (f"{self.where}: {self.owner}: field sources: {self.clause_id} has no anchor; write it as "
                    f"'{self.clause_id}: <key words of the provision>' so a change of the text behind the id is caught")
        text = "the official text" if self.content == "official" else "the text"
        return (f"{self.where}: {self.owner}: field sources: {self.clause_id} no longer contains its anchor "
                f"{self.anchor!r} ({text} behind this id changed, e.g. the official text superseded the digest): "
                f"re-point the rule to the clause that says it (find it with minekb search {self.anchor!r})")


def check_anchors(cited: Iterable[tuple[str, str, str, str | None]], kb: Any) -> tuple[list[AnchorFinding], list[AnchorFinding]]:
    """(broken, missing) anchors of ``(owner, where, clause id, anchor)`` citations.

    A citation whose clause does not resolve is reported elsewhere (an unresolved source), not here.
    Without a knowledge base (``rules check --no-kb``) sources are not checked at all, anchors neither.
    """
    broken: list[AnchorFinding] = []
    missing: list[AnchorFinding] = []
    if kb is None:
        return broken, missing
    for owner, where, cid, anchor in cited:
        found = kb.clause(cid) if kb is not None else None
        content = getattr(found[0], "content", "") if found else ""
        if anchor is None:
            missing.append(AnchorFinding(owner, where, cid, None, content))
        elif found is not None and not holds(anchor, clause_body(*found)):
            broken.append(AnchorFinding(owner, where, cid, anchor, content))
    return broken, missing


def clause_body(doc: Any, clause: Any) -> str:
    """The text a citation of ``clause`` covers: its own text and its items' (an article and its （一）…), not its heading."""
    prefix = f"{clause.path}__"
    parts = [clause.text] + [c.text for c in getattr(doc, "clauses", ()) if c.path.startswith(prefix)]
    return "\n".join(p for p in parts if p)
