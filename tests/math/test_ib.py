"""Chapter 7's Gaussian information bottleneck (kexuebook.math.ib) against covariance determinants,
Monte Carlo, a grid search, sympy and finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from kexuebook.math import ib

pytestmark = pytest.mark.math


def mi_by_determinant(cov):
    """I(U;V) = log(var U var V / det cov) / 2 for a 2x2 Gaussian covariance."""
    return 0.5 * math.log(cov[0, 0] * cov[1, 1] / np.linalg.det(cov))


@pytest.mark.parametrize("snr", [0.1, 1.0, 7.0, 50.0])
@pytest.mark.parametrize("rho2", [0.3, 0.8])
def test_informations_against_covariances(snr, rho2):
    # X ~ N(0,1), Y = X + N(0, n2) with corr^2 = 1/(1+n2), Z = X + N(0, 1/snr)
    n2 = 1 / rho2 - 1
    cov_xz = np.array([[1.0, 1.0], [1.0, 1.0 + 1 / snr]])
    cov_zy = np.array([[1.0 + 1 / snr, 1.0], [1.0, 1.0 + n2]])
    assert float(ib.information_xz(snr)) == pytest.approx(mi_by_determinant(cov_xz), rel=1e-12)
    assert float(ib.information_zy(snr, rho2)) == pytest.approx(mi_by_determinant(cov_zy), rel=1e-12)


def test_information_xz_by_monte_carlo():
    rng = np.random.default_rng(1999)
    snr, n = 3.0, 400_000
    x = rng.normal(size=n)
    z = x + rng.normal(size=n) / math.sqrt(snr)
    # log p(z|x) - log p(z), with p(z|x) = N(x, 1/snr) and p(z) = N(0, 1 + 1/snr)
    log_cond = -0.5 * np.log(2 * np.pi / snr) - (z - x) ** 2 * snr / 2
    log_marg = -0.5 * np.log(2 * np.pi * (1 + 1 / snr)) - z**2 / (2 * (1 + 1 / snr))
    d = log_cond - log_marg
    assert abs(d.mean() - float(ib.information_xz(snr))) < 5 * d.std() / math.sqrt(n)


@pytest.mark.parametrize("beta", [0.5, 1.0, 1.2, 1.5, 3.0, 10.0])
def test_optimal_snr_against_grid_search(beta):
    grid = np.concatenate([[0.0], np.logspace(-4, 4, 200_001)])
    best = grid[np.argmin(ib.lagrangian(grid, beta))]
    expected = float(ib.optimal_snr(beta))
    assert best == pytest.approx(expected, rel=1e-3, abs=1e-3)


@pytest.mark.parametrize("beta", [1.5, 3.0, 10.0])
def test_stationary_point_by_finite_differences(beta):
    t, h = float(ib.optimal_snr(beta)), 1e-5
    first = (ib.lagrangian(t + h, beta) - ib.lagrangian(t - h, beta)) / (2 * h)
    second = (ib.lagrangian(t + h, beta) - 2 * ib.lagrangian(t, beta) + ib.lagrangian(t - h, beta)) / h**2
    assert abs(first) < 1e-8
    assert second > 0


def test_optimal_snr_symbolically():
    t, beta, rho2 = sp.symbols("t beta rho2", positive=True)
    lag = sp.log(1 + t) / 2 - beta * (sp.log(1 + t) - sp.log(1 + (1 - rho2) * t)) / 2
    (solution,) = sp.solve(sp.diff(lag, t), t)
    for b_, r_ in [(3.0, 0.8), (5.0, 0.5), (2.0, 0.9)]:
        assert float(solution.subs({beta: b_, rho2: r_})) == pytest.approx(float(ib.optimal_snr(b_, r_)), rel=1e-12)


def test_below_the_critical_beta_forgetting_everything_is_optimal():
    beta = 0.95 * ib.critical_beta()
    grid = np.logspace(-6, 4, 10_001)
    assert np.all(ib.lagrangian(grid, beta) > 0.0)  # the Lagrangian is 0 at snr = 0
    assert float(ib.optimal_snr(beta)) == 0.0


@pytest.mark.parametrize("a,noise", [(0.8, 0.36), (1.5, 0.2), (0.2, 2.0)])
def test_vib_rate_bounds_the_information(a, noise):
    rate, info, gap = ib.vib_rate(a, noise), ib.vib_information_xz(a, noise), ib.vib_rate_gap(a, noise)
    assert float(rate) == pytest.approx(float(info + gap), rel=1e-12)
    assert gap >= 0
    rng = np.random.default_rng(17)
    x = rng.normal(size=400_000)
    z = a * x + math.sqrt(noise) * rng.normal(size=x.size)
    log_ratio = -0.5 * np.log(noise) - (z - a * x) ** 2 / (2 * noise) + z**2 / 2
    assert abs(log_ratio.mean() - float(rate)) < 5 * log_ratio.std() / math.sqrt(x.size)
