"""``minekb coverage``: how much of each policy text the rules encode, and what is left to encode.

A knowledge system is worth its knowledge, so the project measures it. For
every document of the knowledge base (and, grouped, for every seed the
bundled restatements come from) the report counts the clauses typed as
provisions (principle, incentive, constraint, obligation, responsibility,
funding, measure), how many of them at least one rule cites in ``sources``,
how many are marked "not machine-decidable" with a reason, and lists the
others: the work list. It also lists the advice concepts no rule concludes
and the rules that carry no test case.

A seed ingested as it is (``minekb ingest "$MINEKB_SHARED"/seeds/003_….txt``) has
no rule citing its clauses directly: rules cite the bundled restatement. Its
provisions are aligned with the restatement's clauses by character-bigram
overlap (a paraphrase keeps most of the original's two-character words), and
a seed clause counts as encoded or marked when a clause restating it is.
Those raw seeds are reported in their own table, outside the totals, so
nothing is counted twice.

A clause is marked not machine-decidable in ``rules/not_decidable.yaml``
(data, not code), with a reason, when no profile of the contract can decide it
(a target, a procedure, a project-level threshold, a case description, a
proposal). Marks that name a clause the knowledge base does not have are
reported as problems, so the list cannot rot silently.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

PROVISION_TYPES = ("principle", "incentive", "constraint", "obligation", "responsibility", "funding", "measure")
NOT_DECIDABLE_FILE = Path(__file__).resolve().parent / "not_decidable.yaml"
MARK_KINDS = {
    "target": "量化目标，约束的是地区而非单个矿山",
    "procedure": "工作程序或部门职责，画像中没有对应事实",
    "project_level": "针对项目整体（打包、申报、资金规模），单个矿山画像无法判断",
    "no_profile_field": "条件所需的事实不在画像契约中",
    "case": "案例描述：作为先例记录在 ontology/cases.ttl，不是规则",
    "proposal": "研究文献的建议，不是已施行的政策",
    "background": "背景、底数或定义性陈述，不产生针对矿山的结论",
    "general": "没有可判断条件的一般性倡导，具体结论由更具体的条款规则给出",
    "foreign": "外国法律，作为比较参考收录，不适用于中国境内矿山",
}
# The concept schemes of ontology/concepts/advice.ttl: the vocabulary rules conclude.
ADVICE_SCHEMES = ("RestorationCategories", "Priorities", "UtilizationModels", "Incentives", "LandUseConstraints",
                  "EngineeringMeasures", "Responsibilities")
_SEED_PATTERNS = (re.compile(r"种子文献\s*(00[0-4])"), re.compile(r"seed[\s:]*(00[0-4])", re.I),
                  re.compile(r"(00[0-4])_[0-9a-f]{16}"))
# Bundled records name the seeds by their real titles (a user-facing ``source`` never names a seed file
# or number): the title, or for the untitled Ganzhou paper its description, maps to the seed number.
_SEED_TITLES = (("000", re.compile(r"废弃矿山综合利用的系统认知与路径优化")),
                ("001", re.compile(r"比较视野下的中日废弃矿山修复与绿色转型研究")),
                ("002", re.compile(r"赣州地区废弃矿山市场化生态修复实践研究论文")),
                ("003", re.compile(r"北京市矿山生态修复\W{0,2}十四五\W{0,2}规划")),
                ("004", re.compile(r"Research on Mine Ecological Restoration and Transformation", re.I)))
_STRUCTURAL = re.compile(r"^(book|chap|subchap|sec|item)_\d+$")
_RAW_SEED = re.compile(r"(?:^file:|/)(00[0-4])_[0-9a-f]{16}")
_NOT_TEXT = re.compile(r"[\W\d_a-zA-Z]+")
# A seed clause is restated by a bundled clause when most of the shorter one's character bigrams
# occur in the longer one (a seed paragraph often holds several restated articles, or the reverse).
ALIGN_CONTAINMENT, ALIGN_MIN_BIGRAMS = 0.55, 8


class CoverageError(ValueError):
    """A not-decidable file that cannot be read (named with the file and the entry)."""


@dataclass(frozen=True)
class Mark:
    """One clause marked not machine-decidable, with the reason."""
    clause: str
    kind: str
    reason: str


@dataclass
class DocCoverage:
    doc_id: str
    title: str
    number: str | None
    seeds: list[str]
    provisions: list[str]
    encoded: dict[str, list[str]]            # provision clause id -> ids of the rules citing it
    marked: dict[str, Mark]                  # provision clause id -> its mark
    open: list[str]                          # provisions neither encoded nor marked
    cited_non_provisions: list[str] = field(default_factory=list)   # cited clauses the corpus typed otherwise
    raw_seed: str | None = None              # "003" when the document is a seed ingested as it is
    restated_by: dict[str, list[str]] = field(default_factory=dict)   # seed clause -> bundled clauses restating it

    @property
    def done(self) -> int:
        return len(self.encoded) + len(self.marked)

    @property
    def percent(self) -> float:
        return 100.0 * self.done / len(self.provisions) if self.provisions else 100.0


@dataclass
class CoverageReport:
    documents: list[DocCoverage]
    clause_text: dict[str, tuple[str, str]]        # open clause id -> (type, text)
    concepts_without_rule: list[tuple[str, str, str]]   # (concept id, zh label, scheme)
    rules_without_test: list[str]
    problems: list[str]
    rules: int = 0

    def seeds(self) -> dict[str, list[DocCoverage]]:
        """Seed number -> the restatements (bundled documents) that name it."""
        out: dict[str, list[DocCoverage]] = {}
        for d in self.documents:
            if d.raw_seed is None:
                for s in d.seeds:
                    out.setdefault(s, []).append(d)
        return dict(sorted(out.items()))

    def raw_seeds(self) -> list[DocCoverage]:
        return [d for d in self.documents if d.raw_seed is not None]

    def totals(self, docs: Iterable[DocCoverage] | None = None) -> dict[str, Any]:
        docs = list([d for d in self.documents if d.raw_seed is None] if docs is None else docs)
        prov = sum(len(d.provisions) for d in docs)
        enc = sum(len(d.encoded) for d in docs)
        mark = sum(len(d.marked) for d in docs)
        return {"documents": len(docs), "provisions": prov, "encoded": enc, "marked": mark,
                "open": prov - enc - mark, "percent": round(100.0 * (enc + mark) / prov, 1) if prov else 100.0}

    def to_dict(self) -> dict[str, Any]:
        docs = []
        for d in self.documents:
            docs.append({"doc_id": d.doc_id, "title": d.title, "number": d.number, "seeds": d.seeds,
                         "provisions": len(d.provisions), "encoded": len(d.encoded), "marked": len(d.marked),
                         "percent": round(d.percent, 1),
                         "encoded_by": d.encoded, "not_decidable": {k: asdict(v) for k, v in d.marked.items()},
                         "open": [{"clause": c, "type": self.clause_text[c][0], "text": self.clause_text[c][1]}
                                  for c in d.open],
                         "cited_non_provisions": d.cited_non_provisions,
                         "raw_seed": d.raw_seed, "restated_by": d.restated_by})
        return {"totals": self.totals(), "rules": self.rules,
                "seeds": {s: {**self.totals(ds), "doc_ids": [d.doc_id for d in ds]} for s, ds in self.seeds().items()},
                "documents": docs,
                "concepts_without_rule": [{"id": i, "label_zh": zh, "scheme": s} for i, zh, s in self.concepts_without_rule],
                "rules_without_test": self.rules_without_test, "problems": self.problems}


def load_marks(path: Path = NOT_DECIDABLE_FILE) -> list[Mark]:
    """The not-decidable marks of ``path``; a malformed entry is an error naming the file and the entry."""
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CoverageError(f"{path}: not valid YAML ({exc})") from exc
    entries = data.get("not_decidable") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise CoverageError(f"{path}: expected a mapping with a 'not_decidable' list")
    marks: list[Mark] = []
    for n, e in enumerate(entries, 1):
        where = f"{path}: entry {n}"
        if not isinstance(e, dict) or set(e) - {"clause", "kind", "reason"}:
            raise CoverageError(f"{where}: expected the keys clause, kind, reason only")
        clause, kind, reason = e.get("clause"), e.get("kind"), e.get("reason")
        if not isinstance(clause, str) or "~" not in clause:
            raise CoverageError(f"{where}: 'clause' must be a clause id such as bj-mine-plan-2021~pt_40")
        if kind not in MARK_KINDS:
            raise CoverageError(f"{where} ({clause}): 'kind' must be one of {', '.join(MARK_KINDS)}")
        if not isinstance(reason, str) or len(reason.strip()) < 6:
            raise CoverageError(f"{where} ({clause}): 'reason' must say, in a sentence, why no profile decides it")
        marks.append(Mark(clause, kind, reason.strip()))
    return marks


def seeds_of(source: str) -> list[str]:
    """The seed numbers (``"000"``…``"004"``) a document's ``source`` names, by number or by title."""
    found = {m.group(1) for pattern in _SEED_PATTERNS for m in pattern.finditer(source or "")}
    found |= {seed for seed, pattern in _SEED_TITLES if pattern.search(source or "")}
    return sorted(found)


