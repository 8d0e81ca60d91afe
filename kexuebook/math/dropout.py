"""Chapter 5 (Dropout视角下的MLM和MAE): dropout as a Bernoulli mask, the MLM input as noise,
and dropping tokens from attention.

Conventions: ``p`` is the probability of *dropping* a unit; the kept units are divided by
``1 - p`` ("inverted" dropout), so that the training-time output equals the test-time input in
expectation.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import ArrayLike

from kexuebook.math.prose import percent

# BERT's masking recipe: 15% of the positions are selected; of those 80% become [MASK],
# 10% a random token and 10% stay unchanged.
BERT_SELECT, BERT_TO_MASK, BERT_TO_RANDOM = 0.15, 0.8, 0.1
# MAE's default masking ratio, and the 14 x 14 patches of a 224-pixel image cut into 16-pixel squares.
MAE_MASK_RATIO, MAE_PATCHES = 0.75, 196
# The chapter's attention example: random scores and 8-dimensional values, fixed by this seed.
MAE_EXAMPLE_SEED, MAE_VALUE_DIM = 0, 8


def bernoulli_mask(shape: int | tuple[int, ...], p: float, rng: np.random.Generator) -> np.ndarray:
    """A 0/1 mask: each entry is 1 (kept) with probability ``1 - p``, independently."""
    return (rng.random(shape) >= p).astype(float)


def inverted_dropout(x: ArrayLike, p: float, rng: np.random.Generator) -> np.ndarray:
    """Training-time dropout: ``x * m / (1 - p)`` with ``m`` a Bernoulli mask of keep rate ``1 - p``."""
    x = np.asarray(x, dtype=float)
    return x * bernoulli_mask(x.shape, p, rng) / (1.0 - p)


def scaled_mask_moments(p: float) -> tuple[float, float]:
    """Mean and variance of ``m / (1 - p)``: ``(1, p / (1 - p))``."""
    return 1.0, p / (1.0 - p)


def output_variance(x: ArrayLike, p: float) -> np.ndarray:
    """Variance of one inverted-dropout output around its mean ``x``: ``x^2 p / (1 - p)``."""
    return np.asarray(x, dtype=float) ** 2 * scaled_mask_moments(p)[1]


def mlm_input_weights(
    select: float = BERT_SELECT, to_mask: float = BERT_TO_MASK, to_random: float = BERT_TO_RANDOM
) -> dict[str, float]:
    """Probabilities that the MLM input at one position is the original token, [MASK], or a
    uniformly random token.  The expected input embedding is the same mixture of embeddings."""
    return {
        "original": 1.0 - select + select * (1.0 - to_mask - to_random),
        "mask": select * to_mask,
        "random": select * to_random,
    }


def mlm_expected_input(
    token: ArrayLike, mask: ArrayLike, vocabulary_mean: ArrayLike, weights: dict[str, float] | None = None
) -> np.ndarray:
    """Expected training-time input embedding at a position whose token embedding is ``token``;
    ``vocabulary_mean`` is the mean embedding of the random replacement."""
    w = weights or mlm_input_weights()
    return w["original"] * np.asarray(token) + w["mask"] * np.asarray(mask) + w["random"] * np.asarray(vocabulary_mean)


def mlm_sample_input(
    token: np.ndarray, mask: np.ndarray, vocabulary: np.ndarray, rng: np.random.Generator, n: int
) -> np.ndarray:
    """``n`` draws of the MLM training input at one position (BERT's recipe); rows are embeddings."""
    u = rng.random(n)
    out = np.repeat(token[None, :], n, axis=0)
    selected = u < BERT_SELECT
    to_mask = selected & (u < BERT_SELECT * BERT_TO_MASK)
    to_random = selected & ~to_mask & (u < BERT_SELECT * (BERT_TO_MASK + BERT_TO_RANDOM))
    out[to_mask] = mask
    out[to_random] = vocabulary[rng.integers(len(vocabulary), size=int(to_random.sum()))]
    return out


def attention(scores: ArrayLike, values: ArrayLike, keep: ArrayLike | None = None) -> np.ndarray:
    """One query's softmax attention over the kept tokens: ``sum_j k_j e^{s_j} v_j / sum_j k_j e^{s_j}``.

    ``scores`` has shape ``(n,)``, ``values`` ``(n, d)``, ``keep`` a 0/1 vector (all ones if omitted).
    Dropping tokens before attention is what MAE's encoder does with masked patches.
    """
    s = np.asarray(scores, dtype=float)
    v = np.asarray(values, dtype=float)
    k = np.ones_like(s) if keep is None else np.asarray(keep, dtype=float)
    w = k * np.exp(s - s.max())
    return w @ v / w.sum()


def dropped_attention_mean(
    scores: ArrayLike, values: ArrayLike, p: float, rng: np.random.Generator, draws: int
) -> np.ndarray:
    """Monte Carlo mean of :func:`attention` when each token is dropped with probability ``p``
    (draws that would drop every token are redrawn)."""
    s = np.asarray(scores, dtype=float)
    total: float | np.ndarray = 0.0
    done = 0
    while done < draws:
        keep = bernoulli_mask(s.shape, p, rng)
        if keep.any():
            total = total + attention(s, values, keep)
            done += 1
    return np.asarray(total) / draws


def dropped_attention_expectation(scores: ArrayLike, values: ArrayLike, p: float, grid: int = 1001) -> np.ndarray:
    """The exact expectation of :func:`attention` over independent keep masks of keep rate
    ``1 - p`` (no Monte Carlo).  With ``e_j = exp(s_j)`` and ``S_j`` the kept weight of the other
    tokens, ``E[k_j e_j / (e_j + S_j)] = (1 - p) e_j E[1 / (e_j + S_j)]``, and
    ``E[1 / a] = int_0^inf E[exp(-t a)] dt`` turns the expectation over 2^(n-1) masks into one
    integral of a product: ``int_0^inf exp(-t e_j) prod_{i != j} (p + (1 - p) exp(-t e_i)) dt``.
    The draws that keep no token at all, which :func:`dropped_attention_mean` redraws, have
    probability ``p^n`` and are ignored here.

    The integral is taken in ``u = log t`` (``dt = t du``) by the trapezoid rule on a uniform grid
    from ``t = 1e-6 / max e`` to ``1e4 / min e``, plus ``t_min`` for ``[0, t_min]``, where the
    integrand falls from 1 by less than ``n (1 - p) 1e-6``.  The integrand in ``u`` is smooth and
    decays at both ends, where this rule converges geometrically: against enumeration and a
    160-times finer grid, the relative error is near 1e-8 (the trapezoid rule in ``t`` on 20,001
    points of a geometric grid, used before, left 3e-7 at twenty times the cost).  With
    ``x_i = exp(-t e_i)`` and ``f_i = p + (1 - p) x_i``, token j's integrand is
    ``prod_i f_i * x_j / f_j``: one exponential and one logarithm per grid point and token, for
    every j at once (the product as the exponential of a sum of logarithms; ``f_i >= p > 0``)."""
    s, v = np.asarray(scores, dtype=float), np.asarray(values, dtype=float)
    e = np.exp(s - s.max())
    u = np.linspace(np.log(1e-6 / e.max()), np.log(1e4 / e.min()), grid)
    t = np.exp(u)
    weights = t * (u[1] - u[0])
    weights[[0, -1]] /= 2
    log_all = np.zeros_like(t)
    ratios = []
    block = 256  # tokens at a time: (grid, 256) arrays, not the whole (grid, n) at once
    for start in range(0, len(e), block):
        x = np.exp(-np.outer(t, e[start:start + block]))
        f = p + (1.0 - p) * x
        log_all += np.log(f).sum(axis=1)
        ratios.append(x / f)
    inverse = (weights * np.exp(log_all)) @ np.concatenate(ratios, axis=1) + t[0]
    return ((1.0 - p) * e * inverse) @ v


@cache
def mae_example(seed: int = MAE_EXAMPLE_SEED, n: int = MAE_PATCHES, p: float = MAE_MASK_RATIO) -> tuple[float, float]:
    """Relative error, against full attention, of the *expected* output when each of ``n`` tokens
    is dropped with probability ``p``: renormalised over the kept tokens (as MAE's encoder does)
    and with the dropped tokens' weights only zeroed (whose expectation is ``(1 - p)`` times full
    attention: an error of exactly ``p``).  Both exact: no sampling error in either figure."""
    rng = np.random.default_rng(seed)
    scores, values = rng.normal(size=n), rng.normal(size=(n, MAE_VALUE_DIM))
    full = attention(scores, values)
    renormalised = dropped_attention_expectation(scores, values, p)
    weights = np.exp(scores - scores.max())
    unscaled = (1.0 - p) * (weights / weights.sum()) @ values  # E[k_j] = 1 - p, linear in k
    size = np.linalg.norm(full)
    return float(np.linalg.norm(renormalised - full) / size), float(np.linalg.norm(unscaled - full) / size)


#: Position counts for the remark "the more positions, the smaller the bias", and the number of
#: random (scores, values) instances each figure averages.
BIAS_POSITIONS, BIAS_INSTANCES = (49, 196, 784), 8


@cache
def mae_bias_over_instances(n: int, instances: int = BIAS_INSTANCES, first_seed: int = 0) -> tuple[float, float]:
    """Mean and standard error, over ``instances`` random examples (seeds ``first_seed`` on), of
    the exact renormalised bias of :func:`mae_example` with ``n`` positions."""
    biases = np.array([mae_example(seed, n)[0] for seed in range(first_seed, first_seed + instances)])
    return float(biases.mean()), float(biases.std(ddof=1) / np.sqrt(instances))


def _bias_text(n: int) -> str:
    mean, se = mae_bias_over_instances(n)
    return f"{percent(mean)}（标准误{percent(se)}）"


VALUES = {
    "bert_original_weight": lambda: percent(mlm_input_weights()["original"]),
    "bert_mask_weight": lambda: percent(mlm_input_weights()["mask"]),
    "bert_random_weight": lambda: percent(mlm_input_weights()["random"]),
    "variance_factor_bert": lambda: f"{scaled_mask_moments(BERT_SELECT)[1]:.3f}",
    "variance_factor_half": lambda: f"{scaled_mask_moments(0.5)[1]:.0f}",
    "variance_factor_mae": lambda: f"{scaled_mask_moments(MAE_MASK_RATIO)[1]:.0f}",
    "mae_patches": lambda: str(MAE_PATCHES),
    "mae_mask_ratio": lambda: percent(MAE_MASK_RATIO, 0),
    "mae_value_dim": lambda: str(MAE_VALUE_DIM),
    "mae_renormalised_error": lambda: percent(mae_example()[0]),
    "mae_unscaled_error": lambda: percent(mae_example()[1], 0),
    "bias_instances": lambda: str(BIAS_INSTANCES),
    "bias_n_small": lambda: str(BIAS_POSITIONS[0]),
    "bias_n_large": lambda: str(BIAS_POSITIONS[2]),
    "bias_small": lambda: _bias_text(BIAS_POSITIONS[0]),
    "bias_mae": lambda: _bias_text(BIAS_POSITIONS[1]),
    "bias_large": lambda: _bias_text(BIAS_POSITIONS[2]),
}
