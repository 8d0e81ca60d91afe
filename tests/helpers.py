"""Shared helpers of the test suite: build the book, read its pages."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
STRICT = ["-W", "-n", "--keep-going"]


def sphinx_command(builder: str, source: Path, out: Path, *extra: str, doctrees: Path | None = None) -> list[str]:
    """The strict sphinx-build command line of ``builder`` from ``source`` into ``out``."""
    return [sys.executable, "-m", "sphinx", "-b", builder, *STRICT, "-d", str(doctrees or out / ".doctrees"), *extra, str(source), str(out)]


def sphinx_build(builder: str, source: Path, out: Path, *extra: str, env: dict | None = None, doctrees: Path | None = None) -> subprocess.CompletedProcess:
    """Run a strict sphinx-build; fail the test with Sphinx's output when it does not succeed.

    ``doctrees`` outside ``out`` for a builder that packs its whole output folder (EPUB)."""
    log_build(builder, source)
    result = subprocess.run(sphinx_command(builder, source, out, *extra, doctrees=doctrees), capture_output=True, text=True, env={**os.environ, **(env or {})})
    if result.returncode != 0:
        raise AssertionError(f"sphinx-build -b {builder} failed ({result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}")
    return result


# What a copy of the book's sources leaves out (each is large, local, or rebuilt; the linters' caches
# change while `make lint` runs beside a copy).
COPY_IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", "__pycache__", ".hypothesis", "node_modules", ".mypy_cache", ".ruff_cache")


def copy_book(source: Path, target: Path) -> Path:
    """A copy of a book's sources at another absolute path (npm's assets linked, not copied)."""
    shutil.copytree(source, target, ignore=COPY_IGNORE, symlinks=True)
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    return target


def seed_kept_results(built: Path, doctrees: Path) -> None:
    """What a finished build keeps for the next (under its doctree folder: the KaTeX renders, the
    pinyin keys, the icons, the results derived from its pages; beside it: the figures), copied
    into a new build's ``doctrees`` without Sphinx's environment and doctrees.  The new build
    reads and writes every page, as a cold one does, but renders, draws and parses again only
    what is new (the book's cold build: 10.1 -> 4.7 s, the same site).  For workflows whose
    proof is not the cold build itself: the reproducibility checks build cold.  ``built``: the
    finished build's doctree folder."""
    from kexuebook.sphinx.content.plot_cache import CACHE_FOLDER  # beside the doctree folder

    shutil.copytree(built, doctrees, ignore=shutil.ignore_patterns("environment.pickle", "*.doctree"), dirs_exist_ok=True)
    if (built.parent / CACHE_FOLDER).is_dir():
        shutil.copytree(built.parent / CACHE_FOLDER, doctrees.parent / CACHE_FOLDER, dirs_exist_ok=True)


def synthetic_book_at(target: Path, articles: int = 2) -> Path:
    """tools/synth_book.py's book of made-up articles (two by default) written at ``target``, imported."""
    from kexuebook.importer import __main__ as importer
    from tools.synth_book import write_book

    book = write_book(articles, target)
    assert importer.main(["--root", str(book)]) == 0
    return book


def with_figure(book: Path, chapter: str, script: str, source: str, markup: str) -> Path:
    """``book`` with a figure script of its own (``script``, relative to the book) that ``markup``,
    appended to ``chapter``'s page, draws."""
    (book / script).parent.mkdir(parents=True, exist_ok=True)
    (book / script).write_text(source, encoding="utf-8")
    with (book / f"{chapter}.md").open("a", encoding="utf-8") as page_source:
        page_source.write(markup)
    return book


def build_in_place(book: Path, builder: str = "html", timeout: int = 600) -> subprocess.CompletedProcess:
    """A strict incremental build of a book's copy into its own _build (as `make html` does), offering
    no downloads, with the copy's own kexuebook: the one a test edited, not the installed one.

    Without colour: CI sets FORCE_COLOR, and escape codes inside Sphinx's progress lines ("reading
    sources... [ 50%] <docname>") would hide the names a test reads from them."""
    out = book / "_build"
    command = [sys.executable, "-m", "sphinx", "-b", builder, "--no-color", *STRICT, "-d", str(out / "doctrees"),
               "-D", "kexuebook_pdf_file=_build/no.pdf", str(book), str(out / builder)]
    # `-m` puts the working folder first on the path; PYTHONPATH does the same for the workers it starts.
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(book)}, cwd=book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def source_date_epoch() -> str:
    """SOURCE_DATE_EPOCH of the last commit (a fixed date if git cannot say)."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, check=True)
        return out.stdout.strip() or "1700000000"
    except (OSError, subprocess.CalledProcessError):
        return "1700000000"


def build_pdf(source: Path, out: Path) -> Path:
    """sphinx-build -b latex, then the generated Makefile's all-pdf (latexmk, xelatex): what
    ``make latexpdf`` runs."""
    env = {"SOURCE_DATE_EPOCH": source_date_epoch()}
    sphinx_build("latex", source, out, env=env)
    clean = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "LATEXOPTS", "LATEXMKOPTS"}}
    result = subprocess.run(["make", "all-pdf"], cwd=out, capture_output=True, text=True, env={**clean, **env})
    if result.returncode != 0 or not (out / "book.pdf").exists():
        log = (out / "book.log").read_text(encoding="utf-8", errors="replace") if (out / "book.log").exists() else ""
        raise AssertionError(f"LaTeX build failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}\n{log[-3000:]}")
    return out


def log_build(builder: str, source: Path) -> None:
    """With KEXUE_TEST_BUILD_LOG set, append one line per Sphinx build the suite starts: how
    many whole-book builds a run does is then counted, not guessed."""
    if log := os.environ.get("KEXUE_TEST_BUILD_LOG"):
        kind = "book" if (Path(source) / "seeds").is_dir() and len(list((Path(source) / "chapters").rglob("*.md"))) > 20 else "small"
        with open(log, "a", encoding="utf-8") as stream:
            stream.write(f"{builder}\t{kind}\t{source}\t{os.environ.get('PYTEST_CURRENT_TEST', '').split(' ')[0]}\n")


# What a reader sees of a chapter in Chromium (page.evaluate): its title, its math and whether
# KaTeX typeset all of it with its own font and stylesheet, its images and the broken ones.
CHAPTER_FACTS = r"""async () => {
  await document.fonts.ready;
  const article = document.querySelector("article.bd-article");
  const maths = [...article.querySelectorAll(".math")];
  const images = [...article.querySelectorAll("img")];
  for (const image of images) {  // figures load lazily: brought into view, each loads (or fails)
    image.scrollIntoView();
    await image.decode().catch(() => {});
  }
  return {
    title: document.title,
    math: maths.length,
    untypeset: maths.filter((m) => !m.querySelector(".katex")).length,
    katexFont: document.fonts.check("16px KaTeX_Main") && [...document.fonts].some((f) => f.family.includes("KaTeX_Main") && f.status === "loaded"),
    images: images.length,
    brokenImages: images.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src),
    // null where the browser will not let a page read a stylesheet's rules (from file://)
    // KaTeX's rules (in the one cut stylesheet); null where the browser will not let a page read a
    // stylesheet's rules (from file://)
    katexCss: (() => { try { return [...document.styleSheets].some((s) => [...s.cssRules].some((r) => (r.selectorText || "").startsWith(".katex"))); } catch (e) { return null; } })(),
  };
}"""


FAVICON = "/_static/favicon.svg"  # html_favicon in conf.py


class PageWatch:
    """What goes wrong on a page in Chromium, recorded as it happens (Playwright's page events):
    console errors, warnings and failed assertions and uncaught page errors (``console``), failed
    requests and error responses (``failed``), requests to any other host (``foreign``).

    ``count_aborted=False`` where the test itself cancels loads (a page left while its fetches
    still run: Chromium's ERR_ABORTED is then no fault of the book's)."""

    def __init__(self, page, server: str, *, count_aborted: bool = True):
        self.server = server
        self.count_aborted = count_aborted
        self.reset()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", lambda response: response.status >= 400 and self.failed.append(f"{response.status} {response.url}"))
        page.on("request", self._request)

    def reset(self) -> None:
        """Start new records (the old lists stay with whoever kept them)."""
        self.console: list[str] = []
        self.failed: list[str] = []
        self.foreign: list[str] = []

    @property
    def problems(self) -> list[str]:
        return [*self.console, *self.failed, *(f"foreign: {url}" for url in self.foreign)]

    def _console(self, message) -> None:
        if message.type in ("error", "warning", "assert"):
            self.console.append(f"{message.type}: {message.text}")

    def _failed(self, request) -> None:
        aborted = "ERR_ABORTED" in (request.failure or "")
        # Chromium fetches the tab's icon beside the page, outside its load (networkidle does not
        # wait for it), and drops it when the test moves on: a missing icon is still a 404 response.
        if aborted and request.url.split("?")[0].endswith(FAVICON):
            return
        if self.count_aborted or not aborted:
            self.failed.append(f"{request.url} ({request.failure})")

    def _request(self, request) -> None:
        if not request.url.startswith((self.server + "/", "data:", "blob:")):
            self.foreign.append(request.url)


def page(html_dir: Path, docname: str) -> BeautifulSoup:
    return BeautifulSoup((html_dir / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def article_text(soup: BeautifulSoup) -> str:
    """The visible text of a page's body (the article, without navigation or scripts)."""
    main = soup.select_one("article.bd-article") or soup.body
    for hidden in main.select("script, style, .headerlink, .katex-mathml"):
        hidden.decompose()
    return main.get_text(" ")


# -- the seed as the book must show it (fidelity, BOOK-DESIGN.md) ----------------------------------
def seed_articles() -> dict:
    """Chapter slug → the importer's model of that chapter's seed article."""
    from kexuebook.catalog import load_catalog
    from kexuebook.importer.parse import read_listing

    catalog = load_catalog(ROOT / "chapters" / "book.toml")
    out = {}
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        articles, _ = read_listing(seed, catalog.overrides.get(seed.name), catalog.chrome_lines)
        out.update({catalog.chapter_for(a.title).slug: a for a in articles})
    return out


def normalise(text: str, drop_hyphens: bool = False) -> str:
    """The fidelity form: NFKC, no whitespace, any run of . or … folded to one ….

    ``drop_hyphens`` for PDF text, where LaTeX may hyphenate a Latin word at a line end.
    """
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    text = re.sub(r"[.…]{2,}|…", "…", text)
    return text.replace("-", "") if drop_hyphens else text


def phrases(text: str, drop_hyphens: bool = False) -> list[str]:
    """The prose pieces of a seed block, normalised (its inline math is compared as TeX)."""
    from kexuebook.importer.render import restored_prose

    pieces = (normalise(v, drop_hyphens) for k, v in restored_prose(text) if k == "text")
    return [p for p in pieces if p]


def seed_prose(article) -> list[str]:
    """The texts of an article that the reader reads as prose: its title and non-math blocks."""
    from kexuebook.importer.model import MATH_KINDS

    return [article.title, *[b.text for b in article.blocks if b.kind not in MATH_KINDS]]


def seed_formulas(article) -> list[str]:
    """Every TeX formula of an article: its display equations, then its inline math."""
    from kexuebook.importer.model import MATH_KINDS
    from kexuebook.importer.render import restored_prose

    display = [b.text for b in article.blocks if b.kind in MATH_KINDS]
    return display + [v for text in seed_prose(article)[1:] for k, v in restored_prose(text) if k == "math"]


def tex_form(text: str) -> str:
    """TeX compared modulo whitespace."""
    return re.sub(r"\s+", "", text)


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a source file by ``new``; ``old`` must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
