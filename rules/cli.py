"""``minekb rules check|list|show`` and ``minekb bench rules``: the CLI mirrors ``rules``' library calls."""
from __future__ import annotations

import argparse
import difflib
import json
from pathlib import Path
import sys
from datetime import date
from pathlib import Path

from minekb.cli import CLIError
from rules.yamlio import display_path

WARNINGS_SHOWN = 10     # sources without an anchor printed by `rules check` (all are in --json)

def register(subparsers) -> None:
    p = subparsers.add_parser("rules", help="check, list and show the policy rules (rules/data/*.yaml)",
                              description="Work with the rule set: the cited, dated rules the advisor applies.")
    sub = p.add_subparsers(dest="rules_command", metavar="ACTION")
    p.set_defaults(func=lambda args: (p.print_help(), 1)[1])

    c = sub.add_parser("check", help="load errors, unresolved sources, conflicting rules, and every rule's tests",
                       description="Load every rule file, resolve each source clause in the knowledge base and each "
                                   "concept in the ontology, search for pairs of rules that can fire together with "
                                   "contradicting conclusions and no precedence, and run each rule's test cases. "
                                   "Exits 1 if anything is wrong.")
    c.add_argument("--dir", help="rules folder (default: the bundled rules/data)")
    c.add_argument("--no-kb", action="store_true", help="do not resolve sources and concepts (syntax and logic only)")
    c.add_argument("--gate", help="legal gate table (default: the bundled rules/legal_gate.yaml)")
    c.add_argument("--json", action="store_true", help="print the findings as JSON")
    c.set_defaults(func=cmd_check)

    ls = sub.add_parser("list", help="one line per rule: id, what it concludes, region, validity, title",
                        description="List the rules with what they conclude, where and when they apply.")
    ls.add_argument("--dir", help="rules folder (default: the bundled rules/data)")
    ls.add_argument("--json", action="store_true", help="print a JSON array of rule summaries")
    ls.set_defaults(func=cmd_list)

    sh = sub.add_parser("show", help="one rule in full: condition, conclusions, sources with their text, tests",
                        description="Show one rule: its condition as written and as understood, its conclusions, "
                                    "region, validity, precedence, and the text of each source clause.")
    sh.add_argument("rule_id", metavar="RULE_ID", help="the rule id, e.g. bj.zone.core_reserve_closure")
    sh.add_argument("--dir", help="rules folder (default: the bundled rules/data)")
    sh.add_argument("--json", action="store_true", help="print the rule as JSON")
    sh.set_defaults(func=cmd_show)


    ev = sub.add_parser("eval", help="trace the rules on one mine profile: fired, removed, pending, why not",
                        description="Evaluate the rule set on one mine profile (a JSON object in the contract's "
                                    "shape) and print every conclusion with its rule, explanation and sources, "
                                    "what precedence removed, the rules waiting on unknown fields, and with "
                                    "--explain why each other rule did not fire. For rule writers; the advice "
                                    "itself comes from `minekb advise`.")
    ev.add_argument("profile", metavar="PROFILE.json", help="a JSON file holding one mine profile")
    ev.add_argument("--as-of", help="apply the rules in force on this date, YYYY-MM-DD (default: today)")
    ev.add_argument("--explain", action="store_true", help="also list the rules that did not fire, and why")
    ev.add_argument("--dir", help="rules folder (default: the bundled rules/data)")
    ev.add_argument("--json", action="store_true", help="print the evaluation as JSON")
    ev.set_defaults(func=cmd_eval)

    d = sub.add_parser("doc", help="the profile and advice reference (docs/profile.md), generated from rules/schema.py",
                       description="Print or write docs/profile.md: every profile field with its type, range, values "
                                   "and labels, drawn from rules/schema.py, and the shape of the advice. Run "
                                   "`minekb rules doc -o docs/profile.md` after changing the schema.")
    d.add_argument("-o", "--output", default="-", help="file to write (default: print it)")
    d.add_argument("--check", action="store_true", help="exit 1 if --output differs from what would be written")
    d.set_defaults(func=cmd_doc)


def cmd_doc(args) -> int:
    from rules.profile_doc import write

    return write(args.output, check=args.check)


def register_bench(bench_subparsers) -> None:
    b = bench_subparsers.add_parser(
        "rules", help="compiled rule engine vs the rule-engine package on the same synthetic mines",
        description="Evaluate the rule set on a seeded synthetic batch of valid profiles with the compiled engine "
                    "(mines/s, full evaluation with precedence and explanations, and conditions only), then let the "
                    "rule-engine package interpret the same conditions on the same profiles; print both rates, the "
                    "ratio, and whether both agree on every condition.")
    b.add_argument("--n", type=int, default=20_000, help="number of synthetic mines (default 20000)")
    b.add_argument("--seed", type=int, default=7, help="random seed of the batch (default 7)")
    b.add_argument("--dir", help="rules folder (default: the bundled rules/data)")
    b.add_argument("--as-of", help="evaluate the rules in force on this date, YYYY-MM-DD (default: today)")
    b.add_argument("--json", action="store_true", help="print the figures as JSON")
    b.set_defaults(func=cmd_bench)


