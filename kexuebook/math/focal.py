"""Chapter 3 (从loss的硬截断、软化到focal loss): cross entropy, its hard truncation, the
sigmoid-softened truncation and focal loss, all as functions of ``p``, the probability the model
gives to the true class, with their derivatives with respect to the logit ``z`` (``p = sigmoid(z)``).

Natural logarithms throughout.  ``p`` may be an array; every function works elementwise.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from kexuebook.math.prose import percent, significant

#: The threshold of the hard truncation used in the chapter: an example counts as learnt once the
#: true class gets more than this probability.
MARGIN = 0.5
#: The sharpness of the softened step used in the chapter's figure.
SOFT_K = 5.0
#: The focusing parameter most used in the focal-loss paper, and the "easy" and "hard" examples the
#: prose quotes.
GAMMA = 2.0
P_EASY = 0.9
P_HARD = 0.1
#: A barely learnt example, where the softened truncation has already switched most of the loss off.
P_MID = 0.6
#: Where the softened weight is quoted: just below 1/2, and well below it.
P_NEAR_HALF, P_FAR_BELOW_HALF = 0.45, 0.3
#: A large focusing parameter, for the remark on the hardest examples.
GAMMA_LARGE = 5.0
#: A true class probability, for the calibration remark.
Q_TRUE = 0.8


def sigmoid(z: ArrayLike) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))``."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def logit(p: ArrayLike) -> np.ndarray:
    """The inverse of :func:`sigmoid`: ``log(p / (1 - p))``."""
    p = np.asarray(p, dtype=float)
    return np.log(p) - np.log1p(-p)


def cross_entropy(p: ArrayLike) -> np.ndarray:
    """Cross entropy of one example whose true class gets probability ``p``: ``-log p``."""
    return -np.log(np.asarray(p, dtype=float))


def hard_truncated(p: ArrayLike, margin: float = MARGIN) -> np.ndarray:
    """Cross entropy switched off once ``p >= margin``: ``-theta(margin - p) log p`` with
    ``theta(0) = 0``, as the chapter defines the step."""
    p = np.asarray(p, dtype=float)
    return np.where(p >= margin, 0.0, 1.0) * cross_entropy(p)


def soft_weight(p: ArrayLike, k: float = SOFT_K) -> np.ndarray:
    """The softened step ``sigmoid(-k z)`` at ``z = logit(p)``, written in ``p``:
    ``(1 - p)^k / (p^k + (1 - p)^k)``.  It replaces ``theta(1/2 - p)``."""
    p = np.asarray(p, dtype=float)
    q = 1.0 - p
    return q**k / (p**k + q**k)


def soft_truncated(p: ArrayLike, k: float = SOFT_K) -> np.ndarray:
    """The sigmoid-softened truncation ``-sigmoid(-k z) log p``."""
    return soft_weight(p, k) * cross_entropy(p)


def focal(p: ArrayLike, gamma: float = GAMMA, alpha: float = 1.0) -> np.ndarray:
    """Focal loss ``-alpha (1 - p)^gamma log p``; ``gamma = 0``, ``alpha = 1`` is cross entropy."""
    p = np.asarray(p, dtype=float)
    return alpha * (1.0 - p) ** gamma * cross_entropy(p)


def cross_entropy_grad(p: ArrayLike) -> np.ndarray:
    """``d(-log p)/dz = p - 1``, with ``p = sigmoid(z)``."""
    return np.asarray(p, dtype=float) - 1.0


def soft_truncated_grad(p: ArrayLike, k: float = SOFT_K) -> np.ndarray:
    """``d/dz [-sigmoid(-k z) log sigmoid(z)] = w (k (1 - w) log p + p - 1)`` with ``w = sigmoid(-k z)``."""
    p = np.asarray(p, dtype=float)
    w = soft_weight(p, k)
    return w * (k * (1.0 - w) * np.log(p) + p - 1.0)


def focal_grad(p: ArrayLike, gamma: float = GAMMA, alpha: float = 1.0) -> np.ndarray:
    """``d/dz [-alpha (1 - p)^gamma log p] = alpha (1 - p)^gamma (gamma p log p + p - 1)``."""
    p = np.asarray(p, dtype=float)
    return alpha * (1.0 - p) ** gamma * (gamma * p * np.log(p) + p - 1.0)


def _argmax_on(f, lo: float, hi: float) -> float:
    """The maximiser of a unimodal ``f`` on ``(lo, hi)`` by golden-section search."""
    g = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(200):
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
        if f(a) > f(b):
            hi = b
        else:
            lo = a
    return 0.5 * (lo + hi)


def soft_weight_change_peak(k: float = SOFT_K) -> tuple[float, float]:
    """``(p, size)`` where the part of the softened gradient that comes from the weight changing,
    ``w K (1 - w) |log p|``, is largest (near, not at, p = 1/2)."""
    def size(p):
        w = soft_weight(p, k)
        return float(w * k * (1.0 - w) * -np.log(p))

    p = _argmax_on(size, 0.2, 0.8)
    return p, size(p)


def soft_grad_peak(k: float = SOFT_K) -> tuple[float, float, float]:
    """``(p, |dL_soft/dz|, that over |dCE/dz|)`` at the top of the softened gradient's bump."""
    p = _argmax_on(lambda q: float(-soft_truncated_grad(q, k)), 0.2, 0.8)
    g = float(-soft_truncated_grad(p, k))
    return p, g, g / (1.0 - p)


def grad_ratio(p: ArrayLike, gamma: float = GAMMA) -> np.ndarray:
    """|dFL/dz| / |dCE/dz| = (1 - p)^(gamma - 1) (1 - p - gamma p log p).  It tends to 1 as p -> 0
    and, for every gamma > 0, exceeds 1 on (0, :func:`grad_ratio_crossover`): focal loss pushes
    the hardest examples harder than cross entropy does."""
    p = np.asarray(p, dtype=float)
    return (1.0 - p) ** (gamma - 1.0) * (1.0 - p - gamma * p * np.log(p))


