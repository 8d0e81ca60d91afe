"""Chapter 3's losses (kexuebook.math.focal): gradients against finite differences, the softened step
against its sigmoid definition (sympy), and the numbers the prose quotes."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from kexuebook.math import focal

pytestmark = pytest.mark.math

P = np.linspace(0.02, 0.98, 49)
H = 1e-6  # central differences in the logit: truncation error ~H^2, rounding ~1e-16/H


def d_dz(loss, p):
    """d loss / dz at p = sigmoid(z), by central differences in z."""
    z = focal.logit(p)
    return (loss(focal.sigmoid(z + H)) - loss(focal.sigmoid(z - H))) / (2 * H)


def test_cross_entropy_gradient():
    np.testing.assert_allclose(focal.cross_entropy_grad(P), d_dz(focal.cross_entropy, P), atol=1e-8)


@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0, 2.0, 5.0])
def test_focal_gradient(gamma):
    np.testing.assert_allclose(focal.focal_grad(P, gamma), d_dz(lambda p: focal.focal(p, gamma), P), atol=1e-7)


@pytest.mark.parametrize("k", [1.0, 2.0, 5.0, 10.0])
def test_soft_truncated_gradient(k):
    np.testing.assert_allclose(
        focal.soft_truncated_grad(P, k), d_dz(lambda p: focal.soft_truncated(p, k), P), atol=1e-6
    )


def test_soft_weight_is_sigmoid_of_scaled_logit():
    """sigmoid(-k z) with z = log(p/(1-p)) equals (1-p)^k / (p^k + (1-p)^k), symbolically."""
    p, k = sp.symbols("p k", positive=True)
    z = sp.log(p / (1 - p))
    lhs = 1 / (1 + sp.exp(k * z))
    rhs = (1 - p) ** k / (p**k + (1 - p) ** k)
    difference = sp.simplify(sp.powsimp(sp.expand_log(lhs - rhs, force=True), force=True))
    assert difference == 0 or all(
        abs(float(difference.subs({p: pv, k: kv}))) < 1e-12 for pv in (0.1, 0.37, 0.8) for kv in (1, 2.5, 7)
    )
    np.testing.assert_allclose(focal.soft_weight(P, 5.0), focal.sigmoid(-5.0 * focal.logit(P)), rtol=1e-12)


def test_soft_weight_tends_to_hard_step():
    p = np.array([0.3, 0.45, 0.55, 0.7])
    np.testing.assert_allclose(focal.soft_weight(p, 200.0), [1.0, 1.0, 0.0, 0.0], atol=1e-8)


def test_special_cases():
    np.testing.assert_allclose(focal.focal(P, gamma=0.0), focal.cross_entropy(P), rtol=1e-15)
    np.testing.assert_allclose(focal.hard_truncated(P), np.where(P >= 0.5, 0.0, -np.log(P)), rtol=1e-15)
    assert focal.hard_truncated(focal.MARGIN) == 0.0  # theta(0) = 0: the threshold itself is switched off
    assert np.all(focal.focal(P, 2.0) <= focal.cross_entropy(P))


def test_prose_numbers():
    """Focal loss at gamma = 2 keeps (1 - 0.9)^2 = 1/100 of an easy example's cross entropy."""
    assert focal.VALUES["easy_loss_ratio"]() == "0.01"
    assert focal.VALUES["easy_loss_shrink"]() == "100"
    assert float(focal.VALUES["hard_loss_ratio"]()) == pytest.approx(0.81)
    ratio = float(focal.VALUES["easy_grad_ratio"]())
    expected = 0.1**2 * (1 - 2 * 0.9 * np.log(0.9) / 0.1)  # (1-p)^g (g p log p + p - 1) / (p - 1)
    assert ratio == pytest.approx(expected, rel=2e-3)


@pytest.mark.parametrize("q", [0.55, 0.8, 0.95])
def test_focal_optimum_against_grid(q):
    """The minimizer of the expected loss, found by ternary search, against a dense grid; for
    gamma = 0 (cross entropy) it is the true probability q."""
    grid = np.linspace(1e-4, 1 - 1e-4, 200_001)
    for gamma in (0.0, 1.0, 2.0):
        expected = grid[np.argmin(focal.expected_focal(grid, q, gamma))]
        assert focal.focal_optimal_p(q, gamma) == pytest.approx(expected, abs=2e-5)
    assert focal.focal_optimal_p(q, 0.0) == pytest.approx(q, abs=1e-6)  # a flat minimum: ~sqrt(machine eps)
    assert 0.5 < focal.focal_optimal_p(q, 2.0) < q