def raw_seed_of(source: str) -> str | None:
    """``"003"`` when ``source`` is a seed file ingested as it is (``file:003_3b51….txt``), else None."""
    m = _RAW_SEED.search(source or "")
    return m.group(1) if m else None


def _bigrams(text: str) -> frozenset[str]:
    t = _NOT_TEXT.sub("", text)
    return frozenset(t[i:i + 2] for i in range(len(t) - 1))


def _restates(a: frozenset[str], b: frozenset[str]) -> bool:
    shorter = min(len(a), len(b))
    return shorter >= ALIGN_MIN_BIGRAMS and len(a & b) / shorter >= ALIGN_CONTAINMENT


def _provisions(doc) -> list:
    parents = {c.parent for c in doc.clauses if c.parent}
    out = []
    for c in doc.clauses:
        last = c.path.rsplit("__", 1)[-1]
        if c.id in parents and (_STRUCTURAL.match(last) or len(c.text) < 30):
            continue        # a chapter or section heading, not a provision of its own
        if c.type in PROVISION_TYPES:
            out.append(c)
    return out


def _concepts_without_rule(rules, index) -> list[tuple[str, str, str]]:
    if not index:
        return []
    concluded = {t.value for r in rules for t in r.then if t.kind != "fact"}
    covered = set(concluded)
    for cid in concluded:           # a concept is covered when it or a narrower concept is concluded
        frontier = list(getattr(index.get(cid), "broader", []) or [])
        while frontier:
            b = frontier.pop()
            if b not in covered:
                covered.add(b)
                frontier.extend(getattr(index.get(b), "broader", []) or [])
    out = []
    for cid, c in index.items():
        schemes = [s for s in getattr(c, "schemes", []) if s in ADVICE_SCHEMES]
        if schemes and cid not in covered:
            out.append((cid, c.pref.get("zh", cid), schemes[0]))
    return sorted(out, key=lambda x: (ADVICE_SCHEMES.index(x[2]), x[0]))