def _rules_dir(args) -> Path:
    from minekb.kb import BUNDLED_RULES

    path = Path(args.dir) if args.dir else BUNDLED_RULES
    if not path.is_dir():
        raise CLIError(f"--dir {path}: no such folder")
    return path


def _lenient(args):
    """The rules that load (without resolving sources), warning on stderr about the others."""
    from rules.engine import RuleSet
    from rules.loader import load_rules_and_problems

    rules, problems = load_rules_and_problems(_rules_dir(args))
    if problems:
        print(f"minekb: warning: {len(problems)} problem(s) in the rules; run `minekb rules check`", file=sys.stderr)
    return RuleSet(rules)


def cmd_check(args: argparse.Namespace) -> int:
    from minekb.progress import TerminalProgress
    from rules.check import check

    kb = None
    if not args.no_kb:
        from minekb.kb import KnowledgeBase

        kb = KnowledgeBase.open(progress=TerminalProgress())
    report = check(_rules_dir(args), kb=kb, progress=None if args.json else TerminalProgress(),
                   gate_path=Path(args.gate) if args.gate else None)
    if args.json:
        print(json.dumps({"ok": report.ok, "rules": report.rules, "load_problems": report.load_problems,
                          "conflicts": [c.describe() for c in report.conflicts], "tests_run": report.tests_run,
                          "test_failures": report.test_failures, "pairs_sampled": report.pairs_sampled,
                          "untested_rules": report.untested, "not_in_force_today": report.not_in_force,
                          "gate_cells": report.gate_cells, "gate_problems": report.gate_problems,
                          "gated_recommendations": report.gated_pairs, "anchor_problems": report.anchor_problems,
                          "rules_to_repoint": report.repoint, "unanchored_sources": report.unanchored},
                         ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            print(line)
        for line in report.warnings()[:WARNINGS_SHOWN]:
            print(line)
        if len(report.unanchored) > WARNINGS_SHOWN:
            print(f"warning: … and {len(report.unanchored) - WARNINGS_SHOWN} more sources without an anchor (--json lists all)")
        sampled = f" ({report.pairs_sampled} rule pairs sampled, not enumerated)" if report.pairs_sampled else ""
        print(("OK: " if report.ok else "FAILED: ") + report.summary() + sampled)
    return 0 if report.ok else 1


def _summary(rule) -> dict:
    return {
        "id": rule.id, "title_zh": rule.title_zh, "title_en": rule.title_en,
        "concludes": [{"kind": t.kind, "value": t.value, **({"weight": t.weight} if t.kind == "recommend" else {})}
                      for t in rule.then],
        "region": list(rule.region) or ["CN"],
        "valid_from": rule.valid_from.isoformat() if rule.valid_from else None,
        "valid_until": rule.valid_until.isoformat() if rule.valid_until else None,
        "in_force": rule.in_force(date.today()), "hard": rule.hard,
        "sources": list(rule.sources), "tests": len(rule.tests), "where": f"{display_path(rule.file)}:{rule.line}",
    }


def cmd_list(args: argparse.Namespace) -> int:
    ruleset = _lenient(args)
    rows = [_summary(r) for r in ruleset]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        concl = ", ".join(f"{c['kind']}={c['value']}" for c in row["concludes"])
        when = f"{row['valid_from'] or '…'}..{row['valid_until'] or '…'}"
        flag = "" if row["in_force"] else " [not in force]"
        print(f"{row['id']}\t{'/'.join(row['region'])}\t{when}\t{row['title_zh']}\t→ {concl}{flag}")
    print(f"{len(rows)} rules")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    ruleset = _lenient(args)
    rule = ruleset.get(args.rule_id)
    if rule is None:
        close = difflib.get_close_matches(args.rule_id, list(ruleset.by_id), n=3)
        raise CLIError(f"no rule {args.rule_id!r}" + (f"; did you mean {', '.join(close)}?" if close else
                                                       "; see `minekb rules list`"))
    from minekb.kb import KnowledgeBase

    kb = KnowledgeBase.open()
    data = _summary(rule)
    data.update({
        "when": rule.when_text, "when_zh": rule.when.describe(), "explain_zh": rule.explain_zh,
        "overrides": list(rule.overrides), "exception_of": list(rule.exception_of), "note": rule.note,
        "source_texts": [], "test_cases": [{"name": t.name, "profile": t.profile, "expect": t.expect} for t in rule.tests],
    })
    for cid in rule.sources:
        found = kb.clause(cid)
        if found is None:
            data["source_texts"].append({"clause_id": cid, "error": "not in the knowledge base"})
        else:
            doc, clause = found
            data["source_texts"].append({"clause_id": cid, "doc_title": f"《{doc.title}》", "doc_number": doc.number,
                                         "issuer": doc.issuer, "text": clause.text, "content": doc.content or None,
                                         "anchor": rule.anchors.get(cid)})
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return 0
    print(f"{rule.id}  {rule.title_zh} / {rule.title_en}")
    print(f"  file:       {data['where']}")
    print(f"  region:     {'、'.join(data['region'])}    valid: {data['valid_from'] or '…'} .. {data['valid_until'] or '…'}"
          f"{'' if data['in_force'] else '  (not in force today)'}")
    print(f"  when:       {json.dumps(rule.when_text, ensure_ascii=False, default=str)}")
    print(f"  means:      {data['when_zh'] or '（总是适用）'}")
    print("  then:       " + "; ".join(f"{c['kind']}={c['value']}" + (f" ({c['weight']:g})" if "weight" in c else "")
                                     for c in data["concludes"]))
    if rule.hard:
        print("  precedence: hard constraint (control zone)")
    for key in ("overrides", "exception_of"):
        if data[key]:
            print(f"  {key}: {', '.join(data[key])}")
    if rule.explain_zh:
        print(f"  explain_zh: {rule.explain_zh}")
    print("  sources:")
    for s in data["source_texts"]:
        if "error" in s:
            print(f"    {s['clause_id']}: ({s['error']})")
        else:
            digest = "  （本库转述，非原文）" if s["content"] in ("digest", "title_only") else ""
            anchor = f"  anchor: {s['anchor']}" if s["anchor"] else "  (no anchor)"
            print(f"    {s['clause_id']}  {s['doc_title']}{' ' + s['doc_number'] if s['doc_number'] else ''}{digest}{anchor}")
            print(f"      {s['text']}")
    for t in rule.tests:
        print(f"  test: {t.name}  profile={json.dumps(t.profile, ensure_ascii=False)}  expect={json.dumps(t.expect, ensure_ascii=False)}")
    return 0


def _as_of(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CLIError(f"--as-of {text!r}: write a date as YYYY-MM-DD") from None


def cmd_bench(args: argparse.Namespace) -> int:
    from rules.bench import run_bench

    if args.n < 1:
        raise CLIError("--n must be at least 1")
    figures = run_bench(_lenient(args), n=args.n, seed=args.seed, on=_as_of(args.as_of))
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        for line in figures["lines"]:
            print(line)
    return 0 if figures["disagreements"] == 0 else 1


def _read_profile(path: str) -> dict:
    from rules.cases import normalize_profile

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CLIError(f"{path}: cannot read ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise CLIError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise CLIError(f"{path}: expected one JSON object (a mine profile)")
    profile, errors = normalize_profile(data, default_id=str(data.get("id") or Path(path).stem))
    if errors:
        raise CLIError(f"{path}: " + "; ".join(errors))
    return profile


def cmd_eval(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    profile = _read_profile(args.profile)
    ev = _lenient(args).evaluate(profile, as_of=_as_of(args.as_of), explain=args.explain)
    if args.json:
        print(json.dumps({
            "as_of": ev.as_of.isoformat() if ev.as_of else None, "facts": ev.facts,
            "conclusions": [asdict(c) for c in ev.conclusions],
            "removed": [{"conclusion": asdict(c), "by": by, "why_zh": why} for c, by, why in ev.removed],
            "pending": [{"rule": p.rule_id, "unknown_fields": list(p.unknown_fields),
                         "would_conclude": [asdict(t) for t in p.would_conclude]} for p in ev.pending],
            "not_fired": [{"rule": rid, "why_zh": why} for rid, why in ev.not_fired],
        }, ensure_ascii=False, indent=2, default=str))
        return 0
    print(f"# {profile['id']}  (rules in force on {ev.as_of})")
    for c in ev.conclusions:
        weight = f" ({c.weight:g})" if c.kind == "recommend" else ""
        print(f"{c.kind}: {c.value}{weight}  ← {c.rule_id}\n    {c.explanation_zh}\n    sources: {', '.join(c.sources)}")
    for c, by, why in ev.removed:
        print(f"removed {c.kind}: {c.value} (from {c.rule_id}) by {by}: {why}")
    for p in ev.pending:
        would = ", ".join(f"{t.kind}={t.value}" for t in p.would_conclude)
        print(f"pending {p.rule_id} on {', '.join(p.unknown_fields)} → {would}")
    for rid, why in ev.not_fired:
        print(f"not fired {rid}: {why}")
    return 0
