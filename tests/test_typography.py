"""A lint on our own prose: full-width punctuation in Chinese sentences, no space between CJK
and Latin or digits (the seed's own convention).  Generated seed files are exempt (verbatim)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import ROOT

HAN = r"[\u3400-\u4dbf\u4e00-\u9fff]"
# Markup whose inside is not prose: math, roles, code, links, URLs, HTML comments.
NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\{[a-z:\-]+\}`[^`]*`|`[^`]*`|<[^>]*>|\]\([^)]*\)|https?://\S+")
RULES = [
    (re.compile(f"{HAN} +[A-Za-z0-9]|[A-Za-z0-9] +{HAN}"), "space between CJK and Latin/digits"),
    (re.compile(f"{HAN} +\u2063|\u2063 +{HAN}"), "space between CJK and math or a role"),
    (re.compile(f"{HAN}[,;:?!]|[,;:?!(]{HAN}|{HAN}\\)"), "ASCII punctuation in a Chinese sentence"),
    (re.compile(f"{HAN}\\.(?!\\.)|{HAN}\\.\\.\\."), "ASCII full stop or ellipsis in a Chinese sentence"),
]


def our_sources() -> list[Path]:
    pages = [ROOT / n for n in ("index.md", "preface.md", "glossary.md", "bibliography.md", "404.md")]
    chapters = (p for p in (ROOT / "chapters").glob("*/*.md") if p.parent.name != "_generated")  # the seed is verbatim
    return [p for p in pages if p.exists()] + sorted(chapters)


def prose_lines(path: Path):
    """(line number, text) of the prose lines of a MyST file: outside fences, directives' options."""
    fence = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        opener = re.match(r"^(`{3,}|:{3,})", stripped)
        if opener:
            token = opener.group(1)
            if fence is None:
                fence = token
                # an admonition/glossary body is prose; code, math, plot and eval-rst are not
                fence_is_prose = bool(re.match(r"^(`{3,}|:{3,})\{(note|tip|admonition|glossary|container|important|seealso)\}", stripped))
                prose_fence = fence_is_prose
            elif stripped == fence:
                fence = None
            continue
        if fence is not None and not prose_fence:
            continue
        if not stripped or stripped.startswith(("%", ":", "(", "..")):
            continue
        yield number, NOT_PROSE.sub("\u2063", line)  # a neutral mark: neither CJK nor Latin


@pytest.mark.parametrize("path", our_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_our_prose_follows_the_books_typography(path):
    problems = [
        f"{path.relative_to(ROOT)}:{number}: {message}: …{text[max(0, m.start() - 8) : m.end() + 8]}…"
        for number, text in prose_lines(path)
        for pattern, message in RULES
        for m in pattern.finditer(text)
    ]
    assert not problems, "\n".join(problems)


def test_the_lint_catches_what_it_should(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("在 NLP 中,我们这样做.\n$a, b$ 与`x, y`不算\n", encoding="utf-8")
    found = [m for _, text in prose_lines(bad) for pattern, _ in RULES for m in pattern.finditer(text)]
    assert len(found) == 5  # two spaces, comma, full stop, space after math; inside math and code skipped


# -- one term per concept: glossary-terms.toml (preferred terms and their banned variants) -------
def banned_terms() -> list[tuple[re.Pattern, str]]:
    import tomllib

    data = tomllib.loads((ROOT / "glossary-terms.toml").read_text(encoding="utf-8"))
    return [(re.compile(variant), entry["preferred"]) for entry in data["term"] for variant in entry["banned"]]


def terminology_problems(path: Path) -> list[str]:
    """Every banned variant on any line of one of our files (math and captions included)."""
    terms = banned_terms()
    return [
        f"{path.name}:{number}: “{m.group(0)}”: write “{preferred}” (glossary-terms.toml)"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for pattern, preferred in terms
        for m in pattern.finditer(line)
    ]


def our_sources_and_figures() -> list[Path]:
    return our_sources() + sorted((ROOT / "chapters").glob("*/figures/*.py"))


@pytest.mark.parametrize("path", our_sources_and_figures(), ids=lambda p: str(p.relative_to(ROOT)))
def test_our_text_uses_one_term_per_concept(path):
    problems = terminology_problems(path)
    assert not problems, "\n".join(problems)


def test_the_terminology_lint_catches_banned_variants(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("解码器重建输入，把图像切成小块（patch）。\n每个patch独立；$m\\sim\\mathrm{Bernoulli}(p)$\n", encoding="utf-8")
    found = terminology_problems(bad)
    assert [p.split(": ")[1] for p in found] == ["“重建”", "“小块”", "“patch”", "“Bernoulli}(p)”"], found
    good = tmp_path / "good.md"
    good.write_text("解码器重构输入，把图像切成图块（patch）。\n", encoding="utf-8")
    assert terminology_problems(good) == []


def test_the_terminology_lint_never_reads_the_seed():
    assert not any("_generated" in p.parts for p in our_sources_and_figures())


# -- the figures' own text: labels, titles, annotations are our prose too -------------------------
def figure_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal of a figure script (f-strings: their literal parts)."""
    import ast

    return [(node.lineno, node.value) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


# In a label, Greek letters and $…$ math sit next to CJK as Latin does: no space either.
FIGURE_SPACING = re.compile(f"{HAN} +[A-Za-z0-9\u0370-\u03ff$]|[A-Za-z0-9\u0370-\u03ff$] +{HAN}")


@pytest.mark.parametrize("path", sorted((ROOT / "chapters").glob("*/figures/*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_figure_text_has_no_space_between_cjk_and_latin(path):
    pattern, message = FIGURE_SPACING, "space between CJK and Latin, Greek or math"
    problems = [f"{path.name}:{line}: {message}: {text!r}" for line, text in figure_strings(path) if pattern.search(text)]
    assert not problems, "\n".join(problems)


def test_the_figure_lint_sees_labels(tmp_path):
    script = tmp_path / "fig.py"
    script.write_text('ax.set_xlabel("理论值 p/(1-p)")\nax.set_ylabel(f"丢弃概率p={0.3:g}")\nax.set_title("样本 2 号")\n'
                      'ax.set_xlabel("权重 λ")\nax.plot([], label=r"模型 $f$")\nax.plot([], label=r"模型$f$，λ=0.5")\n', encoding="utf-8")
    found = [text for _, text in figure_strings(script) if FIGURE_SPACING.search(text)]
    assert found == ["理论值 p/(1-p)", "样本 2 号", "权重 λ", "模型 $f$"], found
