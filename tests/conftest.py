"""Session fixtures: the book is built once per test run, served once, opened in one browser."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from helpers import ROOT, sphinx_build

pytest_plugins = ["sphinx.testing.fixtures"]  # the `app` fixture of the extension tests


# sphinx.testing's fixtures (`app`, `make_app`, @pytest.mark.sphinx(testroot=...)) for the tiny
# projects under tests/roots/test-<name>/, as Sphinx's own extensions and sphinxcontrib-bibtex test.
pytest_plugins = ["sphinx.testing.fixtures"]

CHROMIUM = Path("/usr/bin/chromium")
# No downloads left in the repository's _build by `make latexpdf` / `make epub` / `make site-zip` are offered.
NO_PDF = ["-D", "pdf_download_file=_build/no-such.pdf", "-D", "epub_download_file=_build/no-such.epub", "-D", "site_zip_file="]
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",  # the machine has no network: no background calls
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the tiny projects (testroot="x" is tests/roots/test-x)."""
    return ROOT / "tests" / "roots"


@pytest.fixture(scope="session")
def html_dir(tmp_path_factory) -> Path:
    """The HTML book, built strictly from the repository's sources.

    A PDF left in the repository's _build by `make latexpdf` is not looked at: the book's
    HTML tests see the same pages on every machine (the PDF link has tests of its own).
    """
    out = tmp_path_factory.mktemp("html")
    sphinx_build("html", ROOT, out, *NO_PDF)
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest's output clean
        pass


@pytest.fixture(scope="session")
def server(html_dir: Path):
    """A local HTTP server on a free port serving the built book; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


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
    """A throw-away copy of the book's sources, for tests that change or add input."""
    target = tmp_path / "book"
    ignore = shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", "__pycache__", ".hypothesis", "node_modules")
    shutil.copytree(ROOT, target, ignore=ignore, symlinks=True)
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    return target


# What the hosts' builds set (.github/workflows/pages.yml, or Read the Docs itself): test values.
PUBLISHED_ENV = {"BOOK_BASEURL": "https://books.example.org/kexue-reader/", "BOOK_REPOSITORY_URL": "https://github.com/example/kexue-reader"}


@pytest.fixture(scope="session")
def site_zip_build(tmp_path_factory) -> Path:
    """`make site-zip` into a folder of its own, with the published address and repository set.

    Yields the build folder: site/ (the HTML it packed) and zip/kexue-reader-html.zip.
    """
    import os
    import subprocess

    builddir = tmp_path_factory.mktemp("published")
    result = subprocess.run(["make", "-C", str(ROOT), "site-zip", f"BUILDDIR={builddir}"], capture_output=True, text=True,
                            env={**os.environ, **PUBLISHED_ENV})
    assert result.returncode == 0, f"make site-zip failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return builddir
