"""Lighthouse (pinned in package-lock.json) on the cover and a chapter: accessibility, best
practices and SEO all 100, against the local server fixture, Lighthouse's default mobile preset.

Pages run one at a time.  A Lighthouse runtime error (no report, or a report with
``runtimeError``) is retried once; a score never is.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from helpers import ROOT

pytestmark = pytest.mark.browser

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["accessibility", "best-practices", "seo"]
PAGES = ["index.html", "chapters/probabilistic-models/vae.html"]


def run_lighthouse(url: str, out) -> dict:
    command = [
        str(LIGHTHOUSE), url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json", f"--output-path={out}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking --no-first-run",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=240)
    if result.returncode != 0 or not out.exists():
        return {"runtimeError": {"code": f"exit {result.returncode}", "message": result.stderr[-2000:]}}
    return json.loads(out.read_text(encoding="utf-8"))


def lighthouse_report(url: str, tmp_path) -> dict:
    report = run_lighthouse(url, tmp_path / "report.json")
    if report.get("runtimeError"):  # once, and only for a Lighthouse failure
        (tmp_path / "report.json").unlink(missing_ok=True)
        report = run_lighthouse(url, tmp_path / "report.json")
    assert not report.get("runtimeError"), report.get("runtimeError")
    return report


def failing_audits(report: dict, category: str) -> list[str]:
    audits = report["audits"]
    return [
        f"{ref['id']}: {audits[ref['id']]['title']}"
        for ref in report["categories"][category]["auditRefs"]
        if ref["weight"] > 0 and audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1
    ]


@pytest.mark.parametrize("path", PAGES)
def test_lighthouse_scores_100(server, tmp_path, path):
    assert LIGHTHOUSE.exists(), "npm ci installs Lighthouse (package-lock.json)"
    report = lighthouse_report(f"{server}/{path}", tmp_path)
    assert report["lighthouseVersion"].startswith("12.")
    assert report["configSettings"]["formFactor"] == "mobile"
    scores = {category: report["categories"][category]["score"] for category in CATEGORIES}
    print(f"\nLighthouse {report['lighthouseVersion']} {path}: " + ", ".join(f"{c} {round(s * 100)}" for c, s in scores.items()))
    assert scores == {category: 1 for category in CATEGORIES}, {c: failing_audits(report, c) for c in CATEGORIES}
