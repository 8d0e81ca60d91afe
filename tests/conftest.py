"""Session fixtures: the book is built once per output per test run (HTML, LaTeX + PDF, EPUB, the
site zip), served once, opened in one browser; workflows that change or add input get a small
synthetic book (tools/synth_book.py) or a tiny project under tests/roots/ instead of a copy of
the whole book."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import ROOT, build_pdf, copy_book, log_build, seed_kept_results, sphinx_build, sphinx_command, synthetic_book_at
from tools.local_server import serve

# sphinx.testing's fixtures (`app`, `make_app`, @pytest.mark.sphinx(testroot=...)) for the tiny
# projects under tests/roots/test-<name>/, as Sphinx's own extensions and sphinxcontrib-bibtex test.
pytest_plugins = ["sphinx.testing.fixtures"]

CHROMIUM = Path("/usr/bin/chromium")
# No downloads left in the repository's _build by `make latexpdf` / `make epub` / `make site-zip` are offered.
NO_PDF = ["-D", "kexuebook_pdf_file=_build/no-such.pdf", "-D", "kexuebook_epub_file=_build/no-such.epub", "-D", "kexuebook_site_zip_file="]
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",  # the machine has no network: no background calls
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Fixtures that build a book of their own beside the session's shared builds (a synthetic book, the
# published site, an injected copy): a test using one is marked ``workflow``, which `make test`
# runs and `make test-fast` leaves out (modules and tests that build without such a fixture carry
# the mark themselves).
OWN_BUILD_FIXTURES = {"synthetic_book", "site_zip_build", "injected"}
# A test that asks (directly or through another fixture) for the browser, the PDF or the EPUB is
# marked for it, whatever module it is in.
TOOL_FIXTURES = {"browser": "browser", "pdf_dir": "pdf", "epub": "epub"}


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by these marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if OWN_BUILD_FIXTURES & fixtures:
            item.add_marker(pytest.mark.workflow)
        for fixture in TOOL_FIXTURES.keys() & fixtures:
            item.add_marker(getattr(pytest.mark, TOOL_FIXTURES[fixture]))


def require(program: str, package: str) -> None:
    """Fail (never skip) when a tool a test needs is missing: `make test` installs it."""
    if shutil.which(program) is None:
        pytest.fail(f"{program} is missing: `make test` installs Debian's {package}")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the tiny projects (testroot="x" is tests/roots/test-x)."""
    return ROOT / "tests" / "roots"


class SharedBuild:
    """A whole-book build started in the background as the run's first test starts, so that the
    tests needing no book run beside it on the other core; shared by pytest-xdist's workers
    (`make test-fast`): the one that takes the lock builds, the others wait for its result.

    The owner holds an exclusive lock on ``<folder>.lock`` while it builds and writes ``ok`` or
    the failure into ``<folder>.done``; a waiting worker takes the lock once it is released."""

    def __init__(self, folder: Path, command: list[str], env: dict[str, str] | None = None, builder: str = "",
                 prepare: Callable[[], None] | None = None) -> None:
        self.folder, self.command, self.env, self.prepare = folder, command, env, prepare
        self.builder = builder or command[command.index("-b") + 1]
        self.done, self.log = folder.with_suffix(".done"), folder.with_suffix(".log")
        self.lock = folder.with_suffix(".lock").open("w")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # another worker builds it
        if self.done.exists():
            fcntl.flock(self.lock, fcntl.LOCK_UN)
            return
        log_build(self.builder, ROOT)
        if self.prepare:
            self.prepare()  # the owner only
        with self.log.open("w") as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, env=self.env)

    def finish(self) -> None:
        """The owner: wait for the build, say how it ended, let the others read it."""
        if self.process is None:
            return
        code = self.process.wait()
        self.process = None
        self.done.write_text("ok" if code == 0 else f"failed ({code})", encoding="utf-8")
        fcntl.flock(self.lock, fcntl.LOCK_UN)

    def result(self) -> Path:
        self.finish()
        fcntl.flock(self.lock, fcntl.LOCK_EX)  # waits while another worker builds
        fcntl.flock(self.lock, fcntl.LOCK_UN)
        status = self.done.read_text(encoding="utf-8") if self.done.exists() else "never finished"
        if status != "ok":
            output = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
            raise AssertionError(f"the {self.builder} build of the book {status}:\n{output[-8000:]}")
        return self.folder


