"""Where the project's shared reference folder (the seed documents) is, if anywhere.

The seed documents are not part of the repository. Benchmarks and a few tests
use them when they are present:

1. ``$MINEKB_SEEDS`` — the seeds folder itself;
2. ``$MINEKB_SHARED/seeds`` — the shared reference folder;
3. a folder named ``shared`` beside the checkout, holding ``seeds/``.

Without any of these, those tests skip and the benchmarks say what is missing
with :data:`SEEDS_HELP`.
"""
from __future__ import annotations

import os
from pathlib import Path

SEEDS_HELP = ("the seed documents are not found: set MINEKB_SHARED to the project's shared reference folder "
              "(the one holding seeds/), or MINEKB_SEEDS to the seeds folder itself, or put that folder, "
              "named shared, beside this checkout")


def _repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def shared_dir() -> Path | None:
    """$MINEKB_SHARED, else ``shared`` beside the checkout; None if neither is a folder."""
    env = os.environ.get("MINEKB_SHARED")
    candidates = [Path(env)] if env else [_repo_root().parent / "shared"]
    return next((p for p in candidates if p.is_dir()), None)


def seeds_dir() -> Path | None:
    """The seed documents' folder (see the module's docstring), or None."""
    env = os.environ.get("MINEKB_SEEDS")
    if env:
        return Path(env) if Path(env).is_dir() else None
    shared = shared_dir()
    seeds = shared / "seeds" if shared else None
    return seeds if seeds is not None and seeds.is_dir() else None
