"""Serve KaTeX's stylesheet and fonts from the book itself, so math renders offline.

Math is prerendered to HTML at build time (``katex_prerender``); the page needs only
``katex.min.css`` and the WOFF2 fonts it names first (browsers never fetch the fallbacks).
They come from the npm package pinned in package-lock.json (``npm ci``).

Also: sphinxcontrib-katex connects to its render server as soon as the server's socket file
exists, which node creates a moment before it listens; on a loaded machine the connection is
refused and the build fails.  :func:`start_server_process` waits for the server to accept,
and ties the server's life to the Sphinx process that started it: parallel (``-j``) workers
exit without running atexit handlers, which left render servers holding the build's output
pipes open.

The EPUB gets MathML only (KaTeX's ``output: "mathml"``): EPUB readers and screen readers read
MathML, while KaTeX's HTML needs its stylesheet and web fonts.  sphinxcontrib-katex's prerender
ignores ``katex_options``, so :func:`render_latex` passes the output format itself, and the
EPUB's pages do not link the web stylesheet.

And: KaTeX's prerender shows a formula it cannot parse as red text and says nothing, so a broken
formula would pass a strict build.  :func:`render_latex` turns that into a Sphinx warning.
"""

from __future__ import annotations

import ctypes
import inspect
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata
from sphinxcontrib import katex
from sphinxcontrib.katex import KaTeXServer

from kexuebook.sphinx.kept_table import KeptTable, keep_in_doctrees
from kexuebook.sphinx.outputs import is_epub, is_html_site
from kexuebook.sphinx.private_parts import changed, expect


def katex_dist(app: Sphinx) -> Path:
    return Path(app.srcdir) / "node_modules" / "katex" / "dist"


def copy_assets(app: Sphinx, exception: Exception | None) -> None:
    if exception or not is_html_site(app.builder):
        return
    dist = katex_dist(app)
    target = Path(app.outdir) / "_static" / "katex"
    (target / "fonts").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(dist / "katex.min.css", target / "katex.min.css")
    for font in sorted((dist / "fonts").glob("*.woff2")):
        shutil.copyfile(font, target / "fonts" / font.name)


def check_assets(app: Sphinx) -> None:
    if is_html_site(app.builder) and not (katex_dist(app) / "katex.min.css").is_file():
        raise ExtensionError(f"KaTeX assets not found in {katex_dist(app)}: run `npm ci` (make html does)")


logger = logging.getLogger(__name__)
_render_latex = katex.render_latex
# KaTeX's output format for this build (set when the builder is known; worker processes of a
# parallel build inherit it).  KaTeX's default is HTML with MathML for screen readers.
OUTPUT = {"output": "htmlAndMathml"}


def choose_output(app: Sphinx) -> None:
    OUTPUT["output"] = "mathml" if is_epub(app.builder) else "htmlAndMathml"


