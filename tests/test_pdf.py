"""The LaTeX PDF: structure and numbers as in the HTML, fidelity, fonts, clean log, same bytes,
and the HTML book offering it (``_ext/pdf_download.py``).

The PDF is built once per test run into a temporary folder (Sphinx's LaTeX builder, then the
Makefile Sphinx writes next to the .tex, i.e. exactly what ``make latexpdf`` runs); the
reproducibility check builds a second copy in another folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from helpers import ROOT, article_text, page, seed_articles, seed_formulas, seed_prose, sphinx_build, tex_form
from helpers import normalise as _normalise
from helpers import phrases as _phrases
from seedimport.catalog import load_catalog

pytestmark = pytest.mark.pdf

CATALOG = load_catalog(ROOT / "chapters" / "book.toml")
CHINESE_NUMBERS = "一二三四五六七八九十"
A4 = (595.28, 841.89)
# The text block of a page (kexuebook.sty / conf.py margins: 25 mm top, 27 mm bottom), in pt:
# cropping to it leaves the running heads and page numbers out of the extracted text.
TEXT_BLOCK = {"x": 0, "y": 71, "W": 596, "H": 695}
MAX_OVERFULL_PT = 5.0


def _epoch() -> str:
    """SOURCE_DATE_EPOCH of the last commit (a fixed date if git cannot say)."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, check=True)
        return out.stdout.strip() or "1700000000"
    except (OSError, subprocess.CalledProcessError):
        return "1700000000"


EPOCH = _epoch()


SNAPSHOT_IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", "__pycache__", ".hypothesis", "node_modules")


def snapshot(source: Path, target: Path) -> Path:
    """A copy of the book's sources: both PDFs of the reproducibility check, and the HTML that
    offers the PDF, are built from the same files, at different absolute paths."""
    shutil.copytree(source, target, ignore=SNAPSHOT_IGNORE, symlinks=True)
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    return target


def build_pdf(source: Path, out: Path) -> Path:
    """sphinx-build -b latex, then the generated Makefile's all-pdf (latexmk, xelatex): what
    ``make latexpdf`` runs."""
    env = {"SOURCE_DATE_EPOCH": EPOCH}
    sphinx_build("latex", source, out, env=env)
    clean = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "LATEXOPTS", "LATEXMKOPTS"}}
    result = subprocess.run(["make", "all-pdf"], cwd=out, capture_output=True, text=True, env={**clean, **env})
    if result.returncode != 0 or not (out / "book.pdf").exists():
        log = (out / "book.log").read_text(encoding="utf-8", errors="replace") if (out / "book.log").exists() else ""
        raise AssertionError(f"LaTeX build failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}\n{log[-3000:]}")
    return out


@pytest.fixture(scope="session")
def source(tmp_path_factory) -> Path:
    return snapshot(ROOT, tmp_path_factory.mktemp("src") / "book")


@pytest.fixture(scope="session")
def pdf_dir(source, tmp_path_factory) -> Path:
    return build_pdf(source, tmp_path_factory.mktemp("pdf"))


@pytest.fixture(scope="session")
def pdf(pdf_dir) -> Path:
    return pdf_dir / "book.pdf"


@pytest.fixture(scope="session")
def tex(pdf_dir) -> str:
    return (pdf_dir / "book.tex").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def log(pdf_dir) -> str:
    return (pdf_dir / "book.log").read_text(encoding="utf-8", errors="replace")


def pdftotext(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *options, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="session")
def body(pdf) -> str:
    """The PDF's text inside the text block, normalised, from the end of the table of contents."""
    crop = [f"-{k}" if len(k) == 1 else k for pair in TEXT_BLOCK.items() for k in (pair[0], str(pair[1]))]
    text = normalise(pdftotext(pdf, "-r", "72", *crop))
    toc_end = text.find("索引")  # the contents' last entry
    assert toc_end >= 0, "the table of contents lists the index"
    return text[toc_end:]


