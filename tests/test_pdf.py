"""The LaTeX PDF: structure and numbers as in the HTML, fidelity, fonts, clean log, same bytes,
and the HTML book offering it (``kexuebook/sphinx/html/pdf_download.py``).

The PDF is built once per test run into a temporary folder (conftest's ``pdf_dir``: Sphinx's
LaTeX builder, then the Makefile Sphinx writes next to the .tex, i.e. exactly what ``make
latexpdf`` runs); the reproducibility check builds a second copy in another folder.  The HTML's
offer of the PDF is proved on a tiny book (tests/roots/test-downloads), with this PDF.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from helpers import ROOT, build_pdf, copy_book, page, seed_articles, seed_formulas, seed_prose, tex_form
from helpers import normalise as _normalise
from helpers import phrases as _phrases
from kexuebook.catalog import load_catalog

pytestmark = pytest.mark.pdf

CATALOG = load_catalog(ROOT / "chapters" / "book.toml")
CHINESE_NUMBERS = "一二三四五六七八九十"
A4 = (595.28, 841.89)
# The text block of a page (kexuebook.sty / conf.py margins: 25 mm top, 27 mm bottom), in pt:
# cropping to it leaves the running heads and page numbers out of the extracted text.
TEXT_BLOCK = {"x": 0, "y": 71, "W": 596, "H": 695}
MAX_OVERFULL_PT = 5.0


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
    toc_end = text.find("索引", text.find("目录"))  # the contents' last entry (the colophon names it too)
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
    page (kexuebook/sphinx/html/part_numbers.py); number '' when unnumbered."""
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
    return {c.slug: body[s:e] for c, s, e in zip(CATALOG.chapters, starts, ends, strict=True)}


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
            for math in p.select("span.math"):  # inline math is compared as TeX elsewhere: split the prose at it
                math.replace_with("$x$")
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


def test_two_builds_give_the_same_bytes(pdf, pdf_source, tmp_path_factory):
    elsewhere = copy_book(pdf_source, tmp_path_factory.mktemp("src-again") / "another-book")
    again = build_pdf(elsewhere, tmp_path_factory.mktemp("pdf-again"))
    assert (again / "book.pdf").read_bytes() == pdf.read_bytes()


# -- the HTML book offers the PDF ------------------------------------------------------------------


def _download_link(out: Path):
    return page(out, "index").select_one("a.pdf-download-link")


def test_html_offers_a_current_pdf_and_never_a_stale_or_missing_one(pdf, make_app, rootdir, tmp_path):
    """On a tiny book with the extension (tests/roots/test-downloads): what the cover offers
    depends on the PDF's date against the sources, not on the book's chapters."""
    source = tmp_path / "book"
    shutil.copytree(rootdir / "test-downloads", source)
    current = tmp_path / "book.pdf"
    shutil.copyfile(pdf, current)  # a fresh copy: newer than every source
    out = source / "_build" / "html"

    make_app("html", srcdir=source, confoverrides={"kexuebook_pdf_file": str(current)}).build()
    link = _download_link(out)
    assert link is not None, "a current PDF is linked from the cover"
    target = out / link["href"]
    assert target.is_file() and target.read_bytes() == pdf.read_bytes()
    assert link["href"].endswith("book.pdf") and "PDF" in link.get_text()

    os.utime(current, (946684800, 946684800))  # 2000-01-01: older than the sources
    make_app("html", srcdir=source, confoverrides={"kexuebook_pdf_file": str(current)}).build()  # incremental
    assert _download_link(out) is None, "a stale PDF is not offered"
    assert not (out / "_downloads" / "book.pdf").exists(), "and no stale copy stays in the site"

    make_app("html", srcdir=source, confoverrides={"kexuebook_pdf_file": str(tmp_path / "missing.pdf")}).build()
    assert _download_link(out) is None and "book.pdf" not in page(out, "index").get_text()


# -- what a reader of the printed book sees (issue 15) ---------------------------------------------
# Each check reads the PDF as a reader meets it (its text and where it stands, its fonts, its
# destinations) or the LaTeX log; the PDF is the session's one build.

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MIN_LINES_PER_PAGE = 5
PAGE_SPLIT_X = A4[0] / 2  # the index is set in two columns
FOOT_Y = 782  # below the text block's last baseline and its descenders, above the page number


