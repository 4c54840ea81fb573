"""``minekb search`` (clause search) and ``minekb bench search`` (quality and speed figures)."""
from __future__ import annotations

import argparse
import json
import re
import sys

from minekb.cli import CLIError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "search", help="search the policy clauses (Chinese or English; synonyms, 文号, \"phrases\")",
        description="Search every clause of the knowledge base. Ontology synonyms, traditional characters, "
                    "English labels and 文号 in any bracket style are understood; \"quoted\" text matches exactly; "
                    "OR, NOT/-word and parentheses combine terms.")
    p.add_argument("query", help="what to search for, e.g. '光伏 激励', '自然资规〔2019〕6号' or '土地复垦条例第三条'; "
                                 "'' with --filter browses every clause the filters allow")
    p.add_argument("--json", action="store_true", help="print the result as JSON (the contract's search-hit shape)")
    p.add_argument("--limit", type=int, default=10, help="number of hits to show (1-100, default 10)")
    p.add_argument("--offset", type=int, default=0, help="skip this many hits first (paging)")
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE",
                   help="restrict hits: level, tier, region, issuer, year (2019 or 2015..2020), status, "
                        "clause_type, concept; repeat a key to allow several values")
    p.add_argument("--sort", choices=("relevance", "date", "level"), default="relevance",
                   help="order: relevance (default), date (newest first) or level (strongest binding force first)")
    p.add_argument("--no-facets", action="store_true", help="do not count facet values (faster on large indexes)")
    p.set_defaults(func=cmd_search)


def register_bench(bench_subparsers) -> None:
    p = bench_subparsers.add_parser(
        "search", help="P@5, MRR, nDCG@10 on the judged queries vs SQLite FTS5; build and latency at scale",
        description="Evaluate search on the judged query set (bench/search-judged.yaml) against a SQLite FTS5 "
                    "trigram baseline over the same clauses, then replicate the corpus to --scale clauses and "
                    "print build time, index size and p50/p95 query latency for both.")
    p.add_argument("--scale", type=int, default=100_000, help="clauses in the scale index (default 100000; 0 skips)")
    p.add_argument("--judged", help="judged query file (default: bench/search-judged.yaml)")
    p.add_argument("--heldout", help="held-out judged file, reported separately (default: bench/search-heldout.yaml "
                                     "unless --judged is given)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--verbose", action="store_true", help="print every query's figures")
    p.set_defaults(func=cmd_bench)


def parse_filters(items: list[str]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise CLIError(f"--filter {item!r}: expected KEY=VALUE, e.g. --filter level=provincial")
        filters.setdefault(key.strip(), []).append(value.strip())
    return filters


def _plain(snippet: str) -> str:
    from html import unescape

    return unescape(re.sub(r"</?mark>", lambda m: "【" if m.group(0) == "<mark>" else "】", snippet))


def cmd_search(args: argparse.Namespace) -> int:
    from minekb.kb import KnowledgeBase
    from minekb.progress import TerminalProgress
    from search.query import QueryError

    kb = KnowledgeBase.open(progress=TerminalProgress())
    try:
        result = kb.searcher.search(args.query, limit=args.limit, offset=args.offset,
                                    filters=parse_filters(args.filter) or None, facets=not args.no_facets,
                                    sort=args.sort)
    except QueryError as exc:
        raise CLIError(f"search {args.query!r}: {exc}") from None
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    out = sys.stdout
    shown = len(result["hits"])
    print(f"{result['total']} clauses match {args.query!r}" + (f" (showing {args.offset + 1}-{args.offset + shown})"
                                                               if shown else ""), file=out)
    if result.get("expanded_terms"):
        print("also searched: " + "、".join(result["expanded_terms"]), file=out)
    if result.get("relaxed"):
        print("no clause has every word; showing clauses with some of them", file=out)
    if result.get("did_you_mean"):
        print(f"did you mean: {result['did_you_mean']}", file=out)
    for doc in result.get("documents") or []:
        number = f" {doc['number']}" if doc.get("number") else ""
        digest = ", digest" if doc.get("content") == "digest" else ""
        print(f"document: 《{doc['title']}》{number} {doc.get('issuer') or ''} {doc.get('issued') or ''} "
              f"[{doc['status']}, {doc['tier']}{digest}]", file=out)
    article = result.get("article")
    if article and not article["found"]:
        print(f"the record has no article {article['asked']} (a digest numbered by points)", file=out)
    for i, hit in enumerate(result["hits"], start=args.offset + 1):
        number = f" {hit['doc_number']}" if hit.get("doc_number") else ""
        label = f" {hit['label']}" if hit.get("label") else ""
        issued = f" {hit['issued']}" if hit.get("issued") else ""
        digest = ", digest" if hit.get("content") == "digest" else ""
        print(f"\n{i}. {hit['doc_title']}{label}{number}{issued} [{hit.get('status')}, {hit.get('tier')}{digest}]",
              file=out)
        print(f"   {hit['clause_id']}  ({hit['clause_type']}, score {hit['score']:.2f})", file=out)
        print(f"   {_plain(hit['highlight'])}", file=out)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from search.bench import run_bench

    return run_bench(args)