# -- normal forms ---------------------------------------------------------------------------------


ARTICLES = seed_articles()


def normalise(text: str) -> str:
    """The fidelity form, hyphens dropped: LaTeX may hyphenate a Latin word (Vari-ational)."""
    return _normalise(text, drop_hyphens=True)


def phrases(text: str) -> list[str]:
    return _phrases(text, drop_hyphens=True)


def html_heading(tag) -> tuple[str, str]:
    """(number, title) of an HTML heading: ('6.2', '原文(节选)'), ('第一部分', '概率模型') for a part
    page (_ext/part_numbers.py); number '' when unnumbered."""
    number = tag.select_one(".section-number, .part-number")
    num = number.get_text(strip=True).rstrip(".") if number else ""
    if number:
        number.extract()
    for link in tag.select(".headerlink"):
        link.extract()
    return num, normalise(tag.get_text())


def html_outline(html_dir) -> list[tuple[int, str]]:
    """The book's outline as the HTML numbers it: (level, printed heading), parts at level -1."""
    outline = []
    for part in CATALOG.parts:
        label, title = html_heading(page(html_dir, f"chapters/{part.slug}/index").select_one("article h1"))
        assert label == f"第{CHINESE_NUMBERS[part.number - 1]}部分", "the HTML names the part as the PDF does"
        outline.append((-1, f"{label}{title}"))
        for chapter in CATALOG.chapters_of(part):
            soup = page(html_dir, chapter.docname)
            for tag in soup.select("article h1, article h2, article h3, article h4"):
                level = int(tag.name[1]) - 1
                number, title = html_heading(tag)
                if level == 0:
                    assert number == str(chapter.number)
                    outline.append((0, f"第{number}章{title}"))
                elif number:
                    outline.append((level, f"{number}{title}"))
    return outline


def pdf_bookmarks(pdf_dir: Path) -> list[tuple[int, str]]:
    """(level, text) of every PDF bookmark, from hyperref's .out file (what xdvipdfmx embeds)."""
    marks = []
    for line in (pdf_dir / "book.out").read_text(encoding="latin-1").splitlines():
        m = re.match(r"\\BOOKMARK \[(-?\d+)\]\[[^]]*\]\{[^}]*\}\{(.*)\}\{[^}]*\}%", line)
        if m:
            marks.append((int(m.group(1)), normalise(_pdf_string(m.group(2)))))
    return marks


def _pdf_string(s: str) -> str:
    raw = bytearray()
    i = 0
    while i < len(s):
        if s[i] == "\\" and re.match(r"[0-7]{3}", s[i + 1 : i + 4]):
            raw.append(int(s[i + 1 : i + 4], 8))
            i += 4
        elif s[i] == "\\":
            raw.append(ord(s[i + 1]))
            i += 2
        else:
            raw.append(ord(s[i]))
            i += 1
    return raw[2:].decode("utf-16-be") if raw[:2] == b"\xfe\xff" else raw.decode("latin-1")


def chapter_segments(body: str, html_dir) -> dict[str, str]:
    """The PDF text of each chapter: from its heading to the next chapter's (or the back matter)."""
    starts = []
    position = 0
    for chapter in CATALOG.chapters:
        _, title = html_heading(page(html_dir, chapter.docname).select_one("article h1"))
        heading = f"第{chapter.number}章{title}"
        found = body.find(heading, position)
        assert found >= 0, f"chapter heading missing or out of order in the PDF: {heading}"
        starts.append(found)
        position = found + len(heading)
    back = body.find("术语表", position)
    ends = [*starts[1:], back if back >= 0 else len(body)]
    return {c.slug: body[s:e] for c, s, e in zip(CATALOG.chapters, starts, ends)}


@pytest.fixture(scope="session")
def segments(body, html_dir) -> dict[str, str]:
    return chapter_segments(body, html_dir)


