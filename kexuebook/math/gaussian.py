"""Gaussians: the closed-form KL divergence the VAE chapters use."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def kl_normal(mu1: ArrayLike, var1: ArrayLike, mu2: ArrayLike, var2: ArrayLike) -> np.ndarray:
    """KL(N(mu1, var1) || N(mu2, var2)) for one-dimensional normals (elementwise)."""
    mu1, var1, mu2, var2 = map(np.asarray, (mu1, var1, mu2, var2))
    return 0.5 * (np.log(var2 / var1) + (var1 + (mu1 - mu2) ** 2) / var2 - 1.0)


def kl_to_standard_normal(mu: ArrayLike, var: ArrayLike) -> np.ndarray:
    """KL(N(mu, var) || N(0, 1)) = (mu^2 + var - log var - 1) / 2, elementwise."""
    mu, var = np.asarray(mu), np.asarray(var)
    return 0.5 * (mu**2 + var - np.log(var) - 1.0)
