"""Live preview that keeps Sphinx warm: ``python -m tools.livehtml [--port N] [--host H] [--source DIR] [--outdir DIR]``.

sphinx-autobuild starts a new ``python -m sphinx`` process for every change, so each preview pays
Sphinx's whole start-up (~2 s on this book).  This server uses sphinx-autobuild's file filter but
rebuilds in one long-lived Sphinx application: an edit to a chapter reads and writes only what
changed.  It follows every file of the book:

- chapters, part pages, the glossary, figure scripts, references.bib, _static and the theme:
  rebuilt in place (each page notes what it depends on);
- chapters/book.toml: rebuilt in place, or restarted when the change alters a value of conf.py
  (the title counts the chapters); a book.toml that does not load is shown, not built;
- conf.py, kexuebook/: the process restarts, since Python modules cannot be
  reloaded safely.

A build that fails (a syntax error in conf.py, a broken book.toml, an extension's exception)
shows its error in the terminal and on every page; the next change that fixes it brings the
preview back.  Pages reload by themselves once Sphinx has written them (before the build's last
steps, the reference previews and the stylesheet's cut; again after them only if they changed a
page or failed), and after a restart (the script reconnects).  Each build reports its own warnings.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import html
import importlib.metadata
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import eval_config_file
from sphinx.environment import BuildEnvironment
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.responses import HTMLResponse
from starlette.routing import Mount, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

ROOT = Path(__file__).resolve().parent.parent
# Changes here change Python code that Sphinx has imported: restart rather than rebuild.
RESTART_ON = ("conf.py", "kexuebook/")
CATALOG = "chapters/book.toml"
DEFAULT_PORT = 8000  # the README names it
# Python's cycle collector scans the warm heap (Sphinx's environment, jieba's dictionary) some 300
# times in a one-chapter rebuild: half a second of 1.5 (measured).  A build runs without it; the
# garbage is collected once the preview has been idle this long after a build: the open page has
# reloaded by then (it reloads before the build's last steps), and the editor is reading it.  A
# collection takes ~0.3 s; at 1.5 s it met the next save of an editor saving every couple of
# seconds and delayed that build (save → page reloaded 0.8 s, or 1.1 s when they met).
IDLE_COLLECT_SECONDS = 0.4
# seeds/: the book reads only what `make import` writes from them (the README: "nothing until make import").
IGNORED = [".git", ".venv", "node_modules", ".pytest_cache", ".hypothesis", "__pycache__", "_build", "tests", "seeds"]

# Reloads the page after each build; after the connection drops (a restart), reconnects and
# reloads once the new server answers.
RELOAD_SCRIPT = b"""
<script>
(function () {
  var dropped = false;
  function connect() {
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/websocket-reload");
    ws.onopen = function () { if (dropped) { location.reload(); } };
    ws.onmessage = function () { location.reload(); };
    ws.onclose = function () { dropped = true; setTimeout(connect, 250); };
  }
  connect();
})();
</script>
"""


def changed(distribution: str, what: str) -> RuntimeError:
    return RuntimeError(
        f"livehtml: {distribution} {importlib.metadata.version(distribution)} changed: {what}. "
        "`make livehtml-autobuild` works without it; README.md, 'Maintenance notes', says how to adapt this tool."
    )


def autobuild_filter():
    """sphinx-autobuild's file filter (which paths a change is ignored for).

    Private: sphinx-autobuild's API is its command line; ``filter.IgnoreFilter`` is an internal
    module, called here as the tool calls it (directories, regular expressions; called with a path)."""
    try:
        from sphinx_autobuild.filter import IgnoreFilter

        probe = IgnoreFilter(["/nonexistent-dir"], [r"\.tmp$"])
        probe("/nonexistent-dir/x.md")
    except (ImportError, TypeError) as err:
        raise changed("sphinx-autobuild", repr(err)) from None
    return IgnoreFilter


if TYPE_CHECKING:  # the same class, for the type checker
    from sphinx_autobuild.filter import IgnoreFilter
else:
    IgnoreFilter = autobuild_filter()


def restore_katex_static(app: Sphinx) -> None:
    """sphinxcontrib-katex deletes its temporary static folder when a build finishes; a warm
    rebuild needs it back (the stylesheet it holds is copied into every build).

    Private: the folder (``app._katex_static_path``) and its copy (``katex.copy_file``,
    ``katex.filename_css``) are the extension's internals."""
    from sphinxcontrib import katex

    missing = [name for name in ("copy_file", "filename_css") if not hasattr(katex, name)]
    missing += [] if hasattr(app, "_katex_static_path") else ["app._katex_static_path"]
    if missing:
        raise changed("sphinxcontrib-katex", f"no {', '.join(missing)}")
    Path(app._katex_static_path).mkdir(parents=True, exist_ok=True)  # type: ignore[attr-defined]
    katex.copy_file(app, katex.filename_css)


