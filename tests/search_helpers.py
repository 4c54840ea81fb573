"""A small hand-made corpus and synonym table for the search tests (no corpus stage needed)."""
from __future__ import annotations

from pathlib import Path

from corpus.model import Clause, Document, Mention


def _doc(doc_id, title, clauses, **meta) -> Document:
    doc = Document(id=doc_id, title=title, **meta)
    for i, (text, ctype, concepts, *rest) in enumerate(clauses, start=1):
        heading = rest[0] if rest else f"第{i}条"
        mentions = rest[1] if len(rest) > 1 else []
        doc.clauses.append(Clause(id=f"{doc_id}~art_{i}", doc_id=doc_id, path=f"art_{i}", heading=heading,
                                  heading_path=[heading], text=text, order=i, type=ctype,
                                  concepts=concepts, mentions=mentions))
    return doc


DOCUMENTS = {d.id: d for d in [
    _doc("cn-mnr-2019-6", "关于探索利用市场化方式推进矿山生态修复的意见", [
        ("对历史遗留矿山实施生态修复后新增的耕地，其指标可以流转，收益用于修复。", "incentive",
         ["mk:indicator_transfer"]),
        ("修复后的国有建设用地可以依法出让，优先用于发展光伏电站等产业。", "incentive", ["mk:photovoltaic"]),
        ("地方政府应当建立矿山生态修复的监管制度。", "responsibility", []),
    ], number="自然资规〔2019〕6号", issuer="自然资源部", level="ministry", region="CN",
        issued="2019-12-17", status="in_force"),
    _doc("jx-regulation-2022", "江西省矿山生态修复与利用条例", [
        ("在矿区建设矿山公园和湿地公园，应当保护地质遗迹。", "measure", ["mk:mine_park", "mk:wetland_park"]),
        ("禁止在生态保护红线内新建露天采石场。", "constraint", ["mk:ecological_redline"]),
        ("对投资修复废弃矿山的社会资本给予奖励，并在用地上予以支持。", "incentive", []),
        ("本条例所称矿山生态修复，是指对矿山废弃地上的破坏进行治理。", "definition", [],
         "第四条", [Mention(kind="doc_number", text="自然资规〔2019〕6号", start=0, end=0)]),
    ], number="江西省人大常委会公告第120号", issuer="江西省人民代表大会常务委员会", level="provincial", region="江西",
        issued="2022-07-26", status="in_force"),
    _doc("jx-old-2010", "江西省矿山环境治理办法", [
        ("建设光伏电站应当先行治理矿山地质环境。", "constraint", ["mk:photovoltaic"]),
        ("对治理矿山的单位给予奖励。", "incentive", []),
    ], number="赣府发〔2010〕12号", issuer="江西省人民政府", level="provincial", region="江西",
        issued="2010-03-01", status="repealed"),
    _doc("bj-plan-2021", "北京市矿山生态修复规划", [
        ("位于自然保护区核心保护区的矿山，以封禁方式自然恢复。", "constraint", []),
        ("到2025年，历史遗留废弃矿山生态修复率达到60%。", "target", []),
        ("Solar farms on restored waste land receive a preferential land price.", "incentive", ["mk:photovoltaic"]),
    ], issuer="北京市规划和自然资源委员会", level="provincial", region="北京", issued="2021-04-01",
        status="in_force"),
]}

TERMS = [
    {"text": "光伏", "concept": "photovoltaic", "kind": "pref", "lang": "zh"},
    {"text": "太阳能发电", "concept": "photovoltaic", "kind": "alt", "lang": "zh"},
    {"text": "photovoltaic", "concept": "photovoltaic", "kind": "pref", "lang": "en"},
    {"text": "solar power", "concept": "photovoltaic", "kind": "alt", "lang": "en"},
    {"text": "指标流转", "concept": "indicator_transfer", "kind": "pref", "lang": "zh"},
    {"text": "指标交易", "concept": "indicator_transfer", "kind": "alt", "lang": "zh"},
    {"text": "矿山公园", "concept": "mine_park", "kind": "pref", "lang": "zh"},
    {"text": "mine park", "concept": "mine_park", "kind": "pref", "lang": "en"},
    {"text": "湿地公园", "concept": "wetland_park", "kind": "pref", "lang": "zh"},
    {"text": "wetland park", "concept": "wetland_park", "kind": "pref", "lang": "en"},
    {"text": "生态保护红线", "concept": "ecological_redline", "kind": "pref", "lang": "zh"},
    {"text": "ecological redline", "concept": "ecological_redline", "kind": "pref", "lang": "en"},
]


def build_small_index(folder: Path, documents: dict | None = None, terms: list | None = None):
    """Index :data:`DOCUMENTS` (or ``documents``) with :data:`TERMS` (or ``terms``) into ``folder``; a Searcher on it."""
    from search import Searcher
    from search.index import document_table, iter_records, write_index

    documents = DOCUMENTS if documents is None else documents
    write_index(folder, iter_records(documents), TERMS if terms is None else terms,
                documents=document_table(documents))
    return Searcher(folder)
