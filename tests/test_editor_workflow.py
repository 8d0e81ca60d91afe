"""The editor's workflow, and why running the importer is always safe.

Adding an article (README, "Adding an article"): drop a listing into seeds/, run the importer,
paste the [[chapters]] entry its error prints, run it again, add the bib entry, build.  A second
listing written for this test (tests/data/second-listing.txt: a new author and date, headings, a
quotation, a tagged and an untagged equation) goes through exactly that on a copy of the book,
which is then built strictly.  The rest proves the importer's edits are safe: re-running changes
nothing, a hand-written chapter is never written once it exists (not even one created a moment
before the write), writes are atomic, output is deterministic, and nothing about the seed is
hard-coded in the importer.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from helpers import ROOT, article_text, page, seed_kept_results, sphinx_build
from kexuebook.catalog import load_catalog
from kexuebook.importer import __main__ as cli
from kexuebook.importer import plan as importer
from kexuebook.importer.numerals import chinese_numeral
from kexuebook.importer.parse import read_listing
from kexuebook.importer.render import render_chapter_skeleton

DATA = Path(__file__).parent / "data"
SECOND = DATA / "second-listing.txt"
SECOND_NAME = "100_second.txt"
QUOTE_LINE = 8  # a one-sentence quotation: only an override can say so


def run_importer(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kexuebook.importer", "--root", str(root), *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "node_modules" not in p.parts
    }


def pasted_entry(stderr: str) -> str:
    """The [[chapters]] entry the importer's error offers, exactly as printed."""
    lines = stderr.splitlines()
    start = lines.index("[[chapters]]")
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return "\n".join(lines[start:end]) + "\n"


# -- adding an article ----------------------------------------------------------------------------


def test_readme_explains_adding_an_article():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Adding an article", 1)[1].split("\n## ", 1)[0]
    for step in ("seeds/", "chapters/book.toml", "[[chapters]]", "make import", "references.bib", "make livehtml", "_generated"):
        assert step in section, step


def test_readme_gives_the_editors_loop():
    """The preview's address and port option, what it follows, moving a chapter, citing, overrides."""
    from kexuebook.catalog import MAX_OVERRIDES_PER_SEED
    from kexuebook.importer.schema import OVERRIDE_KINDS
    from tools.livehtml import DEFAULT_PORT, RESTART_ON

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    loop = readme.split("## The editor's loop", 1)[1].split("\n## ", 1)[0]
    assert f"http://127.0.0.1:{DEFAULT_PORT}/" in loop and 'O="--port' in loop
    for followed in ("references.bib", "chapters/book.toml", "chapters/<part>/figures/", "_static/", "_themes/kexue/", *RESTART_ON):
        assert f"`{followed}" in loop, followed
    assert "make move CHAPTER=" in loop and "TO=" in loop and "PART=" in loop
    assert "{cite:p}`kingma2014vae`" in loop and "is not in references.bib" in loop
    overrides = readme.split("### Line overrides", 1)[1].split("\n## ", 1)[0]
    assert all(kind.value in overrides for kind in OVERRIDE_KINDS) and "MAX_OVERRIDES_PER_SEED" in overrides
    assert MAX_OVERRIDES_PER_SEED == 2 and "At most two" in overrides