@pytest.fixture(scope="session")
def page_count(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info)[1])


def page_text(pdf: Path, number: int, *, y: float, height: float, layout: bool = True) -> str:
    """The text of one page inside a horizontal band (y, height in pt from the top)."""
    band = ["-x", "0", "-y", str(y), "-W", str(int(A4[0]) + 1), "-H", str(height)]
    return pdftotext(pdf, "-f", str(number), "-l", str(number), *band, *(["-layout"] if layout else []))


@pytest.fixture(scope="session")
def pages(pdf, page_count) -> list[dict]:
    """Per page: its running head, its foot and the lines of its text block."""
    out = []
    for number in range(1, page_count + 1):
        body = page_text(pdf, number, y=TEXT_BLOCK["y"], height=TEXT_BLOCK["H"])
        out.append({
            "number": number,
            "head": " ".join(page_text(pdf, number, y=0, height=TEXT_BLOCK["y"], layout=False).split()),
            "foot": " ".join(page_text(pdf, number, y=FOOT_Y, height=int(A4[1] - FOOT_Y), layout=False).split()),
            "lines": [line.strip() for line in body.splitlines() if line.strip()],
        })
    return out


def _index_lines(pdf: Path, first: int, last: int) -> list[tuple[int, str]]:
    """(depth, text) of the printed index's lines in reading order: page, column, top to bottom;
    depth 0 for a head or a letter, 1 for a sub-entry (indented in its column)."""
    xml = pdftotext(pdf, "-f", str(first), "-l", str(last), "-bbox-layout")
    lines = []
    for page_number, page_xml in enumerate(xml.split("<page ")[1:]):
        for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</line>', page_xml, re.S):
            words = re.findall(r"<word[^>]*>([^<]*)</word>", m[3])
            x, y = float(m[1]), float(m[2])
            if TEXT_BLOCK["y"] <= y <= TEXT_BLOCK["y"] + TEXT_BLOCK["H"]:
                lines.append((page_number, x >= PAGE_SPLIT_X, y, x, " ".join(words)))
    lines.sort()
    column_left: dict[tuple[int, bool], float] = {}
    for page_number, column, _, x, _ in lines:
        column_left[(page_number, column)] = min(x, column_left.get((page_number, column), x))
    out = []
    for page_number, column, _, x, text in lines:
        if re.fullmatch(r"[\d, ivxlc]+", text) or text == "索引":
            continue  # a wrapped list of pages, or the heading
        out.append((int(x - column_left[(page_number, column)] > 5), re.sub(r"(, [\divxlc]+)+$", "", text)))
    return out


@pytest.fixture(scope="session")
def printed_index(pdf, pages) -> list[tuple[int, str]]:
    index_pages = [p["number"] for p in pages if p["lines"][:1] == ["索引"] or p["head"] == "索引"]
    assert index_pages, "the index has pages of its own"
    return _index_lines(pdf, index_pages[0], index_pages[-1])


def _grouped(lines: list[tuple[int, str]]) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """[(letter, [(head, [sub-entries])])] from (depth, text) lines whose letters stand alone."""
    groups: list[tuple[str, list[tuple[str, list[str]]]]] = []
    for depth, text in lines:
        if depth == 0 and len(text) == 1 and text.isupper():
            groups.append((text, []))
        elif depth == 0:
            assert groups, f"index entry {text!r} before the first letter"
            groups[-1][1].append((text, []))
        else:
            groups[-1][1][-1][1].append(text)
    return groups


def html_index(html_dir) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    soup = page(html_dir, "genindex")
    groups = []
    for heading in soup.select("h2"):
        table = heading.find_next("table", class_="indextable")
        entries = []
        for item in table.select("td > ul > li"):
            sub = item.find("ul")
            if sub is not None:
                sub.extract()
            head = item.find("a").get_text(strip=True) if item.find("a") else item.get_text(strip=True)
            entries.append((head, [li.find("a").get_text(strip=True) for li in (sub.select("li") if sub else [])]))
        groups.append((heading.get_text(strip=True), entries))
    return groups


