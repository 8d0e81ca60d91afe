"""Lighthouse (pinned in package-lock.json) on the cover and a chapter: accessibility, best
practices and SEO all 100, against the local server fixture, Lighthouse's default mobile preset.

Pages run one at a time.  A Lighthouse runtime error (no report, or a report with
``runtimeError``) is retried once; a score never is.
"""

from __future__ import annotations

import pytest

from tools.lighthouse import LIGHTHOUSE, lighthouse_report

pytestmark = pytest.mark.browser

CATEGORIES = ["accessibility", "best-practices", "seo"]
PAGES = ["index.html", "chapters/probabilistic-models/vae.html"]


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
    report = lighthouse_report(f"{server}/{path}", tmp_path / "report.json", CATEGORIES)
    assert report["lighthouseVersion"].startswith("12.")
    assert report["configSettings"]["formFactor"] == "mobile"
    scores = {category: report["categories"][category]["score"] for category in CATEGORIES}
    print(f"\nLighthouse {report['lighthouseVersion']} {path}: " + ", ".join(f"{c} {round(s * 100)}" for c, s in scores.items()))
    assert scores == {category: 1 for category in CATEGORIES}, {c: failing_audits(report, c) for c in CATEGORIES}