def in_order(haystack: str, needles: list[str]) -> list[str]:
    """The needles not found in order (each after the previous one found)."""
    missing, position = [], 0
    for needle in needles:
        found = haystack.find(needle, position)
        if found < 0:
            missing.append(needle)
        else:
            position = found + len(needle)
    return missing


# -- structure and numbers ------------------------------------------------------------------------


def test_bookmarks_are_the_htmls_parts_chapters_and_sections_in_order(pdf_dir, html_dir):
    marks = pdf_bookmarks(pdf_dir)
    numbered = [(level, text) for level, text in marks if level < 0 or re.match(r"^(第\d+章|\d+(\.\d+)+)", text)]
    assert numbered == html_outline(html_dir)
    texts = [text for _, text in marks]
    assert texts[0] == "前言", "the preface is front matter, before the first part"
    assert texts[-3:] == ["术语表", "参考文献", "索引"], "glossary, bibliography and index close the book"
    parts = [text for level, text in marks if level == -1]
    assert [p[:4] for p in parts] == [f"第{CHINESE_NUMBERS[i]}部分" for i in range(len(CATALOG.parts))]


def test_printed_headings_match_the_html_in_order(body, html_dir):
    expected = [text for _, text in html_outline(html_dir)]
    assert in_order(body, expected) == []


def test_front_main_and_back_matter_and_chapters_1_to_8(tex, pdf_dir):
    assert tex.count(r"\part{") == len(CATALOG.parts)
    assert tex.index("\\bookfrontmatter") < tex.index("\\bookmainmatter") < tex.index("\\part{") < tex.index("\\bookbackmatter")
    chapters = [int(m.group(1)) for _, text in pdf_bookmarks(pdf_dir) if (m := re.match(r"第(\d+)章", text))]
    assert chapters == [c.number for c in CATALOG.chapters] == list(range(1, len(CATALOG.chapters) + 1))


def test_part_pages_carry_their_introduction(body, html_dir):
    for part in CATALOG.parts:
        soup = page(html_dir, f"chapters/{part.slug}/index")
        _, title = html_heading(soup.select_one("article h1"))
        intro = []
        for p in soup.select("article section > p"):
            if p.find_parent(class_="toctree-wrapper"):
                break
            intro += phrases(p.get_text())
        heading = f"第{CHINESE_NUMBERS[part.number - 1]}部分{title}"
        start = body.find(heading)
        assert start >= 0
        first_chapter = CATALOG.chapters_of(part)[0]
        end = body.find(f"第{first_chapter.number}章", start)
        assert in_order(body[start:end], intro) == [], f"{part.slug}: the introduction is on the part page"


def test_equation_numbers_and_references_print_as_in_the_html(segments, html_dir, tex):
    """Display numbers in order, and references in order (checked apart: pdftotext may emit a
    display's number before or after the lines of a tall formula)."""
    for chapter in CATALOG.chapters:
        soup = page(html_dir, chapter.docname)
        for link in soup.select("article .headerlink"):
            link.extract()
        numbers = [normalise(e.get_text()) for e in soup.select("article .eqno")]
        references = [normalise(a.get_text()) for a in soup.select("article a[href*='#equation-']")]
        assert in_order(segments[chapter.slug], numbers) == [], f"{chapter.slug}: equation numbers"
        assert in_order(segments[chapter.slug], references) == [], f"{chapter.slug}: equation references"
        for number in numbers:
            assert f"\\tag{{{number.strip('()')}}}" in tex, f"{chapter.slug}: {number} is the LaTeX tag"