def test_a_second_listing_becomes_a_numbered_chapter(synthetic_book, tmp_path):
    """On the small synthetic book (the book's configuration, importer and front matter; two
    made-up chapters): the new one is numbered after them, and the book counts it."""
    book = synthetic_book
    (book / "seeds" / SECOND_NAME).write_bytes(SECOND.read_bytes())
    catalog_path = book / "chapters" / "book.toml"
    catalog = load_catalog(catalog_path)

    # 1. The importer refuses the unknown article, changes nothing, and prints the entry to add.
    before = tree(book)
    refused = run_importer(book)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith(f"error: seeds/{SECOND_NAME}:1: article '从SGD到Adam:步长的故事' (王小明, 2023-09-14) is not in chapters/book.toml")
    assert tree(book) == before
    snippet = pasted_entry(refused.stderr)
    entry = tomllib.loads(snippet)["chapters"][0]
    # The key is named after the source site (the synthetic book's is example.invalid).
    assert entry == {"slug": "sgd-adam", "part": "", "title": "从SGD到Adam:步长的故事", "bibkey": "exampleinvalid-sgd-adam"}

    # 2. Paste it with its part chosen (and the quotation's override), import: card, excerpt and
    # skeleton appear.
    snippet = snippet.replace('part = ""', f'part = "{catalog.parts[-1].slug}"')
    with catalog_path.open("a", encoding="utf-8") as stream:
        stream.write(f"\n{snippet}\n[[overrides]]\nseed = \"{SECOND_NAME}\"\nline = {QUOTE_LINE}\nkind = \"quote\"\n")
    imported = run_importer(book)
    assert imported.returncode == 0, imported.stderr
    part = catalog.parts[-1].slug
    assert imported.stdout.splitlines() == [
        "wrote chapters/_generated/sgd-adam-card.md",
        "wrote chapters/_generated/sgd-adam-excerpt.md",
        f"created chapters/{part}/sgd-adam.md (hand-written from now on)",
    ]
    chapter = load_catalog(catalog_path).chapter_for(entry["title"])
    assert (book / f"{chapter.docname}.md").read_text(encoding="utf-8") == render_chapter_skeleton(chapter)

    # 3. Running it again changes nothing.
    settled = tree(book)
    again = run_importer(book)
    assert again.returncode == 0 and again.stdout == "" and tree(book) == settled

    # 4. The bib entry, then a strict build: the chapter has its number and its equations theirs.
    with (book / "references.bib").open("a", encoding="utf-8") as stream:
        stream.write("\n@misc{exampleinvalid-sgd-adam,\n  author = {王小明},\n  title = {从SGD到Adam：步长的故事},\n  year = {2023},\n}\n")
    html = tmp_path / "html"
    sphinx_build("html", book, html)
    n = chapter.number
    assert n == len(catalog.chapters) + 1
    soup = page(html, chapter.docname)
    assert soup.select_one("article h1").get_text(" ", strip=True).startswith(f"{n}. 从SGD到Adam：步长的故事")
    sections = [h.get_text(" ", strip=True).rstrip("#").strip() for h in soup.select("article h3")]
    assert sections[:3] == [f"{n}.2.1. 前言", f"{n}.2.2. 学习率", f"{n}.2.3. 自适应方法"]
    numbers = [e.get_text(strip=True).rstrip("#") for e in soup.select("article div.math .eqno")]
    assert numbers == ["(1.3)", f"({n}.1)"]
    quote = soup.select_one("article blockquote")
    assert quote is not None and quote.get_text(strip=True) == "步长不是越小越好，而是要和曲率相配。"
    card = soup.select_one(".chapter-card").get_text(" ", strip=True)
    assert "王小明" in card and "2023-09-14" in card and "4321" in card
    text = article_text(soup)
    assert "太小则收敛很慢……" in text and "（比如Adam）" in text and "最近评论" not in text
    cover = page(html, "index")
    nav = [a.get_text(" ", strip=True) for a in cover.select("nav.bd-links a")]
    assert f"{n}. 从SGD到Adam：步长的故事" in nav

    # 5. Book-level text counts what book.toml lists: the cover, the HTML title, the PDF's title
    # (the synthetic book's [book] title "合成书", subtitle "{count}篇合成文章").
    count = chinese_numeral(n, count=True)
    assert cover.select_one("article h1").get_text(strip=True).rstrip("#") == f"合成书：{count}篇合成文章"
    cover_text = "".join(article_text(cover).split())
    assert f"选出{count}篇文章" in cover_text and f"{count}章，章号从第1章连续编到第{n}章" in cover_text
    assert f"合成书：{count}篇合成文章" in page(html, chapter.docname).title.get_text()
    latex = tmp_path / "latex"
    sphinx_build("latex", book, latex)
    tex = (latex / "book.tex").read_text(encoding="utf-8")
    assert f"\\newcommand{{\\booksubtitle}}{{{count}篇合成文章}}" in tex
    assert f"\\title{{合成书：{count}篇合成文章}}" in tex
    assert f"本书逐字照录其中{count}篇文章的开头部分" in tex, "the colophon counts the chapters too"


