"""The benchmark's baseline: SQLite FTS5 with the trigram tokenizer over the same clauses.

A plain, honest configuration a developer would start from: title, heading and
text in one FTS5 table, ``tokenize='trigram'``, BM25 ranking (``ORDER BY
rank``). A query is split on whitespace and every piece must match; FTS5's
trigram index cannot match a piece shorter than three characters (光伏), so
such pieces are matched with ``LIKE '%…%'`` (a scan), as its documentation
advises. No synonyms, folding or 文号 normalization: that is what minekb adds.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any, Iterable


class FTS5Baseline:
    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = path
        self.db = sqlite3.connect(str(path), check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS clauses USING fts5("
                        "clause_id UNINDEXED, title, heading, text, tokenize='trigram')")

    def add(self, records: Iterable[dict[str, Any]]) -> int:
        n = 0
        with self.db:
            for r in records:
                self.db.execute("INSERT INTO clauses(clause_id, title, heading, text) VALUES (?,?,?,?)",
                                (r["clause_id"], r["title"], r["heading"], r["text"]))
                n += 1
        return n

    def search(self, query: str, limit: int = 10) -> list[str]:
        pieces = [p for p in re.split(r"\s+", query.strip()) if p]
        if not pieces:
            return []
        long_pieces = [p for p in pieces if len(p) >= 3]
        short_pieces = [p for p in pieces if len(p) < 3]
        where, params = [], []
        if long_pieces:
            where.append("clauses MATCH ?")
            params.append(" AND ".join('"' + p.replace('"', '""') + '"' for p in long_pieces))
        for p in short_pieces:
            where.append("(text LIKE ? OR title LIKE ? OR heading LIKE ?)")
            like = "%" + p.replace("%", "").replace("_", "") + "%"
            params += [like, like, like]
        order = "ORDER BY rank" if long_pieces else ""
        sql = f"SELECT clause_id FROM clauses WHERE {' AND '.join(where)} {order} LIMIT ?"
        try:
            return [row[0] for row in self.db.execute(sql, [*params, limit])]
        except sqlite3.OperationalError:
            return []

    def close(self) -> None:
        self.db.close()
