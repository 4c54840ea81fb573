"""The knowledge base an application serves, swappable after an ingest.

A ``KnowledgeBase`` is one generation; an admin ingest makes a new generation
live, and the application then reopens the home so later requests see it
while requests already running finish on the old object.
"""
from __future__ import annotations

import threading
from typing import Any

from flask import current_app


class KBState:
    """Holds the live knowledge base of one application."""

    def __init__(self, kb: Any) -> None:
        self.kb = kb
        self._lock = threading.Lock()

    def reopen(self) -> Any:
        """Open the live generation of the same home (after an ingest swapped it)."""
        from minekb.kb import KnowledgeBase

        with self._lock:
            if getattr(self.kb, "home", None) is not None:
                self.kb = KnowledgeBase.open(self.kb.home, build_if_missing=False)
            return self.kb


def current_kb() -> Any:
    """The knowledge base of the running application."""
    return current_app.extensions["minekb"].kb
