"""Bad input to `python -m kexuebook.importer`: each case imports correctly or stops cleanly.

Every case runs the importer's command (in this process: its ``main``) on a copy of the book with
one bad listing added to seeds/ (and a [[chapters]] entry for its article in the copy's
book.toml), or one edit of book.toml.  A refused input must give ``error: FILE:LINE: what was
expected`` on stderr, FILE relative to the book, a non-zero exit code, no exception, and leave
every file of the copy byte for byte as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import ROOT
from kexuebook.importer import __main__ as importer
from kexuebook.importer.errors import shown

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


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_importer(root: Path, *args: str) -> Run:
    """``python -m kexuebook.importer --root ROOT ARGS``, run in this process (an exception fails the test)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = importer.main(["--root", str(root), *args])
    return Run(code, out.getvalue(), err.getvalue())


def in_book(book: Path, path: Path) -> str:
    """How a message names ``path``: relative to the book's folder."""
    return Path(os.path.relpath(os.path.abspath(path), book.resolve())).as_posix()  # a link is named, not followed


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
    where = re.match(rf"error: {re.escape(shown(in_book(book, path)))}:(\d+): ", result.stderr)
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
    ("byline-missing-separator", with_line(2, "By 李明 2020-05-17 | 1234位读者 | 引用正文。"), 2,
     "malformed byline (2 of the three ' | ' separators); expected 'By AUTHOR | YYYY-MM-DD | N位读者 | 引用'"),
    ("byline-missing-yinyong", with_line(2, "By 李明 | 2020-05-17 | 1234位读者 正文。"), 2, "malformed byline (2 of the three"),
    ("byline-no-readers-word", with_line(2, "By 李明 | 2020-05-17 | 1234 | 引用正文。"), 2, "malformed byline (no reader count 'N位读者')"),
    # A byline that does not parse is never read as text of the article before it (issue 16).
    ("byline-without-spaces", listing(*GOOD, "第二篇", "By 王小明|2023-09-14|12位读者|引用正文。"), 8,
     "malformed byline (a '|' without a space on each side); expected 'By AUTHOR | YYYY-MM-DD | N位读者 | 引用'"),
    ("byline-one-separator", listing(*GOOD, "第二篇", "By 王小明 | 2023-09-14|12位读者|引用正文。"), 8, "malformed byline (a '|' without a space on each side)"),
    ("byline-fullwidth-bar", listing(*GOOD, "第二篇", "By 王小明 ｜ 2023-09-14 ｜ 12位读者 ｜ 引用正文。"), 8, "malformed byline (a full-width '｜' where an ASCII '|' belongs)"),
    ("byline-fullwidth-by", with_line(2, "Ｂｙ 李明 | 2020-05-17 | 1234位读者 | 引用正文。"), 2, "malformed byline ('By' not in ASCII letters)"),
    ("byline-only-a-date", listing(*GOOD, "第二篇", "By 王小明, 2023-09-14"), 8, "malformed byline"),
    ("byline-first-unparsed", listing("By 王小明|2023-09-14|12位读者|引用正文。", *GOOD), 1, "byline without a title line before it"),
    ("date-in-the-future", with_line(2, "By 李明 | 2099-05-17 | 1234位读者 | 引用正文。"), 2, "date 2099-05-17 in byline is in the future; expected the article's date of publication"),
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


def suggested_entries(message: str) -> list[str]:
    """Each [[chapters]] entry the importer's errors offer, as printed."""
    blocks = re.findall(r"^\[\[chapters\]\]\n(?:.+\n?)+", message, re.MULTILINE)
    return [b if b.endswith("\n") else b + "\n" for b in blocks]


