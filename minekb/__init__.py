"""minekb: cited policy knowledge and advice for abandoned-mine restoration in China.

The pipeline has one package a stage: corpus -> ontology -> rules -> advisor -> webui.
This package only ties them together: the knowledge-base home (``minekb.home``),
the facade that opens a built knowledge base (``minekb.kb``) and the CLI.
"""
from __future__ import annotations

__version__ = "0.1.0"
