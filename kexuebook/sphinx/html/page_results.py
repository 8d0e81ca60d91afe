"""What the build derives from its own output pages, kept from one build to the next.

The reference previews, the stylesheet's cut and the offline list each read every page of the
site after it is written.  A page that did not change gives the same result, but a new process
cannot tell that from the page's time: the stylesheet's cut rewrites every page's link to it
after the previews have read the pages, so each rebuild found every page newer than its
previews (measured: a no-op rebuild parsed all 17 pages again, 3.7 s of its 6.9 s of CPU).

So a result is kept by a hash of the page's text, without the asset versions (``?v=…``, which
the cut rewrites and which nothing derived from a page reads), and of the code that derives it.
The results live in the doctree folder, never in the site; a file that does not load is a cache
miss, not an error.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")
# Fewer pages than this are derived in this process: a worker costs more than it saves.
PARALLEL_FROM = 6

ASSET_VERSION = re.compile(r"\?v=[0-9a-f]+(?=[\"'])")


def page_key(text: str, code: bytes) -> str:
    """The key of a page's text for code ``code``: the same for a page whose only change is an asset's version."""
    digest = hashlib.sha256(code)
    digest.update(ASSET_VERSION.sub("", text).encode())
    return digest.hexdigest()


class PageResults(Generic[T]):
    """Results of ``derive(text, context)`` per page text and context (say, the page's name),
    loaded from and saved to ``doctreedir/<name>.pickle``.

    Only the results asked for in this build are saved, so the file does not grow with edits.
    """

    def __init__(self, doctreedir: str | os.PathLike[str], name: str, code: Path, derive: Callable[[str, str], T]) -> None:
        self.path = Path(doctreedir) / f"{name}.pickle"
        self.code = code.read_bytes()
        self.derive = derive
        self.kept: dict[str, T] = {}
        self.used: dict[str, T] = {}
        try:
            with self.path.open("rb") as saved:
                loaded = pickle.load(saved)
            if isinstance(loaded, dict):
                self.kept = loaded
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            pass  # no results yet, or from code that has since changed: derive them again

    def get(self, text: str, context: str = "") -> T:
        return self._result(page_key(f"{context}\0{text}", self.code), text, context)

    def _result(self, key: str, text: str, context: str) -> T:
        if key not in self.used:
            self.used[key] = self.kept[key] if key in self.kept else self.derive(text, context)
        return self.used[key]

    def get_all(self, pages: Sequence[tuple[str, str]]) -> list[T]:
        """:meth:`get` of many (text, context) pairs.  When many are unknown (a cold build), they
        are derived on all of the machine's cores: forked workers, only from a process that runs
        no other thread (a fork copies no other thread, nor the locks they may hold)."""
        keys = [page_key(f"{context}\0{text}", self.code) for text, context in pages]
        todo = {key: page for key, page in zip(keys, pages, strict=True) if key not in self.used and key not in self.kept}
        workers = min(os.cpu_count() or 1, len(todo))
        if len(todo) >= PARALLEL_FROM and workers > 1 and threading.active_count() == 1:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                derived = pool.map(self.derive, [text for text, _ in todo.values()], [context for _, context in todo.values()])
                self.used.update(zip(todo, derived, strict=True))
        return [self._result(key, text, context) for key, (text, context) in zip(keys, pages, strict=True)]

    def save(self) -> None:
        """Write this build's results atomically (a build stopped half-way leaves the last complete file)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        with partial.open("wb") as out:
            pickle.dump(self.used, out, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(self.path)
