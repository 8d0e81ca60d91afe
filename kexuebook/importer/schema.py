"""What chapters/book.toml may hold, as a JSON Schema, and the editor's messages for what it may not.

The schema is checked by the ``jsonschema`` library; every violation becomes a
:class:`SeedError` at its line (an unknown table or key with a did-you-mean, a missing key, a
value of the wrong type or form).  Each property carries ``expected``: how the message describes
a right value.  Relations between entries (a chapter's part exists, slugs are unique, an
override names a seed file) are checked by the catalog after this.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .errors import SeedError
from .model import Kind
from .toml_lines import key_lines, line_of

# Kinds an override may give a line: the ones no rule can tell apart (never math or a title).
OVERRIDE_KINDS = (Kind.QUOTE, Kind.HEADING, Kind.PARAGRAPH, Kind.LINK_TITLE)
SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG_EXPECTED = "lowercase letters and digits in words joined by '-' (like my-article)"
BIBKEY_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.:\-]*"
# The blog's address, which archive IDs are appended to (it becomes a link on every card).
SITE_PATTERN = r"https://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~%/-]*)?"


def _whole(pattern: str) -> str:
    # jsonschema searches; \Z (unlike $) does not let a trailing newline through.
    return rf"^(?:{pattern})\Z"


def _text(expected: str, description: str, **more: Any) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "pattern": r"\S", "expected": expected, "description": description, **more}


def _entries(name: str, description: str, properties: dict[str, Any], required: Sequence[str]) -> dict[str, Any]:
    return {
        "type": "array",
        "expected": f"[[{name}]] entries (an array of tables)",
        "description": description,
        "items": {"type": "object", "additionalProperties": False, "required": list(required), "properties": properties},
    }


WHOLE_NUMBER = {"type": "integer", "minimum": 1, "expected": "a whole number > 0"}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "chapters/book.toml: the book's table of contents as data",
    "type": "object",
    "additionalProperties": False,
    "required": ["book", "importer"],
    "properties": {
        "book": {
            "type": "object",
            "expected": "a table: [book]",
            "description": "The book's own title, on the cover, in the HTML and on the PDF's title page.",
            "additionalProperties": False,
            "required": ["title"],
            "properties": {
                "title": _text("the book's title, a non-empty string", "The title (科学空间选读)."),
                "subtitle": _text(
                    "a non-empty string; {count} stands for the number of chapters",
                    "The subtitle; {count} is replaced by the number of [[chapters]] in Chinese numerals (八, 九, 十二).",
                ),
            },
        },
        "importer": {
            "type": "object",
            "expected": "a table: [importer]",
            "description": "What the importer needs to know that the seed does not say.",
            "additionalProperties": False,
            "required": ["source_name", "source_site", "licence"],
            "properties": {
                "chrome_lines": {
                    "type": "array",
                    "items": {"type": "string", "minLength": 1},
                    "expected": 'a list of strings, like ["最近评论"]',
                    "description": "Lines of a listing that belong to the web page, not to any article.",
                },
                "source_name": _text("the blog's name, a non-empty string", "Blog name shown on every chapter card."),
                "source_site": {
                    "type": "string",
                    "pattern": _whole(SITE_PATTERN),
                    "expected": "the blog's https:// address, which archive IDs link to",
                    "description": "The blog's address; a chapter's archive ID is appended to it.",
                },
                "licence": _text("the original's licence, a non-empty string", "Licence of the original, shown on every card."),
            },
        },
        "overrides": _entries(
            "overrides",
            "Lines that no rule can classify (a one-sentence quotation looks like a paragraph); keep them rare.",
            {
                "seed": _text("the file name of a listing in seeds/", "The listing, by file name in seeds/."),
                "line": {**WHOLE_NUMBER, "description": "The line of that listing (1-based)."},
                "kind": {
                    "enum": [k.value for k in OVERRIDE_KINDS],
                    "expected": "one of " + ", ".join(k.value for k in OVERRIDE_KINDS),
                    "description": "What the line is.",
                },
            },
            ["seed", "line", "kind"],
        ),
        "parts": _entries(
            "parts",
            "Parts in book order; each has chapters/<slug>/index.md with its title and introduction.",
            {"slug": _text(SLUG_EXPECTED, "The part's folder under chapters/.", pattern=_whole(SLUG_PATTERN))},
            ["slug"],
        ),
        "chapters": _entries(
            "chapters",
            "One entry per article, numbered in part order, then in file order.",
            {
                "slug": _text(SLUG_EXPECTED, "File names and labels of the chapter.", pattern=_whole(SLUG_PATTERN)),
                # a string; whether it names a part is the catalog's check, which lists the parts
                "part": {"type": "string", "expected": "the slug of one of the [[parts]]", "description": "The part the chapter belongs to."},
                "title": _text("a non-empty string", "The seed title exactly as scraped (it is the key)."),
                "bibkey": _text(
                    "a references.bib key: letters, digits, '_', '.', ':', '-'",
                    "The article's entry in references.bib.",
                    pattern=_whole(BIBKEY_PATTERN),
                ),
                "archive": {**WHOLE_NUMBER, "description": "The article's archive ID on the blog, where known."},
            },
            ["slug", "part", "title", "bibkey"],
        ),
    },
}
VALIDATOR = Draft202012Validator(SCHEMA)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _where(path: Sequence[str | int]) -> str:
    """How a message names the place: ``[[chapters]] entry``, ``[importer]``, or the top of the file."""
    if len(path) >= 2 and isinstance(path[1], int):
        return f"[[{path[0]}]] entry"
    if path:
        return f"[{path[0]}]"
    return "the top level"


def _header(name: str, value: Any) -> str:
    """How an unknown top-level name reads in the file: ``[[name]]``, ``[name]`` or ``name =``."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return f"table [[{name}]]"
    if isinstance(value, dict):
        return f"table [{name}]"
    return f"key '{name}'"


