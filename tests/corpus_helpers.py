"""Builders for the corpus tests: small real .docx and .pdf files made on the fly."""
from __future__ import annotations

from pathlib import Path

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None, title: str = "") -> Path:
    """A .docx with the given paragraphs, then an optional table, via python-docx."""
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.save(path)
    return path


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF with one list of lines per page, set in Noto Sans CJK (fpdf2), like a real policy PDF."""
    import pytest
    from fpdf import FPDF

    if not CJK_FONT.exists():
        pytest.skip("fonts-noto-cjk is not installed")
    pdf = FPDF()
    pdf.add_font("noto", fname=str(CJK_FONT), collection_font_number=2)
    for lines in pages:
        pdf.add_page()
        pdf.set_font("noto", size=11)
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path