def test_figure_numbers_and_references_print_as_in_the_html(segments, html_dir):
    for chapter in CATALOG.chapters:
        soup = page(html_dir, chapter.docname)
        captions = [normalise(c.get_text()) for c in soup.select("article .caption-number")]
        references = [normalise(r.get_text()) for r in soup.select("article .std-numref")]
        assert in_order(segments[chapter.slug], captions) == [], f"{chapter.slug}: figure numbers"
        # a reference, not the caption ("图3.1:") nor a longer number ("图3.12"), in text order
        position = 0
        for reference in references:
            found = re.compile(re.escape(reference) + r"(?![\d.:])").search(segments[chapter.slug], position)
            assert found, f"{chapter.slug}: figure reference {reference} missing or out of order"
            position = found.end()
        assert all(re.fullmatch(rf"图{chapter.number}\.\d+", c.rstrip(":")) for c in captions), captions


def test_the_seeds_tags_print_in_chapter_6(segments):
    chapter = next(c for c in CATALOG.chapters if c.slug == "min-entropy")
    assert chapter.number == 6
    tags = [f"({b.tag})" for b in ARTICLES["min-entropy"].blocks if b.tag]
    assert tags == ["(2.1)", "(2.2)"]
    assert in_order(segments["min-entropy"], tags) == []


# -- fidelity --------------------------------------------------------------------------------------


@pytest.mark.parametrize("chapter", CATALOG.chapters, ids=lambda c: c.slug)
def test_fidelity_every_seed_phrase_in_order(segments, chapter):
    article = ARTICLES[chapter.slug]
    expected = [p for block in seed_prose(article) for p in phrases(block)]
    missing = in_order(segments[chapter.slug], expected)
    assert missing == [], f"seed phrases missing or out of order in the PDF: {[m[:40] for m in missing]}"
    for chrome in CATALOG.chrome_lines:
        assert normalise(chrome) not in segments[chapter.slug]


@pytest.mark.parametrize("chapter", CATALOG.chapters, ids=lambda c: c.slug)
def test_seed_formulas_are_in_the_generated_tex(tex, chapter):
    article = ARTICLES[chapter.slug]
    source = tex_form(tex)
    for formula in seed_formulas(article):
        assert tex_form(formula) in source, f"formula missing from the .tex: {formula}"


# -- references ------------------------------------------------------------------------------------


def test_each_chapter_prints_its_own_references_and_the_book_all(segments, html_dir, tex):
    assert "sphinxthebibliography" not in tex.split("\\begin{document}")[1], "no list gathered at the end"
    assert tex.count("\\begin{bookbibliography}") == len(CATALOG.chapters) + 1
    for chapter in CATALOG.chapters:
        labels = [normalise(c.get_text()) for c in page(html_dir, chapter.docname).select("div.citation span.label, .citation .label")]
        labels = [label if label.startswith("[") else f"[{label}]" for label in labels]
        assert labels, f"{chapter.slug} lists its references in the HTML"
        references = segments[chapter.slug][segments[chapter.slug].rfind(f"{chapter.number}.4参考文献") :]
        assert in_order(references, labels) == [], chapter.slug
    bibliography = page(html_dir, "bibliography")
    full = [normalise(c.get_text()) for c in bibliography.select(".citation .label")]
    assert len(full) >= len(CATALOG.chapters)


# -- the PDF file ----------------------------------------------------------------------------------


def test_every_font_is_embedded(pdf):
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert out, "pdffonts lists the fonts"
    not_embedded = [line for line in out if line.split()[-5] != "yes"]
    assert not_embedded == []
    names = " ".join(line.split()[0] for line in out)
    for family in ("NotoSerifCJK", "NotoSansCJK", "TeXGyreTermes", "TeXGyreTermesMath"):
        assert family in names, f"{family} is used and embedded"


def test_log_is_clean(log):
    assert "Missing character" not in log
    assert not re.search(r"(Reference|Citation) [`'].*' .*undefined", log)
    assert "There were undefined references" not in log
    assert "multiply defined" not in log
    overfull = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert [w for w in overfull if w > MAX_OVERFULL_PT] == []


PROBE = r"""\documentclass{article}
\newread\probe \immediate\openin\probe=/etc/passwd
\ifeof\probe \message{READ-REFUSED}\else \message{READ-ALLOWED}\fi
\immediate\write18{touch shell-escaped}
\begin{document}probe\end{document}
"""