def _check_index(groups, where: str) -> None:
    from kexuebook.sphinx.content.pinyin_order import OVERRIDES, initial, pinyin_key, read_overrides

    letters = [letter for letter, _ in groups]
    assert letters == sorted(letters) and set(letters) <= set(LETTERS), f"{where}: groups A–Z only, in order: {letters}"
    for letter, entries in groups:
        heads = [head for head, _ in entries]
        assert heads, f"{where}: group {letter} is empty"
        assert heads == sorted(heads, key=pinyin_key), f"{where}: group {letter} not in pinyin order: {heads}"
        for head, subs in entries:
            assert initial(head) == letter, f"{where}: {head!r} filed under {letter}"
            assert subs == sorted(subs, key=pinyin_key), f"{where}: sub-entries of {head!r}: {subs}"
    filed = {head: letter for letter, entries in groups for head, _ in entries}
    # Polyphones, independently of the key function: the override table's readings decide.
    for phrase, reading in read_overrides(OVERRIDES).items():
        if phrase in filed:
            assert filed[phrase] == reading[0][0][0].upper(), f"{where}: {phrase} read {reading[0][0]}"
    assert filed.get("重参数化") == "C", f"{where}: 重参数化 is chóng (C)"
    latin = [head for head in filed if head[:1].isascii()]
    assert latin and all(filed[h] == h[0].upper() for h in latin), f"{where}: Latin entries under their letter"


def test_printed_index_is_in_pinyin_order_under_a_to_z(printed_index):
    groups = _grouped(printed_index)
    assert sum(len(entries) for _, entries in groups) >= 30
    assert any(subs for _, entries in groups for _, subs in entries), "sub-entries print under their head"
    _check_index(groups, "PDF index")


def test_html_index_is_in_pinyin_order_under_a_to_z(html_dir):
    _check_index(html_index(html_dir), "HTML genindex")


def test_printed_index_and_html_index_agree(printed_index, html_dir):
    assert _grouped(printed_index) == html_index(html_dir)


def test_printed_glossary_is_in_the_htmls_pinyin_order(body, html_dir):
    glossary = page(html_dir, "glossary")
    for link in glossary.select("a.headerlink"):
        link.extract()
    terms = [normalise(dt.get_text(strip=True)) for dt in glossary.select("dl.glossary dt")]
    letters = [normalise(r.get_text(strip=True)) for r in glossary.select("p.rubric")]
    end = body.rfind("参考文献")  # the full bibliography, after the glossary
    printed = body[body.rfind("术语表", 0, end) : end]
    assert in_order(printed, terms) == [], "the glossary prints its terms in the HTML's (pinyin) order"
    assert letters and in_order(printed, letters) == []
    entry = {normalise(dt.get_text(strip=True)): dt for dt in glossary.select("dl.glossary dt")}
    assert "重参数化" in entry and entry["重参数化"].find_previous("p", class_="rubric").get_text(strip=True) == "C"


def test_running_heads_name_the_chapter_and_the_section(pages, html_dir):
    titles = {c.number: html_heading(page(html_dir, c.docname).select_one("article h1"))[1] for c in CATALOG.chapters}
    seen = set()
    for p in pages:
        m = re.match(r"第(\d+)章", p["head"])
        if not m:
            continue
        number = int(m[1])
        head = normalise(p["head"])
        assert head.startswith(f"第{number}章{titles[number]}"), f"p.{p['number']}: {p['head']}"
        assert re.search(rf"{number}\.\d+\S", head), f"p.{p['number']}: the section is named: {p['head']}"
        seen.add(number)
    assert seen == set(titles), f"every chapter has pages with its running head: {sorted(seen)}"
    assert not any("科学空间选读" in p["head"] for p in pages), "the head names the chapter, not the book"
    feet = [(p["number"], p["foot"]) for p in pages[1:] if not re.fullmatch(r"[\divxlc]*", p["foot"])]
    assert feet == [], "the foot holds only the page number (the title page has none)"


def test_no_type3_font(pdf):
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert "Type 3" not in fonts.stdout, fonts.stdout
    assert "Mismatch" not in fonts.stderr, "every embedded font file is what its font dictionary says"


def test_figure_labels_are_text(segments):
    # axis labels drawn only inside the figures (chapters/*/figures/*.py), found as text in the PDF
    figure_words = {"mango": "香气评分", "min-entropy": "字对在语料中出现的次数"}
    for slug, word in figure_words.items():
        assert word in segments[slug], f"{slug}: the figure's label {word} is text"


