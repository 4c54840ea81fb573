"""Helpers of the ontology tests: a tiny synthetic corpus, a copy of the model to break, an Oxigraph server."""
from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

from corpus.model import Clause, Document, Relation
from ontology.labels import ONTOLOGY_DIR


def clause(doc_id: str, n: int, text: str, ctype: str = "background", concepts=()) -> Clause:
    return Clause(id=f"{doc_id}~art_{n}", doc_id=doc_id, path=f"art_{n}", heading=f"第{n}条",
                  heading_path=[f"第{n}条"], text=text, order=n, type=ctype, concepts=list(concepts))


def tiny_corpus() -> dict[str, Document]:
    """Two documents: a national opinion and a provincial rule implementing it (by 文号, not by id)."""
    national = Document(
        id="t-national", title="关于测试矿山生态修复的意见", number="测规〔2019〕1号", issuer="自然资源部",
        level="ministry", region="CN", issued="2019-12-17", in_force_from="2019-12-17", status="in_force",
        verified=True, clauses=[
            clause("t-national", 1, "矿山生态修复按照谁破坏、谁治理，谁修复、谁受益的原则推进。", "principle"),
            clause("t-national", 2, "修复后的土地可以用于发展光伏电站。", "incentive", ["photovoltaic", "ecological_redline"]),
            clause("t-national", 3, "生态保护红线内不得开展经营性建设。", "constraint", ["ecological_redline", "no_such_concept"]),
        ])
    provincial = Document(
        id="t-jx", title="江西省测试实施办法", number="赣测〔2020〕2号", issuer="江西省自然资源厅",
        level="provincial", region="江西", issued="2020-03", in_force_from="2020-03", status="in_force",
        relations=[Relation("implements", "测规〔2019〕1号", "细化全国意见"), Relation("cites", "某未收录的文件")],
        clauses=[clause("t-jx", 1, "鼓励社会资本参与历史遗留矿山修复。", "incentive", ["case_xuzhou_pan_an_lake"]),
                 clause("t-jx", 2, "修复主体应当在三年内完成修复。", "obligation")])
    return {d.id: d for d in (national, provincial)}


def copy_ontology(dest: Path) -> Path:
    """A private copy of ontology/*.ttl (Turtle only) that a test may break."""
    target = dest / "ontology"
    for path in ONTOLOGY_DIR.rglob("*.ttl"):
        out = target / path.relative_to(ONTOLOGY_DIR)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, out)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str | None:
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else shutil.which("oxigraph")


@contextlib.contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """Run ``oxigraph serve`` on a free loopback port; yield its base URL; stop it afterwards."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the oxigraph server (PyPI package 'oxigraph') is not installed")
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            if proc.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {proc.stderr.read().decode(errors='replace')}")
            if time.monotonic() > deadline:
                raise RuntimeError("oxigraph serve did not start within 20 s")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stderr.close()
