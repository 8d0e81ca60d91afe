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

from bookmath.prose import percent

# BERT's masking recipe: 15% of the positions are selected; of those 80% become [MASK],
# 10% a random token and 10% stay unchanged.
BERT_SELECT, BERT_TO_MASK, BERT_TO_RANDOM = 0.15, 0.8, 0.1
# MAE's default masking ratio, and the 14 x 14 patches of a 224-pixel image cut into 16-pixel squares.
MAE_MASK_RATIO, MAE_PATCHES = 0.75, 196
# Monte Carlo draws of the chapter's attention example.
MAE_DRAWS = 4000


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


@cache
def _mae_example(seed: int = 0, draws: int = MAE_DRAWS) -> tuple[float, float]:
    """Relative error of the mean dropped-token attention output against full attention, for
    MAE's 196 patches at its mask ratio, and for the same dropout without renormalisation."""
    rng = np.random.default_rng(seed)
    n, d, p = MAE_PATCHES, 8, MAE_MASK_RATIO
    scores, values = rng.normal(size=n), rng.normal(size=(n, d))
    full = attention(scores, values)
    renormalised = dropped_attention_mean(scores, values, p, rng, draws)
    w = np.exp(scores - scores.max())
    w = w / w.sum()
    unscaled = np.mean([(bernoulli_mask(n, p, rng) * w) @ values for _ in range(draws)], axis=0)
    size = np.linalg.norm(full)
    return float(np.linalg.norm(renormalised - full) / size), float(np.linalg.norm(unscaled - full) / size)


VALUES = {
    "bert_original_weight": lambda: percent(mlm_input_weights()["original"]),
    "bert_mask_weight": lambda: percent(mlm_input_weights()["mask"]),
    "bert_random_weight": lambda: percent(mlm_input_weights()["random"]),
    "variance_factor_bert": lambda: f"{scaled_mask_moments(BERT_SELECT)[1]:.3f}",
    "variance_factor_half": lambda: f"{scaled_mask_moments(0.5)[1]:.0f}",
    "variance_factor_mae": lambda: f"{scaled_mask_moments(MAE_MASK_RATIO)[1]:.0f}",
    "mae_patches": lambda: str(MAE_PATCHES),
    "mae_mask_ratio": lambda: percent(MAE_MASK_RATIO, 0),
    "mae_draws": lambda: str(MAE_DRAWS),
    "mae_renormalised_error": lambda: percent(_mae_example()[0]),
    "mae_unscaled_error": lambda: percent(_mae_example()[1], 0),
}