def compute_coverage(documents: dict, rules: list, marks: list[Mark], concept_index: dict | None = None,
                     doc_ids: Iterable[str] | None = None,
                     gate_citations: dict[str, list[str]] | None = None) -> CoverageReport:
    """Coverage of ``documents`` (``{doc_id: Document}``) by ``rules`` given the not-decidable ``marks``;
    ``gate_citations`` (clause id -> gate cell ids) counts the legal gate's cells as encoding what they cite."""
    cited: dict[str, list[str]] = {}
    for r in rules:
        for cid in r.sources:
            cited.setdefault(cid, []).append(r.id)
    for cid, cells in (gate_citations or {}).items():
        cited.setdefault(cid, []).extend(cells)
    all_clauses = {c.id for d in documents.values() for c in d.clauses}
    problems: list[str] = []
    by_clause: dict[str, Mark] = {}
    for m in marks:
        if m.clause not in all_clauses:
            problems.append(f"not_decidable: {m.clause} is not a clause of the knowledge base; fix or remove the mark")
        elif m.clause in by_clause:
            problems.append(f"not_decidable: {m.clause} is marked twice")
        elif m.clause in cited:
            problems.append(f"not_decidable: {m.clause} is marked but rules cite it ({', '.join(cited[m.clause])}); "
                            "remove the mark")
        by_clause.setdefault(m.clause, m)
    restatements: dict[str, list] = {}       # seed number -> clauses of the bundled documents naming it
    for d in documents.values():
        if raw_seed_of(d.source) is None:
            for seed in seeds_of(d.source):
                restatements.setdefault(seed, []).extend((c.id, _bigrams(c.text)) for c in _provisions(d))
    wanted = set(doc_ids) if doc_ids else None
    if wanted:
        problems += [f"--doc {d}: no such document (see `minekb docs`)" for d in sorted(wanted - set(documents))]
    out, texts = [], {}
    for doc_id in sorted(documents):
        if wanted and doc_id not in wanted:
            continue
        doc = documents[doc_id]
        prov = _provisions(doc)
        ids = [c.id for c in prov]
        raw = raw_seed_of(doc.source)
        restated = {}
        if raw is not None:        # a seed as ingested: its clauses are encoded through their restatements
            pool = restatements.get(raw, [])
            for c in prov:
                grams = _bigrams(c.text)
                restated[c.id] = [bid for bid, bg in pool if _restates(grams, bg)]
            via = {c: sorted({r for b in restated[c] for r in cited.get(b, [])}) for c in ids}
            encoded = {c: rs for c, rs in via.items() if rs}
            marked = {c: next(by_clause[b] for b in restated[c] if b in by_clause) for c in ids
                      if c not in encoded and any(b in by_clause for b in restated[c])}
        else:
            encoded = {c: cited[c] for c in ids if c in cited}
            marked = {c: by_clause[c] for c in ids if c in by_clause and c not in encoded}
        open_ = [c.id for c in prov if c.id not in encoded and c.id not in marked]
        texts.update({c.id: (c.type, c.text) for c in prov if c.id in open_})
        other = sorted(c.id for c in doc.clauses if c.id in cited and c.id not in set(ids))
        out.append(DocCoverage(doc_id, doc.title, doc.number, [raw] if raw else seeds_of(doc.source), ids, encoded,
                               marked, open_, other, raw, {c: r for c, r in restated.items() if r}))
    no_test = sorted(r.id for r in rules if not r.tests)
    return CoverageReport(out, texts, _concepts_without_rule(rules, concept_index), no_test, problems, len(rules))


