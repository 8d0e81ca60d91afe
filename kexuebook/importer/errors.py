"""The error types the importer raises for bad input: one problem, or every problem of a run."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


class SeedError(Exception):
    """Bad input: says which file, which line (1-based; 0 when not tied to a line) and what was expected."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(f"{shown(self.path)}:{line}: {message}")

    @property
    def errors(self) -> tuple[SeedError, ...]:
        """Each problem on its own (this one)."""
        return (self,)

    def located(self, root: Path | str) -> str:
        """``FILE:LINE: message`` with FILE relative to the book's folder ``root`` (when inside it)."""
        return f"{shown(relative_to(self.path, root))}:{self.line}: {self.message}"


class SeedErrors(SeedError):  # noqa: N818  (a group of SeedError: the plural says so)
    """Several problems found in one run, so the editor fixes them all at once.

    It is a :class:`SeedError` (the first problem's file, line and message), so every caller that
    handles one problem handles several; :attr:`errors` lists them all.
    """

    def __init__(self, errors: Sequence[SeedError]) -> None:
        flat = tuple(e for error in errors for e in error.errors)
        if not flat:
            raise ValueError("SeedErrors needs at least one error")
        first = flat[0]
        super().__init__(first.path, first.line, first.message)
        self._errors = flat
        self.args = ("\n".join(str(e) for e in flat),)

    def __str__(self) -> str:
        return self.args[0]

    @property
    def errors(self) -> tuple[SeedError, ...]:
        return self._errors


def raise_all(errors: Sequence[SeedError]) -> None:
    """Raise the problems found, if any: one as itself, several together."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise SeedErrors(errors)


def relative_to(path: Path | str, root: Path | str) -> str:
    """``path`` relative to ``root`` when it lies inside it (as the editor names files), else as given."""
    absolute, base = os.path.abspath(path), os.path.abspath(root)
    if absolute == base or not absolute.startswith(base.rstrip(os.sep) + os.sep):
        return str(path)
    return Path(os.path.relpath(absolute, base)).as_posix()


def shown(path: str) -> str:
    """A path as one printable line: a newline or an undecodable byte in a file name is escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii") for c in path)
