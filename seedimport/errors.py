"""The one error type the importer raises for bad input."""

from __future__ import annotations

from pathlib import Path


class SeedError(Exception):
    """Bad input: says which file, which line (1-based; 0 when not tied to a line) and what was expected."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(f"{shown(self.path)}:{line}: {message}")


def shown(path: str) -> str:
    """A path as one printable line: a newline or an undecodable byte in a file name is escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii") for c in path)
