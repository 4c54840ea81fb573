"""How a citation names a clause: 第三条, 第三条（一）, 第二部分（一）第2段, 要点3, 附件1第二条 — never its id.

Shared by search hits, the document and clause pages and the advisor's SOURCE
records (``clause_label``), so an official reads the same label everywhere.
"""
from __future__ import annotations

import re

from corpus.model import Clause

NUMERAL = r"[零〇一二两三四五六七八九十百千\d]+"
LABEL_RE = re.compile(
    rf"^\s*(第{NUMERAL}[编章节条款项]|要点\s*\d+|附件\s*\d*|[一二三四五六七八九十百]+、|[（(]{NUMERAL}[）)]|\d+(?:\.\d+)*[.、．]?(?=\s|$))")


def heading_label(heading: str) -> str:
    """The numbering at the head of a heading: 第三条, 二、, （一）, 要点3 ('' when none)."""
    m = LABEL_RE.match(heading or "")
    return re.sub(r"\s+", "", m.group(1)) if m else ""


def clause_label(clause: Clause) -> str:
    """How a citation names the clause: from its article down (第三条（一）), else every level's number.

    A paragraph without a heading of its own is named by its place (第2段).
    """
    # a part numbered 一、 is cited as 第一部分 (一、 alone reads as a fragment)
    labels = [f"第{lab[:-1]}部分" if lab.endswith("、") else lab for lab in map(heading_label, clause.heading_path)]
    start = max((i for i, lab in enumerate(labels) if lab.endswith("条") or lab.startswith("要点")), default=0)
    parts = [lab for lab in labels[start:] if lab]
    last = clause.path.rsplit("__", 1)[-1]
    if last.startswith("para_") and last[5:].isdigit():
        parts.append(f"第{last[5:]}段")
    first = clause.path.split("__", 1)[0]
    if first.startswith("annex_") and first[6:].isdigit() and not any(p.startswith("附件") for p in parts):
        parts.insert(0, f"附件{first[6:]}")     # an attachment's own numbering restarts: name the attachment
    return "".join(parts)