def test_every_article_missing_from_book_toml_is_reported_in_one_run(book_copy):
    """Three new articles in two listings: three errors, each with its entry; part never defaulted."""
    add_listing(book_copy, listing(*GOOD, "第二篇文章", "By 王小明 | 2023-09-14 | 12位读者 | 引用正文。"), entry="")
    add_listing(book_copy, listing("测试文章：第三篇", "By 王小明 | 2023-09-15 | 3位读者 | 引用正文。"), name="901_more.txt", entry="")
    _, message = assert_refused(book_copy, book_copy / "seeds" / SEED, 1, "is not in chapters/book.toml")
    errors = [line for line in message.splitlines() if line.startswith("error: ")]
    assert [e.split(": ")[1] for e in errors] == ["seeds/900_new.txt:1", "seeds/900_new.txt:7", "seeds/901_more.txt:1"], message
    entries = [tomllib.loads(e)["chapters"][0] for e in suggested_entries(message)]
    assert len(entries) == 3
    assert [e["title"] for e in entries] == [TITLE, "第二篇文章", "测试文章：第三篇"]
    assert len({e["slug"] for e in entries}) == 3 and len({e["bibkey"] for e in entries}) == 3, entries
    assert all(e["part"] == "" for e in entries), "the part is the editor's choice, never a default"
    parts = [p["slug"] for p in tomllib.loads((book_copy / "chapters" / "book.toml").read_text(encoding="utf-8"))["parts"]]
    choices = [line for line in message.splitlines() if line.startswith('part = ""')]
    assert choices == [f'part = ""  # fill in one of: {", ".join(parts)}'] * 3

    # Pasted as printed, the empty part is refused at its line ...
    pasted = "".join("\n" + e for e in suggested_entries(message))
    with (book_copy / "chapters" / "book.toml").open("a", encoding="utf-8") as stream:
        stream.write(pasted)
    assert_refused(book_copy, book_copy / "chapters" / "book.toml", None, "part = '' is not filled in; expected one of the [[parts]]")
    # ... and filled in, the three import.
    catalog = book_copy / "chapters" / "book.toml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace('part = ""', 'part = "tooling"'), encoding="utf-8")
    result = run_importer(book_copy)
    assert result.returncode == 0, result.stderr
    assert sorted(line for line in result.stdout.splitlines() if line.startswith("created")) == sorted(
        f"created chapters/tooling/{e['slug']}.md (hand-written from now on)" for e in entries
    )


def test_seed_file_name_with_a_newline_is_refused(book_copy):
    name = "bad\n<script>.txt"
    seed = add_listing(book_copy, listing(*GOOD), name=name)
    _, message = assert_refused(book_copy, seed, 0, "file name with a control character")
    assert "bad\\n<script>.txt:0: " in message.splitlines()[0]


OVERRIDE = '\n[[overrides]]\nseed = "{seed}"\nline = {line}\nkind = "quote"\n'
# name, what is appended to book.toml (with the listing added), how the line the error names
# starts, what the message says
CATALOG_CASES = [
    ("not-toml", '\n[[chapters]\nslug = "x"\n', "[[chapters]", "not valid TOML"),
    ("no-bibkey", f'\n[[chapters]]\nslug = "bad-input"\npart = "tooling"\ntitle = "{TITLE}"\n', "[[chapters]]", "[[chapters]] entry has no 'bibkey'; expected bibkey = ..."),
    ("no-slug", f'\n[[chapters]]\npart = "tooling"\ntitle = "{TITLE}"\nbibkey = "b"\n', "[[chapters]]", "[[chapters]] entry has no 'slug'"),
    ("slug-with-path", ENTRY.replace('"bad-input"', '"../../outside"'), "slug =", "slug = '../../outside'; expected lowercase letters and digits in words joined by '-'"),
    ("unknown-part", ENTRY.replace('"tooling"', '"poetry"'), "part =", "chapter 'bad-input': part = 'poetry' names no part; expected one of the [[parts]]: probabilistic-models, losses,"),
    ("part-left-empty", ENTRY.replace('"tooling"', '""'), "part =", "part = '' is not filled in; expected one of the [[parts]]: probabilistic-models"),
    ("archive-not-a-number", ENTRY + 'archive = "1> <script>"\n', "archive =", "archive = '1> <script>'; expected a whole number > 0"),
    ("archive-negative", ENTRY + "archive = -3\n", "archive =", "archive = -3; expected a whole number > 0"),
    ("archive-a-boolean", ENTRY + "archive = true\n", "archive =", "archive = True; expected a whole number > 0"),
    ("bibkey-with-backtick", ENTRY.replace('"test-bad-input"', '"x` <b>"'), "bibkey =", "bibkey = 'x` <b>'; expected"),
    ("bibkey-with-newline", ENTRY.replace('"test-bad-input"', '"key\\n"'), "bibkey =", "bibkey = 'key\\n'; expected a references.bib key"),
    ("title-not-a-string", ENTRY.replace(f'"{TITLE}"', "42"), "title =", "title = 42; expected a non-empty string"),
    ("title-a-date", ENTRY.replace(f'"{TITLE}"', "2020-05-17"), "title =", "title = datetime.date(2020, 5, 17); expected a non-empty string"),
    ("duplicate-slug", ENTRY.replace('"bad-input"', '"vae"'), "slug =", "duplicate chapter slug 'vae' (first at line "),
    # Issue 16: a misspelt key was ignored, a misspelt table taken for a missing article.
    ("archive-misspelt", ENTRY + "archve = 9675\n", "archve =", "unknown key 'archve' in [[chapters]] entry (did you mean 'archive'?); expected one of: slug, part, title, bibkey, archive"),
    ("chapter-table-singular", ENTRY.replace("[[chapters]]", "[[chapter]]"), "[[chapter]]",
     "unknown table [[chapter]] (did you mean [[chapters]]?); expected one of: [book], [importer], [[overrides]], [[parts]], [[chapters]]"),
    ("unknown-table", ENTRY + "\n[extras]\nx = 1\n", "[extras]", "unknown table [extras]; expected one of: [book], [importer]"),
    ("unknown-top-level-key", "\n" + ENTRY.replace("[[chapters]]", "[[parts]]\nslug = \"extra\"\ncolour = \"red\"\n\n[[chapters]]"), "colour =",
     "unknown key 'colour' in [[parts]] entry; expected one of: slug"),
    ("override-as-math", ENTRY + f'\n[[overrides]]\nseed = "{SEED}"\nline = 3\nkind = "display-math"\n', "kind =",
     "[[overrides]] entry: kind = 'display-math'; expected one of quote, heading, paragraph, link-title"),
    ("override-line-text", ENTRY + f'\n[[overrides]]\nseed = "{SEED}"\nline = "three"\nkind = "quote"\n', "line =", "line = 'three'; expected a whole number > 0"),
    ("override-seed-misspelt", ENTRY + OVERRIDE.format(seed="900_nwe.txt", line=3), "[[overrides]]",
     "[[overrides]] entry: seed = '900_nwe.txt' names no file in seeds/ (did you mean '900_new.txt'?); expected one of: 000_"),
    ("override-of-a-title", ENTRY + OVERRIDE.format(seed=SEED, line=1), "[[overrides]]",
     f"[[overrides]] entry: line 1 of {SEED} is a title line; expected the line of a paragraph, heading or quotation"),
    ("override-past-the-end", ENTRY + OVERRIDE.format(seed=SEED, line=99), "[[overrides]]", f"line 99 of {SEED} is past the end of the file"),
    ("override-twice", ENTRY + OVERRIDE.format(seed=SEED, line=3) * 2, "[[overrides]]", f"second override for {SEED} line 3; expected one per line"),
]