def drop_web_stylesheet(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """MathML needs no KaTeX stylesheet (nor its fonts, which the EPUB does not carry)."""
    if is_epub(app.builder) and "css_files" in context:
        context["css_files"] = [css for css in context["css_files"] if not css.filename.endswith(app.config.katex_css_path)]


# Each formula's HTML by its LaTeX and options (this KaTeX's), kept in the doctree folder from one
# build to the next: a rebuild renders only new formulas, and one whose formulas are all known
# starts no KaTeX server (node and KaTeX: 0.2 s of a one-chapter rebuild); the live preview's
# warm Sphinx re-renders an edited chapter from it.  A formula that does not parse is never kept.
RENDERED_FILE = "katex-rendered.json"


def rendered_formulas() -> KeptTable:
    return KeptTable(lambda: f"KaTeX {katex.katex_version}")


RENDERED = rendered_formulas()


def render_latex(latex: str, options: dict | None = None) -> str:
    """KaTeX's rendering, with a parse error reported as a warning (fatal under -W) in every build."""
    merged = {**(options or {}), **OUTPUT}
    key = json.dumps([latex, merged], sort_keys=True, ensure_ascii=False)
    if key in RENDERED.values:
        return RENDERED.values[key]
    try:
        html = _render_latex(latex, {**merged, "throwOnError": True})
    except katex.KaTeXError as err:
        logger.warning("KaTeX cannot render %r: %s", latex, err, type="katex", subtype="parse")
        return _render_latex(latex, merged)
    return RENDERED.put(key, html)


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the process that started us dies (Linux)."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_server_process(cls, rundir: Path, timeout: float):
    """sphinxcontrib-katex's server start, retrying the connection until the server listens."""
    socket_path = rundir / "katex.sock"
    process = subprocess.Popen(
        cls.build_command(socket=socket_path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=rundir,
        preexec_fn=_die_with_parent,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if socket_path.is_socket():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(str(socket_path))
                return process, sock
            except (ConnectionRefusedError, FileNotFoundError):
                sock.close()
        time.sleep(0.01)
    process.kill()
    raise cls.timeout_error(timeout)


_server_pid: dict[int, int] = {}  # id(server) -> the process that may use its connection


def shared_server(cls):
    """sphinxcontrib-katex's ``KaTeXServer.get``: one render server per build, not one per worker.

    A parallel build forks a worker per chunk of pages, and each started its own node server
    (half a second or more each on a loaded machine).  A worker that inherits its parent's server
    opens its own connection to it instead (the server takes any number of clients; a socket is
    never shared between processes)."""
    server = cls.katex_server
    if server is not None and _server_pid.get(id(server)) == os.getpid():
        return server
    sock = None
    if server is not None:  # started by the process that forked this one (not ours to poll)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(server.rundir / "katex.sock"))
        except OSError:  # it is gone
            sock.close()
            sock = None
    # a client of the parent's server (never stopped by atexit here), or a server of our own
    server = KaTeXServer(server.rundir, server.process, sock) if server is not None and sock is not None else cls.start()
    _server_pid[id(server)] = os.getpid()
    cls.katex_server = server
    return server


def start_before_parallel_writing(app: Sphinx, builder) -> None:
    """Started before the workers fork, so that they all use it (a serial build starts it lazily,
    at its first formula)."""
    if app.parallel > 1 and app.config.katex_prerender and (is_html_site(app.builder) or is_epub(app.builder)):
        KaTeXServer.get()


def patch_katex() -> None:
    """Put :func:`start_server_process`, :func:`render_latex` and a longer start-up timeout into
    sphinxcontrib-katex.

    Private: the server's start, the module's render function (which its visitors look up at
    each call) and its timeout constant are not an API; each is checked before it is replaced."""
    expect(KaTeXServer, "start_server_process", "build_command", "timeout_error", "get", "start", "katex_server", distribution="sphinxcontrib-katex")
    expect(katex, "render_latex", "KaTeXError", "STARTUP_TIMEOUT", "katex_version", distribution="sphinxcontrib-katex")
    expected = {"KaTeXServer.start_server_process": (KaTeXServer.start_server_process, ["rundir", "timeout"]),
                "render_latex": (katex.render_latex, ["latex", "options"])}
    for name, (function, parameters) in expected.items():
        if list(inspect.signature(function).parameters) != parameters:
            raise changed("sphinxcontrib-katex", f"{name} takes {inspect.signature(function)}, not ({', '.join(parameters)})")
    KaTeXServer.start_server_process = classmethod(start_server_process)
    KaTeXServer.get = classmethod(shared_server)
    katex.render_latex = render_latex
    katex.STARTUP_TIMEOUT = 30.0  # node starts slowly on a loaded 2-core machine (5 s by default)


def setup(app: Sphinx) -> ExtensionMetadata:
    patch_katex()
    app.connect("builder-inited", check_assets)
    app.connect("builder-inited", choose_output)
    keep_in_doctrees(app, lambda: RENDERED, RENDERED_FILE)
    app.connect("html-page-context", drop_web_stylesheet)
    app.connect("build-finished", copy_assets)
    app.connect("write-started", start_before_parallel_writing)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
