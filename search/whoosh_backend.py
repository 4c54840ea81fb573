"""Everything that knows Whoosh: the schema, writing the index files, reading postings and stored fields.

This is the one module another engine replaces (docs/search.md, scale-out):
``search.index`` builds engine-neutral records, ``search.engine`` scores
engine-neutral query trees from ``postings()``, and ``search.searcher`` shows
hits from ``stored()``.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Iterable

import numpy as np

with warnings.catch_warnings():  # some Whoosh builds warn about an invalid escape at import
    warnings.simplefilter("ignore")
    from whoosh import index as windex
    from whoosh.analysis import Token, Tokenizer
    from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from search.analysis import Analysis

SCORED_FIELDS = ("text", "heading", "title", "issuer_text", "concepts", "cited")
_ANALYSIS: Analysis | None = None


class JiebaTokenizer(Tokenizer):
    """Whoosh tokenizer over :class:`search.analysis.Analysis`, positions numbered word by word.

    The index pickles this object in its schema, so it holds no jieba state;
    :func:`write` sets the analysis (the index's user dictionary) before writing.
    """

    def __eq__(self, other):
        return isinstance(other, JiebaTokenizer)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        global _ANALYSIS
        if _ANALYSIS is None:
            _ANALYSIS = Analysis()
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, word in _ANALYSIS.cached_tokens(value):
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = t.endchar = start_char
            yield t


def schema() -> Schema:
    """The clause index. The tokenizer pickled into it holds no jieba state (see search.analysis)."""
    zh = JiebaTokenizer()
    return Schema(
        clause_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        # no positions: phrases are checked by search.engine against phrases.txt,
        # which is exact and cheaper than Whoosh's per-posting position lists
        text=TEXT(analyzer=zh, phrase=False, stored=True),
        heading=TEXT(analyzer=zh, phrase=False, stored=True),
        title=TEXT(analyzer=zh, phrase=False, stored=True),
        issuer_text=TEXT(analyzer=zh, phrase=False),
        concepts=KEYWORD(stored=True, commas=True, scorable=True),
        number=STORED(),
        number_key=ID(),
        cited=KEYWORD(commas=True, scorable=True),
        issuer=KEYWORD(stored=True, commas=True),
        level=ID(stored=True),
        region=ID(stored=True),
        status=ID(stored=True),
        ctype=ID(stored=True),
        tier=ID(stored=True),   # binding tier (corpus.model.TIERS): ranking and the tier filter
        content=STORED(),       # official | digest | title_only | "" (hits say when a text is a digest)
        label=STORED(),         # how a citation names the clause: 第三条, 二、（一）, 要点3
        shape=ID(),             # "heading" (a chapter's own title as a clause) or "provision"
        year=STORED(),          # shown in hits; filters and facets use the year_s keyword
        dates=STORED(),         # issued / in force from / until, shown in hits
        year_s=ID(),
        order=STORED(),
    )


def write(folder: Path, records: Iterable[dict[str, Any]], analysis: Analysis) -> None:
    """Write one segment holding ``records`` in order (document number = position) into ``folder``."""
    global _ANALYSIS
    _ANALYSIS = analysis
    ix = windex.create_in(str(folder), schema())
    writer = ix.writer(limitmb=256)
    try:
        for record in records:
            writer.add_document(**record)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        ix.close()


def exists(folder: Path) -> bool:
    return windex.exists_in(str(folder))


class WhooshIndex:
    """Read access to one index folder: postings as arrays, stored fields, vocabularies."""

    def __init__(self, folder: Path) -> None:
        self._index = windex.open_dir(str(folder))
        self._searcher = self._index.searcher()
        self.reader = self._searcher.reader()
        self.n = self.reader.doc_count_all()
        self._single_segment = len(list(self.reader.leaf_readers())) == 1

    def close(self) -> None:
        self._searcher.close()
        self._index.close()

    def stored(self, docnum: int) -> dict[str, Any]:
        return self._searcher.stored_fields(docnum)

    def terms(self, field: str) -> list[str]:
        if field not in self.reader.schema:
            return []
        return [t.decode("utf-8") if isinstance(t, bytes) else t for t in self.reader.lexicon(field)]

    def doc_frequencies(self, field: str) -> dict[str, int]:
        out = {}
        for raw, info in self.reader.iter_field(field):
            out[raw.decode("utf-8") if isinstance(raw, bytes) else raw] = info.doc_frequency()
        return out

    def field_lengths(self, field: str) -> np.ndarray | None:
        """Tokens per clause in ``field`` (None for a field kept without lengths)."""
        if field not in self.reader.schema or not self.reader.schema[field].scorable:
            return None
        return np.fromiter((self.reader.doc_field_length(d, field, 0) or 0 for d in range(self.n)),
                           dtype=np.float32, count=self.n)

    def postings(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers and term frequencies of one term (empty arrays for an unknown term)."""
        empty = (np.empty(0, np.int64), np.empty(0, np.float32))
        if field not in self.reader.schema:
            return empty
        try:
            m = self.reader.postings(field, text)
        except Exception:  # whoosh raises TermNotFound for an unknown term
            return empty
        if self._single_segment and hasattr(m, "_read_data") and hasattr(m, "_lastblock") and not m._byteids:
            # Whoosh 2.7 block layout: (delta-coded ids, weights as None | float | tuple, values).
            # Re-base each block's first id on the previous block's last id, then one cumsum.
            deltas: list[int] = []
            weights: list[float] = []
            last = 0
            while m.is_active():
                m._read_data()
                block_ids, block_w, _ = m._data
                n = m._blocklength
                deltas.append(block_ids[0] - last)
                deltas.extend(block_ids[1:n])
                last = m._maxid
                if block_w is None:
                    weights.extend([1.0] * n)
                elif isinstance(block_w, float):
                    weights.extend([block_w] * n)
                else:
                    weights.extend(block_w)
                if m._lastblock:
                    break
                m._next_block()
            return np.cumsum(np.asarray(deltas, dtype=np.int64)), np.asarray(weights, dtype=np.float32)
        ids, ws = [], []   # several segments, or another codec: the generic (slower) walk
        while m.is_active():
            ids.append(m.id())
            ws.append(m.weight())
            m.next()
        return np.asarray(ids, np.int64), np.asarray(ws, np.float32)
