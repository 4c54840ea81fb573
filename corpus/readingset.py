"""Build a reading test set's PDF and .docx files from their YAML specs (``tests/fixtures/reading``).

A spec names the file to build and its content: for a PDF, one list of printed
lines per page and a running head (set in a CJK font fontconfig finds on the
machine, with a page number at the foot); for a .docx, paragraphs and the
levels of Word's automatic numbering that number them (numbering.xml), so the
text holds no typed number. ``prepare`` copies a set's text files and builds
the rest into a working folder.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml


class SetBuildError(RuntimeError):
    """A spec that cannot be built on this machine (no CJK font, no fpdf2); the message says why."""


def cjk_font() -> Path | None:
    """A CJK font on this machine, asked of fontconfig."""
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    fonts = sorted(Path(line.split(":")[0].strip()) for line in out.splitlines() if line.strip())
    fonts = [f for f in fonts if f.suffix.lower() in (".ttf", ".otf", ".ttc") and f.is_file()]
    regular = [f for f in fonts if "Regular" in f.name and "Sans" in f.name]
    return (regular or fonts or [None])[0]


def build_pdf(spec: dict, folder: Path) -> Path:
    try:
        from fpdf import FPDF
    except ImportError:
        raise SetBuildError("fpdf2 is not installed (pip install fpdf2): cannot build the test PDF") from None
    font = cjk_font()
    if font is None:
        raise SetBuildError("no CJK font found by fontconfig (fc-list :lang=zh): cannot build the test PDF")
    pdf = FPDF()
    pdf.add_font("cjk", fname=str(font), **({"collection_font_number": 2} if font.suffix.lower() == ".ttc" else {}))
    for number, lines in enumerate(spec["pages"], 1):
        pdf.add_page()
        pdf.set_font("cjk", size=9)
        pdf.cell(0, 8, spec["running_head"], new_x="LMARGIN", new_y="NEXT", align="C")
        pdf.set_font("cjk", size=11)
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-20)
        pdf.cell(0, 8, f"— {number} —", align="C")
    out = folder / spec["file"]
    pdf.output(str(out))
    return out


def build_docx(spec: dict, folder: Path) -> Path:
    """Paragraphs numbered by Word's automatic numbering: one abstractNum with the spec's levels."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{k}"><w:start w:val="1"/><w:numFmt w:val="{level["format"]}"/>'
        f'<w:lvlText w:val="{level["text"]}"/><w:lvlJc w:val="left"/></w:lvl>'
        for k, level in enumerate(spec["levels"]))
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for item in spec["paragraphs"]:
        paragraph = document.add_paragraph(item["text"])
        if "level" in item:
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{item["level"]}"/><w:numId w:val="90"/></w:numPr>'))
    out = folder / spec["file"]
    document.save(out)
    return out


def build(spec_path: Path, folder: Path) -> Path:
    spec = yaml.safe_load(Path(spec_path).read_text(encoding="utf-8"))
    return (build_pdf if spec["file"].endswith(".pdf") else build_docx)(spec, Path(folder))


def prepare(source: Path, target: Path) -> dict[str, str]:
    """Copy a set's texts and expected.json into ``target`` and build its PDF/.docx specs there.

    Returns the specs that could not be built on this machine: file name -> why.
    """
    target.mkdir(parents=True, exist_ok=True)
    missing: dict[str, str] = {}
    for path in sorted(Path(source).iterdir()):
        if path.suffix in (".md", ".txt", ".json", ".pdf", ".docx") and not path.name.lower().startswith("readme"):
            shutil.copy(path, target / path.name)
        elif path.suffix in (".yaml", ".yml"):
            try:
                build(path, target)
            except SetBuildError as exc:
                missing[yaml.safe_load(path.read_text(encoding="utf-8"))["file"]] = str(exc)
    return missing
