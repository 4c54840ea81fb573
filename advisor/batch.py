"""Batch advice: many mines in input order, bad records reported, the rest advised.

Two paths with the same results:

* ``advise_records`` — in-process, an iterator (the library and the web API).
* ``ParallelBatch`` — the CLI's path for big files: raw records are shipped
  in chunks to worker processes forked after the knowledge base is loaded
  (so each worker shares the compiled rules copy-on-write), each worker
  validates, advises and serializes its chunk, and the parent writes the
  chunks back in input order. JSON serialization of ~20,000 advices is a
  large share of the work, which is why it happens in the workers. A chunk's
  output (about 100 kB a mine: every reason carries its clauses' text) goes
  back through a spool file, not the result pipe: the parent copies it to the
  output with ``os.sendfile`` (no pickling, no pipe ping-pong; measured: the
  pipe cost a third of a batch's CPU).
"""
from __future__ import annotations

import gc
import json
import multiprocessing as mp
import os
import shutil
import tempfile
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from advisor.potential import FACTORS, entropy_weights
from advisor.profile import ProfileError
from advisor.readers import InputRecord
from advisor.service import parse_as_of


def error_object(rec: InputRecord | None, exc: ProfileError, index: int) -> dict[str, Any]:
    """The error item of a batch, in the contract's error shape plus where it was."""
    raw = rec.raw if rec is not None else None
    mid = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
    return {"mine_id": mid, "record": rec.where if rec is not None else index, "error": str(exc),
            "details": exc.details}


def _as_record(i: int, r: Any) -> InputRecord:
    return r if isinstance(r, InputRecord) else InputRecord(i, f"index {i}", r)


def _resolve_weights(advisor, recs: list[InputRecord], weights) -> dict[str, float] | None:
    if weights in (None, "ahp"):
        return None
    if weights == "entropy":
        rows = [advisor.potential.factor_values(r.profile)[0] for r in recs if r.profile is not None]
        return entropy_weights(rows, FACTORS)
    if isinstance(weights, dict):
        return weights
    raise ValueError(f"weights must be 'ahp', 'entropy' or a mapping of factor weights, got {weights!r}")


def advise_records(advisor, records: Iterable[Any], *, as_of: Any = None, explain: bool = False,
                   weights: str | dict[str, float] | None = None) -> Iterator[dict[str, Any]]:
    """Advice or an error object for each record, in input order."""
    if weights not in (None, "ahp"):
        recs = [_as_record(i, r).validate() for i, r in enumerate(records)]
        w = _resolve_weights(advisor, recs, weights)
        source: Iterable[InputRecord] = recs
    else:
        w, source = None, (_as_record(i, r) for i, r in enumerate(records))
    # chunk by chunk: the good records of a chunk advised together by columns (advise_chunk), errors in place
    chunk: list[InputRecord] = []
    for rec in source:
        chunk.append(rec.validate())
        if len(chunk) >= CHUNK:
            yield from _advise_in_order(advisor, chunk, as_of=as_of, explain=explain, weights=w)
            chunk = []
    yield from _advise_in_order(advisor, chunk, as_of=as_of, explain=explain, weights=w)


