"""The knowledge-base home folder (``MINEKB_HOME``) and its atomic generations.

Layout::

    $MINEKB_HOME/
        CURRENT            # name of the live generation, replaced atomically
        .lock              # held (fcntl) by the one writer at a time
        generations/
            g-<timestamp>-<pid>/   # one complete knowledge base
                documents/<doc_id>.json    corpus stage: parsed document + clauses
                sources/<doc_id>.<ext>     corpus stage: the original file, kept
                manifest.json              corpus stage: doc_id -> source hash
                ontology/                  ontology stage: built graph
                index/                     search stage: full-text index

A writer copies the live generation into a new folder, changes the copy, and
swaps ``CURRENT`` with ``os.replace`` only when everything is built. A crash or
a kill in the middle leaves the previous generation live and whole; readers
never see half a build. Old generations are removed after a successful swap
(the previous one is kept for readers that still have it open).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from pathlib import Path
from typing import Iterator

ENV_VAR = "MINEKB_HOME"


class HomeLockedError(RuntimeError):
    """Another process is writing to this knowledge base."""


class DiscardGeneration(Exception):
    """Raised inside ``new_generation()`` to drop the new folder and keep the live one, as no error.

    For a writer that finds, once it holds the lock, that there is nothing to
    change (an ingest of unchanged files, a refresh another process already did).
    """


def default_home() -> Path:
    """``$MINEKB_HOME`` if set, else ``~/.minekb``."""
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else Path.home() / ".minekb"


class KnowledgeBaseHome:
    """One ``MINEKB_HOME`` folder: find the live generation, open a new one."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path).expanduser() if path else default_home()

    @property
    def generations_dir(self) -> Path:
        return self.path / "generations"

    def current(self) -> Path | None:
        """The live generation folder, or None when nothing was built yet."""
        pointer = self.path / "CURRENT"
        try:
            name = pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        gen = self.generations_dir / name
        return gen if gen.is_dir() else None

    def is_built(self) -> bool:
        return self.current() is not None

    @contextlib.contextmanager
    def lock(self, wait: bool = False) -> Iterator[None]:
        """Serialize writers; raise HomeLockedError at once unless ``wait``."""
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / ".lock", "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                raise HomeLockedError(
                    f"another minekb process is writing to {self.path} (ingest or build in progress); "
                    "wait for it to finish and try again"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def new_generation(self, copy_current: bool = True, wait: bool = False) -> Iterator[Path]:
        """Yield a fresh generation folder; make it live when the block succeeds.

        With ``copy_current`` the live generation's files are copied in first
        (hard links would let a writer corrupt a file the readers use, so copy).
        On any exception the new folder is deleted and the live one untouched;
        ``DiscardGeneration`` does the same without propagating.
        """
        with self.lock(wait=wait):
            self.generations_dir.mkdir(parents=True, exist_ok=True)
            name = f"g-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
            tmp = self.generations_dir / (name + ".partial")
            live = self.current()
            if copy_current and live is not None:
                shutil.copytree(live, tmp)
            else:
                tmp.mkdir()
            try:
                yield tmp
                final = self.generations_dir / name
                os.replace(tmp, final)
                self._swap_pointer(name)
            except DiscardGeneration:
                shutil.rmtree(tmp, ignore_errors=True)
                return
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            self._remove_old(keep={name, live.name if live else ""})

    def _swap_pointer(self, name: str) -> None:
        pointer = self.path / "CURRENT"
        tmp = self.path / f".CURRENT.{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, pointer)

    def _remove_old(self, keep: set[str]) -> None:
        for child in self.generations_dir.iterdir():
            if child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)
