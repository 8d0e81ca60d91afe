"""Chapter 7: the information bottleneck for jointly Gaussian scalars, where everything is exact.

The source ``X ~ N(0, 1)``; the relevant variable ``Y`` is correlated with ``X``, ``corr(X, Y)^2 = rho2``;
the encoder adds noise, ``Z = X + N(0, 1/snr)``, so ``snr >= 0`` measures how much of ``X`` the code
keeps (``snr = 0``: ``Z`` forgets ``X`` entirely).  Any scalar linear Gaussian encoder is of this
form up to a rescaling of ``Z``, which changes no mutual information.  Logarithms are natural (nats).

The bottleneck asks for the encoder minimising ``I(X;Z) - beta I(Z;Y)``.  The variational bound of
the deep variational IB, ``I(X;Z) <= E_x KL(p(z|x) || r(z))``, is :func:`vib_rate` below.
"""

from __future__ import annotations

from typing import SupportsFloat

import numpy as np
from numpy.typing import ArrayLike

from kexuebook.math.gaussian import kl_normal

# The example of the chapter's figure and prose.
RHO2 = 0.8
BETA_EXAMPLE = 3.0


def mutual_information_from_correlation(rho2: ArrayLike) -> np.ndarray:
    """``I(U;V) = -log(1 - rho^2) / 2`` for jointly Gaussian scalars with squared correlation ``rho2``."""
    return -0.5 * np.log1p(-np.asarray(rho2, dtype=float))


def information_xz(snr: ArrayLike) -> np.ndarray:
    """``I(X;Z) = log(1 + snr) / 2``: the rate, what the code remembers of ``X``."""
    return 0.5 * np.log1p(np.asarray(snr, dtype=float))


def information_zy(snr: ArrayLike, rho2: float = RHO2) -> np.ndarray:
    """``I(Z;Y)``: ``corr(Z, Y)^2 = rho2 snr / (1 + snr)``, so
    ``I(Z;Y) = [log(1 + snr) - log(1 + (1 - rho2) snr)] / 2``."""
    snr = np.asarray(snr, dtype=float)
    return 0.5 * (np.log1p(snr) - np.log1p((1.0 - rho2) * snr))


def lagrangian(snr: ArrayLike, beta: float, rho2: float = RHO2) -> np.ndarray:
    """The IB Lagrangian ``I(X;Z) - beta I(Z;Y)`` of the encoder with signal-to-noise ratio ``snr``."""
    return information_xz(snr) - beta * information_zy(snr, rho2)


def critical_beta(rho2: float = RHO2) -> float:
    """Below ``beta = 1 / rho2`` the best encoder keeps nothing of ``X``."""
    return 1.0 / rho2


def optimal_snr(beta: ArrayLike, rho2: float = RHO2) -> np.ndarray:
    """The minimiser of :func:`lagrangian`: ``max(0, (beta rho2 - 1) / (1 - rho2))``.

    The derivative in ``snr`` is ``[1 - beta + beta (1 - rho2) + (1 - rho2) snr]`` divided by a
    positive factor; it is increasing in ``snr`` and vanishes at the value returned.
    """
    beta = np.asarray(beta, dtype=float)
    return np.maximum(0.0, (beta * rho2 - 1.0) / (1.0 - rho2))


def vib_rate(a: ArrayLike, noise_var: ArrayLike, var_x: float = 1.0) -> np.ndarray:
    """``E_x KL(N(a x, noise_var) || N(0, 1))`` for ``x ~ N(0, var_x)``: the VAE's KL term, which the
    variational IB uses as an upper bound on ``I(X;Z)``."""
    a, noise_var = np.asarray(a, dtype=float), np.asarray(noise_var, dtype=float)
    return 0.5 * (a**2 * var_x + noise_var - np.log(noise_var) - 1.0)


def vib_rate_gap(a: ArrayLike, noise_var: ArrayLike, var_x: float = 1.0) -> np.ndarray:
    """``KL(p(z) || N(0, 1))`` with ``p(z) = N(0, a^2 var_x + noise_var)`` the code's actual
    distribution: the bound :func:`vib_rate` exceeds ``I(X;Z)`` by exactly this much."""
    a, noise_var = np.asarray(a, dtype=float), np.asarray(noise_var, dtype=float)
    return kl_normal(0.0, a**2 * var_x + noise_var, 0.0, 1.0)


def vib_information_xz(a: ArrayLike, noise_var: ArrayLike, var_x: float = 1.0) -> np.ndarray:
    """``I(X;Z)`` of the encoder ``Z = a X + N(0, noise_var)``: ``log(1 + a^2 var_x / noise_var) / 2``."""
    a, noise_var = np.asarray(a, dtype=float), np.asarray(noise_var, dtype=float)
    return 0.5 * np.log1p(a**2 * var_x / noise_var)


def _f(x: SupportsFloat, digits: int = 3) -> str:
    return f"{float(x):.{digits}f}"


VALUES = {
    "rho2": lambda: f"{RHO2}",
    "critical_beta": lambda: _f(critical_beta(), 2),
    "information_xy": lambda: _f(mutual_information_from_correlation(RHO2)),
    "beta_example": lambda: f"{BETA_EXAMPLE:g}",
    "snr_at_beta_example": lambda: _f(optimal_snr(BETA_EXAMPLE), 1),
    "ixz_at_beta_example": lambda: _f(information_xz(optimal_snr(BETA_EXAMPLE))),
    "izy_at_beta_example": lambda: _f(information_zy(optimal_snr(BETA_EXAMPLE))),
    "izy_share_at_beta_example": lambda: f"{100 * information_zy(optimal_snr(BETA_EXAMPLE)) / mutual_information_from_correlation(RHO2):.0f}%",
}
