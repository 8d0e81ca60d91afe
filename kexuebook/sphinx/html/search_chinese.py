"""Chinese search whose jieba model and dictionary load when the first text is segmented, once per process.

Sphinx's Chinese search language loads jieba's model (~0.6 s from jieba's cache file, more
without it) and the book's dictionary as soon as the HTML builder creates its index, even when
the build writes no page (a no-op rebuild), and again for every build of a process that keeps one
Sphinx (the live preview).  This class is Sphinx's, with the loading moved to the first
``split``: a build that indexes nothing never imports jieba's model, and a dictionary already
loaded (same file, same date) is not loaded again.  It is named to Sphinx by its dotted path, so
this module and jieba are imported only by a builder that makes a search index (HTML; not the
LaTeX or EPUB builders).
"""

from __future__ import annotations

import functools
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.search import SearchLanguage, languages
from sphinx.util.typing import ExtensionMetadata

CLASS_NAME = "LazySearchChinese"
_loaded: dict[str, int] = {}  # dictionary path -> the modification time it was loaded at


def load_dictionary(path: str) -> None:
    """jieba's ``load_userdict``, once per file version in this process (it loads jieba's model first)."""
    from sphinx.search.zh import jieba_load_userdict  # imports jieba

    stamp = Path(path).stat().st_mtime_ns
    if _loaded.get(path) != stamp:
        jieba_load_userdict(path)
        _loaded[path] = stamp


@functools.cache
def lazy_search_chinese() -> type[SearchLanguage]:
    """Sphinx's SearchChinese, the dictionary loaded at the first segmentation (defined here, not
    at the module's top: importing Sphinx's zh module imports jieba)."""
    from sphinx.search.zh import JIEBA_DEFAULT_DICT, SearchChinese

    class LazySearchChinese(SearchChinese):
        def init(self, options: dict[str, str]) -> None:
            dict_path = options.get("dict", JIEBA_DEFAULT_DICT)
            # as Sphinx does: a path that is not a file is ignored (search_page_data refuses it)
            self._dictionary = str(dict_path) if dict_path and Path(dict_path).is_file() else ""
            super().init({"dict": ""})  # the stemmer; no dictionary yet

        def split(self, input: str) -> list[str]:
            if self._dictionary:
                load_dictionary(self._dictionary)
            return super().split(input)

    LazySearchChinese.__module__, LazySearchChinese.__qualname__ = __name__, CLASS_NAME
    return LazySearchChinese


def __getattr__(name: str) -> type[SearchLanguage]:
    # PEP 562: Sphinx's IndexBuilder asks this module for the class by name, when it makes the index.
    if name == CLASS_NAME:
        return lazy_search_chinese()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def setup(app: Sphinx) -> ExtensionMetadata:
    languages["zh"] = f"{__name__}.{CLASS_NAME}"  # a dotted path: imported only by a builder that indexes
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
