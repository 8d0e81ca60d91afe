"""How the book reaches into other packages' private parts: checked first, loud when they change.

Each such use is one function, in the module that needs it, listed in README.md ("Maintenance
notes") with what an upstream fix would be.  The function checks every attribute it relies on
with :func:`expect` before using it, so an upgrade that moves one stops the build at start-up
with the package, its version and the missing part, not with an AttributeError mid-build.
"""

from __future__ import annotations

from importlib.metadata import version

from sphinx.errors import ExtensionError


def changed(distribution: str, what: str) -> ExtensionError:
    """The error for a private part of ``distribution`` that is no longer as the book expects."""
    return ExtensionError(
        f"{distribution} {version(distribution)} changed: {what}. The book relies on this private "
        f"part of {distribution}; README.md, 'Maintenance notes', says what uses it and how to adapt."
    )


def expect(owner: object, *names: str, distribution: str) -> None:
    """Fail with :func:`changed` unless ``owner`` has every attribute in ``names``."""
    missing = [name for name in names if not hasattr(owner, name)]
    if missing:
        raise changed(distribution, f"{getattr(owner, '__name__', owner)!s} has no {', '.join(missing)}")
