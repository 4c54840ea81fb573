"""Ingest files and folders into a knowledge-base generation.

``ingest_paths`` is called by ``minekb.kb.ingest`` / ``minekb.kb.build`` inside
a fresh generation folder, so a crash leaves the live knowledge base whole;
here each file is still written via a temporary name and a rename.

Per file the outcome is one of:

    added      new document written
    unchanged  same bytes (and sidecar) as an ingested document: nothing written
    replaced   a changed version of an ingested document, with ``replace=True``
    skipped    a changed version without ``replace``: the stored one is kept
    error      the file could not be read or parsed; the message names file and reason

A bad file never aborts the batch: the others are still ingested.

Each file also carries its reading warnings (``corpus.diagnostics``: title from
the file name, no 文号 or issuer, an over-long clause, no structure, Word's
automatic numbering rendered). With ``strict=True`` any warning fails the
whole batch: the files with warnings are errors, the others are skipped, and
nothing is written.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from corpus import store
from corpus.loaders import LoadError, find_sidecar, is_supported, load_file
from corpus.metadata import MetadataError
from corpus.model import Document
from corpus.parse import parse_with_warnings
from corpus.supersede import Superseder, adopt, beside_id, kept_date_warnings, numbered_as_official, rename
from minekb.progress import Progress, null_progress

STATUSES = ("added", "unchanged", "replaced", "skipped", "error")


@dataclass
class FileResult:
    path: str
    status: str                      # one of STATUSES
    doc_id: str | None = None
    clauses: int = 0
    title: str = ""
    message: str = ""
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        """A human-readable report line."""
        if self.status == "error":
            return f"error      {self.message}"
        what = f"{self.doc_id} 《{self.title}》 {self.clauses} clauses" if self.doc_id else ""
        note = f" — {self.message}" if self.message else ""
        warned = "".join(f"\n           warning: {w}" for w in self.warnings)
        return f"{self.status:<10} {self.path}: {what}{note}{warned}"


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    relinked: list[str] = field(default_factory=list)   # stored documents whose citations now resolve anew

    @property
    def changed(self) -> bool:
        return bool(self.relinked) or any(f.status in ("added", "replaced") for f in self.files)

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def all_failed(self) -> bool:
        return bool(self.files) and all(f.status == "error" for f in self.files)

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in STATUSES if self.count(s)]
        return ", ".join(parts) or "no files"

    def to_dict(self) -> dict[str, Any]:
        return {"changed": self.changed, "files": [f.__dict__ for f in self.files], "relinked": self.relinked}


def expand_paths(paths: Iterable[Path | str]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest (folders walked recursively, sorted) and errors for missing paths."""
    files: list[Path] = []
    errors: list[FileResult] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():        # a folder's README describes the folder; it is not a policy text
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and is_supported(p)
                         and not p.name.lower().startswith("readme")
                         and not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.is_file():
            files.append(path)
        else:
            errors.append(FileResult(str(path), "error", message=f"{path}: no such file or folder"))
    return files, errors


def _ingested_from(manifest: dict[str, dict[str, Any]], path: Path) -> str | None:
    """The id of the document last ingested from this very file, if any."""
    resolved = str(path.resolve())
    for doc_id, entry in manifest.items():
        if entry.get("path") and str(Path(entry["path"]).resolve()) == resolved:
            return doc_id
    return None


def _fingerprint(raw: bytes, path: Path) -> str:
    digest = hashlib.sha256(raw)
    sidecar = find_sidecar(path)
    if sidecar is not None:
        digest.update(b"\0sidecar\0" + sidecar.read_bytes())
    return digest.hexdigest()


def _refuse_strict(report: IngestReport) -> None:
    """--strict: a file with warnings is an error and no file of the batch is written."""
    for result in report.files:
        if result.warnings:
            result.status = "error"
            result.message = (f"{result.path}: --strict: {len(result.warnings)} reading warning(s): "
                              + "; ".join(result.warnings))
        elif result.status in ("added", "replaced"):
            result.status = "skipped"
            result.message = "not ingested: --strict and another file of the batch has warnings"
    report.relinked = []


