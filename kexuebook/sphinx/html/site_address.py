"""Where the book is published and where its sources live: the one place both are decided.

Neither is known to a local build, and neither is guessed.  The hosts' builds say them:

- the address: ``BOOK_BASEURL`` (set by .github/workflows/pages.yml from GitHub Pages' own
  answer), else ``READTHEDOCS_CANONICAL_URL`` (set by Read the Docs on its builders);
- the repository: ``BOOK_REPOSITORY_URL`` (the Pages workflow), else Read the Docs'
  ``READTHEDOCS_GIT_CLONE_URL``.

conf.py makes ``html_baseurl`` (canonical links, the sitemap, the 404 page's base) and the theme's
repository buttons from them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping


def published_url(environ: Mapping[str, str] = os.environ) -> str:
    """The book's address with one trailing slash, or "" when this build does not know it."""
    url = (environ.get("BOOK_BASEURL") or environ.get("READTHEDOCS_CANONICAL_URL") or "").strip()
    if url and not re.match(r"https?://[^/\s]+", url):
        raise ValueError(f"BOOK_BASEURL / READTHEDOCS_CANONICAL_URL: expected an http(s) address, got {url!r}")
    return url.rstrip("/") + "/" if url else ""


def repository_url(environ: Mapping[str, str] = os.environ) -> str:
    """The repository's web address (https://host/owner/name), or ""."""
    url = (environ.get("BOOK_REPOSITORY_URL") or environ.get("READTHEDOCS_GIT_CLONE_URL") or "").strip()
    url = re.sub(r"^git@([^:]+):", r"https://\1/", url)  # an SSH clone address
    url = re.sub(r"\.git$", "", url.rstrip("/"))
    if url and not re.match(r"https://[^/\s]+/[^/\s]+/[^/\s]+$", url):
        raise ValueError(f"BOOK_REPOSITORY_URL / READTHEDOCS_GIT_CLONE_URL: expected https://host/owner/name, got {url!r}")
    return url