CHUNK = 250   # mines advised together by columns
SUMMARY_CHUNK = 1000   # mines a flat summary decides together: a row is small, so a chunk can be bigger


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """An advice is thousands of short-lived dicts and lists freed by reference counting; the cyclic collector
    scanning them while a chunk is built costs about a tenth of the time and frees nothing: paused meanwhile."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _advise_in_order(advisor, recs: list[InputRecord], **opts) -> Iterator[dict[str, Any]]:
    with without_cyclic_gc():
        advices = iter(list(advise_chunk(advisor, [r.profile for r in recs if r.error is None], **opts)))
    for rec in recs:
        yield error_object(rec, rec.error, rec.index) if rec.error is not None else next(advices)


# ---------------------------------------------------------------- parallel
_WORKER: dict[str, Any] = {}
WARM_CHUNKS = 2   # chunks advised in the parent before the fork (see ParallelBatch._run_pool)
AHEAD = 4         # chunks in flight per worker


@dataclass
class ChunkResult:
    """One chunk's output: the good records' texts joined (input order), and the bad records."""

    size: int                              # records in the chunk
    advised: int                           # how many were advised
    payload: bytes                         # their texts joined by the separator (empty when spooled)
    errors: list[tuple[int, str]]          # (position in the chunk, error JSON)
    spool: str | None = None               # a file holding the payload instead (parallel runs)

    def take_payload(self) -> bytes:
        """The payload, read from the spool file if there is one (the file is removed)."""
        if self.spool is None:
            return self.payload
        with open(self.spool, "rb") as f:
            data = f.read()
        os.unlink(self.spool)
        self.spool = None
        self.payload = data
        return data

    def copy_payload_to(self, out) -> None:
        """Write the payload to the binary stream ``out`` (kernel copy from a spool file where possible)."""
        if self.spool is None:
            out.write(self.payload)
            return
        try:
            fd_out = out.fileno()
        except (AttributeError, OSError, ValueError):
            out.write(self.take_payload())
            return
        out.flush()
        with open(self.spool, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            offset = 0
            try:
                while offset < size:
                    sent = os.sendfile(fd_out, f.fileno(), offset, size - offset)
                    if sent == 0:
                        break
                    offset += sent
            except OSError:   # an output sendfile cannot write to: copy through user space instead
                f.seek(offset)
                shutil.copyfileobj(f, out)
        os.unlink(self.spool)
        self.spool = None


def _work(chunk: list[InputRecord] | list[tuple]) -> ChunkResult:
    """In a worker: validate, advise and serialize a chunk; one joined payload keeps the IPC cheap.

    Records arrive as plain tuples (index, where, raw, kind) when shipped to a
    worker process: they pickle several times faster than the dataclass.
    """
    if chunk and type(chunk[0]) is tuple:
        chunk = [InputRecord(i, w, r, k) for i, w, r, k in chunk]
    adv, opts, dumps, sep = _WORKER["advisor"], _WORKER["opts"], _WORKER["dumps"], _WORKER["sep"]
    # output-only advice (shared reasons, pre-serialized clause lists) unless a dumps needs plain lists
    for_json = dumps is None or getattr(dumps, "reads_ids_only", False)
    encode = adv.dumps if dumps is None else (lambda a: dumps(a).encode("utf-8"))
    errors: list[tuple[int, str]] = []
    profiles = []
    for n, rec in enumerate(chunk):
        rec.validate()
        if rec.error is not None:
            errors.append((n, json.dumps(error_object(rec, rec.error, rec.index), ensure_ascii=False)))
            continue
        profiles.append(rec.profile)
    with without_cyclic_gc():
        if _WORKER.get("summary"):
            # the flat summary's ids decided without building the advice objects (advisor.summary)
            texts = [t.encode("utf-8") for t in adv.summary_rows(profiles, as_of=opts.get("as_of"),
                                                                  weights=opts.get("weights"))]
        elif _WORKER.get("columnar", True):
            # the rules, the zones, the factor values and the precedents computed over the chunk's columns at
            # once (rules.columnar, advisor.vectorized), then each mine's advice assembled from them
            texts = [encode(advice) for advice in advise_chunk(adv, profiles, for_json=for_json, **opts)]
        else:
            texts = [encode(adv.advise(p, validated=True, for_json=for_json, **opts)) for p in profiles]
    payload = sep.join(texts)
    spool_dir = _WORKER.get("spool")
    if spool_dir and payload:
        fd, path = tempfile.mkstemp(dir=spool_dir, suffix=".chunk")
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        return ChunkResult(len(chunk), len(texts), b"", errors, path)
    return ChunkResult(len(chunk), len(texts), payload, errors)


def advise_chunk(adv, profiles: list[dict], *, for_json: bool = False, as_of: Any = None, explain: bool = False,
                 weights: dict[str, float] | None = None) -> Iterator[dict[str, Any]]:
    """The advice of each validated profile of a chunk, computed by columns where that pays (same result
    as ``adv.advise`` one by one)."""
    from advisor.vectorized import factor_values_many, precedents_many, zones_many

    if not profiles:
        return
    if not adv.columnar.supported:   # a rule set the columns cannot read: the per-mine path
        for p in profiles:
            yield adv.advise(p, validated=True, for_json=for_json, as_of=as_of, explain=explain, weights=weights)
        return
    evaluations = adv.columnar.evaluate_many(profiles, as_of=parse_as_of(as_of), explain=explain)
    zones = zones_many(adv.gate, adv.columnar, profiles)
    factors = factor_values_many(adv.potential, profiles)
    precedents = precedents_many(adv.precedents, profiles, refs=for_json)
    for p, ev, z, f, pr in zip(profiles, evaluations, zones, factors, precedents):
        yield adv.advise(p, validated=True, for_json=for_json, as_of=as_of, explain=explain, weights=weights,
                         evaluation=ev, precomputed={"zones": z, "factors": f, "precedents": pr})


class ParallelBatch:
    """Advise an iterable of ``InputRecord``s on ``workers`` processes, results in input order.

    ``dumps`` turns one advice into the output text (one CSV row, indented
    JSON …); ``None`` means compact JSON through ``Advisor.dumps`` (the fast
    path). With ``workers=1`` everything runs in-process (same code).
    """

    def __init__(self, advisor, *, dumps: Callable[[dict], str] | None, workers: int | None = None,
                 chunk_size: int | None = None, as_of: Any = None, explain: bool = False,
                 weights: dict[str, float] | None = None, sep: bytes = b"\n", columnar: bool = True) -> None:
        self.advisor = advisor
        self.columnar = columnar  # rules evaluated per chunk by columns (False: the per-mine reference path)
        self.dumps = dumps
        self.sep = sep  # between two records' texts in a chunk's payload (never inside one: compact JSON, CSV rows)
        self.workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
        # a flat CSV summary of a columnar batch is decided without the advice objects (advisor.summary)
        self.summary = bool(getattr(dumps, "summary", False) and columnar and not explain)
        self.chunk_size = chunk_size or (SUMMARY_CHUNK if self.summary else CHUNK)
        self.opts = {"as_of": as_of, "explain": explain, "weights": weights}

    def _chunks(self, records: Iterable[InputRecord]) -> Iterator[list[InputRecord]]:
        chunk: list[InputRecord] = []
        for r in records:
            chunk.append(r)
            if len(chunk) >= self.chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def run_chunks(self, records: Iterable[InputRecord]) -> Iterator[tuple[list[InputRecord], ChunkResult]]:
        """Yield (the chunk's records, its ``ChunkResult``) in input order."""
        _WORKER.update(advisor=self.advisor, opts=self.opts, dumps=self.dumps, sep=self.sep, spool=None,
                       columnar=self.columnar, summary=self.summary)
        if self.workers <= 1 or "fork" not in mp.get_all_start_methods():
            for chunk in self._chunks(records):
                yield chunk, _work(chunk)
            return
        with tempfile.TemporaryDirectory(prefix="minekb-batch-") as spool:
            _WORKER["spool"] = spool   # the forked workers see it; removed with whatever a failure left
            try:
                yield from self._run_pool(records)
            finally:
                _WORKER["spool"] = None

    def _run_pool(self, records: Iterable[InputRecord]) -> Iterator[tuple[list[InputRecord], ChunkResult]]:
        chunks = self._chunks(records)
        # The first chunk is advised here, before the fork: its labels, sources, reasons and rule conclusions
        # then sit in the advisor's caches that every worker inherits, instead of each worker building them.
        spool, _WORKER["spool"] = _WORKER["spool"], None
        # (a flat summary builds no labels, sources or reasons: its workers start at once)
        for _ in range(0 if self.summary else WARM_CHUNKS):
            first = next(chunks, None)
            if first is None:
                return
            yield first, _work(first)
        _WORKER["spool"] = spool
        ctx = mp.get_context("fork")
        # At most AHEAD chunks per worker are read and in flight: a file of any size is advised in bounded
        # memory (Pool.imap would read the whole input ahead of the workers).
        window: deque = deque()
        with ctx.Pool(self.workers) as pool:
            for ch in chunks:
                job = pool.apply_async(_work, ([(r.index, r.where, r.raw, r.kind) for r in ch],))
                window.append((ch, job))
                if len(window) >= AHEAD * self.workers:
                    done, job = window.popleft()
                    yield done, job.get()
            while window:
                done, job = window.popleft()
                yield done, job.get()

    def run(self, records: Iterable[InputRecord]) -> Iterator[tuple[InputRecord, bytes | None, str | None]]:
        """Yield (record, advice text as UTF-8 bytes, error JSON) per record, in input order."""
        for chunk, res in self.run_chunks(records):
            texts = iter(res.take_payload().split(self.sep)) if res.advised else iter(())
            bad = dict(res.errors)
            for n, rec in enumerate(chunk):
                yield (rec, None, bad[n]) if n in bad else (rec, next(texts), None)
