"""Turn a file on disk into plain text plus any metadata it carries.

Supported formats are a registry (suffix -> loader), so adding one is one
function and one line. Every failure raises ``LoadError`` naming the file and
the reason in words a user can act on; the ingest batch catches it per file so
one bad file never stops the others.

Formats:
  .txt .text     plain text, UTF-8 / UTF-16 (BOM) / GB18030 (GBK, GB2312), detected
  .md .markdown  the same, with optional YAML front matter (``---`` … ``---``)
  .docx          python-docx: paragraphs and table rows in document order; Word's
                 automatic numbering (numbering.xml) rendered to the numbers Word shows
  .pdf           pypdf: the text layer of every page (scanned PDFs have none)
"""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

# Policy texts are small (the largest seed is 53 kB); 20 MB leaves room for
# long PDFs with embedded images while refusing archives or data dumps.
MAX_FILE_BYTES = 20 * 1024 * 1024

SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml", ".meta.json")


class LoadError(Exception):
    """A file that cannot be read as a policy text; the message names file and reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass
class LoadedText:
    """What a loader produced: the text, metadata found inside the file, and its raw bytes."""

    path: Path
    text: str
    raw: bytes
    fmt: str                                   # txt | md | docx | pdf
    metadata: dict[str, Any] = field(default_factory=dict)
    metadata_source: str = ""                  # "front_matter" | "sidecar" | ""
    encoding: str = "utf-8"
    pages: int = 0                             # pdf only
    notes: list[str] = field(default_factory=list)   # what the loader met that the reader should know (warnings)
    properties: dict[str, Any] = field(default_factory=dict)  # the file's own title property (docx, pdf): a fallback


# --------------------------------------------------------------------------- text

_PRINTABLE_CONTROL = set("\n\r\t\f")


def _looks_binary(data: bytes) -> bool:
    """NUL bytes (outside UTF-16) or many control characters mean it is not a text file."""
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and chr(b) not in _PRINTABLE_CONTROL)
    return controls > max(8, len(sample) // 100)


def decode_text(data: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """Decode bytes as UTF-8, UTF-16 with BOM, or GB18030 (a superset of GBK/GB2312).

    Chinese policy files outside the web are very often GBK; charset-normalizer
    is consulted only when neither strict UTF-8 nor strict GB18030 decodes, because
    on short Chinese texts its guesses (Big5, cp949…) are less reliable than the
    strict decoders.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise LoadError(path, f"undecodable UTF-16 text ({exc.reason} at byte {exc.start})") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        if _mostly_cjk_or_ascii(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding and _mostly_cjk_or_ascii(str(best)):
        return str(best), best.encoding
    raise LoadError(path, "undecodable text: not UTF-8, UTF-16 or GB18030/GBK, and no other encoding fits")


def _mostly_cjk_or_ascii(text: str) -> bool:
    """Reject decodings that produce mostly exotic characters (a wrong codec's mojibake)."""
    if not text:
        return True
    good = sum(1 for ch in text if ch.isascii() or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
               or "\uff00" <= ch <= "\uffef" or ch in "“”‘’—…·")
    return good / len(text) > 0.85


_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def split_front_matter(text: str, path: Path | str) -> tuple[dict[str, Any], str]:
    """``---\\nyaml\\n---\\nbody`` -> (metadata, body); text without front matter -> ({}, text)."""
    m = _FRONT_MATTER_RE.match(text)
    if not m:
        return {}, text
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise LoadError(path, f"front matter is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise LoadError(path, "front matter must be a YAML mapping (key: value lines)")
    return meta, text[m.end():]


def _load_txt(path: Path, data: bytes) -> LoadedText:
    if _looks_binary(data):
        raise LoadError(path, "binary file (contains NUL or control bytes), not a text document")
    text, enc = decode_text(data, path)
    return LoadedText(path, text, data, "txt", encoding=enc)


def _load_md(path: Path, data: bytes) -> LoadedText:
    loaded = _load_txt(path, data)
    meta, body = split_front_matter(loaded.text, path)
    loaded.fmt = "md"
    loaded.text = body
    if meta:
        loaded.metadata, loaded.metadata_source = meta, "front_matter"
    return loaded


# --------------------------------------------------------------------------- docx

# A .docx is a zip: refuse archives that would inflate far beyond any real policy
# text before python-docx decompresses them into memory (a "zip bomb").
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_DOCX_RATIO = 200


def _check_zip_size(path: Path, data: bytes) -> None:
    import zipfile

    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as exc:
        raise LoadError(path, f"corrupt or not a .docx file (BadZipFile: {exc})") from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_DOCX_UNCOMPRESSED or (total > 10 * 1024 * 1024 and total / packed > MAX_DOCX_RATIO):
        raise LoadError(path, f"refused: the .docx would inflate to {total / 1048576:.0f} MB from "
                              f"{packed / 1048576:.1f} MB (limit {MAX_DOCX_UNCOMPRESSED // 1048576} MB, "
                              f"ratio {MAX_DOCX_RATIO}:1) — a damaged or hostile archive (zip bomb)")


def _load_docx(path: Path, data: bytes) -> LoadedText:
    """Paragraphs and table rows in document order (cells joined by tabs, like PDF tables)."""
    import zipfile

    _check_zip_size(path, data)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(path, f"corrupt or not a .docx file ({exc.__class__.__name__}: {exc})") from None
    except Exception as exc:  # python-docx raises many lxml/package errors for damaged files
        raise LoadError(path, f"cannot read .docx ({exc.__class__.__name__}: {exc})") from None
    from corpus.docxnumbering import Numbering

    numbering = Numbering.from_document(document)
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            try:
                style = paragraph.style.element if paragraph.style is not None else None
            except (KeyError, ValueError, AttributeError):
                style = None
            label = numbering.label(child, style) if paragraph.text.strip() else ""
            lines.append(f"{label} {paragraph.text}" if label else paragraph.text)
            lines.append("")
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if not cells or cells[-1] != value:   # merged cells repeat their text
                        cells.append(value)
                lines.append("\t".join(cells))
            lines.append("")
    props = document.core_properties
    properties = {"title": props.title.strip()} if props.title and props.title.strip() else {}
    notes = [f"Word's automatic numbering met in {numbering.used} paragraph(s); rendered to the numbers Word "
             "shows — check them against the printed text"] if numbering.used else []
    return LoadedText(path, "\n".join(lines), data, "docx", notes=notes, properties=properties)


# --------------------------------------------------------------------------- pdf

def _load_pdf(path: Path, data: bytes) -> LoadedText:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise LoadError(path, "corrupt PDF: the file does not start with a %PDF header")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                raise LoadError(path, "encrypted PDF: cannot extract text without the password") from None
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise LoadError(path, f"corrupt PDF ({exc.__class__.__name__}: {exc})") from None
    text = "\n\f\n".join(pages)     # \f marks page breaks for header/footer removal
    if not text.replace("\f", "").strip():
        raise LoadError(path, "PDF has no text layer (scanned image?); run OCR first")
    properties = {}
    try:
        title = (reader.metadata or {}).get("/Title")
        if title and str(title).strip() and not str(title).lower().startswith(("untitled", "microsoft")):
            properties["title"] = str(title).strip()
    except Exception:  # metadata of damaged PDFs is optional
        pass
    return LoadedText(path, text, data, "pdf", pages=len(pages), properties=properties)


# --------------------------------------------------------------------------- registry

LOADERS: dict[str, Callable[[Path, bytes], LoadedText]] = {
    ".txt": _load_txt,
    ".text": _load_txt,
    ".md": _load_md,
    ".markdown": _load_md,
    ".docx": _load_docx,
    ".pdf": _load_pdf,
}


def is_supported(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith(SIDECAR_SUFFIXES) or name.startswith((".", "~$")):
        return False
    return path.suffix.lower() in LOADERS


def find_sidecar(path: Path) -> Path | None:
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_name(path.name + suffix)
        if candidate.is_file():
            return candidate
    return None


def read_sidecar(sidecar: Path) -> dict[str, Any]:
    try:
        text = sidecar.read_text(encoding="utf-8")
        data = json.loads(text) if sidecar.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise LoadError(sidecar, f"metadata sidecar is not valid {sidecar.suffix[1:].upper()}: {exc}") from None
    if not isinstance(data, dict):
        raise LoadError(sidecar, "metadata sidecar must be a mapping (key: value)")
    return data


def load_file(path: Path | str) -> LoadedText:
    """Read one file: size check, format loader, then sidecar metadata (which wins)."""
    path = Path(path)
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoadError(path, f"unsupported file type {path.suffix or '(none)'!r}; "
                              f"supported: {', '.join(sorted(LOADERS))}")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LoadError(path, f"file too large ({size / 1048576:.1f} MB > limit "
                                  f"{MAX_FILE_BYTES // 1048576} MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read file ({exc.strerror or exc})") from None
    if not data.strip():
        raise LoadError(path, "empty file")
    loaded = loader(path, data)
    if not loaded.text.strip():
        raise LoadError(path, "no text in file")
    sidecar = find_sidecar(path)
    if sidecar is not None:
        loaded.metadata = {**loaded.metadata, **read_sidecar(sidecar)}
        loaded.metadata_source = "sidecar"
    return loaded
