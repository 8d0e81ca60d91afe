"""Seed text is data, never markup: an article full of payloads comes out as literal text.

A small synthetic book (tools/synth_book.py: the book's configuration, importer, extensions and
theme around two made-up chapters) gets tests/data/injection-listing.txt (HTML, script, javascript: links, MyST
and rST syntax, TeX commands in prose, entities, full-width look-alikes, lines starting with
'#', '>', '-', '1.', '|', spaces or a tab ...), a [[chapters]] entry and a bib entry; the
importer runs; the book is built strictly once as HTML and once as LaTeX (the .tex only).  Then:
the payloads stand in the page as text and no injected element exists (BeautifulSoup); Chromium
opens the page and no dialog fires and no script runs; the .tex holds them as escaped text.
Seed math is checked by the TeX allowlist: file, shell and definition commands are refused.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import ROOT, article_text, sphinx_build, synthetic_book_at
from kexuebook.importer.errors import SeedError
from kexuebook.importer.parse import parse_listing
from kexuebook.importer.render import restored_text
from tools.local_server import serve

DATA = Path(__file__).parent / "data"
SEED = "950_injection.txt"
SLUG = "inject"
DOCNAME = f"chapters/tooling/{SLUG}"
LISTING = (DATA / "injection-listing.txt").read_text(encoding="utf-8").splitlines()
TITLE = LISTING[0]
QUOTE_LINE = 3  # made a block quote by an override, so the quote path is injected too
MATH_LINES = {33, 40, 41}
PWNED = re.compile(r"__pwned|alert\(|javascript:", re.IGNORECASE)


def run_importer(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kexuebook.importer", "--root", str(root)], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def injected(tmp_path_factory) -> dict[str, Path]:
    """The small synthetic book (the book's configuration, importer and theme) with the injection
    article, imported and built once: its HTML and its LaTeX."""
    work = tmp_path_factory.mktemp("injection")
    book = synthetic_book_at(work / "book")
    shutil.copy(DATA / "injection-listing.txt", book / "seeds" / SEED)
    entry = (
        f'\n[[chapters]]\nslug = "{SLUG}"\npart = "tooling"\ntitle = {json.dumps(TITLE, ensure_ascii=False)}\nbibkey = "test-injection"\n'
        f'\n[[overrides]]\nseed = "{SEED}"\nline = {QUOTE_LINE}\nkind = "quote"\n'
    )
    with (book / "chapters" / "book.toml").open("a", encoding="utf-8") as stream:
        stream.write(entry)
    with (book / "references.bib").open("a", encoding="utf-8") as stream:
        stream.write("\n@misc{test-injection,\n  author = {测试员},\n  title = {注入测试},\n  year = {2022},\n}\n")
    result = run_importer(book)
    assert result.returncode == 0, result.stderr
    html, latex = work / "html", work / "latex"
    sphinx_build("html", book, html)
    sphinx_build("latex", book, latex)
    return {"book": book, "html": html, "latex": latex}


def soup_of(injected, docname: str = DOCNAME) -> BeautifulSoup:
    return BeautifulSoup((injected["html"] / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def payload_lines() -> list[tuple[int, str]]:
    """(line, text) of every prose line of the listing, as the reader should see it."""
    out = [(1, TITLE), (2, LISTING[1].split("引用", 1)[1])]
    out += [(n, line.strip()) for n, line in enumerate(LISTING[2:], start=3) if n not in MATH_LINES]
    return out


ASCII_PUNCTUATION_TOKEN = re.compile(r"\\[!-/:-@\[-`{-~]|[!-/:-@\[-`{-~]")
MATH_ROLE = re.compile(r"\{(?:math|term)\}(`+)(.*?)\1")  # roles: math and glossary terms


def test_generated_excerpt_escapes_every_ascii_punctuation_of_seed_prose(injected):
    excerpt = (injected["book"] / "chapters" / "_generated" / f"{SLUG}-excerpt.md").read_text(encoding="utf-8")
    body = excerpt.split("```\n", 1)[1].splitlines()  # after the note admonition
    fence = None
    checked = 0
    for line in body:
        if fence:  # inside a display equation: TeX, checked by the allowlist instead
            fence = None if line == fence else fence
            continue
        if line.startswith("```"):
            fence = line.split("{", 1)[0]
            continue
        if not line:
            continue
        for prefix in ("### ", "> "):
            line = line.removeprefix(prefix)
        assert not line[0].isspace(), f"indented line {line!r}"
        tokens = ASCII_PUNCTUATION_TOKEN.findall(MATH_ROLE.sub("", line))
        assert all(t.startswith("\\") and len(t) == 2 for t in tokens), f"unescaped punctuation in {line!r}"
        checked += 1
    assert checked == len(LISTING) - 1 - len(MATH_LINES) + 1


@pytest.mark.parametrize("line, text", payload_lines(), ids=lambda v: str(v) if isinstance(v, int) else None)
def test_payload_is_visible_as_literal_text(injected, line, text):
    visible = squash(article_text(soup_of(injected)))
    assert squash(restored_text(text)) in visible


RAW_MARKUP = ["<script>window", "<script>alert", "<div onclick", "<img src=x", "<svg onload", "<iframe", "<object", "<b onmouseover", "<b onclick", '<a href="javascript', "<style>body"]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"}


def test_no_injected_element_or_attribute_in_the_html(injected):
    for docname in (DOCNAME, "index", "chapters/tooling/index", "search", "genindex"):
        raw = (injected["html"] / f"{docname}.html").read_text(encoding="utf-8")
        for markup in RAW_MARKUP:  # in text and attribute values alike, '<' must be written &lt;
            assert markup not in raw, f"{docname}: unescaped {markup!r}"
        soup = soup_of(injected, docname)
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                text = " ".join(value) if isinstance(value, list) else str(value)
                assert not (name.lower().startswith("on") and PWNED.search(text)), f"{docname}: <{tag.name} {name}={text!r}>"
                if name.lower() in URL_ATTRIBUTES:
                    assert not text.strip().lower().startswith(("javascript", "data:text/html")), f"{docname}: <{tag.name} {name}={text!r}>"
        for script in soup.find_all("script"):
            assert not PWNED.search(script.get_text()), f"{docname}: injected script {script}"
        assert not soup.find_all(["iframe", "object", "embed", "svg"], onload=True)
        assert not [a for a in soup.find_all("a", href=True) if a["href"].strip().lower().startswith("javascript")]
    soup = soup_of(injected)
    article = soup.select_one("article.bd-article")
    assert not article.find_all(["script", "style", "iframe", "object", "img"]), "an element from the seed"
    assert article.find_all("b") == [], "raw HTML passed through"
    for element in soup.find_all(id="injected-label"):  # only the id docutils makes of the heading's text
        assert element.name == "section" and "(injected-label)=" in element.h3.get_text(), "a MyST label from the seed"
    assert "root:x:0:0" not in soup.get_text(), "a file included by the seed"
    quote = article.find("blockquote")
    assert quote is not None and "<script>window.__pwned='script'" in quote.get_text()


def test_seed_math_is_rendered_and_its_text_escaped(injected):
    article = soup_of(injected).select_one("article.bd-article")
    katex = article.select(".katex")
    assert len(katex) == 4, "inline and display math rendered by KaTeX"
    assert not article.select(".katex-error")
    rendered = " ".join(k.get_text() for k in katex)
    assert "<img src=x onerror=alert('katex')>" in rendered
    assert "(1.1)" in article.get_text(), "the tagged payload equation keeps its number"
    for node in katex:
        assert not node.find_all(["img", "script", "b"])


@pytest.mark.browser
def test_no_dialog_fires_and_no_script_runs_in_chromium(injected, browser):
    dialogs: list[str] = []
    with serve(injected["html"]) as base:
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in (f"{DOCNAME}.html", "index.html", "chapters/tooling/index.html"):
            page.goto(f"{base}/{path}", wait_until="load")
            page.wait_for_timeout(300)
            assert page.evaluate("typeof window.__pwned") == "undefined", path
            # hovering and clicking the would-be handlers runs nothing either
            page.evaluate("document.querySelectorAll('article *').forEach(e => e.dispatchEvent(new MouseEvent('mouseover')))")
            assert page.evaluate("typeof window.__pwned") == "undefined", path
        page.goto(f"{base}/{DOCNAME}.html", wait_until="load")
        text = page.inner_text("article")
        assert "<script>window.__pwned='script';alert('script')</script>" in text
        assert "＜script＞全角look-alike＜／script＞" in text
        page.goto(f"{base}/search.html?q=%E6%B3%A8%E5%85%A5%E6%B5%8B%E8%AF%95", wait_until="load")
        page.wait_for_function("document.querySelector('#search-results') && !document.body.classList.contains('searching')", timeout=15000)
        page.wait_for_timeout(500)
        assert page.evaluate("typeof window.__pwned") == "undefined", "search results"
        page.close()
    assert dialogs == []


LATEX_ESCAPES = {
    r"\textbackslash{}": "\\",
    r"\textless{}": "<",
    r"\textgreater{}": ">",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    r"\textquotesingle{}": "'",
    r"\textasciigrave{}": "`",
    r"\textbar{}": "|",
    r"\sphinxhyphen{}": "-",
    "{[}": "[",
    "{]}": "]",
    r"\{": "{",
    r"\}": "}",
    r"\_": "_",
    r"\%": "%",
    r"\#": "#",
    r"\&": "&",
    r"\$": "$",
}


def unescape_latex(tex: str) -> str:
    pattern = re.compile("|".join(re.escape(k) for k in sorted(LATEX_ESCAPES, key=len, reverse=True)))
    return pattern.sub(lambda m: LATEX_ESCAPES[m.group()], tex)


def chapter_tex(injected) -> str:
    tex = (injected["latex"] / "book.tex").read_text(encoding="utf-8")
    start = tex.index(r"\chapter{注入测试")
    end = tex.find(r"\chapter{", start + 1)
    return tex[start : end if end > 0 else len(tex)]


def test_latex_holds_the_payloads_as_escaped_text(injected):
    tex = chapter_tex(injected)
    for forbidden in (r"\input{", r"\write18{", r"\catcode", r"\def\x", r"\csname", r"\textbf{x}", "\n%", " % "):
        assert forbidden not in tex, f"unescaped {forbidden!r} in the .tex"
    assert "^^5c" not in tex.replace(r"\textasciicircum{}\textasciicircum{}5c", "")
    text = squash(unescape_latex(tex))
    for line, payload in payload_lines():
        if line in (1, 33):
            continue
        assert squash(restored_text(payload)) in text, f"line {line} missing from the .tex"
    assert r"\textbackslash{}input\{/etc/passwd\}" in tex
    assert r"\% 这一行以百分号开头" in tex


FORBIDDEN_TEX = [
    (r"\input{/etc/passwd}", r"TeX command \input is not allowed in seed math"),
    (r"\include{chapter}", r"TeX command \include is not allowed"),
    (r"\openout1=pwned.tex", r"TeX command \openout is not allowed"),
    (r"\immediate\write18{touch /tmp/pwned}", r"TeX command \immediate is not allowed"),
    (r"\write18{touch /tmp/pwned}", r"TeX command \write is not allowed"),
    (r"\catcode`\^=7 x", r"TeX command \catcode is not allowed"),
    (r"\def\x{y}\x", r"TeX command \def is not allowed"),
    (r"\csname input\endcsname{/etc/passwd}", r"TeX command \csname is not allowed"),
    (r"^^5cinput{/etc/passwd}", "TeX '^^' character escape in math; expected plain TeX"),
    (r"\href{javascript:alert(1)}{x}", r"TeX command \href is not allowed"),
    (r"\url{javascript:alert(1)}", r"TeX command \url is not allowed"),
    (r"\newcommand{\x}{y}", r"TeX command \newcommand is not allowed"),
    (r"\let\frac\input", r"TeX command \let is not allowed"),
    (r"\begin{document}x\end{document}", "TeX environment {document} is not allowed"),
    (r"\begin x", r"\begin without an environment name in braces"),
    (r"x \\% comment", "TeX comment '%' in math"),
    (r"x \\#1", "macro parameter '#' in math"),
    (r"x \\} {", "unbalanced braces in math"),
    (r"\htmlClass{x}{y}", r"TeX command \htmlClass is not allowed"),
    (r"\includegraphics{/etc/passwd}", r"TeX command \includegraphics is not allowed"),
    (r"\verb|x|", r"TeX command \verb is not allowed"),
    ("\\中", "TeX control symbol \\中 is not allowed"),
]


def parse_one(*body: str) -> None:
    lines = ["标题", "By 某人 | 2020-01-01 | 1位读者 | 引用正文。", *body]
    parse_listing(lines, "x.txt")


@pytest.mark.parametrize("tex, expected", FORBIDDEN_TEX, ids=[t for t, _ in FORBIDDEN_TEX])
def test_forbidden_tex_is_refused_in_every_kind_of_math(tex, expected):
    cases = [f"$${tex}$$", f"$${tex}\\tag{{3}}$$", f"\\begin{{equation}}{tex}\\end{{equation}}", f"文字${tex}$文字。", f"$$a=1\n{tex}$$"]
    for case in cases:
        with pytest.raises(SeedError) as info:
            parse_one(*case.split("\n"))
        assert expected in info.value.message, case
        assert info.value.line == 3


def test_forbidden_tex_in_a_title_is_refused():
    with pytest.raises(SeedError, match=r"x.txt:1: TeX command \\input is not allowed"):
        parse_listing(["标题$\\input{/etc/passwd}$", "By 某人 | 2020-01-01 | 1位读者 | 引用正文。"], "x.txt")


@pytest.mark.parametrize("tex, expected", FORBIDDEN_TEX[:10], ids=[t for t, _ in FORBIDDEN_TEX[:10]])
def test_forbidden_tex_is_refused_by_the_command_and_changes_nothing(book_copy, tex, expected):
    seed = book_copy / "seeds" / "960_tex.txt"
    seed.write_text(f"标题\nBy 某人 | 2020-01-01 | 1位读者 | 引用正文。\n$${tex}$$\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in book_copy.rglob("*") if p.is_file() and "node_modules" not in p.parts}
    result = run_importer(book_copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: seeds/960_tex.txt:3: "), result.stderr  # named as in the book
    assert expected in result.stderr
    assert {p: p.read_bytes() for p in book_copy.rglob("*") if p.is_file() and "node_modules" not in p.parts} == before


def test_inline_math_cannot_hide_from_the_guard():
    """'$$' inside text once split one way when checked and another when rendered."""
    with pytest.raises(SeedError):
        parse_one("文字$$\\input{x}$ y $z$$")
    with pytest.raises(SeedError):
        parse_one("文字 $a$$\\input{x}$")


def test_math_starting_with_a_colon_stays_math(tmp_path):
    """A display equation whose TeX starts with ':' must not become a directive option."""
    from kexuebook.catalog import Chapter, Part
    from kexuebook.importer.render import render_excerpt

    articles, _ = parse_listing(["标题", "By 某人 | 2020-01-01 | 1位读者 | 引用正文。", "$$:nowrap: x$$"], "x.txt")
    chapter = Chapter("t", Part("p", 1), "标题", 1, "k")
    excerpt = render_excerpt(articles[0], chapter, "x.txt")
    block = excerpt.split("```{math}\n", 1)[1]
    assert block.startswith(":label: t-seed-1\n\n:nowrap: x\n")
