""""Did you mean": the nearest words of the index vocabulary, by one edit.

A symmetric-delete table (SymSpell) maps each vocabulary word with one
character deleted to the word, so a typed word finds every word one insertion,
deletion or substitution away with a few dictionary lookups. Chinese typos are
mostly one wrong character in a 2-6 character word (光优 for 光伏), which a
word-level correction catches; since jieba may cut a misspelt run into single
characters, every substring of a Chinese run is tried, not only jieba's words.
Candidates are ranked by how many clauses contain them.
"""
from __future__ import annotations

from typing import Iterable


class Speller:
    def __init__(self, vocabulary: dict[str, int]) -> None:
        self.freq = vocabulary
        self.deletes: dict[str, list[str]] = {}
        for word in vocabulary:
            if len(word) < 2 or len(word) > 24:
                continue
            for variant in self._variants(word):
                self.deletes.setdefault(variant, []).append(word)

    @classmethod
    def from_frequencies(cls, frequencies: dict[str, int], extra: Iterable[str] = ()) -> "Speller":
        """The index vocabulary (word -> clauses containing it) plus ``extra`` words (label words)."""
        vocab = {w: df for w, df in frequencies.items() if len(w) >= 2 and not w.isdigit()}
        for word in extra:
            vocab.setdefault(word, 1)
        return cls(vocab)

    @staticmethod
    def _variants(word: str) -> set[str]:
        return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}

    def candidates(self, word: str) -> list[str]:
        """Vocabulary words within one edit of ``word``, most frequent first."""
        found: set[str] = set()
        for variant in self._variants(word):
            found.update(self.deletes.get(variant, ()))
        found.discard(word)
        return sorted((w for w in found if _one_edit(word, w)), key=lambda w: (-self.freq.get(w, 0), w))

    def correct_run(self, run: str, tries: int = 3) -> list[tuple[str, str]]:
        """Candidate replacements (wrong, right) for the unknown piece of one typed run, best first."""
        if run in self.freq:
            return []
        if run.isascii():
            return [(run, c) for c in self.candidates(run)[:tries]]
        n = len(run)
        for size in range(min(n, 8), 1, -1):
            for i in range(0, n - size + 1):
                piece = run[i:i + size]
                if piece in self.freq:
                    continue
                cands = [c for c in self.candidates(piece) if len(c) == len(piece)]
                if cands:
                    return [(piece, c) for c in cands[:tries]]
        return []


def _one_edit(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]