def test_no_near_empty_page_and_no_lone_reference(pages):
    sparse = [(p["number"], p["lines"]) for p in pages if len(p["lines"]) < MIN_LINES_PER_PAGE]
    assert sparse == [], f"pages with fewer than {MIN_LINES_PER_PAGE} lines: {sparse}"
    for p in pages:
        if p["lines"] and re.match(r"\[\d+(\.\d+)?\]", p["lines"][0]):
            labels = [line for line in p["lines"] if re.match(r"\[\d+(\.\d+)?\]", line)]
            body_lines = [line for line in p["lines"] if not line.startswith("[")]
            assert len(labels) > 1 or len(body_lines) > MIN_LINES_PER_PAGE, f"p.{p['number']}: a lone reference"


def test_contents_keeps_each_chapter_with_its_sections(pages):
    toc = [p for p in pages if p["lines"][:1] == ["目录"] or p["head"] == "目录"]
    assert toc
    for p in toc:
        assert not re.match(r"第\d+章", p["lines"][-1]), f"p.{p['number']}: a chapter's line ends the page"


def test_links_are_not_italic(pdf, pages, tex):
    """A link is text like any other: the part pages carry links (chapters, glossary terms with Latin
    letters) and no emphasis, so no italic font may be used on them."""
    part_pages = [p for p in pages if p["lines"] and re.match(r"第[一二三四五六七八九十]+部分$", p["lines"][0])]
    assert len(part_pages) == len(CATALOG.parts)
    assert "\\sphinxcrossref" in tex and "\\sphinxtermref" in tex
    for p in part_pages:
        assert re.search(r"[A-Za-z]", " ".join(p["lines"])) or p is not part_pages[-1]
        fonts = subprocess.run(["pdffonts", "-f", str(p["number"]), "-l", str(p["number"]), str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "Italic" not in fonts and "Oblique" not in fonts, f"p.{p['number']}: {fonts}"


def _coloured_pixels(pdf: Path, number: int, out: Path) -> int:
    """Pixels of a page (rendered at 40 dpi) that are clearly not grey."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "40", "-f", str(number), "-l", str(number), "-singlefile", "-png", str(pdf), str(out)], check=True)
    data = Image.open(out.with_suffix(".png")).convert("RGB").tobytes()
    return sum(1 for i in range(0, len(data), 3) if max(data[i : i + 3]) - min(data[i : i + 3]) > 60)


def test_links_carry_no_colour_or_box(pdf, pages, tmp_path):
    """The contents and the part pages are all links (chapters, sections, glossary terms), and
    nothing else on them has colour: on paper they look like text."""
    objects = _pdf_objects(pdf)
    assert b"/Subtype/Link" in objects.replace(b" ", b""), "the PDF has links"
    borders = re.findall(rb"/Border\s*\[([^\]]*)\]", objects)
    assert borders and all(b.split() == [b"0", b"0", b"0"] for b in borders), "no link box"
    linked = [p for p in pages if p["lines"][:1] == ["目录"] or p["head"] == "目录"]
    linked += [p for p in pages if p["lines"] and re.match(r"第[一二三四五六七八九十]+部分$", p["lines"][0])]
    assert len(linked) > len(CATALOG.parts)
    coloured = {p["number"]: n for p in linked if (n := _coloured_pixels(pdf, p["number"], tmp_path / f"p{p['number']}"))}
    assert coloured == {}, f"coloured pixels on link-only pages: {coloured}"


def test_the_log_lists_no_overfull_or_badly_underfull_line(log):
    # an overfull \vbox is a page whose text runs into its foot
    bad = re.findall(r"^(Overfull \\[hv]box .*|Underfull \\hbox \(badness 10000\) in paragraph .*)$", log, re.M)
    assert bad == []


def test_captions_are_chinese_style(body):
    assert re.search(r"图\d+\.\d+", body)
    assert not re.search(r"图\d+\.\d+[:：]", body), "no colon after a caption's number"


def test_title_page_and_colophon_have_their_own_page_labels(pdf, pages):
    dests = subprocess.run(["pdfinfo", "-dests", str(pdf)], capture_output=True, text=True, check=True).stdout
    label_page = {m[2]: int(m[1]) for m in re.finditer(r'^\s*(\d+) \[.*\] "page\.([ivxlc]+)"$', dests, re.M)}
    assert label_page.get("i") == 1 and label_page.get("ii") == 2, label_page
    colophon = " ".join(pages[1]["lines"])
    assert "CC BY-NC-SA 4.0" in colophon and "构建日期" in colophon
    # the date as Chinese prints it: no leading zero (12月3日, not 12月03日)
    assert re.search(r"构建日期：\s*\d{4}\s*年\s*[1-9]\d?\s*月\s*[1-9]\d?\s*日", colophon), colophon
    # the licence's address on a line of its own, whole (beside the text it squeezed the punctuation)
    assert "https://creativecommons.org/licenses/by-nc-sa/4.0/" in pages[1]["lines"], pages[1]["lines"]
    for web_only in ("搜索框", "断网", "离线", "手机"):
        assert web_only not in colophon, f"the colophon speaks of the web book: {web_only}"


def test_the_excerpt_is_set_apart(pdf, pages, segments):
    """Each chapter's excerpt is set in its own (Kai) face; our commentary is not."""
    for chapter in CATALOG.chapters:
        first = normalise(next(b for b in seed_prose(ARTICLES[chapter.slug])[1:] if len(b) > 20))[:12]
        found = [p["number"] for p in pages if first in normalise(" ".join(p["lines"]))]
        assert found, f"{chapter.slug}: the excerpt's first words are in the PDF"
        fonts = [subprocess.run(["pdffonts", "-f", str(n), "-l", str(n), str(pdf)], capture_output=True, text=True, check=True).stdout for n in found]
        assert any("Kai" in f for f in fonts), f"{chapter.slug}: the excerpt (p. {found}) is set in the Kai face"
    glossary = [p for p in pages if p["head"].startswith("术语表")]
    fonts = subprocess.run(["pdffonts", "-f", str(glossary[0]["number"]), "-l", str(glossary[0]["number"]), str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Kai" not in fonts, "our own text is not set in the excerpt's face"


def test_cross_chapter_equation_references_name_the_chapter(segments, html_dir):
    """A reference to another chapter's equation says which chapter, in the HTML and in print."""
    chapter_of = {c.docname.rsplit("/", 1)[-1] + ".html": c.number for c in CATALOG.chapters}
    checked = 0
    for chapter in CATALOG.chapters:
        soup = page(html_dir, chapter.docname)
        position = 0
        for a in soup.select("article a[href*='#equation-']"):
            target = a["href"].split("#")[0].rsplit("/", 1)[-1]
            if not target or chapter_of.get(target, chapter.number) == chapter.number:
                continue
            number = chapter_of[target]
            before = normalise(a.find_previous(string=True) or "")
            assert re.search(rf"第{number}章的?式?$", before), f"{chapter.slug}: {a.get_text()} of chapter {number} after {before[-20:]!r}"
            printed = f"第{number}章"
            found = segments[chapter.slug].find(printed, position)
            assert found >= 0 and normalise(a.get_text()) in segments[chapter.slug][found : found + 20], f"{chapter.slug}: print names chapter {number}"
            position = found + 1
            checked += 1
    assert checked >= 2, "the book refers to other chapters' equations"


def test_no_hyphenation_inside_latin_words_in_chinese_text(pdf, html_dir):
    """A line of Chinese text never ends in a hyphen that the word does not have (Vari-|ational,
    Sample-|Pairing); the English reference lists may hyphenate."""
    text = pdftotext(pdf, "-layout", *[f"-{k}" if len(k) == 1 else k for pair in TEXT_BLOCK.items() for k in (pair[0], str(pair[1]))])
    hyphenated_words = set()
    for path in sorted(html_dir.rglob("*.html")):
        hyphenated_words |= set(re.findall(r"[A-Za-z]+-[A-Za-z]+", path.read_text(encoding="utf-8")))
    lines = text.splitlines()
    broken = []
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        m = re.search(r"([A-Za-z]+)-\s*$", line)
        if m and re.search(r"[\u4e00-\u9fff]", line):
            rest = re.match(r"\s*([A-Za-z]+)", following)
            word = f"{m[1]}-{rest[1] if rest else ''}"
            if word not in hyphenated_words:
                broken.append(line.strip()[-30:])
    assert broken == []
