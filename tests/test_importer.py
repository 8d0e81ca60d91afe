"""The importer against its oracle, the reviewed golden text, and the committed files (no drift)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT
from kexuebook.catalog import MAX_OVERRIDES_PER_SEED, load_catalog
from kexuebook.importer.model import MATH_KINDS, Kind
from kexuebook.importer.parse import read_listing
from kexuebook.importer.punctuation import restore
from kexuebook.importer.render import restored_text

SEED = ROOT / "seeds" / "000_170a4f6d82912704.txt"
ORACLE = Path(__file__).parent / "seed-line-kinds.tsv"
GOLDEN = Path(__file__).parent / "golden" / "restored.txt"
CATALOG = load_catalog(ROOT / "chapters" / "book.toml")


def oracle() -> list[tuple[int, str]]:
    rows = [line.split("\t") for line in ORACLE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return [(int(row[0]), row[1]) for row in rows]


def classify(overrides) -> list[tuple[int, str]]:
    _, kinds = read_listing(SEED, overrides, CATALOG.chrome_lines)
    return [(k.line, k.kind) for k in kinds]


def test_every_line_is_classified_as_the_oracle_says():
    assert classify(CATALOG.overrides.get(SEED.name)) == oracle()


def test_overrides_are_few_and_the_rules_decide_every_other_line():
    overrides = CATALOG.overrides.get(SEED.name, {})
    assert len(overrides) <= MAX_OVERRIDES_PER_SEED
    without = dict(classify({}))
    wrong = {line for line, kind in oracle() if without[line] != kind}
    assert wrong == set(overrides), "the heuristics alone must get every line right but the overridden ones"


def test_restored_text_equals_the_reviewed_golden_file():
    articles, _ = read_listing(SEED, CATALOG.overrides.get(SEED.name), CATALOG.chrome_lines)
    lines = []
    for article in articles:
        lines.append(f"# {restored_text(article.title)}")
        for block in article.blocks:
            if block.kind in MATH_KINDS:
                lines.append(f"{block.line}\t$$ {block.text} $$" + (f" ({block.tag})" if block.tag else ""))
            else:
                lines.append(f"{block.line}\t{restored_text(block.text)}")
    assert "\n".join(lines) + "\n" == GOLDEN.read_text(encoding="utf-8")


def test_articles_carry_their_byline_facts():
    articles, _ = read_listing(SEED, CATALOG.overrides.get(SEED.name), CATALOG.chrome_lines)
    assert len(articles) == len(CATALOG.chapters)
    vae = next(a for a in articles if CATALOG.chapter_for(a.title).slug == "vae")
    assert (vae.author, vae.date.isoformat(), vae.readers) == ("苏剑林", "2018-03-18", 975041)
    # chrome never reaches an article: the byline's 引用 and the closing 最近评论
    texts = [b.text for a in articles for b in a.blocks]
    assert not any(t.startswith("引用") or t == "最近评论" for t in texts)
    tagged = [b.tag for a in articles for b in a.blocks if b.kind is Kind.MATH_TAGGED]
    assert tagged == ["2.1", "2.2"]


@pytest.mark.parametrize(
    ("scraped", "restored"),
    [
        ("变分自编码器(Variational Auto-Encoder,VAE)是个好东西", "变分自编码器（Variational Auto-Encoder，VAE）是个好东西"),
        ("怎么选芒果...", "怎么选芒果……"),
        ("新年快乐!愿大家都晋升为学神。^_^", "新年快乐！愿大家都晋升为学神。^_^"),
        ("如何评价kaiming的Focal Loss for Dense Object Detection?", "如何评价kaiming的Focal Loss for Dense Object Detection？"),
        ("见论文《mixup: Beyond Empirical Risk Minimization》", "见论文《mixup: Beyond Empirical Risk Minimization》"),
        ("在3:00左右,约1,000人", "在3:00左右，约1,000人"),
        ("地址是https://kexue.fm/archives/5253,欢迎", "地址是https://kexue.fm/archives/5253，欢迎"),
        ("Deep Learning: A Review", "Deep Learning: A Review"),
    ],
)
def test_punctuation_is_restored_where_the_sentence_is_chinese(scraped, restored):
    assert restore(scraped) == restored


def test_committed_generated_files_equal_the_importers_output():
    result = subprocess.run([sys.executable, "-m", "kexuebook.importer", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"generated files drifted from the importer (run `make import`):\n{result.stderr}"