# ---------------------------------------------------------------------------------------------- CLI

def register(subparsers) -> None:
    p = subparsers.add_parser(
        "coverage", help="how many policy provisions the rules encode, per document and per seed; what is left",
        description="For every document of the knowledge base (and grouped by the seed its restatement comes from): "
                    "the clauses typed as provisions, how many at least one rule cites, how many are marked not "
                    "machine-decidable (rules/not_decidable.yaml) and which are still open; then the advice concepts "
                    "no rule concludes and the rules without a test case.")
    p.add_argument("--doc", action="append", metavar="DOC_ID", help="only this document (repeatable)")
    p.add_argument("--dir", help="rules folder (default: the bundled rules/data)")
    p.add_argument("--marks", help="not-decidable marks file (default: rules/not_decidable.yaml)")
    p.add_argument("--summary", action="store_true", help="print the tables only, not the lists of open clauses")
    p.add_argument("--fail-under", type=float, metavar="PCT",
                   help="exit 1 when encoded + marked provisions are below PCT percent of all provisions")
    p.add_argument("--json", action="store_true", help="print the whole report as JSON")
    p.set_defaults(func=cmd_coverage)


def _gate_citations() -> dict[str, list[str]]:
    """The clauses the legal gate table cites, by the cells citing them (its problems are `rules check`'s)."""
    from rules.gate import load_gate

    gate, _problems = load_gate(ancestors=lambda m: ())
    out: dict[str, list[str]] = {}
    if gate is not None:
        for cell in [*gate.cells, *([gate.default] if gate.default else [])]:
            for cid in cell.sources:
                out.setdefault(cid, []).append(cell.id)
    return out


def build_report(kb, rules_dir: Path, marks_path: Path = NOT_DECIDABLE_FILE,
                 doc_ids: Iterable[str] | None = None) -> CoverageReport:
    """The coverage report of the rules under ``rules_dir`` on the knowledge base ``kb``."""
    from rules.concepts import concept_index
    from rules.loader import load_rules_and_problems

    rules, load_problems = load_rules_and_problems(rules_dir, kb=kb)
    report = compute_coverage(kb.documents, rules, load_marks(marks_path), concept_index(), doc_ids,
                              _gate_citations())
    report.problems = [f"rules: {p}" for p in load_problems] + report.problems
    return report


