"""Chapter 2's Gaussian pieces (kexuebook.math.gaussian, kexuebook.math.reparam): the closed-form KL against
sympy integration and Monte Carlo, its gradients against finite differences, and the
reparameterized gradient against the exact one."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from kexuebook.math import reparam
from kexuebook.math.gaussian import kl_normal, kl_to_standard_normal

pytestmark = pytest.mark.math

CASES = [(0.0, 1.0), (1.0, 1.0), (0.0, 0.1), (-0.7, 2.5), (2.0, 0.3)]


def test_kl_symbolic():
    """KL(N(m, s^2) || N(0, 1)) = (m^2 + s^2 - log s^2 - 1) / 2 by integrating p log(p/q) symbolically."""
    x = sp.Symbol("x", real=True)
    m = sp.Symbol("m", real=True)
    s = sp.Symbol("s", positive=True)
    p = sp.exp(-((x - m) ** 2) / (2 * s**2)) / sp.sqrt(2 * sp.pi * s**2)
    log_ratio = sp.expand(sp.expand_log(sp.log(p), force=True) - (-(x**2) / 2 - sp.log(2 * sp.pi) / 2))
    kl = sp.integrate(sp.expand(p * log_ratio), (x, -sp.oo, sp.oo))
    closed = (m**2 + s**2 - sp.log(s**2) - 1) / 2
    assert sp.simplify(sp.expand_log(kl - closed, force=True)) == 0


@pytest.mark.parametrize("mu, var", CASES)
def test_kl_monte_carlo(mu, var):
    """E_p[log p(z) - log q(z)] by 10^6 draws (fixed seed); tolerance ~5 standard errors."""
    rng = np.random.default_rng(0)
    z = mu + np.sqrt(var) * rng.standard_normal(1_000_000)
    log_p = -0.5 * np.log(2 * np.pi * var) - (z - mu) ** 2 / (2 * var)
    log_q = -0.5 * np.log(2 * np.pi) - z**2 / 2
    samples = log_p - log_q
    stderr = samples.std() / np.sqrt(len(samples))
    assert samples.mean() == pytest.approx(float(kl_to_standard_normal(mu, var)), abs=5 * stderr + 1e-12)


def test_general_kl_reduces_and_vanishes():
    for mu, var in CASES:
        assert float(kl_normal(mu, var, 0.0, 1.0)) == pytest.approx(float(kl_to_standard_normal(mu, var)))
        assert float(kl_normal(mu, var, mu, var)) == pytest.approx(0.0, abs=1e-15)
    assert float(kl_to_standard_normal(0.0, 1.0)) == 0.0


@pytest.mark.parametrize("mu, var", CASES)
def test_kl_gradients_finite_differences(mu, var):
    h = 1e-6
    d_mu = (kl_to_standard_normal(mu + h, var) - kl_to_standard_normal(mu - h, var)) / (2 * h)
    logvar = np.log(var)
    d_logvar = (kl_to_standard_normal(mu, np.exp(logvar + h)) - kl_to_standard_normal(mu, np.exp(logvar - h))) / (2 * h)
    assert float(reparam.kl_grad_mu(mu, var)) == pytest.approx(float(d_mu), abs=1e-7)
    assert float(reparam.kl_grad_logvar(mu, var)) == pytest.approx(float(d_logvar), abs=1e-7)


def test_kl_diagonal_sums_dimensions():
    mu, var = np.array([0.5, -1.0, 0.0]), np.array([1.0, 0.2, 3.0])
    assert reparam.kl_diagonal(mu, var) == pytest.approx(sum(float(kl_to_standard_normal(m, v)) for m, v in zip(mu, var, strict=True)))


def test_reparameterized_sample_has_right_law():
    eps = np.random.default_rng(1).standard_normal(1_000_000)
    z = reparam.reparameterize(1.5, 0.25, eps)
    assert z.mean() == pytest.approx(1.5, abs=3e-3)  # standard error 5e-4
    assert z.var() == pytest.approx(0.25, rel=5e-3)


@pytest.mark.parametrize("mu, var", [(0.3, 0.5), (-1.0, 2.0)])
def test_pathwise_gradient_of_second_moment(mu, var):
    """E z^2 = mu^2 + sigma^2, so d/dmu = 2 mu and d/dsigma = 2 sigma; the reparameterized Monte Carlo
    estimate (f'(z) = 2z) must agree within a few standard errors."""
    eps = np.random.default_rng(2).standard_normal(1_000_000)
    g_mu, g_sigma = reparam.pathwise_gradient(lambda z: 2 * z, mu, var, eps)
    assert g_mu == pytest.approx(2 * mu, abs=1e-2)
    assert g_sigma == pytest.approx(2 * np.sqrt(var), abs=1e-2)


def test_prose_numbers():
    assert reparam.VALUES["kl_mu_shift"]() == "0.5"
    assert float(reparam.VALUES["kl_var_small"]()) == pytest.approx((0.1 - np.log(0.1) - 1) / 2, rel=2e-3)
