"""Bad input to `python -m seedimport`: each case imports correctly or stops cleanly.

Every case runs the real command on a copy of the book with one bad listing added to seeds/
(and a [[chapters]] entry for its article in the copy's book.toml).  A refused input must give
``error: FILE:LINE: what was expected`` on stderr, a non-zero exit code, no traceback, and leave
every file of the copy byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT
from seedimport.errors import shown

SEED = "900_new.txt"
TITLE = "测试文章：坏输入"
GOOD = [
    TITLE,
    "By 李明 | 2020-05-17 | 1234位读者 | 引用这是一段用于测试的正文,它讨论了一个简单的模型。",
    "小节标题",
    "这里有一个公式$x^2$,以及一个带编号的公式:",
    "$$y=ax+b\\tag{1.1}$$",
    "结尾的一段话。",
]
ENTRY = f'\n[[chapters]]\nslug = "bad-input"\npart = "tooling"\ntitle = "{TITLE}"\nbibkey = "test-bad-input"\n'


def listing(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def with_line(number: int, text: str) -> bytes:
    """The good listing with line ``number`` (1-based) replaced."""
    lines = list(GOOD)
    lines[number - 1] = text
    return listing(*lines)


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` (hidden ones too) and the hash of its bytes."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "node_modules" not in p.parts
    }


def run_importer(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "seedimport", "--root", str(root), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def add_listing(book: Path, raw: bytes, name: str = SEED, entry: str = ENTRY) -> Path:
    seed = book / "seeds" / name
    seed.write_bytes(raw)
    if entry:
        with (book / "chapters" / "book.toml").open("a", encoding="utf-8") as stream:
            stream.write(entry)
    return seed.resolve()


def assert_refused(book: Path, path: Path, line: int | None, expected: str) -> tuple[int, str]:
    """Run the importer: it must say ``error: PATH:LINE: ...expected...`` and change nothing."""
    before = tree(book)
    result = run_importer(book)
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    where = re.match(rf"error: {re.escape(shown(str(path)))}:(\d+): ", result.stderr)
    assert where, result.stderr
    assert line is None or int(where.group(1)) == line, result.stderr
    assert expected in result.stderr, result.stderr
    assert tree(book) == before, "a refused import changed files"
    return int(where.group(1)), result.stderr


# name, listing bytes, line the error names, what the message says
SEED_CASES = [
    ("empty-file", b"", 1, "no article found; expected a title line followed by a byline"),
    ("blank-lines-only", b"\n \n\t\n\n", 1, "no article found"),
    ("missing-byline", listing(GOOD[0], *GOOD[2:]), 1, "expected an article title followed by a byline 'By AUTHOR | YYYY-MM-DD | N位读者 | 引用'"),
    ("byline-first", listing(*GOOD[1:]), 1, "byline without a title line before it; expected the article's title"),
    ("title-with-html", with_line(1, "标题<script>window.__pwned=1</script>"), 1, "'<' in an article title; expected a title without '<'"),
    ("text-before-title", listing("页面顶部的导航文字。", *GOOD), 1, "expected an article title followed by a byline"),
    ("byline-missing-separator", with_line(2, "By 李明 2020-05-17 | 1234位读者 | 引用正文。"), 2, "malformed byline; expected 'By AUTHOR | YYYY-MM-DD | N位读者 | 引用'"),
    ("byline-missing-yinyong", with_line(2, "By 李明 | 2020-05-17 | 1234位读者 正文。"), 2, "malformed byline"),
    ("byline-no-readers-word", with_line(2, "By 李明 | 2020-05-17 | 1234 | 引用正文。"), 2, "malformed byline"),
    ("byline-empty-author", with_line(2, "By    | 2020-05-17 | 1234位读者 | 引用正文。"), 2, "empty author in byline"),
    ("date-month-13", with_line(2, "By 李明 | 2020-13-01 | 1234位读者 | 引用正文。"), 2, "bad date '2020-13-01' in byline; expected a real date as YYYY-MM-DD"),
    ("date-feb-30", with_line(2, "By 李明 | 2021-02-30 | 1234位读者 | 引用正文。"), 2, "bad date '2021-02-30'"),
    ("date-slashes", with_line(2, "By 李明 | 2020/05/17 | 1234位读者 | 引用正文。"), 2, "bad date '2020/05/17'"),
    ("date-basic-iso", with_line(2, "By 李明 | 20200517 | 1234位读者 | 引用正文。"), 2, "bad date '20200517'"),
    ("date-week-iso", with_line(2, "By 李明 | 2020-W20-7 | 1234位读者 | 引用正文。"), 2, "bad date '2020-W20-7'"),
    ("date-words", with_line(2, "By 李明 | 去年五月 | 1234位读者 | 引用正文。"), 2, "bad date '去年五月'"),
    ("readers-negative", with_line(2, "By 李明 | 2020-05-17 | -5位读者 | 引用正文。"), 2, "bad reader count '-5'; expected a whole number ≥ 0"),
    ("readers-words", with_line(2, "By 李明 | 2020-05-17 | 很多位读者 | 引用正文。"), 2, "bad reader count '很多'"),
    ("readers-comma", with_line(2, "By 李明 | 2020-05-17 | 1,234位读者 | 引用正文。"), 2, "bad reader count '1,234'"),
    ("readers-fullwidth-digits", with_line(2, "By 李明 | 2020-05-17 | １２３位读者 | 引用正文。"), 2, "bad reader count '１２３'"),
    ("readers-decimal", with_line(2, "By 李明 | 2020-05-17 | 1.5位读者 | 引用正文。"), 2, "bad reader count '1.5'"),
    ("unterminated-dollars-at-end", listing(*GOOD, "$$z=1"), 7, "unterminated display equation; expected a closing $$"),
    ("unterminated-dollars-then-text", with_line(5, "$$y=ax+b\\tag{1.1}"), 5, "unterminated display equation; expected a closing $$"),
    (
        "unterminated-dollars-swallowing-next-article",
        listing(*GOOD[:4], "$$y=ax+b", "", "另一篇", "By 李明 | 2020-05-18 | 1位读者 | 引用正文。", "$$z$$"),
        5,
        "unterminated display equation",
    ),
    ("unterminated-equation-env", with_line(5, "\\begin{equation}y=ax+b"), 5, "unterminated display equation; expected a closing \\end{equation}"),
    ("lone-opening-dollars", listing(*GOOD, "$$"), 7, "unterminated display equation"),
    ("empty-display-math", with_line(5, "$$$$"), 5, "empty display equation; expected TeX between the delimiters"),
    ("unbalanced-inline-dollar", with_line(4, "这里有一个公式$x^2,没有收尾。"), 4, "unbalanced '$' in text; expected inline math as $...$"),
    ("double-dollar-in-text", with_line(4, "文字$$x$$文字。"), 4, "'$$' inside a line of text"),
    ("math-glued-to-byline", with_line(2, "By 李明 | 2020-05-17 | 1234位读者 | 引用$$x=1$$"), 2, "display equation glued to the byline; expected text"),
    ("two-tags", with_line(5, "$$y\\tag{1}=x\\tag{2}$$"), 5, "more than one \\tag in one equation"),
    ("bad-tag", with_line(5, "$$y=x\\tag{1 a}$$"), 5, "equation tag '1 a'; expected digits, letters, '.' or '-'"),
    ("same-tag-twice", listing(*GOOD, "$$z=1\\tag{1.1}$$"), 7, "equation tag (1.1) used twice in one article (first at line 5)"),
    ("tags-sharing-an-id", listing(*GOOD, "$$z=1\\tag{1-1}$$"), 7, "equation tag (1-1) used twice"),
    ("unbalanced-braces", with_line(5, "$$\\frac{a}{b$$"), 5, "unbalanced braces in math"),
    ("ampersand-outside-environment", with_line(5, "$$y=a & b$$"), 5, "'&' outside an aligned/matrix/cases/array environment; expected \\& for an ampersand"),
    ("underscore-in-text", with_line(4, "公式$\\text{a_b}$,结束。"), 4, "'_' inside \\text{...}; expected it outside the text, or \\_ for an underscore"),
    ("environments-crossed", with_line(5, "$$\\begin{aligned}a\\end{cases}$$"), 5, "\\end{cases} without a matching \\begin{cases}"),
    ("environment-never-closed", with_line(5, "$$\\begin{cases}a$$"), 5, "\\begin{cases} is never closed; expected \\end{cases}"),
    ("no-body-at-end", listing(*GOOD[:1], "By 李明 | 2020-05-17 | 1234位读者 | 引用"), 1, "has no body; expected text after its byline"),
    (
        "no-body-before-next",
        listing(GOOD[0], "By 李明 | 2020-05-17 | 1234位读者 | 引用", "另一篇", "By 李明 | 2020-05-18 | 1位读者 | 引用正文。"),
        1,
        "has no body",
    ),
    ("only-chrome-as-body", listing(*GOOD[:1], "By 李明 | 2020-05-17 | 1234位读者 | 引用", "最近评论"), 1, "has no body"),
    ("duplicate-title", listing(*GOOD, *GOOD), 7, f"duplicate title '{TITLE}' (first at line 1); expected each article once"),
    ("huge-line", with_line(3, "长" * 25_000), 3, "line of 25000 characters; expected at most 20000"),
    ("huge-file", listing(*GOOD, *(["很长的一段文字。" * 1000] * 500)), 0, "bytes; expected a listing of at most 10000000"),
    ("binary-png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, "expected UTF-8 text, found byte 0x89"),
    ("nul-bytes", listing(*GOOD[:2]) + b"\x00\x01\x02\x03", 3, "control character U+0000 at column 1; expected text"),
    ("gbk-encoded", listing(*GOOD[:3]) + "第四行是GBK编码".encode("gbk") + b"\n", 4, "expected UTF-8 text, found byte 0xb5"),
    ("latin1-encoded", listing(*GOOD[:5]) + "caf\u00e9".encode("latin-1"), 6, "expected UTF-8 text, found byte 0xe9"),
    ("truncated-utf8", listing(*GOOD)[:-5], 6, "expected UTF-8 text"),
    ("escape-sequence", with_line(6, "结尾\x1b[31m红色\x1b[0m"), 6, "control character U+001B at column 3; expected text"),
    ("c1-control", with_line(6, "结尾\x85的一段话。"), 6, "U+0085 at column 3"),
    ("line-separator", with_line(6, "结尾\u2028的一段话。"), 6, "line separator U+2028 at column 3"),
    ("bidi-override", with_line(6, "结尾\u202e的一段话。"), 6, "right-to-left override U+202E at column 3"),
    ("bom-inside", with_line(6, "结尾\ufeff的一段话。"), 6, "zero width no-break space U+FEFF at column 3"),
]


@pytest.mark.parametrize("name, raw, line, expected", SEED_CASES, ids=[c[0] for c in SEED_CASES])
def test_bad_listing_is_refused_and_changes_nothing(book_copy, name, raw, line, expected):
    seed = add_listing(book_copy, raw)
    assert_refused(book_copy, seed, line, expected)


def test_article_already_in_another_listing_is_refused(book_copy):
    original = (ROOT / "seeds" / "000_170a4f6d82912704.txt").read_text(encoding="utf-8").splitlines()
    seed = add_listing(book_copy, listing(*original[:5]), entry="")
    assert_refused(book_copy, seed, 1, "appears in two listings; expected once")


def test_article_missing_from_book_toml_is_refused(book_copy):
    seed = add_listing(book_copy, listing(*GOOD), entry="")
    _, message = assert_refused(book_copy, seed, 1, f"article '{TITLE}' (李明, 2020-05-17) is not in chapters/book.toml")
    assert "[[chapters]]" in message


def test_seed_file_name_with_a_newline_is_refused(book_copy):
    name = "bad\n<script>.txt"
    seed = add_listing(book_copy, listing(*GOOD), name=name)
    _, message = assert_refused(book_copy, seed, 0, "file name with a control character")
    assert "bad\\n<script>.txt:0: " in message.splitlines()[0]


CATALOG_CASES = [
    ("not-toml", '\n[[chapters]\nslug = "x"\n', "not valid TOML"),
    ("no-bibkey", f'\n[[chapters]]\nslug = "bad-input"\npart = "tooling"\ntitle = "{TITLE}"\n', "[[chapters]] entry has no 'bibkey'; expected bibkey = ..."),
    ("no-slug", f'\n[[chapters]]\npart = "tooling"\ntitle = "{TITLE}"\nbibkey = "b"\n', "[[chapters]] entry has no 'slug'"),
    ("slug-with-path", ENTRY.replace('"bad-input"', '"../../outside"'), "slug = '../../outside'; expected lowercase letters and digits in words joined by '-'"),
    ("unknown-part", ENTRY.replace('"tooling"', '"poetry"'), "chapter 'bad-input': part 'poetry'; expected one of"),
    ("archive-not-a-number", ENTRY + 'archive = "1> <script>"\n', "archive = '1> <script>'; expected a whole number > 0"),
    ("archive-negative", ENTRY + "archive = -3\n", "archive = -3; expected a whole number > 0"),
    ("bibkey-with-backtick", ENTRY.replace('"test-bad-input"', '"x` <b>"'), "bibkey = 'x` <b>'; expected"),
    ("title-not-a-string", ENTRY.replace(f'"{TITLE}"', "42"), "title = 42; expected a non-empty string"),
    ("duplicate-slug", ENTRY.replace('"bad-input"', '"vae"'), "duplicate chapter slug ['vae']"),
    ("override-as-math", ENTRY + f'\n[[overrides]]\nseed = "{SEED}"\nline = 3\nkind = "display-math"\n', "override kind 'display-math'; expected one of"),
    ("override-line-text", ENTRY + f'\n[[overrides]]\nseed = "{SEED}"\nline = "three"\nkind = "quote"\n', "line = 'three'; expected a whole number > 0"),
]


@pytest.mark.parametrize("name, entry, expected", CATALOG_CASES, ids=[c[0] for c in CATALOG_CASES])
def test_bad_book_toml_entry_is_refused_and_changes_nothing(book_copy, name, entry, expected):
    add_listing(book_copy, listing(*GOOD), entry=entry)
    catalog = (book_copy / "chapters" / "book.toml").resolve()
    line, _ = assert_refused(book_copy, catalog, None, expected)
    if name == "not-toml":
        assert catalog.read_text(encoding="utf-8").splitlines()[line - 1] == "[[chapters]"
    elif name != "duplicate-slug":
        header = catalog.read_text(encoding="utf-8").splitlines()[line - 1]
        assert header.strip().startswith("[["), f"line {line} should be the entry's header, not {header!r}"


def test_source_site_with_markup_is_refused(book_copy):
    catalog = book_copy / "chapters" / "book.toml"
    text = catalog.read_text(encoding="utf-8")
    site = re.search(r'^source_site = "([^"]*)"', text, re.MULTILINE).group(1)
    catalog.write_text(text.replace(f'"{site}"', f'"{site}> <script>alert(1)</script>"', 1), encoding="utf-8")
    assert_refused(book_copy, catalog.resolve(), 0, "importer.source_site = ")


def test_book_toml_not_utf8_is_refused(book_copy):
    catalog = book_copy / "chapters" / "book.toml"
    catalog.write_bytes(catalog.read_bytes() + "# 注释".encode("gbk"))
    assert_refused(book_copy, catalog.resolve(), 0, "not UTF-8")


def test_missing_root_is_refused(tmp_path):
    result = run_importer(tmp_path / "nowhere")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {tmp_path / 'nowhere' / 'chapters' / 'book.toml'}:0: ")


def imported(book: Path, raw: bytes) -> dict[str, str]:
    """Import ``raw`` as a new listing; the texts of the files the import wrote."""
    add_listing(book, raw)
    before = tree(book)
    result = run_importer(book)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    after = tree(book)
    assert {k: v for k, v in before.items() if k in after and after[k] != v} == {}, "an existing file changed"
    return {k: (book / k).read_text(encoding="utf-8") for k in sorted(set(after) - set(before))}


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda raw: b"\xef\xbb\xbf" + raw, id="bom"),
        pytest.param(lambda raw: raw.replace(b"\n", b"\r\n"), id="crlf"),
        pytest.param(lambda raw: b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"), id="bom-crlf"),
        pytest.param(lambda raw: raw.rstrip(b"\n"), id="no-final-newline"),
    ],
)
def test_bom_and_line_ends_import_like_plain_utf8(book_copy, tmp_path, variant):
    plain_book = tmp_path / "plain"
    shutil.copytree(book_copy, plain_book, symlinks=True)
    plain = imported(plain_book, listing(*GOOD))
    assert set(plain) == {"chapters/_generated/bad-input-card.md", "chapters/_generated/bad-input-excerpt.md", "chapters/tooling/bad-input.md"}
    assert imported(book_copy, variant(listing(*GOOD))) == plain
    assert "\r" not in "".join(plain.values()) and "\ufeff" not in "".join(plain.values())