def test_missing_entry_message_spots_a_retyped_title(book_copy):
    """A title typed with restored punctuation is not the seed's: the message says so."""
    (book_copy / "seeds" / SECOND_NAME).write_bytes(SECOND.read_bytes())
    with (book_copy / "chapters" / "book.toml").open("a", encoding="utf-8") as stream:
        stream.write('\n[[chapters]]\nslug = "sgd-adam"\npart = "tooling"\ntitle = "从SGD到Adam：步长的故事"\nbibkey = "k"\n')
    result = run_importer(book_copy)
    assert result.returncode == 1
    assert "chapters/book.toml has '从SGD到Adam：步长的故事': the title must be the seed's, exactly as scraped." in result.stderr
    assert 'slug = "sgd-adam-2"' in result.stderr, "the suggested slug is not one already taken"


# -- edits are safe -------------------------------------------------------------------------------


def test_rerunning_over_the_repository_changes_nothing(book_copy):
    assert run_importer(ROOT, "--check").returncode == 0, "the committed generated files are the importer's output"
    before = tree(book_copy)
    for _ in range(2):
        result = run_importer(book_copy)
        assert result.returncode == 0 and result.stdout == "" and result.stderr == ""
    assert tree(book_copy) == before


def test_an_existing_chapter_is_never_written(book_copy):
    catalog = load_catalog(book_copy / "chapters" / "book.toml")
    chapter = catalog.chapters[0]
    mine = book_copy / f"{chapter.docname}.md"
    mine.write_text("编者正在写的内容，不是导入器的。\n", encoding="utf-8")
    (book_copy / "chapters" / "_generated" / f"{chapter.slug}-card.md").unlink()
    result = run_importer(book_copy)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [f"wrote chapters/_generated/{chapter.slug}-card.md"]
    assert mine.read_text(encoding="utf-8") == "编者正在写的内容，不是导入器的。\n"


def test_a_chapter_created_after_planning_is_not_overwritten(book_copy):
    """The editor saves a new chapter between the importer's plan and its write: it survives."""
    catalog = load_catalog(book_copy / "chapters" / "book.toml")
    chapter = catalog.chapters[-1]
    path = book_copy / f"{chapter.docname}.md"
    path.unlink()
    plan = importer.plan_import(book_copy)
    assert path in plan.skeletons
    path.write_text("刚刚保存的章节。\n", encoding="utf-8")
    assert importer.apply(book_copy, plan) == []
    assert path.read_text(encoding="utf-8") == "刚刚保存的章节。\n"
    assert not list(path.parent.glob(".*.tmp"))


def leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.startswith(".") and p.name.endswith(".tmp")]