@pytest.mark.parametrize("gamma", [0.1, 0.5, 1.0, 2.0, 5.0])
def test_focal_gradient_exceeds_cross_entropy_for_the_hardest_examples(gamma):
    """For every gamma > 0, |dFL/dz| > |dCE/dz| below the crossover and < above it (a dense grid
    of the finite-difference gradients, independent of the closed form)."""
    crossover = focal.grad_ratio_crossover(gamma)
    p = np.concatenate([np.geomspace(1e-6, crossover * 0.999, 300), np.linspace(crossover * 1.001, 0.98, 300)])
    ratio = np.abs(d_dz(lambda q: focal.focal(q, gamma), p)) / np.abs(d_dz(focal.cross_entropy, p))
    below = p < crossover
    assert np.all(ratio[below] > 1.0) and np.all(ratio[~below] < 1.0)
    np.testing.assert_allclose(ratio, focal.grad_ratio(p, gamma), rtol=1e-6)


def test_gamma_one_has_the_closed_form_peak():
    """gamma = 1: ratio 1 - p - p log p, maximal at p = e^-2 (value 1 + e^-2), equal to 1 at p = 1/e."""
    p, peak = focal.grad_ratio_peak(1.0)
    assert p == pytest.approx(np.exp(-2.0), rel=1e-6) and peak == pytest.approx(1 + np.exp(-2.0), rel=1e-9)
    assert focal.grad_ratio_crossover(1.0) == pytest.approx(np.exp(-1.0), rel=1e-9)


def test_prose_numbers_on_the_hardest_examples():
    """The chapter says: up to about 22% more gradient at gamma = 2 (around p = 0.1, for p below
    about 0.3) and 39% at gamma = 5; checked against a dense grid."""
    grid = np.geomspace(1e-9, 0.999, 2_000_001)
    for gamma, key in ((2.0, "hard_grad_gain"), (5.0, "hard_grad_gain_large")):
        ratio = np.abs(focal.focal_grad(grid, gamma) / focal.cross_entropy_grad(grid))
        assert focal.VALUES[key]() == f"{100 * (ratio.max() - 1):.0f}%"
    ratio = np.abs(focal.focal_grad(grid, 2.0) / focal.cross_entropy_grad(grid))
    assert float(focal.VALUES["hard_grad_peak_p"]()) == pytest.approx(grid[ratio.argmax()], abs=0.005)
    assert float(focal.VALUES["hard_grad_crossover"]()) == pytest.approx(grid[ratio > 1].max(), abs=0.005)
    assert focal.VALUES["gamma_large"]() == "5"


def test_softened_gradient_bump_against_a_grid():
    """The chapter: the weight-change part peaks near p = 0.49 (not at 1/2), and the softened
    gradient peaks near p = 0.47 at about 1.21, 2.3 times cross entropy's there (finite differences)."""
    p = np.linspace(0.2, 0.8, 60_001)
    g = np.abs(d_dz(focal.soft_truncated, p))
    assert float(focal.VALUES["soft_grad_peak_p"]()) == pytest.approx(p[g.argmax()], abs=0.005)
    assert float(focal.VALUES["soft_grad_peak"]()) == pytest.approx(g.max(), abs=0.005)
    assert float(focal.VALUES["soft_grad_peak_over_ce"]()) == pytest.approx(g.max() / (1 - p[g.argmax()]), abs=0.05)
    w = focal.soft_weight(p)
    change = w * 5.0 * (1 - w) * -np.log(p)
    assert float(focal.VALUES["weight_change_peak_p"]()) == pytest.approx(p[change.argmax()], abs=0.005)
    assert abs(p[change.argmax()] - 0.5) > 0.01  # not at 1/2
    assert float(focal.VALUES["soft_weight_near_half"]()) < 0.75 < 0.98 < float(focal.VALUES["soft_weight_far_below_half"]())