def _known(schema: Mapping[str, Any], top: bool) -> list[str]:
    names = list(schema.get("properties", {}))
    if not top:
        return names
    return [f"[[{n}]]" if schema["properties"][n]["type"] == "array" else f"[{n}]" for n in names]


def _schema_at(path: Sequence[str | int]) -> list[tuple[tuple[str | int, ...], Mapping[str, Any]]]:
    """The schema of each step along ``path``: (path so far, its schema)."""
    steps: list[tuple[tuple[str | int, ...], Mapping[str, Any]]] = [((), SCHEMA)]
    node: Mapping[str, Any] = SCHEMA
    for i, step in enumerate(path):
        node = node.get("items", {}) if isinstance(step, int) else node.get("properties", {}).get(step, {})
        steps.append((tuple(path[: i + 1]), node))
    return steps


def _unknown(path: tuple[str | int, ...], schema: Mapping[str, Any], instance: Mapping[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Each key of ``instance`` that ``schema`` does not know, with the nearest known one."""
    known = list(schema.get("properties", {}))
    top = not path
    shown_known = _known(schema, top)
    for key in (k for k in instance if k not in known):
        name = _header(key, instance[key]) if top else f"key '{key}' in {_where(path)}"
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f" (did you mean {shown_known[known.index(close[0])] if top else repr(close[0])}?)" if close else ""
        yield (*path, key), f"unknown {name}{hint}; expected one of: {', '.join(shown_known)}"


def _messages(error: ValidationError, data: Mapping[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """The place and the editor's message of one schema violation."""
    path = tuple(error.absolute_path)
    schema = error.schema
    if error.validator == "additionalProperties":
        yield from _unknown(path, schema, error.instance)
        return
    if error.validator == "required":
        for key in (k for k in schema.get("required", []) if k not in error.instance):
            described = schema["properties"][key].get("expected", "a value")
            what = f"{_where(path)} has" if path else "the file has"
            yield path, f"{what} no '{key}'; expected {key} = ... ({described})"
        return
    # A value of the wrong type or form: name the key whose "expected" describes it (for an item
    # of a list, the list).
    key_path, expected = path, "a valid value"
    for step_path, node in _schema_at(path):
        if "expected" in node:
            key_path, expected = step_path, node["expected"]
    if not key_path:
        yield (), "expected TOML tables and keys at the top level"
        return
    value: Any = data
    for step in key_path:
        value = value[step]
    where = f"{_where(key_path)}: " if len(key_path) > 1 else ""
    yield key_path, f"{where}{key_path[-1]} = {_shown(value)}; expected {expected}"


def schema_errors(data: Mapping[str, Any], text: str, path: str) -> list[SeedError]:
    """Every violation of the schema in ``data`` (read from ``text``), in file order."""
    lines = key_lines(text)
    found: dict[tuple[str | int, ...], SeedError] = {}
    for error in VALIDATOR.iter_errors(data):
        for place, message in _messages(error, data):
            found.setdefault((*place, message), SeedError(path, line_of(lines, place), message))
    return sorted(found.values(), key=lambda e: e.line)