def cmd_coverage(args) -> int:
    from minekb.cli import CLIError
    from minekb.kb import BUNDLED_RULES, KnowledgeBase
    from minekb.progress import TerminalProgress

    rules_dir = Path(args.dir) if args.dir else BUNDLED_RULES
    if not rules_dir.is_dir():
        raise CLIError(f"--dir {rules_dir}: no such folder")
    marks_path = Path(args.marks) if args.marks else NOT_DECIDABLE_FILE
    if args.marks and not marks_path.is_file():
        raise CLIError(f"--marks {marks_path}: no such file")
    kb = KnowledgeBase.open(progress=None if args.json else TerminalProgress())
    try:
        report = build_report(kb, rules_dir, marks_path, args.doc)
    except CoverageError as exc:
        raise CLIError(str(exc)) from exc
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_text(report, lists=not args.summary))
    total = report.totals()
    if report.problems:
        return 1
    if args.fail_under is not None and total["percent"] < args.fail_under:
        return 1
    return 0


def render_text(report: CoverageReport, lists: bool = True) -> str:
    """The report as text: a table per document and per seed, then the work lists."""
    lines = [f"条款覆盖 / provision coverage — {report.rules} rules; provisions = clauses typed "
             f"{', '.join(PROVISION_TYPES)}; done = encoded by a rule or marked not decidable", ""]
    head = f"{'document':44} {'prov':>5} {'rule':>5} {'mark':>5} {'open':>5} {'done':>6}"
    lines += [head, "-" * len(head)]
    for d in report.documents:
        if d.raw_seed is None:
            lines.append(f"{d.doc_id[:44]:44} {len(d.provisions):5} {len(d.encoded):5} {len(d.marked):5} "
                         f"{len(d.open):5} {d.percent:5.0f}%")
    t = report.totals()
    lines += ["-" * len(head), f"{'total (' + str(t['documents']) + ' documents)':44} {t['provisions']:5} "
              f"{t['encoded']:5} {t['marked']:5} {t['open']:5} {t['percent']:5.0f}%", ""]
    seeds = report.seeds()
    if seeds:
        lines.append("按种子文献 / by seed (documents whose restatement names the seed)")
        for s, docs in seeds.items():
            st = report.totals(docs)
            lines.append(f"  seed {s}: {st['documents']} documents, {st['provisions']} provisions, "
                         f"{st['encoded']} encoded, {st['marked']} marked, {st['open']} open ({st['percent']:.0f}%)")
        lines.append("")
    raw = report.raw_seeds()
    if raw:
        lines.append("原始种子文献（条款按转述对齐）/ seeds ingested as they are, aligned with their restatements")
        for d in raw:
            lines.append(f"  seed {d.raw_seed} {d.doc_id[:36]:36} {len(d.provisions):5} {len(d.encoded):5} "
                         f"{len(d.marked):5} {len(d.open):5} {d.percent:5.0f}%  ({len(d.restated_by)} restated)")
        lines.append("")
    if lists:
        open_docs = [d for d in report.documents if d.open]
        if open_docs:
            lines.append("未编码的条款 / open provisions (write a rule citing it, or mark it in rules/not_decidable.yaml)")
            for d in open_docs:
                for cid in d.open:
                    ctype, text = report.clause_text[cid]
                    via = d.restated_by.get(cid)
                    note = f"  ← restated by {', '.join(via)}, not encoded" if via else \
                        ("  ← no restatement found" if d.raw_seed else "")
                    lines.append(f"  {cid} [{ctype}] {text[:60]}{note}")
            lines.append("")
        typed_other = [(d.doc_id, c) for d in report.documents for c in d.cited_non_provisions]
        if typed_other:
            lines.append(f"规则引用但语料未标为条款的 / cited clauses the corpus typed as background or target: "
                         f"{len(typed_other)}")
            lines.append("  " + ", ".join(c for _, c in typed_other[:40]) + (" …" if len(typed_other) > 40 else ""))
            lines.append("")
    lines.append(f"没有规则的概念 / advice concepts no rule concludes: {len(report.concepts_without_rule)}")
    if lists:
        lines += [f"  {s}: {cid} {zh}" for cid, zh, s in report.concepts_without_rule]
    lines.append(f"没有测试的规则 / rules without a test case: {len(report.rules_without_test)}")
    if lists:
        lines += [f"  {rid}" for rid in report.rules_without_test]
    if report.problems:
        lines += ["", f"问题 / problems: {len(report.problems)}"] + [f"  {p}" for p in report.problems]
    return "\n".join(lines)
