"""The corpus data model shared by every later stage.

A ``Document`` is one policy text (law, regulation, opinion, plan, standard,
paper) with its metadata; its ``clauses`` form a tree flattened in reading
order. A clause id is ``<doc_id>~<path>``, the path built from the numbering of
the text in Akoma Ntoso style (``chap_3__sec_1__item_2``), so re-ingesting an
unchanged file yields the same ids.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

DOC_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,80}$")
CLAUSE_SEP = "~"

LEVELS = (
    "national_law",      # 法律 / 中共中央国务院 文件 / 最高人民法院、最高人民检察院 司法解释
    "state_council",     # 国务院 行政法规、国办文件
    "ministry",          # 部门规章、部委规范性文件
    "provincial",        # 省级 法规、规章、规范性文件
    "municipal",         # 市级
    "county",            # 县级
    "standard",          # 国家/行业标准
    "research",          # 论文、研究报告
    "party",             # 党的全国代表大会报告等党的文件（政治指导，不是法律）
    "foreign",           # 外国法律或案例
)
# Binding force of a document, strongest first (law > regulation > ministry > local > plan > standard).
# research, party (Party congress reports and the like: political guidance) and foreign never bind:
# advice resting only on them is a research suggestion, never an incentive, duty or hard conclusion.
TIERS = ("law", "regulation", "ministry", "local", "plan", "standard", "research", "party", "foreign")
BINDING_TIERS = frozenset(("law", "regulation", "ministry", "local", "plan", "standard"))
TIER_RANK = {t: i for i, t in enumerate(TIERS)}
_TIER_OF_LEVEL = {"national_law": "law", "state_council": "regulation", "ministry": "ministry",
                  "provincial": "local", "municipal": "local", "county": "local", "standard": "standard",
                  "research": "research", "party": "party", "foreign": "foreign"}


def tier_of_level(level: str) -> str:
    """The tier a document of this level has unless its metadata says otherwise (a plan says ``tier: plan``)."""
    return _TIER_OF_LEVEL.get(level, "research")


# How much of a document a record holds: the official text (``official``), the project's restatement of its
# provisions (``digest``), or only its title and what the title says (``title_only``: nobody at hand has read
# its provisions). A title-only record supports no conclusion: ``minekb rules check`` rejects a rule citing it.
# "" = not stated (a user's ingested file is normally its official text).
CONTENTS = ("official", "digest", "title_only")

STATUSES = ("in_force", "amended", "repealed", "superseded", "draft", "expired", "unknown")
RELATION_TYPES = ("amends", "repeals", "implements", "based_on", "cites", "supersedes")
CLAUSE_TYPES = (
    "principle", "incentive", "constraint", "obligation", "target",
    "funding", "responsibility", "measure", "definition", "background",
)


@dataclass
class Relation:
    """A typed link from this document to another (by doc id or, if unknown, by title/文号)."""

    type: str            # one of RELATION_TYPES
    target: str          # doc_id when it resolves in the corpus, else the cited title or 文号
    note: str = ""


@dataclass
class Mention:
    """A span of a clause marked by the NLP pipeline."""

    kind: str            # citation | doc_number | issuer | region | date | quantity | concept
    text: str
    start: int
    end: int
    value: str = ""      # normalized value: concept id, ISO date, region code, number+unit, doc id


@dataclass
class Clause:
    id: str                          # "<doc_id>~<path>"
    doc_id: str
    path: str                        # e.g. "chap_3__sec_1__item_2"; "" never used (root is not a clause)
    heading: str                     # the clause's own heading/number, e.g. "第三章 规划目标与修复任务" or "（一）"
    heading_path: list[str]          # headings of the ancestors, outermost first, then its own
    text: str                        # normalized text for display (simplified as in the source)
    parent: str | None = None        # parent clause id
    order: int = 0                   # position in reading order
    type: str = "background"         # one of CLAUSE_TYPES
    type_cues: list[str] = field(default_factory=list)   # words that decided the type (explanation)
    mentions: list[Mention] = field(default_factory=list)
    status: str = "in_force"         # in-force status of the clause itself
    concepts: list[str] = field(default_factory=list)    # ontology concept ids the clause is about

    @property
    def depth(self) -> int:
        return len(self.heading_path)


@dataclass
class Document:
    id: str
    title: str
    number: str | None = None        # 文号, e.g. 自然资规〔2019〕6号
    issuer: str = ""
    level: str = "research"          # one of LEVELS
    region: str = "CN"               # "CN" national, or a province short name / code, e.g. "江西", "北京"
    issued: str | None = None        # ISO date (YYYY, YYYY-MM or YYYY-MM-DD)
    in_force_from: str | None = None
    in_force_until: str | None = None
    status: str = "unknown"          # one of STATUSES
    relations: list[Relation] = field(default_factory=list)
    source: str = ""                 # where the text comes from (file, URL, seed, or "minekb restatement of …")
    verified: bool = False           # facts confirmed in a primary source
    tier: str = ""                   # one of TIERS; "" = derived from level (see ``binding_tier``)
    content: str = ""                # one of CONTENTS; "" = not stated
    language: str = "zh"
    summary: str = ""
    clauses: list[Clause] = field(default_factory=list)
    metadata_origin: dict[str, str] = field(default_factory=dict)  # field -> sidecar | front_matter | file_name | inferred:<where>

    @property
    def binding_tier(self) -> str:
        """The document's tier: explicit in its metadata, else derived from its level."""
        return self.tier or tier_of_level(self.level)

    @property
    def binding(self) -> bool:
        return self.binding_tier in BINDING_TIERS

    @property
    def title_only(self) -> bool:
        """True when the record holds only the document's title: it supports no conclusion."""
        return self.content == "title_only"

    def clause(self, clause_id: str) -> Clause | None:
        for c in self.clauses:
            if c.id == clause_id:
                return c
        return None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        data = dict(data)
        data["relations"] = [Relation(**r) for r in data.get("relations", [])]
        clauses = []
        for c in data.get("clauses", []):
            c = dict(c)
            c["mentions"] = [Mention(**m) for m in c.get("mentions", [])]
            clauses.append(Clause(**c))
        data["clauses"] = clauses
        return cls(**data)


def clause_id(doc_id: str, path: str) -> str:
    return f"{doc_id}{CLAUSE_SEP}{path}"


def split_clause_id(cid: str) -> tuple[str, str]:
    """``"doc~path"`` -> ``("doc", "path")``; raises ValueError if malformed."""
    doc_id, sep, path = cid.partition(CLAUSE_SEP)
    if not sep or not doc_id or not path:
        raise ValueError(f"not a clause id (expected '<doc_id>{CLAUSE_SEP}<path>'): {cid!r}")
    return doc_id, path
