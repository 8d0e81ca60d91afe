"""Chapter 4 (从SamplePairing到mixup): mixing two samples and their labels, the Beta(alpha, alpha)
law of the mixing weight, SamplePairing, and the penalty mixup puts on a model between samples.

``lam`` is the weight of the first sample: ``x~ = lam x_i + (1 - lam) x_j``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from kexuebook.math.prose import percent, significant

#: The alpha the chapter quotes as a typical choice, and the uniform case alpha = 1 for contrast.
ALPHA_SMALL = 0.2
ALPHA_UNIFORM = 1.0
#: The width of the "near an endpoint" band the prose uses: lam < EDGE or lam > 1 - EDGE.
EDGE = 0.1


def mix(a: ArrayLike, b: ArrayLike, lam: ArrayLike) -> np.ndarray:
    """``lam a + (1 - lam) b``: used alike for inputs and for (one-hot or soft) labels."""
    a, b, lam = np.asarray(a, dtype=float), np.asarray(b, dtype=float), np.asarray(lam, dtype=float)
    return lam * a + (1.0 - lam) * b


def sample_pairing(x_i: ArrayLike, x_j: ArrayLike, y_i: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """SamplePairing: the plain average of two inputs, keeping the first sample's label."""
    return mix(x_i, x_j, 0.5), np.asarray(y_i, dtype=float)


def beta_pdf(lam: ArrayLike, alpha: float, beta: float | None = None) -> np.ndarray:
    """Density of Beta(alpha, beta) (``beta = alpha`` when omitted) on the open interval (0, 1)."""
    beta = alpha if beta is None else beta
    lam = np.asarray(lam, dtype=float)
    log_norm = math.lgamma(alpha + beta) - math.lgamma(alpha) - math.lgamma(beta)
    return np.exp(log_norm + (alpha - 1.0) * np.log(lam) + (beta - 1.0) * np.log1p(-lam))


def sample_lambda(rng: np.random.Generator, alpha: float, size: int | tuple[int, ...]) -> np.ndarray:
    """Draws of the mixing weight, lam ~ Beta(alpha, alpha)."""
    return rng.beta(alpha, alpha, size)


def mean_lam_one_minus_lam(alpha: float) -> float:
    """``E[lam (1 - lam)]`` for lam ~ Beta(alpha, alpha): ``alpha / (2 (2 alpha + 1))``."""
    return alpha / (2.0 * (2.0 * alpha + 1.0))


def mean_lam_one_minus_lam_squared(alpha: float) -> float:
    """``E[lam^2 (1 - lam)^2]`` for lam ~ Beta(alpha, alpha):
    ``B(alpha + 2, alpha + 2) / B(alpha, alpha) = (alpha (alpha + 1))^2 / ((2a)(2a+1)(2a+2)(2a+3))``."""
    a = alpha
    return (a * (a + 1.0)) ** 2 / ((2 * a) * (2 * a + 1) * (2 * a + 2) * (2 * a + 3))


def edge_probability(alpha: float, edge: float = EDGE, n: int = 200_001) -> float:
    """``P(lam < edge or lam > 1 - edge)`` for lam ~ Beta(alpha, alpha), by quadrature.

    The density may be infinite at 0; the substitution ``lam = edge u^(1/alpha)`` makes the
    integrand of ``P(lam < edge)`` smooth, and symmetry doubles it.
    """
    u = np.linspace(0.0, 1.0, n)
    lam = edge * u ** (1.0 / alpha)
    # d lam = edge / alpha * u^(1/alpha - 1) du, and lam^(alpha-1) u^(1/alpha-1) = edge^(alpha-1)
    integrand = (
        math.exp(math.lgamma(2 * alpha) - 2 * math.lgamma(alpha))
        * edge**alpha
        / alpha
        * np.power(1.0 - lam, alpha - 1.0)
    )
    return float(2.0 * np.trapezoid(integrand, u))


def chord_gap(f, x_i: ArrayLike, x_j: ArrayLike, lam: ArrayLike) -> np.ndarray:
    """``f(lam x_i + (1 - lam) x_j) - (lam f(x_i) + (1 - lam) f(x_j))`` for scalar inputs or a
    vector of ``lam``: how far the model bends away from the straight line between two samples."""
    lam = np.asarray(lam, dtype=float)
    return f(mix(x_i, x_j, lam)) - mix(f(x_i), f(x_j), lam)


