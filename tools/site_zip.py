"""Pack a built HTML book into a zip to read from disk: ``python -m tools.site_zip SITE ZIP``.

Everything under one folder named after the zip, so that unpacking makes one folder whose
``index.html`` opens the book.  Reproducible: entries in name order, each dated by
SOURCE_DATE_EPOCH (or the last commit), with fixed permissions.  Left out: Sphinx's note to
itself (``.buildinfo``) and ``_downloads/`` (the PDF and the like are offered beside the zip).
Written to a temporary file first: a failed run leaves no half-written zip.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

LEFT_OUT_FILES = {".buildinfo", ".buildinfo.bak"}
LEFT_OUT_FOLDERS = {"_downloads", ".doctrees"}
ZIP_EPOCH = 315532800  # 1980-01-01, the earliest date a zip entry can hold


def build_epoch(repository: Path) -> int:
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    commit = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=repository, capture_output=True, text=True)
    return int(commit.stdout.strip()) if commit.returncode == 0 and commit.stdout.strip() else ZIP_EPOCH


def site_files(site: Path) -> list[Path]:
    files = []
    for path in site.rglob("*"):
        relative = path.relative_to(site)
        if path.is_file() and path.name not in LEFT_OUT_FILES and not LEFT_OUT_FOLDERS & set(relative.parts[:-1]):
            files.append(relative)
    return sorted(files, key=lambda p: p.as_posix())


def write_zip(site: Path, target: Path, epoch: int) -> int:
    """Write ``target``; returns the number of files packed."""
    if not (site / "index.html").is_file():
        raise SystemExit(f"error: {site}: expected a built HTML book (no index.html); run the HTML build first")
    stamp = time.gmtime(max(epoch, ZIP_EPOCH))[:6]
    folder = target.stem
    files = site_files(site)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w") as archive:
        for relative in files:
            info = zipfile.ZipInfo(f"{folder}/{relative.as_posix()}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (site / relative).read_bytes(), compresslevel=9)
    partial.replace(target)
    return len(files)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m tools.site_zip SITE_FOLDER TARGET.zip", file=sys.stderr)
        return 2
    site, target = Path(argv[0]), Path(argv[1])
    count = write_zip(site, target, build_epoch(Path(__file__).resolve().parent.parent))
    print(f"site zip: {target} ({count} files, {target.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
