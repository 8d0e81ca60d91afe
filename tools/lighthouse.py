"""Run Lighthouse 12 (pinned in package-lock.json) on one page, against Debian's Chromium.

Used by the browser tests (accessibility, best practices, SEO) and by ``make bench``
(performance, page weight).  A Lighthouse runtime error is retried once; a score never is.
``serve_compressed`` serves a built site the way static hosts do (gzip for text), so the
transferred bytes Lighthouse counts are a reader's.
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import io
import json
import os
import subprocess
from pathlib import Path

from tools.local_server import QuietHandler, serve

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --no-first-run"


def run_lighthouse(url: str, out: Path, categories: list[str]) -> dict:
    command = [
        str(LIGHTHOUSE), url,
        f"--only-categories={','.join(categories)}",
        "--output=json", f"--output-path={out}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=240)
    if result.returncode != 0 or not out.exists():
        return {"runtimeError": {"code": f"exit {result.returncode}", "message": result.stderr[-2000:]}}
    return json.loads(out.read_text(encoding="utf-8"))


def lighthouse_report(url: str, out: Path, categories: list[str]) -> dict:
    """The report of one page; fails on a runtime error that a single retry did not clear."""
    report = run_lighthouse(url, out, categories)
    if report.get("runtimeError"):
        out.unlink(missing_ok=True)
        report = run_lighthouse(url, out, categories)
    if report.get("runtimeError"):
        raise RuntimeError(f"Lighthouse failed twice on {url}: {report['runtimeError']}")
    return report


# What GitHub Pages, Read the Docs and Netlify compress: text, not fonts or images already packed.
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg+xml")


class CompressingHandler(QuietHandler):
    """A static file handler that gzips text responses when the client accepts it."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".webmanifest": "application/manifest+json",
                      ".js": "application/javascript", ".woff2": "font/woff2"}

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        if not (path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "") and ctype.startswith(COMPRESSED_TYPES)):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)  # copyfile reads it, do_GET closes it


def serve_compressed(directory: Path) -> contextlib.AbstractContextManager[str]:
    """Serve ``directory`` on a free local port with gzip; yields the base URL."""
    return serve(directory, CompressingHandler)


def first_load_bytes(report: dict) -> tuple[int, int]:
    """(raw, transferred) bytes of every request of the page's first load."""
    items = report["audits"]["network-requests"]["details"]["items"]
    return sum(int(i.get("resourceSize") or 0) for i in items), sum(int(i.get("transferSize") or 0) for i in items)
