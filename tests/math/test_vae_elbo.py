"""Chapter 7's ELBO decomposition (kexuebook.math.vae) against a 2-D Gaussian KL, Monte Carlo, sympy
and finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from sympy.stats import E as expectation
from sympy.stats import Normal

from kexuebook.math import vae
from kexuebook.math.gaussian import kl_to_standard_normal

pytestmark = pytest.mark.math

MODELS = [
    vae.EXAMPLE,
    vae.LinearGaussianVAE(s2=2.0, a=0.3, enc_var=0.5, b=1.7, dec_var=0.2),
    vae.LinearGaussianVAE(s2=0.5, a=1.2, enc_var=0.1, b=0.6, dec_var=1.3),
]


def joint_kl(m):
    """KL between the two zero-mean Gaussian joints of (x, z), by matrices."""
    sp_ = np.array([[m.s2, m.a * m.s2], [m.a * m.s2, m.a**2 * m.s2 + m.enc_var]])
    sq = np.array([[m.b**2 + m.dec_var, m.b], [m.b, 1.0]])
    inv = np.linalg.inv(sq)
    return 0.5 * (np.trace(inv @ sp_) - 2 + math.log(np.linalg.det(sq) / np.linalg.det(sp_)))


@pytest.mark.parametrize("m", MODELS)
def test_decomposition_equals_the_joint_kl_7_1(m):
    assert vae.objective(m) == pytest.approx(joint_kl(m), rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("m", MODELS)
def test_each_piece_against_monte_carlo(m):
    rng = np.random.default_rng(2018)
    x, z = vae.sample_joint(m, 400_000, rng)

    def log_normal(v, mean, var):
        return -0.5 * np.log(2 * np.pi * var) - (v - mean) ** 2 / (2 * var)

    pieces = {
        "reconstruction": (-log_normal(x, m.b * z, m.dec_var), vae.reconstruction(m)),
        "kl": (log_normal(z, m.a * x, m.enc_var) - log_normal(z, 0, 1), vae.kl_term(m)),
        "constant": (log_normal(x, 0, m.s2), vae.data_log_density(m)),
        "objective": (vae.objective_integrand(x, z, m), vae.objective(m)),
    }
    for name, (samples, value) in pieces.items():
        se = samples.std() / math.sqrt(len(samples))
        assert abs(samples.mean() - value) < 5 * se, name


@pytest.mark.parametrize("m", MODELS)
def test_chain_rule_objective_is_marginal_kl_plus_posterior_gap(m):
    assert vae.objective(m) == pytest.approx(vae.marginal_kl(m) + vae.posterior_gap(m), rel=1e-10)
    assert vae.posterior_gap(m) >= 0
    assert vae.objective(m) >= vae.marginal_kl(m)


def test_posterior_gap_vanishes_for_the_exact_posterior():
    b, dec_var = 1.3, 0.4
    m = vae.LinearGaussianVAE(s2=1.0, a=b / (b**2 + dec_var), enc_var=dec_var / (b**2 + dec_var), b=b, dec_var=dec_var)
    assert vae.posterior_gap(m) == pytest.approx(0.0, abs=1e-12)


def test_kl_to_standard_normal_symbolically():
    mu = sp.symbols("mu", real=True)
    var = sp.symbols("v", positive=True)
    z = Normal("z", mu, sp.sqrt(var))
    log_ratio = -sp.log(sp.sqrt(var)) - (z - mu) ** 2 / (2 * var) + z**2 / 2
    closed = sp.simplify(expectation(log_ratio))
    for m_, v_ in [(0.0, 1.0), (0.7, 0.3), (-1.5, 2.5)]:
        assert float(closed.subs({mu: m_, var: v_})) == pytest.approx(float(kl_to_standard_normal(m_, v_)), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("mu,var", [(0.0, 1.0), (0.8, 0.36), (-1.2, 2.0)])
def test_kl_gradient_by_finite_differences(mu, var):
    h = 1e-6
    g_mu, g_var = vae.kl_to_standard_normal_grad(mu, var)
    fd_mu = (kl_to_standard_normal(mu + h, var) - kl_to_standard_normal(mu - h, var)) / (2 * h)
    fd_var = (kl_to_standard_normal(mu, var + h) - kl_to_standard_normal(mu, var - h)) / (2 * h)
    assert float(g_mu) == pytest.approx(float(fd_mu), abs=1e-7)
    assert float(g_var) == pytest.approx(float(fd_var), abs=1e-7)
