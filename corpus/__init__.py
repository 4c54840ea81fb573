"""Corpus stage: policy files become documents with metadata and typed, cited clauses."""