@pytest.mark.parametrize("name, entry, starts, expected", CATALOG_CASES, ids=[c[0] for c in CATALOG_CASES])
def test_bad_book_toml_entry_is_refused_and_changes_nothing(book_copy, name, entry, starts, expected):
    add_listing(book_copy, listing(*GOOD), entry=entry)
    catalog = book_copy / "chapters" / "book.toml"
    line, message = assert_refused(book_copy, catalog, None, expected)
    assert catalog.read_text(encoding="utf-8").splitlines()[line - 1].strip().startswith(starts), f"line {line} is not the one at fault"
    assert "is not in chapters/book.toml" not in message, "a book.toml mistake is not a missing article"


def edit_book_toml(book: Path, old: str, new: str) -> Path:
    catalog = book / "chapters" / "book.toml"
    text = catalog.read_text(encoding="utf-8")
    assert old in text
    catalog.write_text(text.replace(old, new, 1), encoding="utf-8")
    return catalog


# edits of the book's own book.toml: old text, new text, how the line named starts, the message
IMPORTER_CASES = [
    # Issue 16: with the typo the page chrome was appended to two excerpts.
    ("chrome-lines-misspelt", "chrome_lines =", "chrome_line =", "chrome_line =",
     "unknown key 'chrome_line' in [importer] (did you mean 'chrome_lines'?); expected one of: chrome_lines, source_name"),
    ("chrome-lines-not-a-list", 'chrome_lines = ["最近评论"]', "chrome_lines = 1", "chrome_lines =", "[importer]: chrome_lines = 1; expected a list of strings"),
    ("chrome-lines-of-numbers", 'chrome_lines = ["最近评论"]', "chrome_lines = [1, 2]", "chrome_lines =", "[importer]: chrome_lines = [1, 2]; expected a list of strings"),
    ("source-name-a-list", 'source_name = "科学空间"', "source_name = []", "source_name =", "[importer]: source_name = []; expected the blog's name"),
    ("source-site-with-markup", 'source_site = "https://kexue.fm"', 'source_site = "https://kexue.fm> <script>alert(1)</script>"', "source_site =",
     "[importer]: source_site = 'https://kexue.fm> <script>"),
    ("source-site-http", 'source_site = "https://kexue.fm"', 'source_site = "http://kexue.fm"', "source_site =", "expected the blog's https:// address"),
    ("licence-missing", 'licence = "CC BY-NC-SA"\n', "", "[importer]", "[importer] has no 'licence'; expected licence = ..."),
    ("book-a-key", "[book]\n", "book = 3\n[not-book]\n", "book =", "book = 3; expected a table: [book]"),
    ("book-title-missing", 'title = "科学空间选读"\n', "", "[book]", "[book] has no 'title'; expected title = ..."),
    ("book-subtitle-empty", 'subtitle = "机器学习{count}篇注解"', 'subtitle = ""', "subtitle =",
     "[book]: subtitle = ''; expected a non-empty string; {count} stands for the number of chapters"),
]


