"""Chapter 7 (论遗忘的重要性): the VAE objective in KL form, equation (7.1), split into a
reconstruction term, a KL term and a constant, for a model where every piece has a closed form.

The model (one-dimensional, everything Gaussian): data ``x ~ N(0, s2)`` plays the part of
``p~(x)``; the encoder is ``p(z|x) = N(a x, enc_var)``; the prior ``q(z) = N(0, 1)``; the decoder is
``q(x|z) = N(b z, dec_var)``.  Logarithms are natural (nats).  The Gaussian KL comes from
:mod:`kexuebook.math.gaussian`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from kexuebook.math.gaussian import kl_normal, kl_to_standard_normal


@dataclass(frozen=True)
class LinearGaussianVAE:
    """Data variance ``s2``, encoder ``z = a x + sqrt(enc_var) e``, decoder ``x = b z + sqrt(dec_var) e``."""

    s2: float
    a: float
    enc_var: float
    b: float
    dec_var: float


# The example whose numbers the chapter prints.
EXAMPLE = LinearGaussianVAE(s2=1.0, a=0.8, enc_var=0.36, b=1.0, dec_var=0.5)


def reconstruction(m: LinearGaussianVAE) -> float:
    """``E_{x~p~} E_{z~p(z|x)} [-log q(x|z)]``: the expected negative log-likelihood of the decoder.

    With ``z = a x + sqrt(enc_var) e`` the residual ``x - b z`` has variance
    ``(1 - a b)^2 s2 + b^2 enc_var``.
    """
    residual = (1.0 - m.a * m.b) ** 2 * m.s2 + m.b**2 * m.enc_var
    return 0.5 * math.log(2.0 * math.pi * m.dec_var) + residual / (2.0 * m.dec_var)


def kl_term(m: LinearGaussianVAE) -> float:
    """``E_{x~p~} KL(p(z|x) || q(z))``.  The KL to ``N(0, 1)`` is linear in ``mu^2``, so its average over
    ``x`` is the KL at ``mu^2 = a^2 s2``."""
    return float(kl_to_standard_normal(m.a * math.sqrt(m.s2), m.enc_var))


def data_log_density(m: LinearGaussianVAE) -> float:
    """``E_{x~p~} log p~(x) = -H(p~)``, the constant of the decomposition."""
    return -0.5 * math.log(2.0 * math.pi * math.e * m.s2)


def objective(m: LinearGaussianVAE) -> float:
    """Equation (7.1) as the sum of its three pieces: reconstruction + KL term - H(p~)."""
    return reconstruction(m) + kl_term(m) + data_log_density(m)


def objective_integrand(x: ArrayLike, z: ArrayLike, m: LinearGaussianVAE) -> np.ndarray:
    """``log [p~(x) p(z|x) / (q(x|z) q(z))]``, whose mean under ``p~(x) p(z|x)`` is equation (7.1)."""
    x, z = np.asarray(x, dtype=float), np.asarray(z, dtype=float)

    def log_normal(v, mean, var):
        return -0.5 * np.log(2.0 * np.pi * var) - (v - mean) ** 2 / (2.0 * var)

    return (
        log_normal(x, 0.0, m.s2)
        + log_normal(z, m.a * x, m.enc_var)
        - log_normal(x, m.b * z, m.dec_var)
        - log_normal(z, 0.0, 1.0)
    )


def sample_joint(m: LinearGaussianVAE, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` draws of ``(x, z)`` from ``p~(x) p(z|x)`` (the reparameterisation ``z = a x + sigma e``)."""
    x = rng.normal(0.0, math.sqrt(m.s2), n)
    z = m.a * x + math.sqrt(m.enc_var) * rng.normal(size=n)
    return x, z


def marginal_kl(m: LinearGaussianVAE) -> float:
    """``KL(p~(x) || q(x))`` with the model's marginal ``q(x) = N(0, b^2 + dec_var)``."""
    return float(kl_normal(0.0, m.s2, 0.0, m.b**2 + m.dec_var))


def posterior_gap(m: LinearGaussianVAE) -> float:
    """``E_{x~p~} KL(p(z|x) || q(z|x))`` with the decoder's exact posterior
    ``q(z|x) = N(b x / (b^2 + dec_var), dec_var / (b^2 + dec_var))``: how far (7.1) lies above
    :func:`marginal_kl`."""
    c = m.b / (m.b**2 + m.dec_var)
    v = m.dec_var / (m.b**2 + m.dec_var)
    # KL between the two normals is quadratic in the mean difference (a - c) x: average it over x.
    return float(kl_normal(0.0, m.enc_var, 0.0, v) + (m.a - c) ** 2 * m.s2 / (2.0 * v))


def kl_to_standard_normal_grad(mu: ArrayLike, var: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Gradient of ``KL(N(mu, var) || N(0, 1))`` in ``mu`` and in ``var``: ``(mu, (1 - 1/var) / 2)``."""
    mu, var = np.asarray(mu, dtype=float), np.asarray(var, dtype=float)
    return mu, 0.5 * (1.0 - 1.0 / var)


def _f(x: float) -> str:
    return f"{x:.3f}"


VALUES = {
    "example_a": lambda: f"{EXAMPLE.a}",
    "example_enc_var": lambda: f"{EXAMPLE.enc_var}",
    "example_b": lambda: f"{EXAMPLE.b}",
    "example_dec_var": lambda: f"{EXAMPLE.dec_var}",
    "example_reconstruction": lambda: _f(reconstruction(EXAMPLE)),
    "example_kl": lambda: _f(kl_term(EXAMPLE)),
    "example_neg_entropy": lambda: _f(data_log_density(EXAMPLE)),
    "example_objective": lambda: _f(objective(EXAMPLE)),
    "example_marginal_kl": lambda: _f(marginal_kl(EXAMPLE)),
    "example_posterior_gap": lambda: _f(posterior_gap(EXAMPLE)),
}
