"""Chapter 2 (变分自编码器（一）): the pieces of a VAE that have a closed form: the
reparameterized sample ``z = mu + sigma * eps``, the gradients it lets through, and the KL
divergence of a diagonal Gaussian encoder to the prior N(0, I) (from :mod:`kexuebook.math.gaussian`).

Variances are passed as variances (``var = sigma^2``), as in :mod:`kexuebook.math.gaussian`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from kexuebook.math.gaussian import kl_to_standard_normal
from kexuebook.math.prose import significant

#: Points the prose quotes: a unit shift of the mean, and a variance shrunk to a tenth.
MU_SHIFT = 1.0
VAR_SMALL = 0.1
VAR_LARGE = 4.0


def reparameterize(mu: ArrayLike, var: ArrayLike, eps: ArrayLike) -> np.ndarray:
    """``z = mu + sqrt(var) * eps``: a draw of N(mu, var) from a draw ``eps`` of N(0, 1)."""
    return np.asarray(mu, dtype=float) + np.sqrt(np.asarray(var, dtype=float)) * np.asarray(eps, dtype=float)


def kl_diagonal(mu: ArrayLike, var: ArrayLike) -> float:
    """KL(N(mu, diag var) || N(0, I)): the sum over dimensions of the one-dimensional KL."""
    return float(np.sum(kl_to_standard_normal(mu, var)))


def kl_grad_mu(mu: ArrayLike, var: ArrayLike) -> np.ndarray:
    """d KL / d mu = mu (elementwise, for the KL of one dimension)."""
    mu, _ = np.broadcast_arrays(np.asarray(mu, dtype=float), np.asarray(var, dtype=float))
    return mu.copy()


def kl_grad_logvar(mu: ArrayLike, var: ArrayLike) -> np.ndarray:
    """d KL / d log(var) = (var - 1) / 2: what a network that outputs ``log var`` receives."""
    _, var = np.broadcast_arrays(np.asarray(mu, dtype=float), np.asarray(var, dtype=float))
    return 0.5 * (var - 1.0)


def pathwise_gradient(df: Callable[[np.ndarray], np.ndarray], mu: float, var: float, eps: ArrayLike) -> tuple[float, float]:
    """Monte Carlo estimate of ``(d/dmu, d/dsigma) E_{z~N(mu, var)} f(z)`` through ``z = mu + sigma eps``:
    the averages of ``f'(z)`` and of ``eps f'(z)``, given the derivative ``df`` of ``f``."""
    eps = np.asarray(eps, dtype=float)
    slope = df(reparameterize(mu, var, eps))
    return float(np.mean(slope)), float(np.mean(eps * slope))



VALUES = {
    "mu_shift": lambda: significant(MU_SHIFT),
    "var_small": lambda: significant(VAR_SMALL),
    "var_large": lambda: significant(VAR_LARGE),
    "kl_mu_shift": lambda: significant(kl_to_standard_normal(MU_SHIFT, 1.0)),
    "kl_var_small": lambda: significant(kl_to_standard_normal(0.0, VAR_SMALL)),
    "kl_var_large": lambda: significant(kl_to_standard_normal(0.0, VAR_LARGE)),
}
