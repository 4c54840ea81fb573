"""Read and write the corpus part of a knowledge-base generation.

Layout inside a generation folder (docs/architecture.md):

    documents/<doc_id>.json   one ``Document.to_dict()`` per document
    sources/<doc_id>.<ext>    the original file, byte for byte
    manifest.json             {doc_id: {"sha256": ..., "path": ..., "ext": ...}}

Every file is written to a temporary name in the same folder and renamed into
place, so a reader (or a crash) never sees half a file. The whole-KB atomicity
comes from ``minekb.home.KnowledgeBaseHome.new_generation``.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from corpus.model import Document

DOCUMENTS = "documents"
SOURCES = "sources"
MANIFEST = "manifest.json"


class StoreError(RuntimeError):
    """A stored file is unreadable; the message names it."""


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_json(path: Path, data: Any, *, compact: bool = False) -> None:
    """JSON via temp+rename; ``compact`` skips indentation (json's fast C encoder only runs without it)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) if compact \
        else json.dumps(data, ensure_ascii=False, indent=1)
    atomic_write_bytes(path, text.encode("utf-8"))


def document_dict(document: Document) -> dict[str, Any]:
    """The same dict as ``Document.to_dict()`` (dataclasses.asdict), built directly: asdict deep-copies
    every field recursively, which made it the slowest step of an ingest."""
    data = dict(document.__dict__)
    data["relations"] = [dict(r.__dict__) for r in document.relations]
    data["metadata_origin"] = dict(document.metadata_origin)
    clauses = []
    for clause in document.clauses:
        c = dict(clause.__dict__)
        c["heading_path"] = list(clause.heading_path)
        c["type_cues"] = list(clause.type_cues)
        c["concepts"] = list(clause.concepts)
        c["mentions"] = [dict(m.__dict__) for m in clause.mentions]
        clauses.append(c)
    data["clauses"] = clauses
    return data


def document_path(gen_dir: Path, doc_id: str) -> Path:
    return Path(gen_dir) / DOCUMENTS / f"{doc_id}.json"


def save_document(gen_dir: Path, document: Document) -> Path:
    path = document_path(gen_dir, document.id)
    atomic_write_json(path, document_dict(document), compact=True)
    return path


def load_document(path: Path) -> Document:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Document.from_dict(data)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise StoreError(f"{path}: unreadable document record ({exc.__class__.__name__}: {exc})") from None


def load_documents(gen_dir: Path) -> dict[str, Document]:
    """All documents of a generation, by id, in id order (empty when none were ingested)."""
    folder = Path(gen_dir) / DOCUMENTS
    if not folder.is_dir():
        return {}
    documents = {}
    for path in sorted(folder.glob("*.json")):
        document = load_document(path)
        documents[document.id] = document
    return documents


def save_source(gen_dir: Path, doc_id: str, ext: str, data: bytes) -> Path:
    folder = Path(gen_dir) / SOURCES
    for old in folder.glob(f"{doc_id}.*"):      # a replaced document may have changed format
        if old.suffix != ext:
            old.unlink()
    path = folder / f"{doc_id}{ext}"
    atomic_write_bytes(path, data)
    return path


def remove_document(gen_dir: Path, doc_id: str) -> None:
    document_path(gen_dir, doc_id).unlink(missing_ok=True)
    for old in (Path(gen_dir) / SOURCES).glob(f"{doc_id}.*"):
        old.unlink()


def load_manifest(gen_dir: Path) -> dict[str, dict[str, Any]]:
    path = Path(gen_dir) / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: unreadable manifest ({exc})") from None
    if not isinstance(data, dict):
        raise StoreError(f"{path}: manifest must be a JSON object {{doc_id: {{sha256, path}}}}")
    return data


def save_manifest(gen_dir: Path, manifest: dict[str, dict[str, Any]]) -> None:
    atomic_write_json(Path(gen_dir) / MANIFEST, dict(sorted(manifest.items())))