def expect_sphinx_doctree_caches(env: BuildEnvironment) -> None:
    """The warm preview reads and clears Sphinx's in-memory doctree caches.

    Private: ``BuildEnvironment._pickled_doctree_cache`` and ``_write_doc_doctree_cache`` (Sphinx
    8.2) are not an API; without them a long-lived application keeps stale doctrees."""
    missing = [name for name in ("_pickled_doctree_cache", "_write_doc_doctree_cache") if not isinstance(getattr(env, name, None), dict)]
    if missing:
        raise changed("sphinx", f"BuildEnvironment has no {', '.join(missing)}")


def forget_asset_checksums() -> None:
    """Sphinx computes each asset's ``?v=`` once per process (``sphinx.builders.html._assets.
    _file_checksum_inner``, a ``functools.cache``): in a warm application, a stylesheet edited in
    ``_static`` or a new cut of the bundle kept its first version on every page written after (a
    browser could keep the old file), and every page the bundle's new version then rewrote
    reloaded the open page a second time.  Cleared before each build.

    Private: the cached function of a private module (README, Maintenance notes)."""
    from sphinx.builders.html import _assets

    cache_clear = getattr(getattr(_assets, "_file_checksum_inner", None), "cache_clear", None)
    if not callable(cache_clear):
        raise changed("sphinx", "sphinx.builders.html._assets has no cached _file_checksum_inner")
    cache_clear()


def collect_garbage() -> None:
    gc.enable()
    gc.collect()


def log(message: str) -> None:
    print(f"livehtml: {message}", flush=True)


def forget_stale_doctrees(app: Sphinx, env, docnames: list[str]) -> None:
    """Drop the cached pickles of the documents about to be read again.

    Sphinx keeps each doctree's pickle in memory once read and never updates it when the
    document is read again: a long-lived application would resolve a {numref} to a figure added
    since (or number the figures) from the old doctree, and fail.
    """
    for docname in docnames:
        env._pickled_doctree_cache.pop(docname, None)
    if app.config.root_doc in docnames:
        env.__dict__.pop("master_doctree", None)  # a cached property: the navigation is built from it


def keep_doctrees_for_numbering(app: Sphinx) -> None:
    """Between builds, keep unpickled the doctrees that numbering the figures walks.

    On every build Sphinx's toctree collector walks every document's doctree to number its
    figures (``env-get-updated``), unpickling each one: a large part of a one-chapter rebuild.
    That walk only reads.  So during ``env-get-updated`` alone, ``env.get_doctree`` answers from
    what was kept, as long as the document's pickle is the same object (a document read again
    has a new one); outside it, every caller gets Sphinx's own fresh copy, so a page being
    resolved and written never shares a tree (sharing them all broke the 404 page's navigation).
    Private: relies on ``_pickled_doctree_cache`` (see :func:`expect_sphinx_doctree_caches`).
    """
    kept: dict[str, tuple[bytes, nodes.document]] = {}

    def get_doctree(docname: str) -> nodes.document:
        env = app.env
        serialised = env._pickled_doctree_cache.get(docname)
        if serialised is not None and docname in kept and kept[docname][0] is serialised:
            return kept[docname][1]
        doctree = BuildEnvironment.get_doctree(env, docname)
        kept[docname] = (env._pickled_doctree_cache[docname], doctree)
        return doctree

    def install(app: Sphinx, env: BuildEnvironment) -> list[str]:
        env.get_doctree = get_doctree  # type: ignore[method-assign]  # this instance, for this event only
        return []

    def uninstall(app: Sphinx, env: BuildEnvironment) -> list[str]:
        env.__dict__.pop("get_doctree", None)  # before the environment is pickled
        return []

    app.connect("env-get-updated", install, priority=0)  # before the collectors (500)
    app.connect("env-get-updated", uninstall, priority=1000)


