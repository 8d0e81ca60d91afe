"""Chapter 4's mixup (kexuebook.math.mixup): Beta moments against Monte Carlo, the density against
quadrature, the chord gap of a quadratic model against sympy, the penalty identity."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from kexuebook.math import mixup

pytestmark = pytest.mark.math

ALPHAS = [0.1, 0.2, 0.4, 1.0, 2.0]
N = 400_000  # Monte Carlo draws: standard error of a mean of a [0, 1/4]-valued variable < 2e-4


@pytest.mark.parametrize("alpha", [1.0, 1.5, 2.0, 4.0])  # bounded densities; alpha < 1 is checked through edge_probability
def test_beta_density_integrates_to_one(alpha):
    lam = np.linspace(0.0, 1.0, 200_001)[1:-1]
    assert np.trapezoid(mixup.beta_pdf(lam, alpha), lam) == pytest.approx(1.0, abs=3e-5)  # the two end cells are left out: at most ~2e-5


@pytest.mark.parametrize("alpha", ALPHAS)
def test_moments_monte_carlo(alpha):
    lam = mixup.sample_lambda(np.random.default_rng(0), alpha, N)
    g = lam * (1 - lam)
    assert g.mean() == pytest.approx(mixup.mean_lam_one_minus_lam(alpha), abs=1e-3)
    assert (g**2).mean() == pytest.approx(mixup.mean_lam_one_minus_lam_squared(alpha), abs=5e-4)


@pytest.mark.parametrize("alpha", ALPHAS)
def test_edge_probability_monte_carlo(alpha):
    lam = mixup.sample_lambda(np.random.default_rng(1), alpha, N)
    edge = np.mean((lam < mixup.EDGE) | (lam > 1 - mixup.EDGE))
    assert mixup.edge_probability(alpha) == pytest.approx(edge, abs=3e-3)


def test_uniform_case_exact():
    assert mixup.mean_lam_one_minus_lam(1.0) == pytest.approx(1 / 6)
    assert mixup.edge_probability(1.0) == pytest.approx(0.2, abs=1e-9)


def test_beta_moments_symbolic():
    lam, a = sp.symbols("lambda a", positive=True)
    for alpha in (sp.Rational(1, 5), sp.Integer(1), sp.Integer(3)):
        density = lam ** (alpha - 1) * (1 - lam) ** (alpha - 1) / sp.beta(alpha, alpha)
        m1 = sp.integrate(lam * (1 - lam) * density, (lam, 0, 1))
        m2 = sp.integrate((lam * (1 - lam)) ** 2 * density, (lam, 0, 1))
        assert float(m1) == pytest.approx(mixup.mean_lam_one_minus_lam(float(alpha)), rel=1e-12)
        assert float(m2) == pytest.approx(mixup.mean_lam_one_minus_lam_squared(float(alpha)), rel=1e-12)


def test_quadratic_chord_gap_symbolic():
    """f(lam a + (1-lam) b) - lam f(a) - (1-lam) f(b) = -lam (1-lam) (a-b)^T H (a-b) / 2 for quadratic f."""
    lam = sp.Symbol("lambda")
    a = sp.Matrix(sp.symbols("a1 a2"))
    b = sp.Matrix(sp.symbols("b1 b2"))
    h11, h12, h22, c1, c2, c0 = sp.symbols("h11 h12 h22 c1 c2 c0")
    H = sp.Matrix([[h11, h12], [h12, h22]])
    c = sp.Matrix([c1, c2])

    def f(x):
        return (x.T * H * x)[0] / 2 + (c.T * x)[0] + c0

    gap = f(lam * a + (1 - lam) * b) - lam * f(a) - (1 - lam) * f(b)
    d = a - b
    assert sp.expand(gap + lam * (1 - lam) * (d.T * H * d)[0] / 2) == 0


def test_quadratic_chord_gap_numeric():
    rng = np.random.default_rng(2)
    A = rng.normal(size=(3, 3))
    H = A + A.T
    c = rng.normal(size=3)
    x_i, x_j = rng.normal(size=3), rng.normal(size=3)
    lam = np.linspace(0, 1, 11)

    def f(x):
        x = np.atleast_2d(x)
        return 0.5 * np.einsum("ni,ij,nj->n", x, H, x) + x @ c + 0.7

    gap = np.array([mixup.chord_gap(f, x_i, x_j, l)[0] for l in lam])
    np.testing.assert_allclose(gap, mixup.quadratic_chord_gap(H, x_i, x_j, lam), atol=1e-12)


def test_mixup_cross_entropy_is_linear_in_label():
    """Cross entropy against a mixed label is the mix of the two cross entropies."""
    rng = np.random.default_rng(3)
    q = rng.dirichlet(np.ones(5))
    y_i, y_j = np.eye(5)[1], np.eye(5)[3]
    for lam in (0.0, 0.3, 0.5, 1.0):
        lhs = -np.sum(mixup.mix(y_i, y_j, lam) * np.log(q))
        rhs = lam * -np.log(q[1]) + (1 - lam) * -np.log(q[3])
        assert lhs == pytest.approx(rhs, rel=1e-14)


def test_penalty_when_samples_are_fitted():
    """With zero residuals the mixed squared loss is the squared chord gap; for a quadratic model its
    mean over lam is E[lam^2 (1-lam)^2] (d^T H d)^2 / 4 (Monte Carlo)."""
    lam = mixup.sample_lambda(np.random.default_rng(4), 0.4, N)
    H = np.array([[2.0, 0.5], [0.5, -1.0]])
    x_i, x_j = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    gap = mixup.quadratic_chord_gap(H, x_i, x_j, lam)
    loss = mixup.mixup_squared_loss(0.0, 0.0, gap, lam)
    curvature = (x_i - x_j) @ H @ (x_i - x_j)
    assert loss.mean() == pytest.approx(mixup.mean_lam_one_minus_lam_squared(0.4) * curvature**2 / 4, rel=1e-2)


def test_sample_pairing():
    x, y = mixup.sample_pairing([0.0, 2.0], [4.0, 6.0], [1.0, 0.0])
    np.testing.assert_array_equal(x, [2.0, 4.0])
    np.testing.assert_array_equal(y, [1.0, 0.0])


def test_bent_model_fits_both_samples_and_bends():
    np.testing.assert_allclose(mixup.bent_model([-1.0, 1.0]), [0.0, 1.0], atol=1e-15)
    assert np.max(np.abs(mixup.chord_gap(mixup.bent_model, 1.0, -1.0, np.linspace(0, 1, 101)))) > 0.1


@pytest.mark.parametrize("alpha", [0.2, 1.0, 8.0])
@pytest.mark.parametrize("r_i, r_j, c", [(0.0, 0.0, 1.5), (0.3, -0.2, 0.0), (0.4, 0.1, -2.0)])
def test_mixup_loss_decomposition_against_monte_carlo(alpha, r_i, r_j, c):
    """The chapter's decomposition of the mixup squared loss (quadratic model) against sampling."""
    lam = mixup.sample_lambda(np.random.default_rng(3), alpha, N)
    sampled = mixup.mixup_squared_loss(r_i, r_j, -0.5 * lam * (1 - lam) * c, lam)
    stated = mixup.expected_mixup_squared_loss_quadratic(r_i, r_j, c, alpha)
    assert sampled.mean() == pytest.approx(stated, abs=5 * sampled.std() / np.sqrt(N) + 1e-12)


