"""The ``minekb`` command line: one subcommand per library entry point.

Each pipeline stage owns a ``cli`` module with ``register(subparsers)`` (its
commands) and optionally ``register_bench(bench_subparsers)`` (its benchmark
under ``minekb bench``). This module only assembles them, so a stage adds a
command without touching any other stage. Every command function takes the
parsed ``argparse.Namespace`` and returns an exit code.
"""
from __future__ import annotations

import argparse
import importlib
import sys

# The registry of stages contributing commands, in pipeline order.
STAGE_CLI_MODULES = [
    "corpus.cli", "ontology.cli", "rules.cli", "rules.coverage", "advisor.cli", "search.cli", "webui.cli",
]


class CLIError(Exception):
    """An error to print on stderr as one clean line, with exit code 2."""


# Errors of the stages that describe a problem in what the user gave or
# maintains (a rule file, a Turtle file, a profile, a locked home): printed as
# their message, never as a traceback. A registry of "module:Class" names so
# this module imports no stage.
USER_ERRORS = [
    "minekb.home:HomeLockedError", "corpus.store:StoreError", "corpus.loaders:LoadError",
    "corpus.metadata:MetadataError", "ontology.labels:OntologySyntaxError", "ontology.backends:GraphQueryError",
    "rules.model:RuleLoadError", "rules.coverage:CoverageError", "advisor.readers:InputFileError",
    "advisor.profile:ProfileError", "advisor.provenance:UnresolvedSourceError", "advisor.potential:InconsistentMatrixError",
    "search.query:QueryError",
]


def _user_error_types() -> tuple[type, ...]:
    found = []
    for spec in USER_ERRORS:
        module, _, name = spec.partition(":")
        mod = sys.modules.get(module)  # only what the command imported can have raised
        if mod is not None and hasattr(mod, name):
            found.append(getattr(mod, name))
    return tuple(found)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="minekb",
        description="废弃矿山生态修复与再利用知识库 / knowledge base and advisor for abandoned-mine restoration",
    )
    parser.add_argument("--home", help="knowledge-base folder (default: $MINEKB_HOME or ~/.minekb)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    bench = sub.add_parser("bench", help="print performance figures of one stage")
    bench_sub = bench.add_subparsers(dest="bench", metavar="WHAT")
    bench.set_defaults(func=lambda args: (bench.print_help(), 1)[1])
    for name in STAGE_CLI_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a stage not yet present in this checkout
            if exc.name in (name, name.split(".")[0]):
                continue
            raise
        module.register(sub)
        if hasattr(module, "register_bench"):
            module.register_bench(bench_sub)
    return parser


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout without a file descriptor (tests)
        pass


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    if args.home:
        import os

        os.environ["MINEKB_HOME"] = args.home
    try:
        return int(args.func(args) or 0)
    except CLIError as exc:
        print(f"minekb: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`minekb docs | head -1`): stop quietly. Point
        # stdout at /dev/null so the interpreter's final flush does not raise
        # a second BrokenPipeError on the way out.
        _silence_stdout()
        return 0
    except Exception as exc:
        if isinstance(exc, _user_error_types()):
            print(f"minekb: {exc}", file=sys.stderr)
            return 2
        raise
    except KeyboardInterrupt:
        print("minekb: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    # Run through the imported module, not this __main__ copy, so that the
    # CLIError the stages raise is the class caught here.
    from minekb.cli import main as _main

    sys.exit(_main())
