"""Reading warnings: what may have gone wrong reading a file, said in words a user can act on.

``minekb ingest`` prints them per file, ``--json`` carries them and ``--strict``
refuses the whole batch when any file has one. A warning is raised when

* the title was taken from the file name (no title line was found);
* no 文号 was found in a document of a kind issued under one (通知, 意见, 决定, 批复, 函 …);
* no issuer was found in a policy document (a level other than research, or a title naming a policy kind);
* a clause is longer than ``LONG_CLAUSE`` characters (structure probably missed);
* a long text gave no numbered structure at all;
* the loader met Word's automatic numbering (and rendered it to the numbers Word shows);
* a line of the title block (an adoption or amendment line) was not understood and is kept as a clause;
* a chapter heading is inside a clause's text, or the chapters do not start at 第一章;
* level and region were guessed from the title (no issuer found);
* a text numbered in 第N条 articles was read as research (no binding kind or issuer recognized).
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
    warnings.extend(_structure_warnings(document, nodes))
    if origin.get("level") == "inferred:title" and document.level not in ("research", "foreign"):
        warnings.append(f"level {document.level} and region {document.region} guessed from the title "
                        "(no issuer found): check them")
    if document.level == "research" and any(n.style == "art" for n in nodes):
        warnings.append("read as research, though the text is numbered in 第N条 articles: "
                        "no binding kind or issuer was recognized; give level and issuer in front matter")
    text_chars = sum(len(c.text) for c in document.clauses)
    numbered = [n for n in nodes if n.style not in ("para", "annex")]
    if text_chars >= NO_STRUCTURE_MIN and not numbered:
        warnings.append(f"no structure found: {text_chars:,} characters read as plain paragraphs "
                        "(no 第N条, 一、, （一） or other numbering)")
    return warnings


_TITLE_BLOCK_LINE = re.compile(r"^[（(]?\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[^。]{0,200}"
                               r"(?:通过|公布|发布|修正|修订|批准|施行)[）)]?$")
_CHAPTER_LINE = re.compile(r"^第[一二三四五六七八九十百零〇\d]+[章编]\s*\S")


def _structure_warnings(document, nodes) -> list[str]:
    """Title-block lines kept as clauses, chapter headings lost in clause text, chapters not from 第一章."""
    found = []
    for clause in document.clauses:
        if clause.path.startswith("preamble__") and _TITLE_BLOCK_LINE.match(clause.text.strip()):
            found.append(f"clause {clause.path} looks like a title-block line that was not understood "
                         f"({clause.text[:40]}…): the document's dates may be those of an earlier version")
        lost = [line for line in clause.text.split("\n")[1:] if _CHAPTER_LINE.match(line) and len(line) <= 30]
        if lost:
            found.append(f"clause {clause.path} holds the chapter heading {lost[0]!r} in its text: "
                         "chapters were probably not recognized")
    chapters = [n for n in nodes if n.style == "chap"]
    first = nodes.index(chapters[0]) if chapters else 0
    if chapters and chapters[0].numbers[0] != 1 and any(n.style == "art" for n in nodes[:first]):
        found.append(f"the chapters start at {chapters[0].heading.split()[0]}: the text prints no 第一章 heading "
                     "(the articles before it are outside any chapter)")
    return found
