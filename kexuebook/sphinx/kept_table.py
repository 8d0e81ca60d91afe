"""A table of strings a build computes (rendered formulas, sort keys), kept in the doctree folder
from one build to the next while what made it, its stamp, is the same.

Loaded at ``builder-inited``, saved atomically at a successful ``build-finished`` when this process
added to it; a file that does not load, or has another stamp, is an empty table, not an error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sphinx.application import Sphinx


class KeptTable:
    def __init__(self, stamp: Callable[[], str]) -> None:
        self.stamp = stamp
        self.path: Path | None = None
        self.values: dict[str, str] = {}
        self.new = 0

    def load(self, path: Path) -> None:
        if self.path == path:
            return  # this process has them (and more)
        self.path, self.values, self.new = path, {}, 0
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            if saved.get("stamp") == self.stamp():
                self.values.update(saved["values"])
        except (OSError, ValueError, KeyError, AttributeError):
            pass  # none kept yet, or unreadable: computed again

    def put(self, key: str, value: str) -> str:
        self.values[key] = value
        self.new += 1
        return value

    def save(self) -> None:
        if self.path is None or not self.new:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps({"stamp": self.stamp(), "values": self.values}, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        partial.replace(self.path)
        self.new = 0


def keep_in_doctrees(app: Sphinx, table: Callable[[], KeptTable], filename: str) -> None:
    """Load ``table()`` from the doctree folder when the builder starts; save it after a build that succeeded.
    (``table`` is looked up at each build: a test may put a fresh table in its place.)"""
    app.connect("builder-inited", lambda app: table().load(Path(app.doctreedir) / filename))
    app.connect("build-finished", lambda app, exception: table().save() if exception is None else None)
