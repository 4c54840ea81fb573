"""Hostile files: each is refused with a clear error naming the file, and the batch goes on.

The files are made here, small enough to be quick, but each is the real kind
of damage: an inflating archive named .docx, a PDF whose cross-reference
table points nowhere, NUL bytes, two encodings in one file, one enormous line.
"""
from __future__ import annotations

import io
import zipfile

import pytest

from corpus import loaders
from minekb import kb as kbmod
from minekb.home import KnowledgeBaseHome

GOOD = "某县废弃矿山修复办法\n\n第一条 鼓励社会资本参与废弃矿山生态修复。\n"


def _docx_bomb(inflated_mb: int) -> bytes:
    import docx

    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("第一条 测试。")
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info, src.read(info.filename))
                continue
            head, tail = src.read(info.filename).split(b"<w:body>")
            para = b"<w:p><w:r><w:t>" + "矿".encode() * 3000 + b"</w:t></w:r></w:p>"
            with z.open("word/document.xml", "w", force_zip64=True) as f:
                f.write(head + b"<w:body>")
                for _ in range(inflated_mb * 1024 * 1024 // len(para)):
                    f.write(para)
                f.write(tail)
    return out.getvalue()


@pytest.fixture()
def hostile(tmp_path, monkeypatch):
    monkeypatch.setattr(loaders, "MAX_DOCX_UNCOMPRESSED", 16 * 1024 * 1024)
    d = tmp_path / "in"
    d.mkdir()
    (d / "bomb.docx").write_bytes(_docx_bomb(24))
    (d / "broken-xref.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\nxref\n0 9999\n0000000000 65535 f \n"
        b"trailer<</Size 9999/Root 1 0 R>>\nstartxref\n999999\n%%EOF")
    (d / "nul.txt").write_bytes("第一条 禁止\x00在红线内\x00开采。".encode() * 3)
    (d / "mixed.txt").write_bytes("第一条 鼓励修复。\n".encode("utf-8") + "第二条 禁止在红线内开采。\n".encode("gbk"))
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    return d


def test_every_hostile_file_gets_a_clear_error_and_the_good_one_is_ingested(hostile, tmp_path):
    home = KnowledgeBaseHome(tmp_path / "home")
    kbmod.build(home)
    report = kbmod.ingest([hostile], home)
    by_name = {r.path.rsplit("/", 1)[-1]: r for r in report.files}
    assert by_name["good.txt"].status == "added"
    expected = {"bomb.docx": "zip bomb", "broken-xref.pdf": "PDF", "nul.txt": "binary",
                "mixed.txt": "undecodable"}
    for name, words in expected.items():
        result = by_name[name]
        assert result.status == "error", name
        assert name in result.message and words in result.message, result.message
    assert by_name["good.txt"].doc_id in kbmod.KnowledgeBase.open(home).documents


def test_one_enormous_line_is_ingested_without_crashing(tmp_path):
    big = tmp_path / "oneline.txt"
    big.write_text("第一条 " + "废弃矿山应当修复。" * 120_000, encoding="utf-8")  # ~3 MB on one line
    loaded = loaders.load_file(big)
    assert len(loaded.text) > 1_000_000
