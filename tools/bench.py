"""``make bench``: how long the book takes to build, the median of a few runs of each scenario.

Run as ``python -m tools.bench``.  Every run works on a fresh copy of the sources in a temporary
folder (the repository and its ``_build`` are never touched) and builds with the same strict
flags as the Makefile.  Prints a table and writes ``_build/bench.json``.

Scenarios (add one by writing a function ``(sources, out) -> seconds`` and listing it in
``SCENARIOS``):

- ``latexpdf cold``: what ``make latexpdf`` does from nothing — Sphinx's LaTeX builder with no
  saved environment, then latexmk/xelatex through the Makefile Sphinx writes;
- ``latexpdf after one chapter edit``: the same, after appending a sentence to one chapter,
  on top of the cold build (Sphinx re-reads that chapter; latexmk reruns xelatex as needed).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
STRICT = ["-W", "-n", "--keep-going"]
IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", "__pycache__", ".hypothesis", "node_modules")
EDITED_CHAPTER = "chapters/losses/focal-loss.md"
EDIT = "\n基准测试在这里追加了一句话，用来测量只改一章之后重新生成PDF所需的时间。\n"


def copy_sources(target: Path) -> Path:
    shutil.copytree(ROOT, target, ignore=IGNORE, symlinks=True)
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    return target


def run(command: list[str], cwd: Path | None = None) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def latexpdf(sources: Path, out: Path) -> float:
    """`make latexpdf` on these sources into `out`; returns the wall-clock seconds."""
    start = time.perf_counter()
    run([sys.executable, "-m", "sphinx", "-b", "latex", *STRICT, "-q", "-d", str(out / ".doctrees"), str(sources), str(out)])
    run(["make", "all-pdf"], cwd=out)
    return time.perf_counter() - start


def latexpdf_cold(sources: Path, out: Path) -> float:
    return latexpdf(sources, out)


def latexpdf_after_edit(sources: Path, out: Path) -> float:
    latexpdf(sources, out)  # the build the edit lands on (not timed)
    with (sources / EDITED_CHAPTER).open("a", encoding="utf-8") as chapter:
        chapter.write(EDIT)
    return latexpdf(sources, out)


SCENARIOS: dict[str, Callable[[Path, Path], float]] = {
    "latexpdf cold": latexpdf_cold,
    "latexpdf after one chapter edit": latexpdf_after_edit,
}


def measure(runs: int = RUNS) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in SCENARIOS}
    for _ in range(runs):
        for name, scenario in SCENARIOS.items():
            with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
                sources = copy_sources(Path(tmp) / "book")
                times[name].append(scenario(sources, Path(tmp) / "out"))
    return times


def main() -> int:
    times = measure()
    results = {name: {"median_s": round(statistics.median(t), 2), "runs_s": [round(x, 2) for x in t]} for name, t in times.items()}
    report = {
        "runs": RUNS,
        "results": results,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
    }
    out = ROOT / "_build" / "bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    width = max(len(name) for name in results)
    print(f"{'scenario':<{width}}  median (s)  runs (s)")
    for name, r in results.items():
        print(f"{name:<{width}}  {r['median_s']:>10.2f}  {', '.join(f'{x:.2f}' for x in r['runs_s'])}")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