@pytest.mark.parametrize("failure", ["replace", "write"])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(book_copy, monkeypatch, capsys, failure):
    catalog = load_catalog(book_copy / "chapters" / "book.toml")
    target = book_copy / "chapters" / "_generated" / f"{catalog.chapters[1].slug}-excerpt.md"
    target.write_text("旧内容\n", encoding="utf-8")
    before = tree(book_copy)
    if failure == "replace":
        def broken_replace(src, dst):
            raise OSError(28, "No space left on device", str(dst))
        monkeypatch.setattr(importer.os, "replace", broken_replace)
    else:
        real_fdopen = os.fdopen

        class HalfWriter:
            def __init__(self, stream):
                self.stream = stream

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.stream.close()

            def write(self, text):
                self.stream.write(text[: len(text) // 2])
                self.stream.flush()
                raise OSError(5, "Input/output error", str(target))

        monkeypatch.setattr(importer.os, "fdopen", lambda *a, **k: HalfWriter(real_fdopen(*a, **k)))
    assert cli.main(["--root", str(book_copy)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and ":0: " in err and "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "旧内容\n", "the old file is whole"
    assert leftovers(book_copy) == [], "a temporary file was left"
    assert tree(book_copy) == before


def test_output_is_deterministic_and_free_of_paths(book_copy):
    here = importer.plan_import(ROOT)
    there = importer.plan_import(book_copy)
    relative = lambda plan, root: {str(p.relative_to(root)): t for p, t in {**plan.generated, **plan.skeletons}.items()}
    assert relative(here, ROOT) == relative(there, book_copy) == relative(importer.plan_import(ROOT), ROOT)
    for text in here.generated.values():
        assert str(ROOT) not in text and str(book_copy) not in text


ORACLE = Path(__file__).parent / "seed-line-kinds.tsv"  # the seed's line kinds, written by hand


def oracle() -> tuple[Path, dict[int, str]]:
    """The seed the oracle describes, and the kind of each of its lines."""
    rows = ORACLE.read_text(encoding="utf-8").splitlines()
    seed = ROOT / re.search(r"\((seeds/[^)]+)\)", rows[0]).group(1)
    return seed, {int(row.split("\t")[0]): row.split("\t")[1] for row in rows[1:] if row.strip()}


def renamed_listing(lines: list[str], kinds: dict[int, str]) -> tuple[list[str], list[tuple[str, str, str, int]]]:
    """The listing with every fact the seed states replaced by another of its kind, line for line
    (which line holds what is the oracle's word, not the importer's): titles, authors, dates,
    readers and headings.  Also (title, author, date, readers) of each article as renamed."""
    out, facts = list(lines), []
    for number, kind in sorted(kinds.items()):
        n = len(facts)
        if kind == "title":
            out[number - 1] = f"另起的标题{n + 1}"
        elif kind.startswith("byline+"):
            _, _, readers, rest = out[number - 1].split(" | ", 3)
            fact = (out[number - 2], f"另一位作者{n}", f"20{n:02d}-0{1 + n % 9}-1{n % 10}", int(readers.removesuffix("位读者")) + 7)
            out[number - 1] = " | ".join([f"By {fact[1]}", fact[2], f"{fact[3]}位读者", rest])
            facts.append(fact)
        elif kind == "heading":
            out[number - 1] = f"改写的小节{number}"
    return out, facts


def test_nothing_about_the_seed_is_hard_coded_in_the_importer(tmp_path):
    """The seed with every fact it states changed (titles, authors, dates, readers, headings) is
    read into the same articles of the same blocks: the importer knows no seed."""
    from kexuebook.importer.parse import decode

    seed, kinds = oracle()
    catalog = load_catalog(ROOT / "chapters" / "book.toml")
    overrides = catalog.overrides.get(seed.name)
    articles, line_kinds = read_listing(seed, overrides, catalog.chrome_lines)
    lines, facts = renamed_listing(decode(seed.read_bytes(), seed), kinds)
    other = tmp_path / seed.name
    other.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again, line_kinds_again = read_listing(other, overrides, catalog.chrome_lines)
    assert [k.kind for k in line_kinds_again] == [k.kind for k in line_kinds]
    assert [(a.title, a.author, a.date.isoformat(), a.readers) for a in again] == facts
    renamed = {n for n, kind in kinds.items() if kind == "heading"}
    for article, new in zip(articles, again, strict=True):
        assert [(b.kind, b.line, b.tag) for b in new.blocks] == [(b.kind, b.line, b.tag) for b in article.blocks]
        assert [b.text for b in new.blocks if b.line not in renamed] == [b.text for b in article.blocks if b.line not in renamed]
        assert all(b.text == f"改写的小节{b.line}" for b in new.blocks if b.line in renamed)


def test_skeletons_are_created_without_hard_links_too(book_copy, monkeypatch):
    """Where the file system has no hard links, the chapter is still created once, never replaced."""
    chapter = load_catalog(book_copy / "chapters" / "book.toml").chapters[0]
    path = book_copy / f"{chapter.docname}.md"
    path.unlink()

    def no_links(src, dst):
        raise OSError(1, "Operation not permitted", str(dst))

    monkeypatch.setattr(importer.os, "link", no_links)
    assert importer.write_atomically(path, "骨架\n", replace=False) is True
    assert importer.write_atomically(path, "另一个骨架\n", replace=False) is False
    assert path.read_text(encoding="utf-8") == "骨架\n"
    assert leftovers(book_copy) == []


@pytest.mark.parametrize(
    "title, slug",
    [
        ("从SGD到Adam:步长的故事", "sgd-adam"),
        ("再谈变分推断", "zai-tan-bian-fen"),
        ('引号"与\\反斜杠', "yin-hao-yu-fan"),
        ("かな", "article-20230914"),
        *[(" ".join(c.slug.split("-")) + "的新文章", f"{c.slug}-2") for c in load_catalog(ROOT / "chapters" / "book.toml").chapters[:2]],
    ],
)
def test_the_suggested_entry_is_valid_toml_with_a_free_slug(title, slug):
    import datetime as dt

    from kexuebook.importer.model import Article
    from kexuebook.importer.suggest import missing_entry_message

    catalog = load_catalog(ROOT / "chapters" / "book.toml")
    article = Article(title=title, author="某人", date=dt.date(2023, 9, 14), readers=1, title_line=1)
    message = missing_entry_message(article, catalog, "chapters/book.toml")
    entry = tomllib.loads(pasted_entry(message))["chapters"][0]
    assert entry["title"] == title and entry["slug"] == slug
    assert entry["slug"] not in {c.slug for c in catalog.chapters}
    assert entry["part"] == "", "the editor chooses the part"
    assert f"# fill in one of: {', '.join(p.slug for p in catalog.parts)}" in message


# -- renaming and moving a chapter ------------------------------------------------------------------


def run_in_process(root: Path, *args: str) -> tuple[int, str, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--root", str(root), *args])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.workflow  # the real book, copied and built: its chapters refer to the renamed labels
def test_renaming_a_slug_moves_the_written_chapter_and_the_book_builds(book_copy, tmp_path, html_dir):
    """Issue 16: a slug changed by hand left the chapter behind and created an empty skeleton."""
    old = book_copy / "chapters" / "probabilistic-models" / "vae.md"
    written = old.read_text(encoding="utf-8")
    code, out, err = run_in_process(book_copy, "--move", "vae", "--to", "vae-intro")
    assert code == 0, err
    new = book_copy / "chapters" / "probabilistic-models" / "vae-intro.md"
    assert not old.exists() and new.is_file()
    assert out.splitlines()[0] == "moved chapters/probabilistic-models/vae.md -> chapters/probabilistic-models/vae-intro.md"
    assert not any(line.startswith("created") for line in out.splitlines()), "no skeleton: the written chapter moved"
    moved = new.read_text(encoding="utf-8")
    assert moved.count("\n") == written.count("\n") and "../_generated/vae-intro-card.md" in moved
    assert "vae-intro-kingma2014vae" in moved and "{cite:p}`vae-kingma2014vae`" not in moved
    entry = next(c for c in tomllib.loads((book_copy / "chapters" / "book.toml").read_text(encoding="utf-8"))["chapters"] if c["title"].startswith("变分自编码器"))
    assert entry["slug"] == "vae-intro" and entry["part"] == "probabilistic-models"
    assert run_importer(book_copy, "--check").returncode == 0, "the generated files are the importer's"
    assert not (book_copy / "chapters" / "_generated" / "vae-card.md").exists()

    html = tmp_path / "html"
    seed_kept_results(html_dir / ".doctrees", html / ".doctrees")  # what did not move is not drawn or rendered again
    sphinx_build("html", book_copy, html)  # strict: every reference to the old labels was renamed
    soup = page(html, "chapters/probabilistic-models/vae-intro")
    assert soup.select_one("article h1").get_text(strip=True).startswith("2.变分自编码器（一）")
    assert len(soup.select("div.citation")) >= 2, "the chapter's references are still listed"
    links = [a["href"] for a in page(html, "chapters/information-theory/forgetting").select("a.reference.internal")]
    assert any(href.startswith("../probabilistic-models/vae-intro.html") for href in links)


def test_moving_a_chapter_to_another_part(book_copy):
    code, out, err = run_in_process(book_copy, "--move", "ssh-tunnel", "--part", "information-theory")
    assert code == 0, err
    assert (book_copy / "chapters" / "information-theory" / "ssh-tunnel.md").is_file()
    assert not (book_copy / "chapters" / "tooling" / "ssh-tunnel.md").exists()
    chapter = next(c for c in load_catalog(book_copy / "chapters" / "book.toml").chapters if c.slug == "ssh-tunnel")
    assert chapter.part.slug == "information-theory" and chapter.docname == "chapters/information-theory/ssh-tunnel"
    assert run_importer(book_copy, "--check").returncode == 0


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--move", "vea", "--to", "x"], "no chapter with slug 'vea' (did you mean 'vae'?)"),
        (["--move", "vae", "--to", "mango"], "slug 'mango' is taken by another chapter"),
        (["--move", "vae", "--to", "VAE Intro"], "new slug 'VAE Intro'; expected lowercase letters and digits"),
        (["--move", "vae", "--part", "poetry"], "part 'poetry'; expected one of the [[parts]]: probabilistic-models"),
        (["--move", "vae"], "expected a new slug (--to) or part (--part)"),
    ],
)
def test_a_move_that_cannot_be_done_changes_nothing(book_copy, args, expected):
    before = tree(book_copy)
    code, out, err = run_in_process(book_copy, *args)
    assert code == 1 and out == "" and err.startswith("error: chapters/book.toml:"), err
    assert expected in err
    assert tree(book_copy) == before
