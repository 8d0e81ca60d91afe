"""The files a number or a figure of the book depends on: its kexuebook.math modules and their data.

A ``{value}`` role or a figure script uses a few :mod:`kexuebook.math` modules, which import others
(``kexuebook.math.prose``: how numbers are written) and may read a data file (``data/corpus.txt``).
Sphinx re-reads a page only for the files it was told of, so each of these is noted: edit one and
the pages that use it are rebuilt, no others.  Imports are read from the source (``ast``), never
executed; a data file counts when a module names it in a string.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
from pathlib import Path

PACKAGE = "kexuebook.math"  # the formulas' package: its modules and data are what a page may use


def math_folder() -> Path:
    """The formulas' folder that an import here would load (a book copy's own with PYTHONPATH)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.origin:
        raise ImportError(f"no {PACKAGE} package on the path")
    return Path(spec.origin).resolve().parent


def _imported_modules(tree: ast.AST) -> set[str]:
    """The formula modules (``kexuebook.math.x``) a parsed source imports or names."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith(PACKAGE)}
        elif isinstance(node, ast.ImportFrom):
            base = PACKAGE if node.level else (node.module or "")
            if node.level and node.module:
                base = f"{PACKAGE}.{node.module}"
            if base.startswith(PACKAGE):
                found.add(base)
                found |= {f"{base}.{alias.name}" for alias in node.names}  # from kexuebook.math import ib
        elif isinstance(node, ast.Attribute) and ast.unparse(node.value) == PACKAGE:
            found.add(f"{PACKAGE}.{node.attr}")  # import kexuebook.math; kexuebook.math.ib.f()
    if found:
        found.add(PACKAGE)  # importing kexuebook.math.x runs kexuebook/math/__init__.py
    return found


def _named_data(tree: ast.AST, folder: Path) -> set[Path]:
    """Files of ``folder/data`` that the source names in a string constant."""
    data = folder / "data"
    if not data.is_dir():
        return set()
    names = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    return {path for path in data.iterdir() if path.name in names}


def _module_file(name: str) -> Path | None:
    parts = name.split(".")[PACKAGE.count(".") + 1:]
    if not parts:
        return math_folder() / "__init__.py"
    path = math_folder().joinpath(*parts)
    return path.with_suffix(".py") if path.with_suffix(".py").is_file() else (path / "__init__.py" if (path / "__init__.py").is_file() else None)


@functools.cache
def _direct_at(path: Path, stamp: int) -> tuple[frozenset[Path], frozenset[Path]]:
    """(module files, data files) that the source at ``path`` uses directly (cached per version)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules = frozenset(f for f in map(_module_file, _imported_modules(tree)) if f is not None)
    return modules, frozenset(_named_data(tree, math_folder()))


def _direct(path: Path) -> tuple[frozenset[Path], frozenset[Path]]:
    return _direct_at(path, path.stat().st_mtime_ns)


def _closure(path: Path) -> set[Path]:
    return _closure_of([path])


def _closure_of(start: list[Path]) -> set[Path]:
    seen: set[Path] = set()
    todo = list(start)
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        modules, data = _direct(current)
        seen |= data
        todo += [m for m in modules if m not in seen]
    return seen


def files_used_by(path: Path) -> list[Path]:
    """``path`` (a figure script or a formula module) and every kexuebook.math file it uses, transitively."""
    return sorted(_closure(path.resolve()))


def files_used_by_code(code: str) -> list[Path]:
    """Every kexuebook.math file that Python source ``code`` (not a file: ``plot_pre_code``) uses, transitively."""
    modules = [f for f in map(_module_file, _imported_modules(ast.parse(code))) if f is not None]
    return sorted(_closure_of(modules))


def files_of_module(name: str) -> list[Path]:
    """The files of formula module ``name`` (``kexuebook.math.ib``) and of everything it uses."""
    path = _module_file(name)
    return files_used_by(path) if path is not None else []
