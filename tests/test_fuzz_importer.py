"""Property-based fuzzing of the importer, in-process (never Sphinx).

Listings are the real seed or random splices of real seed lines, then mutated: truncated,
lines deleted, duplicated, swapped or cut, control characters and invalid UTF-8 inserted, math
delimiters and TeX unbalanced, bylines moved.  Every example ends in a correct import or a clean
SeedError: never another exception, a partial or temporary file, or a change to an existing
hand-written chapter.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from helpers import ROOT
from kexuebook.catalog import Chapter, load_catalog
from kexuebook.importer.errors import SeedError
from kexuebook.importer.model import MATH_KINDS
from kexuebook.importer.parse import decode, parse_listing
from kexuebook.importer.plan import apply, drift, plan_import
from kexuebook.importer.render import render_card, render_chapter_skeleton, render_excerpt
from kexuebook.importer.texguard import check_tex

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SEED = SEEDS[0]
RAW = SEED.read_bytes()
REAL = decode(RAW, SEED)
CATALOG = load_catalog(ROOT / "chapters" / "book.toml")
OVERRIDES = CATALOG.overrides.get(SEED.name, {})
DATA = Path(__file__).parent / "data"
POOL = REAL + [line for f in sorted(DATA.glob("*.txt")) for line in f.read_text(encoding="utf-8").splitlines()]
FRAGMENTS = [
    "$", "$$", "\\begin{equation}", "\\end{equation}", "\\tag{2.1}", "\\tag{x y}", "{", "}", "\\", "\\\\",
    "\\input{x}", "\\write18{x}", "%", "#", "^^5c", "<script>", "```", ":::", "(x)=", "By 某人 | 2020-01-01 | 1位读者 | 引用",
    "By 某人 | 2020-13-01 | 1位读者 | 引用", "最近评论", "", " ", "\t", " | ", "位读者", "引用", "$x$", "《标题》",
]
CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\u202e", "\ufeff", "\r", "\x0c", "\x0b"]
BAD_BYTES = [b"\xff", b"\xc3", b"\xe4\xb8", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xc0\xaf", b"\xef\xbb\xbf", b"\x00"]
FUZZ = dict(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# `make test-fast` runs a tenth of each test's examples (KEXUE_FUZZ_SHARE=0.1); `make test` all.
FUZZ_SHARE = float(os.environ.get("KEXUE_FUZZ_SHARE", "1"))


def examples(count: int) -> int:
    return max(10, round(count * FUZZ_SHARE))


ASCII_PUNCTUATION_TOKEN = re.compile(r"\\[!-/:-@\[-`{-~]|[!-/:-@\[-`{-~]")
MATH_ROLE = re.compile(r"\{(?:math|term)\}(`+)(.*?)\1")  # roles: math and glossary terms


HEADS = [(REAL[i - 1], line) for i, line in enumerate(REAL) if i and line.startswith("By ")]


def edit_lines(draw, lines: list[str], op: str, i: int) -> bool:
    """The line edits both generators share: delete, duplicate or swap line ``i``; False for others."""
    if op == "delete":
        del lines[i]
    elif op == "duplicate":
        lines.insert(i, lines[i])
    elif op == "swap":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    else:
        return False
    return True


@st.composite
def listings(draw, real_only: bool = False, most_mutations: int = 4) -> bytes:
    """A listing: the real seed or a splice of real lines, mutated one to four times."""
    if real_only or draw(st.booleans()):
        lines = list(REAL)
    else:
        lines = draw(st.lists(st.sampled_from(POOL), max_size=40))
        if draw(st.booleans()):  # most splices start as an article does
            lines[:0] = draw(st.sampled_from(HEADS))
    for _ in range(draw(st.integers(1, most_mutations))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "fragment", "control", "cut", "splice", "byline"]))
        if not lines:
            lines.append(draw(st.sampled_from(POOL)))
        i = draw(st.integers(0, len(lines) - 1))
        if edit_lines(draw, lines, op, i):
            continue
        if op in ("fragment", "control"):
            insert = draw(st.sampled_from(FRAGMENTS if op == "fragment" else CONTROLS))
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + insert + lines[i][at:]
        elif op == "cut":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at]
        elif op == "splice":
            lines[i:i] = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=5))
        else:  # a byline moved to another place
            j = draw(st.integers(0, len(lines) - 1))
            lines.insert(j, next((line for line in REAL if line.startswith("By ")), FRAGMENTS[19]))
    raw = "\n".join(lines).encode("utf-8")
    how = draw(st.sampled_from(["plain", "plain", "truncate", "bad-bytes", "crlf", "bom"]))
    if how == "truncate":
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif how == "bad-bytes":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from(BAD_BYTES)) + raw[at:]
    elif how == "crlf":
        raw = raw.replace(b"\n", b"\r\n")
    elif how == "bom":
        raw = b"\xef\xbb\xbf" + raw
    return raw


# Characters of the fuzzed input that must not reach the error's first line raw: a line break
# other than its own end (splitlines() breaks there, a terminal may too), a terminal escape, a
# direction override that reorders what the editor reads.
HEADLINE_HAZARDS = re.compile("[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def assert_clean_error(err: SeedError, name: str) -> None:
    headline = err.message.split("\n", 1)[0]
    assert headline.strip(), "the error's first line says what is wrong"
    assert not HEADLINE_HAZARDS.search(headline), f"a control character of the input in the error's first line: {headline!r}"
    assert err.line >= 0
    assert str(err).startswith(f"{name}:{err.line}: ")


def assert_escaped(excerpt: str) -> None:
    """Every ASCII punctuation character of seed prose in the excerpt is backslash-escaped."""
    fence = None
    for line in excerpt.split("```\n", 1)[1].splitlines():
        if fence:
            fence = None if line == fence else fence
            continue
        if line.startswith("```"):
            fence = line.split("{", 1)[0]
            continue
        if line:
            line = line.removeprefix("### ").removeprefix("> ")
            assert not line[0].isspace()
            tokens = ASCII_PUNCTUATION_TOKEN.findall(MATH_ROLE.sub("", line))
            assert all(t.startswith("\\") and len(t) == 2 for t in tokens), line


@settings(max_examples=examples(600), **FUZZ)
@given(raw=listings())
def test_parse_and_render_end_in_an_import_or_a_clean_error(raw):
    name = "fuzz.txt"
    try:
        lines = decode(raw, name)
        articles, kinds = parse_listing(lines, name, OVERRIDES, CATALOG.chrome_lines)
    except SeedError as err:
        assert_clean_error(err, name)
        event(f"refused: {err.message[:30]}")
        return
    event("imported")
    assert articles
    assert len({a.title for a in articles}) == len(articles)
    numbers = [k.line for k in kinds]
    assert numbers == sorted(set(numbers)) and numbers[-1] <= len(lines)
    part = CATALOG.parts[0]
    for n, article in enumerate(articles, start=1):
        assert article.blocks and article.author and article.readers >= 0
        for block in article.blocks:
            assert block.text.strip() == block.text and block.text
            if block.kind in MATH_KINDS:
                check_tex(block.text, name, block.line)  # what reaches the book passed the guard
        chapter = Chapter(f"fuzz-{n}", part, article.title, n, f"key-{n}")
        card = render_card(article, chapter, CATALOG, name)
        excerpt = render_excerpt(article, chapter, name)
        assert card.endswith("\n") and excerpt.endswith("\n")
        assert_escaped(excerpt)
        assert "{term}" not in excerpt, "the excerpt links nothing: links are our text"


def tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """The importer's part of the book (seeds/, chapters/, the glossary), copied once."""
    root = tmp_path_factory.mktemp("fuzz-pristine")
    for folder in ("seeds", "chapters"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copy(ROOT / "glossary.md", root / "glossary.md")
    return root


@settings(max_examples=examples(500), **FUZZ)
@given(raw=listings(real_only=True, most_mutations=2), drop_chapter=st.one_of(st.none(), st.sampled_from(CATALOG.chapters)))
def test_apply_on_a_copy_never_touches_a_written_chapter(pristine, raw, drop_chapter):
    with tempfile.TemporaryDirectory(prefix="fuzz-") as work:
        root = Path(work) / "book"
        shutil.copytree(pristine, root)
        (root / "seeds" / SEED.name).write_bytes(raw)
        if drop_chapter is not None:
            (root / f"{drop_chapter.docname}.md").unlink()
        before = tree(root)
        written = {k: v for k, v in before.items() if k.endswith(".md") and not k.startswith("chapters/_generated/")}
        try:
            plan = plan_import(root)
        except SeedError as err:
            assert_clean_error(err, err.path)
            assert tree(root) == before, "a refused import changed files"
            event("refused")
            return
        event("applied, files written" if apply(root, plan) else "applied, nothing to write")
        after = tree(root)
        assert {k: after.get(k) for k in written} == written, "a hand-written chapter changed"
        assert not [k for k in after if k.endswith(".tmp") or "/." in k], "a temporary file was left"
        for path, text in plan.generated.items():
            assert path.read_text(encoding="utf-8") == text
        if drop_chapter is not None:
            assert (root / f"{drop_chapter.docname}.md").read_text(encoding="utf-8") == render_chapter_skeleton(drop_chapter)
        assert drift(root, plan) == []
        assert apply(root, plan_import(root)) == [], "a second run changes nothing"


CATALOG_LINES = (ROOT / "chapters" / "book.toml").read_text(encoding="utf-8").splitlines()
TOML_FRAGMENTS = [
    "[[chapters]]", "[[parts]]", "[[overrides]]", "[importer]", "[chapters]", "chapters = 1", "parts = [1, 2]",
    'slug = "x"', 'slug = 1', 'part = "nowhere"', 'title = ""', 'bibkey = "a b"', "archive = 0", 'archive = "1"',
    "archive = true", "line = -1", 'kind = "title"', 'kind = "nonsense"', 'seed = 3', "chrome_lines = 1",
    'source_site = "http://x"', "source_name = []", "=", '"', "[", "]]", "\\", "\x00",
]


@st.composite
def catalogs(draw) -> bytes:
    lines = list(CATALOG_LINES)
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "cut"]))
        i = draw(st.integers(0, len(lines) - 1))
        if edit_lines(draw, lines, op, i):
            continue
        if op == "insert":
            lines.insert(i, draw(st.sampled_from(TOML_FRAGMENTS)))
        else:
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
    raw = "\n".join(lines).encode("utf-8")
    if draw(st.integers(0, 9)) == 0:
        raw = raw[: draw(st.integers(0, len(raw)))] + draw(st.sampled_from(BAD_BYTES))
    return raw


@settings(max_examples=examples(500), **FUZZ)
@given(raw=catalogs())
def test_edited_book_toml_loads_or_fails_cleanly(pristine, raw):
    """The editor's side of the data: a mangled book.toml is read or refused, never a crash."""
    with tempfile.TemporaryDirectory(prefix="fuzz-toml-") as work:
        path = Path(work) / "book.toml"
        path.write_bytes(raw)
        try:
            catalog = load_catalog(path)
        except SeedError as err:
            assert_clean_error(err, str(path))
            event("refused")
            return
        event("loaded")
        assert [c.number for c in catalog.chapters] == list(range(1, len(catalog.chapters) + 1))
        for chapter in catalog.chapters:
            assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", chapter.slug) and chapter.part in catalog.parts
            assert chapter.url is None or chapter.url.startswith("https://")