def ingest_paths(gen_dir: Path, paths: list[Path | str], *, replace: bool = False, terms: Iterable[Any] = (),
                 progress: Progress | None = None, strict: bool = False) -> IngestReport:
    """Parse, annotate and store every file of ``paths`` into ``gen_dir``; never raises for a bad file."""
    from corpus.annotate import Annotator
    from corpus.citations import link_citations

    gen_dir = Path(gen_dir)
    progress = progress or null_progress
    files, errors = expand_paths(paths)
    report = IngestReport(files=list(errors))
    manifest = store.load_manifest(gen_dir)
    by_sha = {entry.get("sha256"): doc_id for doc_id, entry in manifest.items()}
    batch: dict[str, tuple[Document, FileResult, bytes, str, str]] = {}
    total = len(files)
    annotator: Annotator | None = None
    superseder: Superseder | None = None      # the official text of a document supersedes its digest
    for done, path in enumerate(files):
        progress("ingest", done, total, path.name)
        try:
            loaded = load_file(path)
            sha = _fingerprint(loaded.raw, path)
            if sha in by_sha:
                doc_id = by_sha[sha]
                entry = manifest.get(doc_id, {})
                report.files.append(FileResult(str(path), "unchanged", doc_id, entry.get("clauses", 0),
                                               entry.get("title", "")))
                continue
            document, warnings = parse_with_warnings(loaded)
            superseder = superseder or Superseder(gen_dir, manifest)
            held = superseder.official_holding(document)
            if held is not None:      # a digest never replaces the official text of the same document
                report.files.append(FileResult(str(path), "skipped", document.id, len(held.clauses), held.title,
                                               "the official text of this document supersedes the digest"))
                continue
            digest = superseder.digest_for(document)
            beside = ""
            if digest is not None and not numbered_as_official(digest):
                beside = f"the project's digest {digest.id} (numbered by its own points) stays beside it"
                if document.id == digest.id:
                    document = rename(document, beside_id(digest))
                digest = None
            if digest is not None:
                document = adopt(document, digest)
                warnings = [*warnings, *kept_date_warnings(document)]
                if document.id in batch:          # the digest came earlier in this batch: it is not stored
                    earlier = batch.pop(document.id)[1]
                    earlier.status, earlier.message = "skipped", f"superseded by the official text {path}"
            if document.id in batch:
                raise LoadError(path, f"document id {document.id!r} is also produced by "
                                      f"{batch[document.id][1].path}; give one of them an 'id' in its metadata")
            status, message = "added", beside
            previous = _ingested_from(manifest, path)
            if previous and previous != document.id and document.id not in manifest:
                # the same file, changed so much that its id changed (a new title or 文号)
                if not replace:
                    report.files.append(FileResult(
                        str(path), "skipped", previous, manifest[previous].get("clauses", 0),
                        manifest[previous].get("title", ""),
                        f"changed since it was ingested as {previous} (now {document.id}); "
                        "use --replace to update it"))
                    continue
                store.remove_document(gen_dir, previous)
                del manifest[previous]
                status, message = "replaced", f"id changed from {previous}"
            if digest is not None:
                status, message = "replaced", f"the official text supersedes the project's digest {document.id}"
            elif document.id in manifest:
                if not replace:
                    status = "skipped"
                    message = (f"{document.id} is already ingested (from {manifest[document.id].get('path')}) "
                               "with different content; use --replace to update it")
                else:
                    status = "replaced"
            result = FileResult(str(path), status, document.id, len(document.clauses), document.title, message,
                                warnings)
            report.files.append(result)
            if status == "skipped":
                continue
            annotator = annotator or Annotator(terms)
            annotator.annotate(document)
            superseder.note(document)
            by_sha[sha] = document.id
            batch[document.id] = (document, result, loaded.raw, sha, path.suffix.lower())
        except (LoadError, MetadataError) as exc:
            report.files.append(FileResult(str(path), "error", message=str(exc)))
        except Exception as exc:  # a parser bug on one odd file must not abort the batch
            report.files.append(FileResult(str(path), "error",
                                           message=f"{path}: cannot parse ({exc.__class__.__name__}: {exc})"))
    progress("ingest", total, total, "")
    if strict and any(f.warnings for f in report.files):
        _refuse_strict(report)
        return report
    if not batch and not report.changed:
        return report
    stored = {doc_id: doc for doc_id, doc in store.load_documents(gen_dir).items() if doc_id not in batch}
    new_docs = {doc_id: entry[0] for doc_id, entry in batch.items()}
    relinked = link_citations(new_docs, stored)
    for doc_id, (document, result, raw, sha, ext) in batch.items():
        store.save_document(gen_dir, document)
        store.save_source(gen_dir, doc_id, ext, raw)
        manifest[doc_id] = {"sha256": sha, "path": result.path, "ext": ext, "clauses": len(document.clauses),
                            "title": document.title, "content": document.content}
    for doc_id in relinked:
        store.save_document(gen_dir, stored[doc_id])
    report.relinked = sorted(relinked)
    store.save_manifest(gen_dir, manifest)
    return report