def run_folder(tmp_path_factory, name: str) -> Path:
    """A folder for this run: one per test run, also across pytest-xdist's workers."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return tmp_path_factory.getbasetemp().parent / name  # the run's folder, above each worker's own
    return tmp_path_factory.getbasetemp() / name


@pytest.fixture(scope="session", autouse=True)
def shared_html_build(request, tmp_path_factory):
    """Starts the book's HTML build when the run starts, if a test of the run reads it."""
    if not any("html_dir" in getattr(item, "fixturenames", ()) for item in request.session.items):
        yield None
        return
    out = run_folder(tmp_path_factory, "html")
    build = SharedBuild(out, sphinx_command("html", ROOT, out, *NO_PDF))
    build.start()
    yield build
    build.finish()  # a worker whose tests never read it still ends what it started


@pytest.fixture(scope="session")
def html_dir(shared_html_build, tmp_path_factory) -> Path:
    """The HTML book, built strictly from the repository's sources, once per run.

    A PDF left in the repository's _build by `make latexpdf` is not looked at: the book's
    HTML tests see the same pages on every machine (the PDF link has tests of its own).
    """
    if shared_html_build is None:  # asked for by name at run time only (request.getfixturevalue)
        out = tmp_path_factory.mktemp("html")
        sphinx_build("html", ROOT, out, *NO_PDF)
        return out
    return shared_html_build.result()


@pytest.fixture(scope="session")
def server(html_dir: Path):
    """A local HTTP server on a free port serving the built book; yields its base URL."""
    with serve(html_dir) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download). Never skipped."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        print(f"\nChromium {chromium.version}")
        yield chromium
        chromium.close()


@pytest.fixture
def book_copy(tmp_path: Path) -> Path:
    """A throw-away copy of the book's sources, for tests that change or add input and need the
    real chapters (a second build of it is whole-book work: prefer ``synthetic_book``)."""
    return copy_book(ROOT, tmp_path / "book")


@pytest.fixture
def synthetic_book(tmp_path: Path) -> Path:
    """A small book of two made-up articles (tools/synth_book.py) with the book's own
    configuration, extensions, theme and front and back matter, imported: for workflows whose
    proof needs the book's machinery but not its chapters (a build takes a third of the book's)."""
    return synthetic_book_at(tmp_path / "synthetic")


@pytest.fixture(scope="session")
def pdf_source(tmp_path_factory) -> Path:
    """The sources the session's PDF is built from (a copy: the reproducibility check builds a
    second copy of the same files at another path)."""
    return copy_book(ROOT, tmp_path_factory.mktemp("src") / "book")


@pytest.fixture(scope="session")
def pdf_dir(pdf_source, tmp_path_factory) -> Path:
    """The LaTeX build of the book and its PDF (book.tex, book.log, book.pdf), built once."""
    require("latexmk", "latexmk")
    require("xelatex", "texlive-xetex")
    require("pdftotext", "poppler-utils")
    return build_pdf(pdf_source, tmp_path_factory.mktemp("pdf"))


@pytest.fixture(scope="session")
def epub(tmp_path_factory) -> Path:
    """The EPUB of the book, built once."""
    work = tmp_path_factory.mktemp("epub")
    # The doctrees (and the plot directive's files beside them) outside the folder that is packed.
    sphinx_build("epub", ROOT, work / "epub", doctrees=work / "doctrees")
    return work / "epub" / "book.epub"


# What the hosts' builds set (.github/workflows/pages.yml, or Read the Docs itself): test values.
PUBLISHED_ENV = {"BOOK_BASEURL": "https://books.example.org/kexue-reader/", "BOOK_REPOSITORY_URL": "https://github.com/example/kexue-reader"}


@pytest.fixture(scope="session")
def site_zip_build(tmp_path_factory, html_dir) -> Path:
    """`make site-zip` into a folder of its own, with the published address and repository set;
    built once per run, also across pytest-xdist's workers (three test files read it), from what
    the run's HTML build keeps (helpers.seed_kept_results: no formula or figure made twice).

    Yields the build folder: site/ (the HTML it packed) and zip/kexue-reader-html.zip.
    """
    builddir = run_folder(tmp_path_factory, "published")
    build = SharedBuild(builddir, ["make", "-C", str(ROOT), "site-zip", f"BUILDDIR={builddir}"],
                        env={**os.environ, **PUBLISHED_ENV}, builder="html (make site-zip)",
                        prepare=lambda: seed_kept_results(html_dir / ".doctrees", builddir / "site-doctrees"))
    build.start()
    return build.result()