def test_mixup_changes_what_is_asked_at_the_training_points():
    """With unequal residuals the data term is below the ordinary loss: mixup does not ask the
    same as plain training there (the claim 'only the behaviour between points changes' is false)."""
    ordinary = 0.5 * (0.3**2 + 0.2**2)
    assert mixup.expected_mixup_squared_loss_quadratic(0.3, -0.2, 0.0, 1.0) < ordinary - 0.01
    # for one fixed pair, as alpha grows only the pair's residual sum is asked to vanish (averaged
    # over random pairs it is not so: see the test below)
    assert mixup.expected_mixup_squared_loss_quadratic(0.3, -0.3, 0.0, 1e6) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("alpha", [0.2, 1.0, 1e6])
def test_pair_average_keeps_each_residual_at_weight_one_minus_2m(alpha):
    """Averaged over random pairs, the data term is (1-2m) mean(r^2) + 2m mean(r)^2: checked by
    summing the per-pair term over all ordered pairs; for alpha -> infinity each residual keeps
    half its weight, so residuals that cancel pairwise (mean 0) are still penalised."""
    r = np.random.default_rng(5).normal(size=7)
    brute = np.mean([mixup.expected_mixup_squared_loss_quadratic(a, b, 0.0, alpha) for a in r for b in r])
    assert mixup.pair_averaged_data_term(r, alpha) == pytest.approx(brute, rel=1e-12)
    cancelling = np.array([0.3, -0.3, 0.5, -0.5])
    m = mixup.mean_lam_one_minus_lam(alpha)
    assert mixup.pair_averaged_data_term(cancelling, alpha) == pytest.approx((1 - 2 * m) * np.mean(cancelling**2))
    if alpha > 1e5:
        assert 1 - 2 * m == pytest.approx(0.5, abs=1e-6)
        assert mixup.pair_averaged_data_term(cancelling, alpha) > 0.08


def test_curvature_penalty_coefficient_grows_with_alpha_but_is_bounded():
    alphas = np.geomspace(0.01, 1e4, 200)
    weights = np.array([mixup.mean_lam_one_minus_lam_squared(a) / 4 for a in alphas])
    assert np.all(np.diff(weights) > 0) and np.all(weights < mixup.PENALTY_WEIGHT_LIMIT)
    assert weights[-1] == pytest.approx(mixup.PENALTY_WEIGHT_LIMIT, rel=1e-3)
    assert mixup.VALUES["penalty_weight_limit"]() == "0.0156"
