"""The NLP pass: spaCy (blank zh, jieba words) + rule components -> mentions, concepts, clause types.

One ``Annotator`` serves a whole ingest batch; the spaCy pipeline and jieba
are loaded once per process (``get_nlp``). For speed the segmenter runs exactly
once per clause — rjieba (jieba-rs: jieba's dictionary, algorithm and our user
words, ~40x faster) when installed, else jieba — and its words build the spaCy
``Doc`` directly (spaCy's own tokenizer would segment again with Python
jieba); then the pipeline's components run on that Doc:

    sentencizer        sentence boundaries at 。！？；!?; (set while building the Doc, same rule)
    minekb_mentions    citations, 文号, issuers, regions, dates, quantities
    minekb_concepts    ontology concept mentions (substring search, nested included)

All matching runs on the clause's match key (simplified, half-width, same
length as the display text), so offsets index the display text directly.
"""
from __future__ import annotations

import threading
from typing import Any, Iterable

from corpus.classify import classify
from corpus.lexicon import ConceptIndex, add_user_words, jieba_module, segmenter
from corpus.mentions import find_mentions
from corpus.model import Clause, Document, Mention
from corpus.normalize import match_key

SENTENCE_PUNCT = ["。", "！", "？", "；", "!", "?", ";"]
_NLP = None
_NLP_LOCK = threading.Lock()


def _register_components() -> None:
    from spacy.language import Language
    from spacy.tokens import Doc

    if not Doc.has_extension("minekb_mentions"):
        Doc.set_extension("minekb_mentions", default=None)

    if "minekb_mentions" not in Language.factories:
        @Language.component("minekb_mentions")
        def mentions_component(doc):
            """Regex recognizers of corpus.mentions over the Doc's text (a match key)."""
            key, text = _texts(doc)
            doc._.minekb_mentions = (doc._.minekb_mentions or []) + find_mentions(text, key)
            return doc

    if "minekb_concepts" not in Language.factories:
        @Language.factory("minekb_concepts")
        def concepts_factory(nlp, name):
            return ConceptComponent()


def _texts(doc) -> tuple[str, str]:
    """(match key, display text) of a Doc; ``doc.text`` is rebuilt from tokens on every access, so cache it."""
    key = doc.user_data.get("key")
    if key is None:
        key = doc.user_data["key"] = doc.text
    return key, doc.user_data.get("display", key)


class ConceptComponent:
    """Marks concept terms. The index travels with each Doc (``user_data["concept_index"]``, set by
    ``Annotator``), so annotators with different terms can share the one pipeline, even across threads;
    ``index`` serves plain ``nlp(text)`` calls."""

    def __init__(self) -> None:
        self.index: ConceptIndex | None = None

    def __call__(self, doc):
        index = doc.user_data.get("concept_index", self.index)
        if index:
            key, text = _texts(doc)
            found = [Mention("concept", text[s:e], s, e, term.concept) for s, e, term in index.find(key)]
            doc._.minekb_mentions = (doc._.minekb_mentions or []) + found
        return doc


def get_nlp():
    """``spacy.blank("zh")`` with the jieba segmenter and the minekb components (once per process)."""
    global _NLP
    with _NLP_LOCK:
        if _NLP is None:
            import spacy

            jieba_module()          # base user dictionary before spaCy's segmenter first runs
            _register_components()
            nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
            nlp.add_pipe("sentencizer", config={"punct_chars": SENTENCE_PUNCT})
            nlp.add_pipe("minekb_mentions")
            nlp.add_pipe("minekb_concepts")
            _NLP = nlp
    return _NLP


class Annotator:
    """Annotates documents in place: ``Clause.mentions``, ``.concepts``, ``.type``, ``.type_cues``."""

    def __init__(self, terms: Iterable[Any] = ()) -> None:
        self.index = ConceptIndex(terms)
        self.nlp = get_nlp()
        add_user_words(self.index.words())
        self.segmenter_name, self.cut = segmenter()

    def annotate(self, document: Document) -> Document:
        research = document.level == "research"
        for clause in document.clauses:
            self.annotate_clause(clause, research=research)
        return document

    def process(self, text: str):
        """The spaCy Doc of one text (its match key), built from one jieba pass."""
        from spacy.tokens import Doc

        key = match_key(text)
        words = self.cut(key)
        sent_starts = [True] + [words[i - 1] in SENTENCE_PUNCT for i in range(1, len(words))] if words else []
        doc = Doc(self.nlp.vocab, words=words, spaces=[False] * len(words), sent_starts=sent_starts)
        doc.user_data["display"] = text
        doc.user_data["key"] = key
        doc.user_data["words"] = words
        doc.user_data["concept_index"] = self.index
        for name, component in self.nlp.pipeline:
            if name != "sentencizer":      # boundaries already set from the same punctuation, in one pass
                doc = component(doc)
        return doc

    def annotate_clause(self, clause: Clause, research: bool = False) -> Clause:
        if not clause.text:
            return clause
        doc = self.process(clause.text)
        mentions = sorted(doc._.minekb_mentions or [], key=lambda m: (m.start, -m.end, m.kind))
        clause.mentions = mentions
        clause.concepts = sorted({m.value for m in mentions if m.kind == "concept"})
        key = doc.user_data["key"]
        sentences = [key[s.start_char:s.end_char] for s in doc.sents]
        clause.type, clause.type_cues = classify(key, doc.user_data["words"], clause.heading_path[:-1], sentences,
                                                 in_preamble=clause.path.startswith("preamble"),
                                                 research=research)
        return clause


def annotate_documents(documents: Iterable[Document], terms: Iterable[Any] = ()) -> None:
    annotator = Annotator(terms)
    for document in documents:
        annotator.annotate(document)