class Preview:
    """The book as the server shows it: the last build's pages, or the error that stopped it."""

    def __init__(self, source: Path, outdir: Path) -> None:
        self.source, self.outdir = source, outdir
        self.doctreedir = outdir.parent / "doctrees"
        self.app: Sphinx | None = None
        self.conf_values: dict[str, object] = {}
        self.error: str | None = None
        self.broken = False  # the environment in memory cannot be trusted: the next change restarts
        # Called (from the build's thread) once Sphinx has written the pages: open pages reload
        # then, not after the build's last steps; written_pages notes what they reloaded to.
        self.on_pages_written: Callable[[], object] | None = None
        self.written_pages: dict[Path, int] | None = None
        self.reload_needed = True  # after the last change: the early reload did not show it all

    # -- building ------------------------------------------------------------------------------
    def start(self) -> None:
        """Set Sphinx up (reads conf.py) and build; a failure is shown, not raised."""
        try:
            # No service worker in the preview: it would show the editor the page before the edit.
            self.app = Sphinx(self.source, self.source, self.outdir, self.doctreedir, "html", keep_going=True,
                              confoverrides={"kexuebook_offline_worker": False})
            self.conf_values = self._conf_values()
            expect_sphinx_doctree_caches(self.app.env)
            self.app.connect("env-before-read-docs", forget_stale_doctrees)
            keep_doctrees_for_numbering(self.app)
            # Before the reference previews (500) and the stylesheet's cut (800): the pages are final
            # unless a new cut rewrites their link, which a second reload then shows.
            self.app.connect("build-finished", self.pages_written, priority=1)
        except Exception as err:  # conf.py does not load: show why, wait for a fix
            self.fail("conf.py could not be loaded", err)
            self.broken = True
            return
        self.build(first=True)
        collect_garbage()

    def build(self, first: bool = False) -> None:
        assert self.app is not None
        started = time.perf_counter()
        gc.disable()  # until collect_garbage(), when the preview is idle
        self.written_pages = None
        restore_katex_static(self.app)
        forget_asset_checksums()
        self.app._warncount = 0  # this build's warnings, not every build's since the start
        try:
            self.app.build()
        except Exception as err:
            # Sphinx has deleted its saved environment, and the one in memory may be half
            # updated: a restart builds afresh.  Right after a start, wait for a change instead.
            self.fail("the build failed", err)
            self.broken = True
            if not first:
                log("restarting with a fresh environment")
                self.restart()
            return
        self.error = None
        self.reload_needed = self.written_pages is None or self.page_state() != self.written_pages
        warnings = self.app._warncount
        log(f"rebuilt in {time.perf_counter() - started:.2f} s, {warnings} warning{'' if warnings == 1 else 's'} in this build")

    def page_state(self) -> dict[Path, int]:
        return {page: page.stat().st_mtime_ns for page in self.outdir.rglob("*.html")}

    def pages_written(self, app: Sphinx, exception: Exception | None) -> None:
        if exception is None and self.on_pages_written is not None:
            self.written_pages = self.page_state()
            self.on_pages_written()

    def fail(self, what: str, err: BaseException) -> None:
        """Keep the error for the pages and print it; a traceback only for what is not the book's own message."""
        module = type(err).__module__.split(".")[0]
        detail = str(err) if module in ("sphinx", "kexuebook") else "".join(traceback.format_exception(err))
        self.error = f"{what}:\n{detail}"
        print(f"livehtml: {what}:\n{detail}", file=sys.stderr, flush=True)

    def restart(self) -> None:
        os.execv(sys.executable, [sys.executable, "-m", "tools.livehtml", *sys.argv[1:]])

    # -- following changes ---------------------------------------------------------------------
    def changed(self, paths: Sequence[Path]) -> None:
        """React to saved files: rebuild, restart, or show why neither can be done."""
        self.reload_needed = True
        relative = [p.relative_to(self.source).as_posix() for p in paths if self.source in p.parents]
        code = [r for r in relative if r.startswith(RESTART_ON)]
        if code or self.broken:
            log(f"{(code or relative or ['a file'])[0]} changed; restarting")
            self.restart()
            return
        if not self._catalog_loads():
            return
        if CATALOG in relative and self._conf_values() != self.conf_values:
            log(f"{CATALOG} changes a value of conf.py (the title counts the chapters); restarting")
            self.restart()
            return
        self.build()

    def _catalog_loads(self) -> bool:
        """Whether book.toml loads; if not, its error is what the pages show (nothing is built)."""
        from kexuebook.catalog import load_catalog
        from kexuebook.importer.errors import SeedError

        try:
            load_catalog(self.source / CATALOG)
        except SeedError as err:
            self.error = "chapters/book.toml has mistakes:\n" + "\n".join(e.located(self.source) for e in err.errors)
            print(f"livehtml: {self.error}", file=sys.stderr, flush=True)
            return False
        return True

    def _conf_values(self) -> dict[str, object]:
        """conf.py's values as it gives them now (it reads book.toml), for the settings Sphinx knows."""
        assert self.app is not None
        namespace = eval_config_file(self.source / "conf.py", self.app.tags)
        return {name: value for name, value in namespace.items() if name in self.app.config}


