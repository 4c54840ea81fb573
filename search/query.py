"""Query understanding: from what a user types to a Whoosh query plus what to highlight.

A query string is read in this order:

1. checked (length, control characters), markup stripped, folded
   (full-width → half-width, traditional → simplified, lower case);
2. every 文号, typed in any bracket/spacing style, is lifted out and becomes an
   exact match on the document number (自然资规(2019)6 号 = 自然资规〔2019〕6号);
3. ontology labels (zh and en, preferred and alternative) are found in the
   text, longest first, and each becomes its concept: any of its labels in the
   text, or the concept tag of the clause (太阳能发电 → 光伏, solar power → 光伏);
4. the rest is parsed: "quoted" or 《titled》 phrases match exactly, OR / | ,
   NOT / -word, parentheses; a plain run of Chinese is cut by jieba and all its
   words must match (function words dropped);
5. words that ask for a kind of clause (激励, 优惠, incentive …) are kept as
   optional and mark the clause types the ranking should favour.

Bad input raises :class:`QueryError` with a message meant for the user.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from search.analysis import STOPWORDS, Analysis, find_doc_numbers, fold
from search.index import FIELD_BOOSTS
from search.qtree import And, AndMaybe, AndNot, Node, Or, Phrase, Term

MAX_QUERY_CHARS = 500
# A concept's labels found in a clause count once (the best one, plus LABEL_TIE of each
# other), and an alternative label the user did not type weighs EXPANSION_WEIGHT of the
# one they did: 太阳能发电 still finds 光伏, but a clause that says 太阳能发电 comes first.
# The concept's preferred labels (its name, in zh and en) weigh as much as what was typed:
# wetland park → 湿地公园 is a translation, wetland park → 湿地 a broader word.
EXPANSION_WEIGHT = 0.6
LABEL_TIE = 0.3
# A compound label's words found apart (土石料出售: 土石料 … 出售) weigh PARTS_WEIGHT of the label.
PARTS_WEIGHT = 0.5
# Plain words are looked for in the clause, its headings, its document's title and issuer (an issuer's
# name finds its documents: 环境保护部); a concept's other labels in the clause and its headings.
TEXT_FIELDS = ("text", "heading", "title", "issuer_text")
SYNONYM_FIELDS = ("text", "heading")
# A word that begins labels of one concept only and is no label itself (太阳能 of 太阳能发电, solar of
# solar power / solar farm) finds that concept, at EXPANSION_WEIGHT, when the words alone find nothing
# (Searcher retries with ``heads=True``): a label is found from its head, and a word that already has
# clauses of its own (保护, 建设) is never widened to the one concept whose label it happens to begin.
HEAD_MIN_SHARE = 0.5       # the head must be at least this share of the label (发 of 发电 is not its head)

# Words that say which kind of clause the user wants. Data, not logic: a cue
# word maps to the clause types (corpus.model.CLAUSE_TYPES) it implies.
INTENT_CUES: dict[str, tuple[str, ...]] = {
    **{w: ("incentive",) for w in (
        "激励", "优惠", "奖励", "鼓励", "奖补", "扶持", "补贴", "补助", "减免", "优惠政策", "激励政策",
        "激励机制", "奖励政策", "incentive", "incentives", "subsidy", "subsidies", "reward", "rewards",
        "preferential", "benefit", "benefits")},
    **{w: ("funding",) for w in ("资金", "融资", "基金", "资金来源", "funding", "finance", "financing")},
    **{w: ("constraint",) for w in ("禁止", "不得", "限制", "禁止性", "prohibition", "prohibited", "restriction")},
    **{w: ("responsibility",) for w in ("责任", "责任主体", "谁负责", "responsibility", "liability")},
    **{w: ("target",) for w in ("目标", "指标任务", "target", "targets", "goal", "goals")},
}


class QueryError(ValueError):
    """A query that cannot be searched; the message says why, for the user."""


@dataclass
class Concept:
    id: str
    labels: list[str]          # every label, folded (zh and en)


@dataclass
class Understood:
    """What the parser made of a query."""

    query: Node | None                     # None: nothing searchable was typed
    relaxed: Node | None = None            # OR of the parts, tried when AND finds nothing
    marks: set[str] = field(default_factory=set)          # strings to highlight in clause text
    expanded_terms: list[str] = field(default_factory=list)
    implied_types: set[str] = field(default_factory=set)
    words: list[str] = field(default_factory=list)       # plain words typed (for did-you-mean)
    use_heads: bool = False                # widen words that head a label (太阳能 → 太阳能发电's concept)
    heads_used: bool = False               # … and some word was widened


class Vocabulary:
    """The ontology labels of an index (``terms.json``): label → concepts, concept → labels."""

    def __init__(self, terms: list[dict[str, str]]) -> None:
        self.by_label: dict[str, set[str]] = {}
        self.labels_of: dict[str, list[str]] = {}
        self.preferred: set[tuple[str, str]] = set()     # (concept, label): the concept's own name
        for t in terms:
            label = fold(t["text"]).strip()
            acronym = t["text"].strip().isupper() and t["text"].strip().isalpha()   # PV, EOD: a label of its own
            if len(label) < 2 or (label.isascii() and len(label) < 3 and not acronym):
                continue
            self.by_label.setdefault(label, set()).add(t["concept"])
            if t.get("kind") == "pref":
                self.preferred.add((t["concept"], label))
            labels = self.labels_of.setdefault(t["concept"], [])
            if label not in labels:
                labels.append(label)
        pieces = []
        for label in sorted(self.by_label, key=len, reverse=True):
            if label.isascii():
                pieces.append(r"(?<![a-z0-9])" + re.escape(label) + r"(?:s|es)?(?![a-z0-9])")
            else:
                pieces.append(re.escape(label))
        self.pattern = re.compile("|".join(pieces)) if pieces else None

    def find(self, text: str) -> list[tuple[int, int, str]]:
        if self.pattern is None:
            return []
        out = []
        for m in self.pattern.finditer(text):
            label = m.group(0)
            if label not in self.by_label:
                label = re.sub(r"(?:es|s)$", "", label) if re.sub(r"(?:es|s)$", "", label) in self.by_label \
                    else label[:-1]
            out.append((m.start(), m.end(), label))
        return out


_TOKEN_RE = re.compile(
    r'\s*(?:(?P<lp>\()|(?P<rp>\))|"(?P<q1>[^"]*)"|“(?P<q2>[^”]*)”|「(?P<q3>[^」]*)」|《(?P<q4>[^》]*)》'
    r"|\x00(?P<label>\d+)\x00|(?P<word>[^\s()\"“”「」《》\x00]+))"
)
_MARKUP_RE = re.compile(r"<[^<>]{0,200}>")
_OPERATOR_WORDS = {"or": "OR", "|": "OR", "||": "OR", "and": "AND", "&": "AND", "&&": "AND", "not": "NOT"}


def _check(raw: str) -> str:
    if not isinstance(raw, str):
        raise QueryError("the query must be text")
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is too long ({len(raw)} characters; at most {MAX_QUERY_CHARS})")
    text = "".join(" " if (ord(c) < 32 or ord(c) == 127) else c for c in raw)
    return _MARKUP_RE.sub(" ", text)


def _balance(text: str) -> None:
    depth = 0
    for c in text:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                raise QueryError("unbalanced brackets: ')' without a matching '('")
    if depth:
        raise QueryError("unbalanced brackets: '(' is never closed")
    if text.count('"') % 2:
        raise QueryError('unbalanced quotes: a phrase opened with " is never closed')
    for o, c in (("“", "”"), ("「", "」"), ("《", "》")):
        if text.count(o) != text.count(c):
            raise QueryError(f"unbalanced quotes: {o} and {c} do not pair up")


class QueryBuilder:
    """Turns query strings into Whoosh queries for one index (its analysis and vocabulary)."""

    def __init__(self, analysis: Analysis, vocabulary: Vocabulary) -> None:
        self.analysis = analysis
        self.vocab = vocabulary
        self.heads = self._label_heads()

    def _label_heads(self) -> dict[str, str]:
        """Word → the label it heads, for words that head labels of exactly one concept and are no label."""
        found: dict[str, tuple[set[str], str]] = {}
        for label, concepts in self.vocab.by_label.items():
            words = self.analysis.words(label)
            if len(words) == 1:
                words = self.analysis.parts(words[0])
            if len(words) < 2:
                continue
            head = words[0]
            if head in self.vocab.by_label or head in STOPWORDS or len(head) < HEAD_MIN_SHARE * len(label.replace(" ", "")) \
                    or len(head) < 2 or (head.isascii() and len(head) < 3) or not label.startswith(head):
                continue
            seen, first = found.setdefault(head, (set(), label))
            seen.update(concepts)
        return {head: label for head, (concepts, label) in found.items() if len(concepts) == 1}

    def _places(self, label: str) -> Node | None:
        """A province's cities and counties (江西 → 赣州, 寻乌 …) in text, headings or title, as synonyms."""
        from search.places import is_province, places_in

        if label.isascii() or not is_province(label):
            return None
        names = places_in(label)
        if not names:
            return None
        return Or([Or([self._multi(self.analysis.words(n) or [n], phrase=True, fields=("text", "heading", "title"))
                       for n in names])], boost=EXPANSION_WEIGHT)

    # -- leaves ---------------------------------------------------------------
    def _multi(self, words: list[str], phrase: bool, fields: tuple[str, ...] = TEXT_FIELDS) -> Node:
        """One word or an exact word sequence, in any of ``fields``, boosted per field."""
        parts = []
        for f in fields:
            if len(words) == 1:
                parts.append(Term(f, words[0], boost=FIELD_BOOSTS[f]))
            elif phrase:
                parts.append(Phrase(f, tuple(words), boost=FIELD_BOOSTS[f]))
            else:
                parts.append(And([Term(f, w) for w in words], boost=FIELD_BOOSTS[f]))
        return Or(parts)

    def _words_query(self, words: list[str], u: Understood) -> Node | None:
        """All words of a plain run must match, with two exceptions that jieba's cut calls for.

        * Runs of single characters (an unknown name: 寻乌 → 寻|乌) must appear in sequence.
        * A lone character left beside a longer word (稀土矿山 → 稀土矿|山) is the stub of a
          compound the dictionary lacks; requiring it alone would demand 山 anywhere and miss
          稀土矿区, so it only adds to the score, as does the whole run in sequence.
        """
        groups: list[list[str]] = []
        for w in words:
            single = len(w) == 1 and not w.isascii()
            if single and groups and len(groups[-1][-1]) == 1 and not groups[-1][-1].isascii():
                groups[-1].append(w)
            else:
                groups.append([w])
        has_long = any(len(g) == 1 and len(g[0]) > 1 for g in groups)
        parts, optional = [], []
        for g in groups:
            if len(g) == 1 and g[0] in STOPWORDS and len(groups) > 1:
                continue
            stub = len(g) == 1 and len(g[0]) == 1 and not g[0].isascii() and has_long
            leaf = self._multi(g, phrase=True)
            if len(g) == 1 and u.use_heads and g[0] in self.heads:
                # 太阳能 → also the concept of 太阳能发电, weighed as a synonym: the word itself ranks first
                leaf = Or([leaf, Or([self._concept_query(self.heads[g[0]], u, typed=False)], boost=EXPANSION_WEIGHT)])
                u.heads_used = True
            elif len(g) == 1 and (places := self._places(g[0])) is not None:
                leaf = Or([leaf, places])       # 江西 → also 赣州, 寻乌 …
                u.marks.update(places_names(g[0]))
            (optional if stub else parts).append(leaf)
            if not stub:
                u.marks.add("".join(g))
                u.words.append("".join(g))
        if not parts:
            return None
        q = parts[0] if len(parts) == 1 else And(parts)
        if optional:
            u.marks.add("".join(words))
            q = AndMaybe(q, Or(optional + [self._multi(words, phrase=True)]))
        return q

    def _concept_query(self, label: str, u: Understood, typed: bool = True) -> Node:
        """A label: the concept tag, or any of the concept's labels in the text.

        The labels are alternatives, not separate evidence: the best-matching one counts
        (dis-max, ``LABEL_TIE`` for the others), so a clause naming five of a concept's fifteen
        labels does not outrank one that uses the word the user typed. A label the user did not
        type is a synonym and weighs ``EXPANSION_WEIGHT``: it finds the clause, the user's own
        word ranks first.
        """
        tags: list[Node] = []
        alts: list[Node] = []
        seen: set[str] = set()
        for concept in sorted(self.vocab.by_label.get(label, ())):
            tags.append(Term("concepts", concept, boost=FIELD_BOOSTS["concepts"]))
            for other in [label, *self.vocab.labels_of.get(concept, [])]:
                if other in seen:
                    continue
                seen.add(other)
                words = self.analysis.words(other)
                if not words:
                    continue
                # a label of several words (solar power, 生态+光伏) needs all of them, not their order:
                # order would cost a phrase check per label and field, and labels are already specific
                # synonyms are looked for in text and headings; the title only for what was typed
                is_typed = typed and other == label
                q = self._multi(words, phrase=False, fields=TEXT_FIELDS if is_typed else SYNONYM_FIELDS)
                if not is_typed and (concept, other) not in self.vocab.preferred:
                    q = Or([q], boost=EXPANSION_WEIGHT)
                alts.append(q)
                parts = self.analysis.parts(words[0]) if len(words) == 1 else []
                if parts:
                    # the label's words apart (土石料出售 → 土石料 … 出售): the same idea phrased around it
                    weight = PARTS_WEIGHT * (1 if is_typed or (concept, other) in self.vocab.preferred else EXPANSION_WEIGHT)
                    alts.append(Or([self._multi(parts, phrase=False, fields=SYNONYM_FIELDS)], boost=weight))
                u.marks.add(other)
                if not is_typed and other not in u.expanded_terms:
                    u.expanded_terms.append(other)
        if typed:
            u.words.append(label)
        for other in [label, *(lab for c in self.vocab.by_label.get(label, ()) for lab in self.vocab.labels_of.get(c, []))]:
            places = self._places(other)
            if places is not None:
                alts.append(places)
                u.marks.update(places_names(other))
                break
        return Or(tags + [Or(alts, tie=LABEL_TIE)])

    # -- parser ---------------------------------------------------------------
    def understand(self, raw: str, heads: bool = False) -> Understood:
        """The query tree of ``raw``; ``heads`` also widens a word heading a label to its concept (太阳能)."""
        text = fold(_check(raw))
        u = Understood(query=None, use_heads=heads)
        numbers: list[Node] = []
        for start, end, keys in reversed(find_doc_numbers(text)):
            numbers.insert(0, Or([Term("number_key", k, boost=FIELD_BOOSTS["number_key"]) for k in keys]
                                   + [Term("cited", k, boost=FIELD_BOOSTS["cited"]) for k in keys]))
            text = text[:start] + " " + text[end:]
        _balance(text)
        # labels inside quotes stay literal: protect quoted spans from label detection
        protected = [(m.start(), m.end()) for m in re.finditer(r'"[^"]*"|“[^”]*”|「[^」]*」|《[^》]*》', text)]
        labels_in_order: dict[int, str] = {}
        pieces, last = [], 0
        for start, end, label in self.vocab.find(text):
            if any(ps <= start < pe for ps, pe in protected):
                continue
            pieces.append(text[last:start] + f"\x00{len(labels_in_order)}\x00")
            labels_in_order[len(labels_in_order)] = label
            last = end
        text = "".join(pieces) + text[last:]
        tokens = self._lex(text)
        pos = 0

        def parse_or() -> tuple[list[Node], list[Node], list[Node]]:
            nonlocal pos
            alternatives: list[tuple[list[Node], list[Node], list[Node]]] = [parse_and()]
            while pos < len(tokens) and tokens[pos] == ("op", "OR"):
                pos += 1
                alternatives.append(parse_and())
            if len(alternatives) == 1:
                return alternatives[0]
            ors = [_combine(m, o, n) for m, o, n in alternatives]
            ors = [q for q in ors if q is not None]
            return ([Or(ors)] if ors else []), [], []

        def parse_and() -> tuple[list[Node], list[Node], list[Node]]:
            nonlocal pos
            must, optional, must_not = [], [], []
            while pos < len(tokens) and tokens[pos] not in (("op", "OR"), ("rp", ")")):
                negate = False
                while pos < len(tokens) and tokens[pos] == ("op", "NOT"):
                    negate, pos = not negate, pos + 1
                if pos < len(tokens) and tokens[pos] == ("op", "AND"):
                    pos += 1
                    continue
                if pos >= len(tokens) or tokens[pos] in (("op", "OR"), ("rp", ")")):
                    break
                kind, value = tokens[pos]
                pos += 1
                if kind == "lp":
                    m, o, n = parse_or()
                    if pos < len(tokens) and tokens[pos] == ("rp", ")"):
                        pos += 1
                    q = _combine(m, o, n)
                    intent = False
                else:
                    q, intent = self._leaf(kind, value, labels_in_order, u)
                if q is None:
                    continue
                (must_not if negate else optional if intent else must).append(q)
            return must, optional, must_not

        must, optional, must_not = parse_or()
        if pos < len(tokens):
            raise QueryError("unbalanced brackets: ')' without a matching '('")
        must = numbers + must
        if not must and optional:
            # only intent words typed (激励): any clause of the implied kind, or with the word
            types = sorted(u.implied_types)
            must = [Or(optional + [Term("ctype", t) for t in types])]
            optional = []
        u.query = _combine(must, optional, must_not)
        if len(must) > 1:
            u.relaxed = _combine([Or(must)], optional, must_not)
        return u

    def _lex(self, text: str) -> list[tuple[str, str]]:
        tokens: list[tuple[str, str]] = []
        for m in _TOKEN_RE.finditer(text):
            if m.group("lp"):
                tokens.append(("lp", "("))
            elif m.group("rp"):
                tokens.append(("rp", ")"))
            elif m.group("label") is not None:
                tokens.append(("label", m.group("label")))
            elif m.group("word") is not None:
                word = m.group("word")
                beside_label = text[m.start("word") - 1:m.start("word")] == "\x00" or \
                    text[m.end("word"):m.end("word") + 1] == "\x00"
                if beside_label and len(word) == 1 and not word.isascii():
                    # 稀土矿山 → label 稀土矿 + 山: the stub of a compound, not a word of its own
                    tokens.append(("stub", word))
                elif word in _OPERATOR_WORDS or word.upper() in ("OR", "AND", "NOT"):
                    tokens.append(("op", _OPERATOR_WORDS.get(word, word.upper())))
                elif word.startswith("-") and len(word) > 1:
                    tokens.append(("op", "NOT"))
                    tokens.append(("word", word[1:]))
                elif word.startswith("+") and len(word) > 1:
                    tokens.append(("word", word[1:]))
                else:
                    tokens.append(("word", word))
            else:
                phrase = next(g for g in (m.group("q1"), m.group("q2"), m.group("q3"), m.group("q4")) if g is not None)
                tokens.append(("phrase", phrase))
        return tokens

    def _leaf(self, kind: str, value: str, labels: dict[int, str], u: Understood) -> tuple[Node | None, bool]:
        """A query for one token, and whether it is an intent word (optional, steers ranking)."""
        if kind == "label":
            label = labels[int(value)]
            cue = INTENT_CUES.get(label)
            if cue:
                u.implied_types.update(cue)
            return self._concept_query(label, u), False
        if kind == "stub":
            return self._multi([value], phrase=False), True
        if kind == "phrase":
            words = self.analysis.words(value)
            if not words:
                return None, False
            u.marks.add(value.strip())
            u.words.append(value.strip())
            return self._multi(words, phrase=True), False
        cue = INTENT_CUES.get(value)
        words = self.analysis.words(value)
        if not words:
            return None, False
        if cue is None:
            cued = [w for w in words if w in INTENT_CUES]
            if cued and len(cued) < len(words):
                # 光伏激励: content words required, the cue optional
                for w in cued:
                    u.implied_types.update(INTENT_CUES[w])
                content = [w for w in words if w not in INTENT_CUES]
                q = self._words_query(content, u)
                opt = Or([self._multi([w], phrase=False) for w in cued])
                for w in cued:
                    u.marks.add(w)
                return (AndMaybe(q, opt) if q is not None else opt), False
        if cue:
            u.implied_types.update(cue)
            u.marks.add(value)
            return self._multi(words, phrase=True), True
        return self._words_query(words, u), False


def _combine(must: list[Node], optional: list[Node], must_not: list[Node]) -> Node | None:
    if not must:
        return None
    q: Node = must[0] if len(must) == 1 else And(must)
    if optional:
        q = AndMaybe(q, optional[0] if len(optional) == 1 else Or(optional))
    if must_not:
        q = AndNot(q, must_not[0] if len(must_not) == 1 else Or(must_not))
    return q


def places_names(province: str) -> tuple[str, ...]:
    from search.places import places_in

    return places_in(province)
