"""Reading warnings: what may have gone wrong reading a file, said in words a user can act on.

``minekb ingest`` prints them per file, ``--json`` carries them and ``--strict``
refuses the whole batch when any file has one. A warning is raised when

* the title was taken from the file name (no title line was found);
* no 文号 was found in a document of a kind issued under one (通知, 意见, 决定, 批复, 函 …);
* no issuer was found in a policy document (a level other than research, or a title naming a policy kind);
* a clause is longer than ``LONG_CLAUSE`` characters (structure probably missed);
* a long text gave no numbered structure at all;
* the loader met Word's automatic numbering (and rendered it to the numbers Word shows).
"""
from __future__ import annotations

import re

LONG_CLAUSE = 3000           # characters; real articles and items are far shorter
NO_STRUCTURE_MIN = 1500      # a text this long with no numbered heading probably lost its structure
_POLICY_KINDS = re.compile(r"(?:法|条例|规定|办法|细则|意见|通知|决定|规划|方案|批复|函|公告|通告)(?:[（(][^）)]*[）)])?$")
_NUMBERED_KINDS = re.compile(r"(?:通知|意见|决定|批复|函|通报|公告|通告|方案)(?:[（(][^）)]*[）)])?$")


def reading_warnings(document, loaded, nodes) -> list[str]:
    warnings: list[str] = list(getattr(loaded, "notes", []) or [])
    origin = document.metadata_origin
    policy = document.level not in ("research", "foreign") or bool(_POLICY_KINDS.search(document.title or ""))
    if origin.get("title") == "file_name":
        warnings.append(f"title taken from the file name ({loaded.path.name}): no title line found; "
                        "give the title in front matter or a sidecar")
    if origin.get("title") == "file_properties":
        warnings.append(f"title taken from the file's title property ({document.title}): no title line found "
                        "in the text; check it")
    if policy and not document.number and _NUMBERED_KINDS.search(document.title or ""):
        warnings.append("no 文号 found, though a document of this kind is issued under one")
    if policy and not document.issuer:
        warnings.append("no issuer found (neither in the title block, the promulgation lines nor the signature)")
    for clause in document.clauses:
        if len(clause.text) > LONG_CLAUSE:
            warnings.append(f"clause {clause.path} has {len(clause.text):,} characters: its structure was "
                            "probably not recognized")
    text_chars = sum(len(c.text) for c in document.clauses)
    numbered = [n for n in nodes if n.style not in ("para", "annex")]
    if text_chars >= NO_STRUCTURE_MIN and not numbered:
        warnings.append(f"no structure found: {text_chars:,} characters read as plain paragraphs "
                        "(no 第N条, 一、, （一） or other numbering)")
    return warnings