class Reloader:
    """The pages' websocket: every open page is told to reload after each build."""

    def __init__(self) -> None:
        self.generation = 0
        self.condition: asyncio.Condition | None = None

    async def built(self) -> None:
        assert self.condition is not None
        async with self.condition:
            self.generation += 1
            self.condition.notify_all()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.condition is not None
        condition = self.condition  # narrowed here, for the closure below
        socket = WebSocket(scope, receive, send)
        await socket.accept()
        seen = self.generation

        async def push() -> None:
            nonlocal seen
            while True:
                async with condition:
                    await condition.wait_for(lambda: self.generation != seen)  # noqa: B023  (called before seen changes)
                    seen = self.generation
                await socket.send_text("refresh")

        async def until_closed() -> None:
            try:
                async for _ in socket.iter_text():
                    pass
            except WebSocketDisconnect:
                pass

        tasks = [asyncio.create_task(push()), asyncio.create_task(until_closed())]
        _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()


class InjectReload:
    """Adds the reload script to every HTML page; while the build is broken, every page is its error."""

    def __init__(self, app: ASGIApp, preview: Preview) -> None:
        self.app, self.preview = app, preview

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.preview.error is not None and _wants_page(scope["path"]):
            await error_page(self.preview.error)(scope, receive, send)
            return
        add = False

        async def send_with_script(message: Message) -> None:
            nonlocal add
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    add = True
                    if "content-length" in headers:
                        headers["content-length"] = str(int(headers["content-length"]) + len(RELOAD_SCRIPT))
            elif message["type"] == "http.response.body" and add and not message.get("more_body", False):
                message["body"] += RELOAD_SCRIPT
            await send(message)

        await self.app(scope, receive, send_with_script)


def _wants_page(path: str) -> bool:
    return path.endswith((".html", "/")) or "." not in path.rsplit("/", 1)[-1]


def error_page(error: str) -> HTMLResponse:
    body = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>预览构建失败 · build failed</title></head>'
        '<body style="font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem">'
        '<h1 id="livehtml-error">预览构建失败 · the preview build failed</h1>'
        "<p>修正下面的问题并保存，页面会自动刷新。Fix what is named below and save: this page reloads by itself.</p>"
        f'<pre style="white-space:pre-wrap;background:#fee;padding:1rem">{html.escape(error)}</pre>'
        "</body></html>"
    ).encode()
    return HTMLResponse(body + RELOAD_SCRIPT, status_code=500)


def create_app(preview: Preview) -> Starlette:
    ignore = IgnoreFilter([str(preview.source / name) for name in IGNORED] + [str(preview.outdir), str(preview.doctreedir)], [r"\.tmp$", r"~$"])
    reloader = Reloader()

    async def watch() -> None:
        import watchfiles

        loop = asyncio.get_running_loop()
        preview.on_pages_written = lambda: loop.call_soon_threadsafe(loop.create_task, reloader.built())
        idle: asyncio.TimerHandle | None = None
        async for changes in watchfiles.awatch(preview.source, watch_filter=lambda _, path: not ignore(path)):
            if idle is not None:
                idle.cancel()  # a change came first: collect after this build instead
            try:
                await asyncio.to_thread(preview.changed, [Path(path).resolve() for _, path in changes])
            except Exception as err:  # never let the watcher die: show it, wait for the next change
                preview.fail("the preview could not follow the change", err)
                preview.broken = True
            if preview.reload_needed:
                await reloader.built()
            idle = loop.call_later(IDLE_COLLECT_SECONDS, collect_garbage)

    @asynccontextmanager
    async def lifespan(_app):
        reloader.condition = asyncio.Condition()
        task = asyncio.create_task(watch())
        yield
        task.cancel()

    preview.outdir.mkdir(parents=True, exist_ok=True)
    app = Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", reloader, name="reload"),
            Mount("/", app=StaticFiles(directory=preview.outdir, html=True), name="static"),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(InjectReload, preview=preview)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default: {DEFAULT_PORT}")
    parser.add_argument("--source", type=Path, default=ROOT, help="the book's folder (default: this repository)")
    parser.add_argument("--outdir", type=Path, default=None, help="default: SOURCE/_build/html")
    args = parser.parse_args(argv)
    source = args.source.resolve()
    outdir = (args.outdir or source / "_build" / "html").resolve()
    preview = Preview(source, outdir)
    preview.start()
    log(f"serving on http://{args.host}:{args.port}/ (Ctrl-C stops)")
    uvicorn.run(create_app(preview), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
