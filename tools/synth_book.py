"""Make a synthetic book of N articles in the seed's listing format: ``python -m tools.synth_book N DIR``.

The text is made up here, deterministically (a fixed seed), with what real listings hold:
a title, a byline glued to the first paragraph, short headings, a quotation, inline math,
a tagged ``$$…\\tag{…}$$`` and an untagged ``\\begin{equation}`` display.  The book's own
configuration, extensions and front/back matter are copied; ``seeds/``, ``chapters/`` and
``references.bib`` are replaced by the synthetic ones.  Used by ``make bench`` (scale) and tests.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = ["probabilistic-models", "losses", "regularization", "information-theory", "tooling"]
PART_TITLES = ["概率模型", "损失函数", "正则化", "信息论", "工具"]
WORDS = "模型 数据 分布 样本 损失 梯度 训练 推断 变量 概率 编码 解码 信息 熵 正则 噪声 网络 参数 特征 目标".split()
COPIED = ["conf.py", "index.md", "preface.md", "glossary.md", "bibliography.md", "_extra", "_static", "_themes", "latex", "locale", "kexuebook", "tools"]
# The front and back matter may refer to an equation of a real chapter, which no synthetic book holds.
CHAPTER_EQUATION_REF = re.compile(r"\{eq\}`[^`]*`")
PER_LISTING = 50  # articles per listing file, like a blog's archive pages


def sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, 6)
    return f"{words[0]}和{words[1]}之间的关系,决定了{words[2]}如何影响{words[3]}与{words[4]}的{words[5]}。"


def article(number: int, rng: random.Random) -> list[str]:
    year = 2010 + number % 15
    lines = [
        f"合成文章{number}:{rng.choice(WORDS)}与{rng.choice(WORDS)}",
        f"By 合成作者{number % 7} | {year}-{1 + number % 12:02d}-{1 + number % 28:02d} | {rng.randint(100, 99999)}位读者 | 引用"
        + "".join(sentence(rng) for _ in range(3)),
        f"第{number}节的要点",
        "".join(sentence(rng) for _ in range(4)) + f"其中$x_{{{number}}}$服从正态分布。",
        "学而不思则罔,思而不学则殆。",
        f"$$\\sum_{{i=1}}^{{{number}}} p_i\\log p_i\\tag{{1.{number}}}$$",
        "".join(sentence(rng) for _ in range(3)),
        "\\begin{equation}\\frac{\\partial L}{\\partial \\theta}=\\mathbb{E}\\left[x\\right]\\end{equation}",
        "".join(sentence(rng) for _ in range(2)),
    ]
    return lines


def write_book(count: int, target: Path, seed: int = 20261125) -> Path:
    """Write a synthetic book of ``count`` articles into ``target`` (created; must not exist)."""
    rng = random.Random(seed)
    target.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "figures"))
        elif source.exists():
            shutil.copy2(source, target / name)
            if source.suffix == ".md":
                text = source.read_text(encoding="utf-8")
                (target / name).write_text(CHAPTER_EQUATION_REF.sub("（公式见原书）", text), encoding="utf-8")
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    (target / "seeds").mkdir()
    toml = ['[book]\ntitle = "合成书"\nsubtitle = "{count}篇合成文章"\n',
            '[importer]\nchrome_lines = ["最近评论"]\nsource_name = "合成博客"\nsource_site = "https://example.invalid"\nlicence = "CC BY-NC-SA"\n']
    toml += [f'[[parts]]\nslug = "{slug}"\n' for slug in PARTS]
    bib = []
    for first in range(1, count + 1, PER_LISTING):
        numbers = range(first, min(first + PER_LISTING, count + 1))
        lines: list[str] = []
        for number in numbers:
            body = article(number, rng)
            lines += body
            slug = f"synthetic-{number:04d}"
            toml.append(
                f'[[chapters]]\nslug = "{slug}"\npart = "{PARTS[(number - 1) * len(PARTS) // count]}"\n'
                f'title = "{body[0]}"\nbibkey = "{slug}"\n'
            )
            bib.append(f"@misc{{{slug},\n  author = {{合成作者{number % 7}}},\n  title = {{合成文章{number}}},\n  year = {{{2010 + number % 15}}},\n}}\n")
        lines.append("最近评论")
        (target / "seeds" / f"{first:05d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    chapters = target / "chapters"
    chapters.mkdir()
    for slug, title in zip(PARTS, PART_TITLES, strict=True):
        (chapters / slug).mkdir()
        (chapters / slug / "index.md").write_text(f"(part-{slug})=\n# {title}\n\n本部分收录合成文章。\n\n```{{part-toctree}}\n```\n", encoding="utf-8")
    (chapters / "book.toml").write_text("\n".join(toml), encoding="utf-8")
    (target / "references.bib").write_text("\n".join(bib), encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    write_book(args.count, args.target)


if __name__ == "__main__":
    main()
