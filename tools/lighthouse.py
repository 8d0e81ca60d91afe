"""Run Lighthouse 12 (pinned in package-lock.json) on one page, against Debian's Chromium.

Used by the browser tests (accessibility, best practices, SEO) and by ``make bench``
(performance, page weight).  A Lighthouse runtime error is retried once; a score never is.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

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
