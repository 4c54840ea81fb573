"""``minekb ontology check|export``, ``minekb sparql`` and ``minekb bench kb``: the CLI mirrors ``ontology``'s API."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from minekb.cli import CLIError


def register(subparsers) -> None:
    """Two top-level commands: ``minekb ontology …`` and ``minekb sparql``."""
    _register_ontology(subparsers)
    _register_sparql(subparsers)


def _register_ontology(subparsers) -> None:
    p = subparsers.add_parser("ontology", help="check and export the OWL/SKOS ontology (ontology/*.ttl)",
                              description="Validate the Turtle model a researcher edits, or export the built graph.")
    sub = p.add_subparsers(dest="ontology_command", metavar="ACTION")
    p.set_defaults(func=lambda args: (p.print_help(), 1)[1])

    c = sub.add_parser(
        "check", help="Turtle syntax, closed vocabulary, SHACL shapes and HermiT consistency, each failure explained",
        description="Parse every ontology/**/*.ttl (file and line of a syntax error), check that every mk: class, "
                    "property and referenced concept is defined and labelled (one skos:prefLabel per language), that "
                    "every mk:citesClause names a clause of the knowledge base, validate the SHACL shapes of "
                    "ontology/shapes.ttl over the model and the built instance data, and run HermiT over the model "
                    "and vocabularies. Prints one line per problem (file:line: [kind] term: what is wrong — what to "
                    "do) and exits 1 if there is any error.")
    c.add_argument("--dir", help="ontology folder to check (default: the project's ontology/)")
    c.add_argument("--no-reasoner", action="store_true", help="skip the HermiT consistency check (needs Java)")
    c.add_argument("--no-kb", action="store_true",
                   help="do not open the knowledge base: skip clause resolution and the instance-data shapes")
    c.add_argument("--json", action="store_true", help="print the problems as a JSON array")
    c.set_defaults(func=cmd_check)

    k = sub.add_parser("concept", help="one concept: labels, definition, hierarchy, the clauses about it",
                       description="Show a concept (or precedent case) of the built graph by id (mine_park) or by any "
                                   "of its labels (矿山公园, 矿坑公园, Mine park).")
    k.add_argument("concept", metavar="ID_OR_LABEL", help="a concept id or one of its labels")
    k.add_argument("--json", action="store_true", help="print the concept as JSON")
    k.set_defaults(func=cmd_concept)

    sc = sub.add_parser("scheme", help="one controlled vocabulary: its top concepts and members",
                        description="List a concept scheme by id (scheme_mineral, UtilizationModels) or label "
                                    "(矿种); without NAME, list every scheme.")
    sc.add_argument("name", nargs="?", metavar="NAME", help="scheme id or label (omit to list the schemes)")
    sc.add_argument("--json", action="store_true", help="print the scheme as JSON")
    sc.set_defaults(func=cmd_scheme)

    e = sub.add_parser("export", help="the built graph (or one module) as Turtle, JSON-LD or RDF/XML",
                       description="Write the graph of the live knowledge base — model and instance data — or one "
                                   "module of it (a Turtle source such as vocab/mine, cases, concepts/advice, or "
                                   "'instances') in the chosen format.")
    e.add_argument("--format", choices=["ttl", "jsonld", "xml", "nt"], default="ttl",
                   help="ttl (Turtle, default), jsonld (JSON-LD), xml (RDF/XML, opens in owlready2 and Protégé), nt")
    e.add_argument("--module", help="export only this module (see --list-modules); default: the whole graph")
    e.add_argument("--list-modules", action="store_true", help="print the module names and exit")
    e.add_argument("-o", "--output", help="write to this file instead of standard output")
    e.set_defaults(func=cmd_export)


def _register_sparql(subparsers) -> None:
    s = subparsers.add_parser("sparql", help="run a SPARQL SELECT/ASK query on the knowledge graph",
                              description="Run a SPARQL 1.1 query (a string or a .rq file) on the graph of the live "
                                          "knowledge base. The prefixes mk:, mkd: (documents), mkc: (clauses), skos:, "
                                          "prov:, rdfs:, owl:, xsd:, dcterms: are predeclared. Set "
                                          "MINEKB_GRAPH_STORE=http://127.0.0.1:PORT to query an Oxigraph server.")
    s.add_argument("query", nargs="?", metavar="QUERY", help="the query text, or a path to a .rq file")
    s.add_argument("--example", metavar="NAME", help="run a documented example query (see --list-examples)")
    s.add_argument("--list-examples", action="store_true", help="list the documented example queries")
    s.add_argument("--json", action="store_true", help="print the rows as JSON")
    s.add_argument("--store", metavar="URL", help="query this Oxigraph server instead (overrides MINEKB_GRAPH_STORE)")
    s.set_defaults(func=cmd_sparql)


def register_bench(bench_subparsers) -> None:
    b = bench_subparsers.add_parser(
        "kb", help="knowledge-base build time (bundled corpus + seeds) and each example query's median latency",
        description="Build a fresh knowledge base in a temporary folder from the bundled corpus plus the seed "
                    "documents (when found: $MINEKB_SEEDS, $MINEKB_SHARED/seeds), timing the whole build and the ontology stage, then run every "
                    "documented example query REPEAT times and print its median and 95th-percentile latency.")
    b.add_argument("--seeds", help="folder of extra documents to ingest (default: $MINEKB_SEEDS or $MINEKB_SHARED/seeds, else the shared folder beside the checkout)")
    b.add_argument("--repeat", type=int, default=30, help="runs per example query (default 30)")
    b.add_argument("--json", action="store_true", help="print the figures as JSON")
    b.set_defaults(func=cmd_bench)


# ---------------------------------------------------------------------- commands
def cmd_check(args: argparse.Namespace) -> int:
    from ontology.check import check_ontology
    from ontology.labels import ONTOLOGY_DIR

    folder = Path(args.dir) if args.dir else ONTOLOGY_DIR
    if not folder.is_dir():
        raise CLIError(f"--dir {folder}: no such folder")
    gen_dir = clause_ids = None
    if not args.no_kb:
        from minekb.kb import KnowledgeBase

        kb = KnowledgeBase.open()
        gen_dir, clause_ids = kb.gen_dir, set(kb.clauses)
    problems = check_ontology(folder, gen_dir=gen_dir, clause_ids=clause_ids, reasoner=not args.no_reasoner)
    errors = [p for p in problems if p.severity == "error"]
    if args.json:
        print(json.dumps([p.__dict__ for p in problems], ensure_ascii=False, indent=1))
    else:
        for p in problems:
            print(p)
        done = ["syntax", "vocabulary", "SHACL" + ("" if args.no_kb else " (model + instances)")]
        if not args.no_reasoner:
            done.append("HermiT")
        print(f"ontology check ({', '.join(done)}): {len(errors)} error(s), {len(problems) - len(errors)} warning(s)",
              file=sys.stderr)
    return 1 if errors else 0


def _graph(store: str | None = None):
    from minekb.kb import KnowledgeBase
    from ontology.graph import KnowledgeGraph

    kb = KnowledgeBase.open()
    if store:
        return KnowledgeGraph.load(kb.gen_dir, store_url=store)
    return kb.graph


def cmd_concept(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from ontology.labels import concept_by_label

    graph = _graph()
    cid = args.concept.removeprefix("mk:")
    try:
        found = graph.concept(cid)
    except KeyError:
        by_label = concept_by_label(args.concept)
        if by_label is None:
            raise CLIError(f"no concept with id or label {args.concept!r}") from None
        found = graph.concept(by_label)
    if args.json:
        print(json.dumps(asdict(found), ensure_ascii=False, indent=1))
        return 0
    print(f"mk:{found.id}  {found.zh} / {found.en}  ({', '.join(found.types)})")
    if found.definition:
        print(f"  definition: {found.definition}")
    for label, values in (("alt", found.alt), ("schemes", found.schemes), ("broader", found.broader),
                          ("narrower", found.narrower), ("derived from", found.sources)):
        if values:
            print(f"  {label}: {', '.join(values)}")
    print(f"  clauses about it ({len(found.clauses)}): {', '.join(found.clauses[:20])}"
          + (" …" if len(found.clauses) > 20 else ""))
    return 0


def cmd_scheme(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    graph = _graph()
    if not args.name:
        names = graph.schemes()
        print(json.dumps(names) if args.json else "\n".join(names))
        return 0
    try:
        scheme = graph.scheme(args.name)
    except KeyError as exc:
        raise CLIError(exc.args[0]) from None
    if args.json:
        print(json.dumps(asdict(scheme), ensure_ascii=False, indent=1))
        return 0
    print(f"mk:{scheme.id}  {scheme.zh} / {scheme.en}: {len(scheme.concepts)} concepts")
    children: dict[str, list[dict]] = {}
    for c in scheme.concepts:
        for b in c["broader"] or [""]:
            children.setdefault(b, []).append(c)
    ids = {c["id"] for c in scheme.concepts}

    def show(cid: str, depth: int, seen: set[str]) -> None:
        for c in children.get(cid, []):
            if c["id"] in seen:
                continue
            print(f"{'  ' * depth}- {c['id']}  {c['zh']} / {c['en']}")
            show(c["id"], depth + 1, seen | {c["id"]})

    roots = [c for c in scheme.concepts if not (set(c["broader"]) & ids)]
    for c in roots:
        print(f"- {c['id']}  {c['zh']} / {c['en']}")
        show(c["id"], 1, {c["id"]})
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    graph = _graph()
    if args.list_modules:
        print("\n".join(graph.modules()))
        return 0
    try:
        data = graph.export(args.format, args.module)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"wrote {len(data):,} bytes to {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def _format_value(value) -> str:
    from ontology.namespaces import compact

    if value is None:
        return ""
    text = str(value)
    return compact(text) if text.startswith("http") else text


def cmd_sparql(args: argparse.Namespace) -> int:
    from ontology.backends import GraphQueryError
    from ontology.examples import example, example_queries

    if args.list_examples:
        for name, q in example_queries().items():
            print(f"{name}\t{q.title}\t{q.question}")
        return 0
    if args.example:
        try:
            text = example(args.example).sparql
        except KeyError as exc:
            raise CLIError(exc.args[0]) from None
    elif args.query:
        path = Path(args.query)
        text = path.read_text(encoding="utf-8") if args.query.endswith(".rq") or (
            len(args.query) < 250 and "\n" not in args.query and path.is_file()) else args.query
    else:
        raise CLIError("give a QUERY (text or .rq file), --example NAME, or --list-examples")
    from ontology.sparqlguard import federation_problem

    problem = federation_problem(text)
    if problem:
        raise CLIError(problem)
    try:
        result = _graph(args.store).query(text)
    except GraphQueryError as exc:
        raise CLIError(str(exc)) from None
    if isinstance(result, bool):
        print(json.dumps(result) if args.json else ("yes" if result else "no"))
        return 0
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    if not result:
        print("(no rows)", file=sys.stderr)
        return 0
    names = list(result[0])
    print("\t".join(names))
    for row in result:
        print("\t".join(_format_value(row[n]).replace("\t", " ").replace("\n", " ") for n in names))
    print(f"({len(result)} rows)", file=sys.stderr)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from ontology.bench import bench_kb, default_seeds, format_report

    seeds = Path(args.seeds) if args.seeds else default_seeds()
    if seeds is not None and not seeds.is_dir():
        raise CLIError(f"--seeds {seeds}: no such folder")
    report = bench_kb(seeds, repeat=max(1, args.repeat))
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else format_report(report))
    return 0
