"""A record that holds only a document's title supports no conclusion.

Some bundled records know a document only by its title and 文号 (a plan lists it
as a basis, nobody at hand has read its provisions); their front matter says
``content: title_only``. Their one restated clause only repeats what the title
says, so a rule that cites it would present a guess as the document's
provision. ``minekb rules check`` reports every such citation as an error: cite
a provision someone has read, or drop the source where another one remains.
"""
from __future__ import annotations

from rules.model import Rule
from rules.yamlio import display_path as _display


def title_only_documents(kb) -> dict[str, str]:
    """Doc id -> title of every document of the knowledge base marked ``content: title_only``."""
    return {doc_id: getattr(doc, "title", "") for doc_id, doc in kb.documents.items()
            if getattr(doc, "content", "") == "title_only"}


def check_title_only_sources(rules: list[Rule], kb, problems) -> None:
    """Report each rule source that is a clause of a title-only document."""
    title_only = title_only_documents(kb)
    if not title_only:
        return
    for rule in rules:
        for cid in rule.sources:
            doc_id = cid.split("~", 1)[0]
            if doc_id in title_only:
                problems.add(_display(rule.file), rule.line_of("sources"), rule.id, "sources",
                             f"source {cid!r} is a clause of a title-only record ({title_only[doc_id]}): "
                             "only its title is known, so it supports no conclusion; cite a provision that "
                             "was read, or drop this source")
