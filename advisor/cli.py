"""``minekb advise``, ``minekb report`` and ``minekb bench advise``: the CLI mirrors ``advisor.Advisor``.

``advise`` prints one advice object for one profile, a JSON array (``--json``)
or one object a line (``--jsonl``) for a batch, in input order, or a flat CSV
summary (``--csv``). Bad records go to stderr with their line and the others
are still advised; the exit code is 1 if any record was bad.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from minekb.cli import CLIError
from advisor.summary import CSV_COLUMNS, csv_cells, csv_line

PARALLEL_FROM = 400  # records; below this, forking workers costs more than it saves


def _open_advisor():
    """The advisor of the live knowledge base; a knowledge base that the bundled rules no longer fit
    (built from an older corpus: a rule cites a clause it lacks) is a clean error with what to do."""
    from advisor.provenance import UnresolvedSourceError
    from minekb.kb import KnowledgeBase
    from minekb.progress import TerminalProgress
    from rules import RuleLoadError

    kb = KnowledgeBase.open(progress=TerminalProgress())
    try:
        return kb.advisor
    except (RuleLoadError, UnresolvedSourceError) as exc:
        where = kb.home.path if kb.home else kb.gen_dir
        raise CLIError(f"the rules or the advisor's data do not fit the knowledge base in {where}: {exc}\n"
                       "it was probably built from an older bundled corpus: move that folder away (or set "
                       "MINEKB_HOME to a new one) and run the command again to rebuild it") from None


def _parse_vary(items: list[str]) -> dict[str, Any]:
    """``field=value`` pairs; values are read as JSON when they parse (``true``, ``12``, ``["a"]``), lists with ``;``."""
    from rules.schema import PROFILE_FIELDS

    out: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise CLIError(f"--vary expects field=value, got {item!r}")
        spec = PROFILE_FIELDS.get(name)
        if spec is None:
            raise CLIError(f"--vary: unknown field {name!r}")
        text = text.strip()
        if text in ("", "null"):
            out[name] = None
        elif spec.kind == "list":
            out[name] = [t.strip() for t in text.strip("[]").split(";" if ";" in text else ",") if t.strip()]
        elif spec.kind in ("bool", "number"):
            try:
                out[name] = json.loads(text.lower() if spec.kind == "bool" else text)
            except json.JSONDecodeError:
                out[name] = text  # validation reports it with the field's own message
        else:
            out[name] = text
    return out


def csv_row(advice: dict[str, Any]) -> str:
    """One advice as one flat CSV line (ids joined with ';')."""
    return csv_line(csv_cells(advice))


csv_row.reads_ids_only = True   # type: ignore[attr-defined]  # the batch may hand it output-only advice
csv_row.summary = True          # type: ignore[attr-defined]  # a columnar batch writes it by advisor.summary


def _dumps_for(fmt: str, indent: bool):
    """The text of one advice in the output; None = compact JSON via ``Advisor.dumps`` (fast path)."""
    if fmt == "csv":
        return csv_row
    if indent:
        return lambda a: json.dumps(a, ensure_ascii=False, indent=2)
    return None


def _report_error(where: str, details: list[dict[str, Any]], command: str = "advise") -> None:
    """One stderr line per problem of a bad record: where it is, the field, what is wrong."""
    for d in details or [{"field": None, "message": "invalid record"}]:
        fld = f"field '{d['field']}': " if d.get("field") else ""
        print(f"minekb: {command}: {where}: {fld}{d['message']}", file=sys.stderr)


def cmd_advise(args: argparse.Namespace) -> int:
    from advisor.batch import ParallelBatch, _resolve_weights
    from advisor.profile import ProfileError
    from advisor.readers import InputFileError, iter_records
    from advisor.service import parse_as_of
    from minekb.progress import TerminalProgress

    fmt = "csv" if args.csv else "compact" if args.compact else "jsonl" if args.jsonl else "json"
    whole = bool(args.text or args.vary or args.compare_provinces or args.weights == "entropy")
    try:
        as_of = parse_as_of(args.as_of)
        records, total = _open_records(args.file, args.input_format, whole)
    except InputFileError as exc:
        raise CLIError(str(exc)) from None
    except ProfileError as exc:
        raise CLIError(str(exc)) from None
    single = isinstance(records, list) and len(records) == 1 and records[0].where == "record 1"
    vary = _parse_vary(args.vary or [])
    provinces = [p.strip() for p in (args.compare_provinces or "").replace("，", ",").split(",") if p.strip()]
    adv = _open_advisor()
    out = sys.stdout
    bad = 0
    out.flush()
    raw = out.buffer if hasattr(out, "buffer") else None

    if args.text and not (vary or provinces):  # for people: in-process, record by record
        from advisor.textview import render_text

        for rec in records:
            rec.validate()
            if rec.error is not None:
                bad += 1
                _report_error(rec.label(rec.raw), rec.error.details)
                continue
            out.write(render_text(adv.advise(rec.profile, as_of=as_of, explain=args.explain)) + "\n")
        return 1 if bad else 0

    if vary or provinces:  # what-if / comparison: per record, in-process (small inputs by nature)
        results = []
        for rec in records:
            rec.validate()
            if rec.error is not None:
                bad += 1
                _report_error(rec.label(rec.raw), rec.error.details)
                continue
            try:
                if vary:
                    results.append(adv.what_if(rec.profile, vary, as_of=as_of))
                else:
                    results.append(adv.compare_provinces(rec.profile, provinces, as_of=as_of))
            except ProfileError as exc:
                raise CLIError(str(exc)) from None
        _write(out, results, fmt if fmt != "csv" else "json", single)
        return 1 if bad else 0

    weights = None
    if args.weights == "entropy":
        for r in records:
            r.validate()
        weights = _resolve_weights(adv, records, "entropy")
    workers = args.workers if args.workers else (2 if total >= PARALLEL_FROM else 1)
    if fmt == "compact":
        from advisor.compact import compact_view, table_line

        adv = compact_view(adv)
    if workers > 1:
        import gc

        adv.dumps({})         # the advisor is fully loaded before the workers fork …
        gc.collect()
        gc.freeze()           # … and its objects stay shared: the collector never touches (copies) them
    sep = b",\n" if fmt == "json" else b"\n"
    batch = ParallelBatch(adv, dumps=_dumps_for(fmt, indent=single), workers=workers, as_of=as_of,
                          explain=args.explain, weights=weights, sep=sep, columnar=not args.per_mine)
    progress = TerminalProgress()
    first = True

    def write(data: bytes) -> None:
        if raw is not None:
            raw.write(data)
        else:  # a text stream without a buffer (tests capturing output)
            out.write(data.decode("utf-8"))

    if fmt == "csv":
        write((",".join(CSV_COLUMNS) + "\n").encode())
    elif fmt == "compact":
        write(table_line(adv) + b"\n")
    elif fmt == "json" and not single:
        write(b"[")
    done = 0
    for chunk, res in batch.run_chunks(records):
        for n, err in res.errors:
            bad += 1
            _report_error(chunk[n].label(chunk[n].raw), json.loads(err)["details"])
        if res.advised:
            if fmt == "json" and not single:
                write(b"\n" if first else b",\n")
            if raw is not None:
                res.copy_payload_to(raw)
            else:
                write(res.take_payload())
            if fmt != "json" or single:
                write(b"\n")
            first = False
        done += res.size
        if total > 1:
            progress("advise", done, max(total, done), chunk[-1].where)
    if fmt == "json" and not single:
        write(b"\n]\n")
    if raw is not None:
        raw.flush()
    out.flush()
    if bad:
        print(f"minekb: advise: {bad} of {total} record(s) were bad and not advised", file=sys.stderr)
    return 1 if bad else 0


def _open_records(path: str, fmt: str | None, whole: bool):
    """(records, how many) — a CSV or JSON Lines batch is streamed from disk (bounded memory, any size)
    unless the command needs every record at once; a JSON document is read whole."""
    from advisor.readers import iter_records
    from advisor.stream import count_records, stream_records

    kind = fmt or (Path(path).suffix.lower().lstrip(".") if Path(path).suffix.lower() in (".csv", ".jsonl") else None)
    if whole or kind not in ("csv", "jsonl"):
        records = list(iter_records(path, fmt))
        return records, len(records)
    total = count_records(path) - (1 if kind == "csv" else 0)
    return stream_records(path, fmt), total


def _write(out, results: list[dict], fmt: str, single: bool) -> None:
    if single and len(results) == 1:
        out.write(json.dumps(results[0], ensure_ascii=False, indent=2) + "\n")
    elif fmt == "jsonl":
        for r in results:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    else:
        out.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")


def cmd_report(args: argparse.Namespace) -> int:
    from advisor.profile import ProfileError
    from advisor.readers import InputFileError, read_profiles
    from advisor.report import build_report, render

    try:
        records = read_profiles(args.file)
    except InputFileError as exc:
        raise CLIError(str(exc)) from None
    bad = [r for r in records if r.error is not None]
    for r in bad:
        _report_error(r.label(r.raw), r.error.details, "report")
    good = [r for r in records if r.profile is not None]
    if not good:
        raise CLIError(f"{args.file}: no valid mine profile to report on")
    if len(good) > 1 and args.output is None and args.format == "pdf":
        raise CLIError("a PDF report of several mines needs -o OUT (a folder or a .pdf file per mine is written)")
    adv = _open_advisor()
    vary = _parse_vary(args.vary or [])
    outputs = []
    for r in good:
        try:
            report = build_report(adv, r.profile, as_of=args.as_of, vary=vary)
        except ProfileError as exc:
            raise CLIError(str(exc)) from None
        outputs.append((r.profile["id"], render(report, args.format)))
    if args.output is None:
        for _, data in outputs:
            sys.stdout.write(data if isinstance(data, str) else data.decode("latin-1"))
        return 1 if bad else 0
    target = Path(args.output)
    if len(outputs) == 1 and target.suffix:
        paths = [target]
    else:
        target.mkdir(parents=True, exist_ok=True)
        paths = [target / f"{_safe(mid)}.{args.format}" for mid, _ in outputs]
    for path, (_, data) in zip(paths, outputs):
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        print(f"minekb: report written to {path}", file=sys.stderr)
    return 1 if bad else 0


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "mine"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "advise", help="advise one mine or a batch (一矿一策)",
        description="Advise one mine profile (JSON object) or a batch (JSON array, JSON Lines, CSV) in input order. "
                    "Bad records are reported on stderr with their line; the others are still advised "
                    "(exit code 1 if any record was bad).")
    p.add_argument("file", help="profile file: .json (object or array), .jsonl, or .csv (';' inside list cells)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one advice object, or a JSON array for a batch (default)")
    out.add_argument("--jsonl", action="store_true", help="print one advice object per line")
    out.add_argument("--csv", action="store_true", help="print a flat CSV summary, one row per mine")
    out.add_argument("--compact", action="store_true",
                     help="JSON Lines for big batches: sources as clause ids, and on the first line the shared "
                          "table of the cited clauses ({\"clauses\": {id: SOURCE}}); see docs/advisor.md")
    out.add_argument("--text", action="store_true",
                     help="print readable Chinese text: each conclusion with its reasons and cited clauses")
    p.add_argument("--as-of", metavar="DATE", help="apply only the rules in force on DATE (YYYY-MM-DD; default today)")
    p.add_argument("--explain", action="store_true",
                   help="add derived facts, removed conclusions and the rules that did not fire (why not)")
    p.add_argument("--vary", nargs="+", metavar="FIELD=VALUE",
                   help="what-if: show what changes when these fields change (lists with ';', empty = unknown)")
    p.add_argument("--compare-provinces", metavar="P1,P2,…",
                   help="advise the same mine under each province's rules, side by side (e.g. 江西,广东,北京)")
    p.add_argument("--weights", choices=["ahp", "entropy"], default="ahp",
                   help="factor weights of the potential: the AHP matrix (default) or entropy weights over the batch")
    p.add_argument("--input-format", choices=["json", "jsonl", "csv"],
                   help="read FILE as this format (default: by extension, then by content)")
    p.add_argument("--workers", type=int, metavar="N",
                   help=f"worker processes for a batch (default: 2 from {PARALLEL_FROM} records, else 1)")
    p.add_argument("--per-mine", action="store_true",
                   help="evaluate the rules mine by mine (the reference path) instead of by columns per chunk")
    p.set_defaults(func=cmd_advise)

    r = subparsers.add_parser(
        "report", help="write the 一矿一策 advice report (HTML, PDF or Markdown)",
        description="Write the advice report of each mine of FILE: profile, factor fingerprint (radar chart), "
                    "advice with reasons and cited clause texts, precedents, unknowns and what-ifs.")
    r.add_argument("file", help="profile file (one mine, or a batch: one report per mine)")
    r.add_argument("--format", choices=["html", "pdf", "md"], default="html", help="report format (default html)")
    r.add_argument("-o", "--output", metavar="OUT",
                   help="output file (one mine) or folder (several); default: stdout (html, md)")
    r.add_argument("--as-of", metavar="DATE", help="apply only the rules in force on DATE (YYYY-MM-DD)")
    r.add_argument("--vary", nargs="+", metavar="FIELD=VALUE",
                   help="what-ifs to include besides the automatic ones (field=value)")
    r.set_defaults(func=cmd_report)


def register_bench(bench_subparsers) -> None:
    b = bench_subparsers.add_parser(
        "advise", help="mines/s of a batch through `minekb advise` (full, compact, CSV output), and one-mine latency",
        description="Generate a seeded random batch of valid profiles, advise it end to end through the same path "
                    "as `minekb advise --jsonl` (read, validate, advise, serialize, in input order), and measure "
                    "p50/p95 latency of one in-process advice.")
    b.add_argument("--n", type=int, default=20000, help="mines in the batch (default 20000)")
    b.add_argument("--sizes", metavar="N1,N2", help="several batch sizes, e.g. 20000,99000 (overrides --n)")
    b.add_argument("--modes", default="jsonl,compact,csv",
                   help="output formats to time: jsonl (full contract), compact, csv (default: all three)")
    b.add_argument("--input", choices=["jsonl", "csv"], default="jsonl", help="input file format (default jsonl)")
    b.add_argument("--per-mine", action="store_true",
                   help="also time each run on the per-mine reference path (the columnar speed-up)")
    b.add_argument("--seed", type=int, default=7, help="random seed of the synthetic profiles")
    b.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    b.add_argument("--latency-n", type=int, default=2000, help="single advices timed for p50/p95 (default 2000)")
    b.add_argument("--web-n", type=int, default=3000,
                   help="mines of the in-process batch of the web page / API (default 3000)")
    b.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    from advisor.bench import run_bench

    return run_bench(args)
