"""Chapter 5's formulas (kexuebook.math.dropout) against Monte Carlo, sympy and exact enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp

from kexuebook.math import dropout

pytestmark = pytest.mark.math


@pytest.mark.parametrize("p", [0.1, 0.15, 0.5, 0.75])
def test_inverted_dropout_keeps_the_mean_and_has_the_stated_variance(p):
    rng = np.random.default_rng(5)
    x = np.array([0.5, -1.0, 2.0])
    n = 200_000
    draws = dropout.inverted_dropout(np.tile(x, (n, 1)), p, rng)
    var = dropout.output_variance(x, p)
    # mean: within 5 standard errors; variance: within 3% (relative)
    assert np.all(np.abs(draws.mean(axis=0) - x) < 5 * np.sqrt(var / n))
    np.testing.assert_allclose(draws.var(axis=0), var, rtol=0.03)


def test_scaled_mask_moments_symbolically():
    p = sp.symbols("p", positive=True)
    # m is 1 with probability 1 - p and 0 with probability p; the output is m / (1 - p)
    mean = (1 - p) * (1 / (1 - p)) + p * 0
    second = (1 - p) * (1 / (1 - p)) ** 2
    var = sp.simplify(second - mean**2)
    for value in (0.1, 0.3, 0.5, 0.9):
        m, v = dropout.scaled_mask_moments(value)
        assert m == pytest.approx(float(mean.subs(p, value)), abs=1e-12)
        assert v == pytest.approx(float(var.subs(p, value)), rel=1e-12)


def test_bernoulli_mask_keep_rate():
    rng = np.random.default_rng(1)
    mask = dropout.bernoulli_mask(100_000, 0.3, rng)
    assert set(np.unique(mask)) == {0.0, 1.0}
    assert mask.mean() == pytest.approx(0.7, abs=5 * np.sqrt(0.21 / 100_000))


def test_mlm_expected_input_against_sampling():
    weights = dropout.mlm_input_weights()
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-15)
    rng = np.random.default_rng(7)
    vocabulary = rng.normal(size=(50, 4))
    token, mask = vocabulary[3], rng.normal(size=4)
    n = 400_000
    samples = dropout.mlm_sample_input(token, mask, vocabulary, rng, n)
    expected = dropout.mlm_expected_input(token, mask, vocabulary.mean(axis=0))
    # each coordinate's mean within 5 standard errors of the stated expectation
    np.testing.assert_array_less(np.abs(samples.mean(axis=0) - expected), 5 * samples.std(axis=0) / np.sqrt(n))


def test_attention_is_softmax_weighted_average():
    rng = np.random.default_rng(2)
    s, v = rng.normal(size=6), rng.normal(size=(6, 3))
    softmax = np.exp(s) / np.exp(s).sum()
    np.testing.assert_allclose(dropout.attention(s, v), softmax @ v, rtol=1e-12)
    keep = np.array([1, 0, 1, 1, 0, 1])
    sub = np.exp(s[keep == 1]) / np.exp(s[keep == 1]).sum()
    np.testing.assert_allclose(dropout.attention(s, v, keep), sub @ v[keep == 1], rtol=1e-12)


def test_dropping_tokens_keeps_numerator_and_denominator_in_proportion():
    """Exact enumeration of all 2^n keep patterns: E[num] = (1-p) num, E[den] = (1-p) den."""
    rng = np.random.default_rng(3)
    n, p = 8, 0.75
    s, v = rng.normal(size=n), rng.normal(size=(n, 2))
    e = np.exp(s)
    num, den, ratio, mass = np.zeros(2), 0.0, np.zeros(2), 0.0
    for bits in itertools.product([0, 1], repeat=n):
        keep = np.array(bits, dtype=float)
        weight = (1 - p) ** keep.sum() * p ** (n - keep.sum())
        num = num + weight * (keep * e) @ v
        den += weight * (keep * e).sum()
        if keep.any():
            ratio = ratio + weight * dropout.attention(s, v, keep)
            mass += weight
    np.testing.assert_allclose(num, (1 - p) * e @ v, rtol=1e-12)
    assert den == pytest.approx((1 - p) * e.sum(), rel=1e-12)
    # the Monte Carlo mean of the library matches the exact conditional expectation
    mc = dropout.dropped_attention_mean(s, v, p, np.random.default_rng(4), 40_000)
    np.testing.assert_allclose(mc, ratio / mass, atol=0.02)


def test_exact_expectation_against_enumeration():
    """The one-integral formula for E[attention over kept tokens] equals the exact average over
    all 2^n keep patterns (n = 8; the all-dropped pattern, of probability p^n, left out)."""
    rng = np.random.default_rng(3)
    n, p = 8, 0.75
    s, v = rng.normal(size=n), rng.normal(size=(n, 2))
    total = np.zeros(2)
    for bits in itertools.product([0, 1], repeat=n):
        keep = np.array(bits, dtype=float)
        if keep.any():
            total = total + (1 - p) ** keep.sum() * p ** (n - keep.sum()) * dropout.attention(s, v, keep)
    np.testing.assert_allclose(dropout.dropped_attention_expectation(s, v, p), total, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_exact_expectation_against_monte_carlo_with_any_seed(seed):
    """The chapter's example (196 positions, 75% dropped): 20,000 draws with any seed land within
    5 standard errors of the exact expectation, coordinate by coordinate."""
    rng = np.random.default_rng(dropout.MAE_EXAMPLE_SEED)
    s, v = rng.normal(size=dropout.MAE_PATCHES), rng.normal(size=(dropout.MAE_PATCHES, dropout.MAE_VALUE_DIM))
    keep = (np.random.default_rng(seed).random((20_000, len(s))) >= dropout.MAE_MASK_RATIO).astype(float)
    w = keep * np.exp(s - s.max())
    outputs = (w @ v) / w.sum(axis=1, keepdims=True)
    exact = dropout.dropped_attention_expectation(s, v, dropout.MAE_MASK_RATIO)
    np.testing.assert_array_less(np.abs(outputs.mean(axis=0) - exact), 5 * outputs.std(axis=0) / np.sqrt(len(w)))


def test_printed_biases_do_not_depend_on_a_random_seed_or_the_grid():
    """The printed figures are exact: no Monte Carlo seed enters them, and a four times finer
    quadrature grid prints the same digits.  Without renormalisation the bias is exactly p."""
    renormalised, unscaled = dropout.mae_example()
    assert unscaled == pytest.approx(dropout.MAE_MASK_RATIO, abs=1e-12)
    rng = np.random.default_rng(dropout.MAE_EXAMPLE_SEED)
    s, v = rng.normal(size=dropout.MAE_PATCHES), rng.normal(size=(dropout.MAE_PATCHES, dropout.MAE_VALUE_DIM))
    full = dropout.attention(s, v)
    finer = dropout.dropped_attention_expectation(s, v, dropout.MAE_MASK_RATIO, grid=80_001)
    assert f"{100 * np.linalg.norm(finer - full) / np.linalg.norm(full):.1f}%" == dropout.VALUES["mae_renormalised_error"]()
    assert dropout.VALUES["mae_unscaled_error"]() == "75%"
    assert renormalised < 0.1 * unscaled


def test_bias_shrinks_with_the_number_of_positions():
    """The chapter's claim, with its standard errors: the mean bias over random instances falls
    from 49 to 196 to 784 positions, and another set of instances agrees within 3 standard errors."""
    means = [dropout.mae_bias_over_instances(n) for n in dropout.BIAS_POSITIONS]
    assert means[0][0] > means[1][0] > means[2][0]
    for n, (mean, se) in zip(dropout.BIAS_POSITIONS, means, strict=True):
        other, other_se = dropout.mae_bias_over_instances(n, first_seed=100)
        assert abs(other - mean) < 3 * np.hypot(se, other_se)