@pytest.mark.parametrize("name, old, new, starts, expected", IMPORTER_CASES, ids=[c[0] for c in IMPORTER_CASES])
def test_bad_book_toml_edit_is_refused_and_changes_nothing(book_copy, name, old, new, starts, expected):
    catalog = edit_book_toml(book_copy, old, new)
    line, _ = assert_refused(book_copy, catalog, None, expected)
    assert catalog.read_text(encoding="utf-8").splitlines()[line - 1].strip().startswith(starts), f"line {line} is not the one at fault"


def test_every_mistake_in_book_toml_is_reported_in_one_run(book_copy):
    catalog = edit_book_toml(book_copy, "chrome_lines =", "chrome_line =")
    add_listing(book_copy, listing(*GOOD), entry=ENTRY + "archve = 9675\n" + OVERRIDE.format(seed="900_nwe.txt", line=3).replace("seed", "sed", 1))
    _, message = assert_refused(book_copy, catalog, None, "unknown key 'chrome_line'")
    errors = [line for line in message.splitlines() if line.startswith("error: ")]
    assert len(errors) == 4, message
    assert [e.split(": ", 2)[2][:20] for e in errors] == [
        "unknown key 'chrome_",
        "unknown key 'archve'",
        "[[overrides]] entry ",  # has no 'seed'
        "unknown key 'sed' in",
    ], message


def test_source_site_need_not_hold_archive_links_to_be_checked(book_copy):
    """The address is checked even where no chapter has an archive ID (it is on every card)."""
    text = (book_copy / "chapters" / "book.toml").read_text(encoding="utf-8")
    stripped = re.sub(r"^archive = \d+\n", "", text, flags=re.MULTILINE)
    (book_copy / "chapters" / "book.toml").write_text(stripped.replace('"https://kexue.fm"', '"kexue.fm"'), encoding="utf-8")
    assert_refused(book_copy, book_copy / "chapters" / "book.toml", None, "source_site = 'kexue.fm'; expected the blog's https:// address")


def test_book_toml_not_utf8_is_refused(book_copy):
    catalog = book_copy / "chapters" / "book.toml"
    catalog.write_bytes(catalog.read_bytes() + "# 注释".encode("gbk"))
    assert_refused(book_copy, catalog, 0, "not UTF-8")


def test_missing_root_is_refused(tmp_path):
    result = run_importer(tmp_path / "nowhere")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: chapters/book.toml:0: No such file or directory")


# -- the seeds/ folder: only what the importer can read with certainty ---------------------------


def test_a_txt_extension_in_another_case_is_refused(book_copy):
    """'.TXT' was skipped without a word (and would be read where names fold case)."""
    seed = add_listing(book_copy, listing(*GOOD), name="900_new.TXT")
    assert_refused(book_copy, seed, 0, "extension '.TXT'; expected '.txt' in lower case (rename the file)")


def test_a_symlink_out_of_seeds_is_refused(book_copy, tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_bytes(listing(*GOOD))
    add_listing(book_copy, b"", entry=ENTRY).unlink()
    link = book_copy / "seeds" / SEED
    link.symlink_to(outside)
    assert_refused(book_copy, link, 0, "a symbolic link to a file outside seeds/; expected the listing itself in seeds/")
    link.unlink()
    link.symlink_to(Path("..") / ".." / outside.name)  # relative, climbing out
    assert_refused(book_copy, link, 0, "a symbolic link to a file outside seeds/")


def test_a_broken_link_in_seeds_is_refused(book_copy):
    link = book_copy / "seeds" / SEED
    link.symlink_to(book_copy / "seeds" / "gone.txt")
    assert_refused(book_copy, link, 0, "not a file (a folder or a broken link); expected a listing")


def test_a_symlink_inside_seeds_is_read(book_copy, tmp_path):
    """A link to another file in seeds/ stays inside the book: it is read (here: a second copy)."""
    (book_copy / "seeds" / "aaa.txt").symlink_to("000_170a4f6d82912704.txt")
    assert_refused(book_copy, book_copy / "seeds" / "aaa.txt", None, "appears in two listings")


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


def test_catalog_check_alone_reports_book_toml_mistakes(book_copy):
    """`make html` runs `python -m kexuebook.importer --catalog` first: the message, not a Sphinx report."""
    catalog = edit_book_toml(book_copy, "chrome_lines =", "chrome_line =")
    line = next(n for n, text in enumerate(catalog.read_text(encoding="utf-8").splitlines(), 1) if text.startswith("chrome_line ="))
    result = run_importer(book_copy, "--catalog")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"error: chapters/book.toml:{line}: unknown key 'chrome_line'"), result.stderr
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("chrome_line =", "chrome_lines ="), encoding="utf-8")
    assert run_importer(book_copy, "--catalog").returncode == 0