def grad_ratio_peak(gamma: float = GAMMA) -> tuple[float, float]:
    """``(p, ratio)`` at the maximum of :func:`grad_ratio` (golden-section search on (0, 1/2),
    where the ratio is unimodal for the gammas of the book)."""
    lo, hi, g = 1e-15, 0.5, (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(200):
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
        if grad_ratio(a, gamma) > grad_ratio(b, gamma):
            hi = b
        else:
            lo = a
    p = 0.5 * (lo + hi)
    return p, float(grad_ratio(p, gamma))


def grad_ratio_crossover(gamma: float = GAMMA) -> float:
    """The p above which focal loss's gradient is smaller than cross entropy's (bisection on
    (peak, 1), where the ratio falls from above 1 to 0)."""
    lo, hi = grad_ratio_peak(gamma)[0], 1.0 - 1e-12
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if grad_ratio(mid, gamma) > 1.0 else (lo, mid)
    return 0.5 * (lo + hi)


def expected_focal(p: ArrayLike, q: float, gamma: float = GAMMA) -> np.ndarray:
    """Expected focal loss of predicting ``p`` for the positive class when the positive class has
    true probability ``q``: ``q FL(p) + (1 - q) FL(1 - p)``."""
    p = np.asarray(p, dtype=float)
    return q * focal(p, gamma) + (1.0 - q) * focal(1.0 - p, gamma)


def focal_optimal_p(q: float, gamma: float = GAMMA) -> float:
    """The prediction that minimizes :func:`expected_focal` (ternary search on (0, 1); the expected
    loss is unimodal in ``p``).  For ``gamma = 0`` it is ``q`` itself: cross entropy is a proper
    scoring rule; for ``gamma > 0`` it lies between 1/2 and ``q``."""
    lo, hi = 1e-12, 1.0 - 1e-12
    for _ in range(200):
        a, b = lo + (hi - lo) / 3.0, hi - (hi - lo) / 3.0
        if expected_focal(a, q, gamma) < expected_focal(b, q, gamma):
            hi = b
        else:
            lo = a
    return 0.5 * (lo + hi)



VALUES = {
    "gamma": lambda: significant(GAMMA),
    "p_easy": lambda: significant(P_EASY),
    "p_hard": lambda: significant(P_HARD),
    "margin": lambda: significant(MARGIN),
    "soft_k": lambda: significant(SOFT_K),
    # focal / CE for an easy example: the factor (1 - p)^gamma
    "easy_loss_ratio": lambda: significant(focal(P_EASY) / cross_entropy(P_EASY)),
    "easy_loss_shrink": lambda: significant(cross_entropy(P_EASY) / focal(P_EASY)),
    "hard_loss_ratio": lambda: significant(focal(P_HARD) / cross_entropy(P_HARD)),
    # how much more a hard example weighs than an easy one, before and after
    "ce_hard_over_easy": lambda: significant(cross_entropy(P_HARD) / cross_entropy(P_EASY)),
    "focal_hard_over_easy": lambda: significant(focal(P_HARD) / focal(P_EASY)),
    # gradient (with respect to the logit) of an easy example, focal relative to CE
    "easy_grad_ratio": lambda: significant(focal_grad(P_EASY) / cross_entropy_grad(P_EASY)),
    "p_mid": lambda: significant(P_MID),
    "soft_weight_mid": lambda: significant(soft_weight(P_MID)),
    "focal_weight_mid": lambda: significant((1.0 - P_MID) ** GAMMA),
    # the hardest examples: focal's gradient above cross entropy's, by how much and up to where
    "gamma_large": lambda: significant(GAMMA_LARGE),
    "hard_grad_gain": lambda: percent(grad_ratio_peak(GAMMA)[1] - 1.0, 0),
    "hard_grad_gain_large": lambda: percent(grad_ratio_peak(GAMMA_LARGE)[1] - 1.0, 0),
    "hard_grad_peak_p": lambda: significant(grad_ratio_peak(GAMMA)[0], 2),
    "hard_grad_crossover": lambda: significant(grad_ratio_crossover(GAMMA), 2),
    # the softened weight just below 1/2 and far below it, and the bump of its gradient
    "p_near_half": lambda: significant(P_NEAR_HALF),
    "soft_weight_near_half": lambda: significant(soft_weight(P_NEAR_HALF)),
    "p_far_below_half": lambda: significant(P_FAR_BELOW_HALF),
    "soft_weight_far_below_half": lambda: significant(soft_weight(P_FAR_BELOW_HALF)),
    "weight_change_peak_p": lambda: significant(soft_weight_change_peak()[0], 2),
    "soft_grad_peak_p": lambda: significant(soft_grad_peak()[0], 2),
    "soft_grad_peak": lambda: significant(soft_grad_peak()[1]),
    "soft_grad_peak_over_ce": lambda: significant(soft_grad_peak()[2], 2),
    # at p_mid the focal weight with gamma = K, for the comparison at equal exponents
    "focal_weight_mid_k": lambda: significant((1.0 - P_MID) ** SOFT_K),
    "mid_focal_over_soft": lambda: significant((1.0 - P_MID) ** GAMMA / soft_weight(P_MID), 2),
    "easy_focal_over_soft": lambda: significant((1.0 - P_EASY) ** GAMMA / soft_weight(P_EASY), 2),
    "q_true": lambda: significant(Q_TRUE),
    "optimal_p_at_q": lambda: significant(focal_optimal_p(Q_TRUE), 2),
}
