"""The live preview follows every change and survives every mistake (issue 16): a real `make livehtml`.

One server, started once for the module with ``make livehtml O="--source BOOK --outdir OUT --port
P"`` on a small synthetic book (tools/synth_book.py, two articles), then edited as an editor
would, in order: a chapter, a figure script, references.bib, book.toml (numbering), a broken and
a fixed book.toml, a warning added and removed, a broken and a fixed conf.py seen in a browser
page that must reload by itself after each restart, and a new article added while it runs.
Every wait is bounded; the server is stopped by its process group id at the end.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import ROOT
from kexuebook.catalog import load_catalog
from tools.synth_book import write_book

pytestmark = pytest.mark.workflow  # a synthetic book of its own (conftest: left out of make test-fast)

CHAPTER = "chapters/probabilistic-models/synthetic-0001"
OTHER = "chapters/regularization/synthetic-0002"
SCRIPT = "chapters/probabilistic-models/figures/live.py"
DATA = Path(__file__).parent / "data"
WAIT = 120  # seconds: a restart on a busy 2-core machine, with room to spare


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Live:
    """The running preview: its book, its URL, its terminal output."""

    def __init__(self, book: Path, url: str, log: Path, process: subprocess.Popen) -> None:
        self.book, self.url, self.log_path, self.process = book, url, log, process

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(f"{self.url}/{path}", timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()
        except (OSError, http.client.HTTPException):
            return 0, b""  # restarting, or the page was being rewritten while it was read

    def wait(self, path: str, ok: Callable[[int, str], bool], what: str, timeout: float = WAIT) -> tuple[float, str]:
        """Poll ``path`` until ``ok(status, text)``; the seconds it took and the text."""
        started = time.perf_counter()
        while True:
            status, body = self.get(path)
            text = body.decode("utf-8", "replace")
            if ok(status, text):
                return time.perf_counter() - started, text
            assert self.process.poll() is None, f"the preview stopped:\n{self.log()[-3000:]}"
            assert time.perf_counter() - started < timeout, f"never served: {what}\n{self.log()[-3000:]}"
            time.sleep(0.05)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.book / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def append(self, relative: str, text: str) -> None:
        with (self.book / relative).open("a", encoding="utf-8") as stream:
            stream.write(text)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    work = tmp_path_factory.mktemp("livehtml")
    book = write_book(2, work / "book")
    subprocess.run([sys.executable, "-m", "kexuebook.importer", "--root", str(book)], cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    log = work / "livehtml.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "livehtml", f"O=--source {book} --outdir {work / 'out' / 'html'} --port {port}"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    server = Live(book, f"http://127.0.0.1:{port}", log, process)
    try:
        server.wait(f"{CHAPTER}.html", lambda status, text: status == 200, "the first build", timeout=300)
        time.sleep(1)  # the watcher starts with the server
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the group make started (the server and its restarts)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


def number_of(text: str) -> str:
    """The chapter number a page shows ("" for a page read while Sphinx was writing it)."""
    number = soup(text).select_one("article h1 .section-number, h1 .section-number")
    return number.get_text(strip=True) if number is not None else ""


def test_a_chapter_edit_is_served(live):
    live.append(f"{CHAPTER}.md", "\n\nLIVEMARK-CHAPTER\n")
    seconds, _ = live.wait(f"{CHAPTER}.html", lambda s, t: "LIVEMARK-CHAPTER" in t, "the chapter edit")
    print(f"\nsave → new text served: {seconds:.2f} s")


def test_a_figure_script_edit_is_drawn_again(live):
    (live.book / SCRIPT).parent.mkdir(exist_ok=True)
    (live.book / SCRIPT).write_text("fig, ax = plt.subplots()\nax.plot([0, 1], [0, 1])\n", encoding="utf-8")
    live.append(f"{CHAPTER}.md", f"\n```{{eval-rst}}\n.. plot:: {SCRIPT}\n   :alt: 活的图\n```\n")
    _, text = live.wait(f"{CHAPTER}.html", lambda s, t: "活的图" in t, "the figure")

    def figure(text: str) -> str:
        image = soup(text).select_one("img[alt='活的图']")
        return hashlib.sha256(live.get(str(Path(CHAPTER).parent / image["src"]))[1]).hexdigest()

    before = figure(text)
    live.edit(SCRIPT, "[0, 1], [0, 1]", "[0, 1], [1, 0]")
    live.wait(f"{CHAPTER}.html", lambda s, t: "活的图" in t and figure(t) != before, "the redrawn figure")


def test_a_figure_added_with_a_numref_is_numbered_in_place(live):
    """A warm Sphinx resolved the new {numref} from its stale copy of the page and crashed."""
    failures = live.log().count("the build failed")
    live.append(f"{OTHER}.md", "\n见{numref}`fig-live-new`。\n\n```{figure} /_static/favicon.svg\n:name: fig-live-new\n\n新加的图。\n```\n")
    numbered = re.compile(r'href="#fig-live-new"[^>]*><span class="std std-numref">图\d+\.1</span>')
    live.wait(f"{OTHER}.html", lambda s, t: s == 200 and bool(numbered.search(t)), "the numbered figure")
    assert live.log().count("the build failed") == failures, "rebuilt in place, not after a failure"


def test_a_references_bib_edit_shows_its_new_text(live):
    live.edit("references.bib", "title = {合成文章1}", "title = {改过的文献题目}")
    live.wait(f"{CHAPTER}.html", lambda s, t: "改过的文献题目" in t, "the new bib text")


def test_reordering_parts_renumbers_without_a_restart(live):
    live.wait(f"{CHAPTER}.html", lambda s, t: s == 200 and number_of(t) == "1.", "the chapter numbered 1")
    restarts = live.log().count("restarting")
    # One save, as an editor moves a part: two saves a moment apart could be built one by one,
    # and the first (a part missing) is a catalog error.
    catalog = live.book / "chapters" / "book.toml"
    text = catalog.read_text(encoding="utf-8").replace('[[parts]]\nslug = "probabilistic-models"\n', "", 1)
    catalog.write_text(text.replace('[[parts]]\nslug = "tooling"\n', '[[parts]]\nslug = "tooling"\n\n[[parts]]\nslug = "probabilistic-models"\n', 1), encoding="utf-8")
    live.wait(f"{CHAPTER}.html", lambda s, t: s == 200 and number_of(t) == "2.", "chapter 1 renumbered 2")
    live.wait(f"{OTHER}.html", lambda s, t: s == 200 and number_of(t) == "1.", "chapter 2 renumbered 1")
    assert live.log().count("restarting") == restarts, "a new order is rebuilt in place"


def test_a_broken_book_toml_is_shown_and_the_preview_recovers(live):
    live.edit("chapters/book.toml", "chrome_lines =", "chrome_line =")
    line = next(n for n, t in enumerate((live.book / "chapters/book.toml").read_text(encoding="utf-8").splitlines(), 1) if t.startswith("chrome_line ="))
    expected = f"chapters/book.toml:{line}: unknown key &#x27;chrome_line&#x27; in [importer] (did you mean &#x27;chrome_lines&#x27;?)"
    live.wait(f"{CHAPTER}.html", lambda s, t: s == 500 and expected in t, "the book.toml error on the page")
    assert f"chapters/book.toml:{line}: unknown key 'chrome_line'" in live.log()
    live.edit("chapters/book.toml", "chrome_line =", "chrome_lines =")
    live.wait(f"{CHAPTER}.html", lambda s, t: s == 200 and "LIVEMARK-CHAPTER" in t, "the page back")


def test_each_build_reports_its_own_warnings(live):
    live.append(f"{CHAPTER}.md", "\n\n坏的数值{value}`nosuch.value`。\n")
    live.wait(f"{CHAPTER}.html", lambda s, t: "nosuch.value" in t, "the page with the bad value")
    _, text = live.wait(f"{CHAPTER}.html", lambda s, t: True, "")
    deadline = time.monotonic() + WAIT
    while not re.search(r"unknown book value 'nosuch\.value'.*\n(?:.*\n)*?livehtml: rebuilt in [0-9.]+ s, 1 warning in this build", live.log()):
        assert time.monotonic() < deadline, live.log()[-3000:]
        time.sleep(0.1)
    rebuilt = re.compile(r"livehtml: rebuilt in [0-9.]+ s, (\d+) warnings? in this build")
    builds = len(rebuilt.findall(live.log()))
    live.edit(f"{CHAPTER}.md", "\n\n坏的数值{value}`nosuch.value`。\n", "\n")
    live.wait(f"{CHAPTER}.html", lambda s, t: s == 200 and "nosuch.value" not in t, "the fixed page")
    while len(rebuilt.findall(live.log())) <= builds:  # the fixed build's own line (written after its pages)
        assert time.monotonic() < deadline + WAIT, live.log()[-3000:]
        time.sleep(0.1)
    last = rebuilt.findall(live.log())[-1]
    assert last == "0", "the warning of the previous build is not counted again"


@pytest.mark.browser
def test_a_chapter_edit_reloads_the_open_page_once(live, browser):
    """The page reloads as soon as Sphinx has written it (before the build's last steps), and not
    again when they leave the pages as they were."""
    page = browser.new_page()
    try:
        page.goto(f"{live.url}/{OTHER}.html")
        page.wait_for_selector("article h1")
        loads: list[str] = []
        page.on("load", lambda loaded: loads.append(loaded.url))
        builds = live.log().count("livehtml: rebuilt in")
        live.append(f"{OTHER}.md", "\n\nLIVEMARK-ONCE\n")
        page.wait_for_function("() => document.body !== null && document.body.innerText.includes('LIVEMARK-ONCE')", timeout=WAIT * 1000)
        page.wait_for_timeout(4000)  # past the build's end and the idle collection after it
        # one reload per build (a busy machine may see the save as two changes, two builds)
        assert len(loads) == live.log().count("livehtml: rebuilt in") - builds >= 1, (loads, live.log()[-2000:])
    finally:
        page.close()


def test_a_broken_conf_py_is_shown_and_the_page_reloads_itself_after_each_restart(live, browser):
    page = browser.new_page()
    try:
        page.goto(f"{live.url}/{CHAPTER}.html")
        page.wait_for_selector("article h1")
        page.evaluate("window.__before = true")
        live.append("conf.py", "\nthis is not python (\n")
        # the server restarts into the error: the open page reconnects and reloads by itself
        page.wait_for_selector("#livehtml-error", timeout=WAIT * 1000)
        assert page.evaluate("window.__before === undefined"), "the page reloaded"
        assert "There is a syntax error in your configuration file" in page.inner_text("pre")
        assert "conf.py could not be loaded" in live.log()
        page.evaluate("window.__during = true")
        live.edit("conf.py", "\nthis is not python (\n", "\n")
        page.wait_for_selector("article h1", timeout=WAIT * 1000)
        assert page.evaluate("window.__during === undefined"), "the page reloaded again"
        assert "LIVEMARK-CHAPTER" in page.inner_text("article")
    finally:
        page.close()


def test_a_new_article_appears_while_the_preview_runs(live):
    """The README's steps with the preview running: seed, book.toml entry, import, bib entry."""
    settled = None
    while settled != live.log():  # the previous test's build has finished and reported
        settled = live.log()
        time.sleep(2)
    builds = settled.count("livehtml: rebuilt in")
    (live.book / "seeds" / "100_second.txt").write_bytes((DATA / "second-listing.txt").read_bytes())
    time.sleep(3)  # the watcher reports a change within a second
    assert live.log().count("livehtml: rebuilt in") == builds, "a new seed changes nothing until `make import` (README)"
    live.append(
        "chapters/book.toml",
        '\n[[chapters]]\nslug = "sgd-adam"\npart = "tooling"\ntitle = "从SGD到Adam:步长的故事"\nbibkey = "sgd-adam"\n'
        '\n[[overrides]]\nseed = "100_second.txt"\nline = 8\nkind = "quote"\n',
    )
    imported = subprocess.run([sys.executable, "-m", "kexuebook.importer", "--root", str(live.book)], cwd=ROOT, capture_output=True, text=True)
    assert imported.returncode == 0, imported.stderr
    live.append("references.bib", "\n@misc{sgd-adam,\n  author = {王小明},\n  title = {从SGD到Adam：步长的故事},\n  year = {2023},\n}\n")
    chapter = load_catalog(live.book / "chapters" / "book.toml").chapter_for("从SGD到Adam:步长的故事")
    docname = chapter.docname

    def ready(status: int, text: str) -> bool:
        if status != 200:
            return False
        page = soup(text)
        title = page.select_one("article h1")
        return title is not None and title.get_text(strip=True).startswith(f"{chapter.number}.从SGD到Adam：步长的故事") and bool(page.select(".chapter-card span.bibtex-citation a"))

    live.wait(f"{docname}.html", ready, "the new chapter, numbered 3 and cited")
    _, cover = live.wait("index.html", lambda s, t: s == 200 and "三篇合成文章" in t, "the cover counting three")
    assert live.process.poll() is None


def test_the_preview_registers_no_worker(live):
    """`make livehtml` builds without the offline worker (a stored page would hide the edit): no
    page loads offline.js, and the worker file served is the one that retires an earlier worker."""
    from kexuebook.sphinx.html.offline import RETIRING_WORKER

    _, cover = live.wait("index.html", lambda status, text: status == 200, "the cover")
    assert soup(cover).select_one("script[src*='offline.js']") is None
    _, worker = live.wait("sw.js", lambda status, text: status == 200, "the worker file")
    assert worker == RETIRING_WORKER
