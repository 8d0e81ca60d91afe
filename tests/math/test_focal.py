"""Chapter 3's losses (bookmath.focal): gradients against finite differences, the softened step
against its sigmoid definition (sympy), and the numbers the prose quotes."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from bookmath import focal

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
    np.testing.assert_allclose(focal.hard_truncated(P), np.where(P > 0.5, 0.0, -np.log(P)), rtol=1e-15)
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
