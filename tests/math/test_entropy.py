"""Chapter 6's formulas (kexuebook.math.entropy) against independent recomputation and sympy."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from kexuebook.math import entropy as ent

pytestmark = pytest.mark.math

CORPUS = ent.load_corpus()


def independent_total_bits(items):
    _, counts = np.unique(np.array(items, dtype=object).astype(str), return_counts=True)
    p = counts / counts.sum()
    return float(-(counts * np.log2(p)).sum())


def test_corpus_is_segmented_text():
    assert len(CORPUS) >= 30
    chars = ent.tokens(ent.as_characters(CORPUS))
    assert "".join(chars) == "".join(ent.tokens(CORPUS))


@pytest.mark.parametrize("segment", [ent.as_characters, lambda s: s, ent.as_whole_sentences], ids=["char", "word", "sentence"])
def test_total_bits_equations_2_1_and_2_2(segment):
    items = ent.tokens(segment(CORPUS))
    assert ent.total_bits(items) == pytest.approx(independent_total_bits(items), rel=1e-12)
    # Monte Carlo: the entropy is the mean surprisal of a token drawn at random from the corpus
    rng = np.random.default_rng(11)
    values, counts = np.unique(np.array(items, dtype=object).astype(str), return_counts=True)
    surprisal = -np.log2(counts / counts.sum())
    draws = surprisal[rng.choice(len(values), size=200_000, p=counts / counts.sum())]
    assert ent.entropy_bits(items) == pytest.approx(draws.mean(), abs=5 * draws.std() / math.sqrt(len(draws)) + 1e-9)


def test_bits_per_character_is_word_entropy_over_mean_word_length():
    words = ent.tokens(CORPUS)
    n_chars = ent.n_characters(words)
    assert ent.bits_per_character(words) == pytest.approx(ent.entropy_bits(words) / (n_chars / len(words)), rel=1e-12)


def test_merge_gain_is_the_change_of_total_bits():
    chars = ent.as_characters(CORPUS)
    before = independent_total_bits(ent.tokens(chars))
    for a, b, n, n_a, n_b, n_ab in ent.pair_statistics(chars):
        after = independent_total_bits(ent.tokens(ent.merge_pair(chars, a, b)))
        assert ent.merge_gain_bits(n, n_a, n_b, n_ab) == pytest.approx(after - before, abs=1e-9)


def test_merge_gain_first_order_term_symbolically():
    """exact - approx is O(k^2): (exact - approx) / k -> 0 as k -> 0 (natural logs)."""
    k, n, na, nb = sp.symbols("k n n_a n_b", positive=True)
    f = lambda x: x * sp.log(x)
    exact = f(n - k) - f(n) - (f(na - k) - f(na)) - (f(nb - k) - f(nb)) - f(k)
    approx = -k * (sp.log(k * n / (na * nb)) - 1)
    assert sp.limit(sp.expand_log((exact - approx) / k, force=True), k, 0) == 0


def test_merge_gain_approximation_for_a_rare_pair():
    args = (10**6, 10**4, 2 * 10**4, 100)
    assert ent.merge_gain_approx_bits(*args) == pytest.approx(ent.merge_gain_bits(*args), rel=0.02)


def test_lexicon_cost_of_whole_sentences_equals_the_character_corpus_cost():
    # every sentence is distinct, so spelling the lexicon spells the corpus once
    chars = ent.tokens(ent.as_characters(CORPUS))
    probs = ent.character_probabilities(chars)
    sentences = ent.tokens(ent.as_whole_sentences(CORPUS))
    assert len(set(sentences)) == len(sentences)
    assert ent.lexicon_bits(sentences, probs) == pytest.approx(independent_total_bits(chars), rel=1e-12)


def test_pair_net_gain_adds_the_spelling_cost():
    chars = ent.tokens(ent.as_characters(CORPUS))
    probs = ent.character_probabilities(chars)
    n, n_a, n_b, n_ab = ent._pair("学", "习")
    spelling = -math.log2(probs["学"]) - math.log2(probs["习"])
    assert ent.pair_net_gain_bits(CORPUS, "学", "习") == pytest.approx(ent.merge_gain_bits(n, n_a, n_b, n_ab) + spelling)


def test_the_chapter_ranking():
    s = ent.summary()
    assert s["word_bits_per_char"] < s["char_bits_per_char"]
    with_lexicon = {k: s[f"{k}_bits_per_char"] + s[f"{k}_lexicon_bits_per_char"] for k in ("char", "word", "sentence")}
    assert min(with_lexicon, key=with_lexicon.get) == "word"