def quadratic_chord_gap(hessian: ArrayLike, x_i: ArrayLike, x_j: ArrayLike, lam: ArrayLike) -> np.ndarray:
    """The chord gap of a quadratic model ``x^T H x / 2 + b^T x + c``, which is exact:
    ``-lam (1 - lam) d^T H d / 2`` with ``d = x_i - x_j`` (``b`` and ``c`` drop out)."""
    d = np.asarray(x_i, dtype=float) - np.asarray(x_j, dtype=float)
    curvature = float(d @ np.asarray(hessian, dtype=float) @ d)
    lam = np.asarray(lam, dtype=float)
    return -0.5 * lam * (1.0 - lam) * curvature


def bent_model(x: ArrayLike) -> np.ndarray:
    """The figure's example of a model that fits two samples, ``(-1, 0)`` and ``(1, 1)``, exactly
    (the sine vanishes at both) but does not follow the straight line between them."""
    x = np.asarray(x, dtype=float)
    return (x + 1.0) / 2.0 + 0.3 * np.sin(np.pi * (x + 1.0))


def mixup_squared_loss(r_i: float, r_j: float, gap: ArrayLike, lam: ArrayLike) -> np.ndarray:
    """Squared error on a mixed pair, ``(f(x~) - y~)^2``, written through the residuals
    ``r = f(x) - y`` of the two samples and the chord gap: ``(lam r_i + (1 - lam) r_j + gap)^2``."""
    return (mix(r_i, r_j, lam) + np.asarray(gap, dtype=float)) ** 2


#: The limit of the curvature penalty's coefficient E[lam^2 (1 - lam)^2] / 4 as alpha -> infinity
#: (lam -> 1/2): the coefficient grows with alpha but never exceeds (1/16) / 4.
PENALTY_WEIGHT_LIMIT = 1.0 / 64.0


def expected_mixup_squared_loss_quadratic(r_i: float, r_j: float, curvature: float, alpha: float) -> float:
    """``E_lam[(f(x~) - y~)^2]`` for a quadratic model (chord gap ``-lam (1 - lam) c / 2`` with
    ``c = d^T H d``), term by term: the two samples' ordinary loss ``(r_i^2 + r_j^2) / 2``, minus
    ``m (r_i - r_j)^2`` with ``m = E[lam (1 - lam)]``, the coupling ``-c m (r_i + r_j) / 2`` and the
    curvature penalty ``c^2 E[lam^2 (1 - lam)^2] / 4``.  Only the first is ordinary training."""
    m = mean_lam_one_minus_lam(alpha)
    return (
        0.5 * (r_i**2 + r_j**2)
        - m * (r_i - r_j) ** 2
        - curvature * m * (r_i + r_j) / 2.0
        + curvature**2 * mean_lam_one_minus_lam_squared(alpha) / 4.0
    )


def pair_averaged_data_term(residuals: ArrayLike, alpha: float) -> float:
    """The first two terms of the decomposition averaged over pairs drawn independently and
    uniformly from the training set: ``(1 - 2m) mean(r^2) + 2m mean(r)^2``, ``m = E[lam (1 - lam)]``.
    Each sample's own residual keeps the weight ``1 - 2m`` (at least 1/2), so no pairing of
    residuals (``r_i = -r_j``) makes the term vanish unless every residual is zero."""
    r = np.asarray(residuals, dtype=float)
    m = mean_lam_one_minus_lam(alpha)
    return float((1 - 2 * m) * np.mean(r**2) + 2 * m * np.mean(r) ** 2)



VALUES = {
    "alpha_small": lambda: significant(ALPHA_SMALL),
    "alpha_uniform": lambda: significant(ALPHA_UNIFORM),
    "edge": lambda: significant(EDGE),
    "mean_lam_1mlam_small": lambda: significant(mean_lam_one_minus_lam(ALPHA_SMALL)),
    "mean_lam_1mlam_uniform": lambda: significant(mean_lam_one_minus_lam(ALPHA_UNIFORM)),
    "edge_prob_small": lambda: percent(edge_probability(ALPHA_SMALL), 0),
    "edge_prob_uniform": lambda: percent(edge_probability(ALPHA_UNIFORM), 0),
    "penalty_weight_small": lambda: significant(mean_lam_one_minus_lam_squared(ALPHA_SMALL) / 4.0),
    "penalty_weight_uniform": lambda: significant(mean_lam_one_minus_lam_squared(ALPHA_UNIFORM) / 4.0),
    "penalty_weight_limit": lambda: significant(PENALTY_WEIGHT_LIMIT),
    "penalty_share_uniform": lambda: percent(mean_lam_one_minus_lam_squared(ALPHA_UNIFORM) / 4.0 / PENALTY_WEIGHT_LIMIT, 0),
}