def test_tex_runs_without_shell_escape_and_reads_only_its_folder(pdf_dir, log, tmp_path):
    assert "write18 enabled" not in "".join(log.splitlines()[:6])
    shutil.copyfile(pdf_dir / "latexmkrc", tmp_path / "latexmkrc")  # the book's own TeX settings
    (tmp_path / "probe.tex").write_text(PROBE, encoding="utf-8")
    subprocess.run(["latexmk", "-pdf", "probe.tex"], cwd=tmp_path, capture_output=True, text=True)
    probe_log = (tmp_path / "probe.log").read_text(encoding="utf-8", errors="replace")
    assert "READ-REFUSED" in probe_log, "openin_any=p: no reading outside the build folder"
    assert not (tmp_path / "shell-escaped").exists(), "no shell escape"


def test_metadata_bookmarks_and_a4(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert fields["Title"].strip() == "科学空间选读：机器学习八篇注解"
    assert "苏剑林" in fields["Author"]
    width, height = map(float, re.findall(r"[\d.]+", fields["Page size"])[:2])
    assert (round(width, 1), round(height, 1)) == (round(A4[0], 1), round(A4[1], 1))
    assert int(fields["Pages"]) > 20


def _pdf_objects(pdf: Path) -> bytes:
    """The PDF's bytes with every Flate stream inflated (xdvipdfmx packs objects in streams)."""
    data = pdf.read_bytes()
    out = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            out.append(zlib.decompressobj().decompress(data[match.end() : match.end() + 2_000_000]))
        except zlib.error:
            continue
    return b"\n".join(out)


def test_internal_links_land_on_named_destinations(pdf):
    objects = _pdf_objects(pdf)
    targets = set(re.findall(rb"/S\s*/GoTo\s*/D\s*\(([^)]*)\)", objects))
    assert len(targets) > 20, "chapters link to sections, citations, equations"
    dests = subprocess.run(["pdfinfo", "-dests", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = {line.split('"')[1].encode("latin-1", "replace") for line in dests.splitlines() if line.count('"') >= 2}
    assert targets - names == set(), "every internal link has its destination"
    assert b"/Outlines" in objects, "the PDF has bookmarks"


def test_two_builds_give_the_same_bytes(pdf, source, tmp_path_factory):
    elsewhere = snapshot(source, tmp_path_factory.mktemp("src-again") / "another-book")
    again = build_pdf(elsewhere, tmp_path_factory.mktemp("pdf-again"))
    assert (again / "book.pdf").read_bytes() == pdf.read_bytes()


# -- the HTML book offers the PDF ------------------------------------------------------------------


def _download_link(out: Path):
    return page(out, "index").select_one("a.pdf-download-link")


def test_html_offers_a_current_pdf_and_never_a_stale_or_missing_one(pdf, source, tmp_path):
    current = tmp_path / "book.pdf"
    shutil.copyfile(pdf, current)  # a fresh copy: newer than every source
    out = tmp_path / "html"

    sphinx_build("html", source, out, "-D", f"pdf_download_file={current}")
    link = _download_link(out)
    assert link is not None, "a current PDF is linked from the cover"
    target = out / link["href"]
    assert target.is_file() and target.read_bytes() == pdf.read_bytes()
    assert link["href"].endswith("book.pdf") and "PDF" in link.get_text()

    os.utime(current, (946684800, 946684800))  # 2000-01-01: older than the sources
    sphinx_build("html", source, out, "-D", f"pdf_download_file={current}")  # incremental
    assert _download_link(out) is None, "a stale PDF is not offered"
    assert not (out / "_downloads" / "book.pdf").exists(), "and no stale copy stays in the site"

    sphinx_build("html", source, out, "-D", f"pdf_download_file={tmp_path / 'missing.pdf'}")
    assert _download_link(out) is None and "book.pdf" not in article_text(page(out, "index"))
