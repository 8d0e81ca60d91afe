"""Chapter 1 (模型与选芒果): a model as a map from what can be observed of a mango to the quality
that cannot be, on synthetic mangoes made up here (no real data).

Two views of the same model.  The *generative* (Bayes) view: a mango is tasty with prior
probability ``PRIOR``; given its quality, its features (colour, smell, size) are Gaussian with a
covariance shared by both classes.  Bayes' rule then makes ``P(tasty | x)`` a logistic function
of a linear score, with weights in closed form; fitting that model's prior, class means and shared
covariance to labelled examples is linear discriminant analysis (LDA).  The *discriminative* view
fits the logistic function directly to the same examples (maximum likelihood by Newton's method).
Both fitted rules are judged by their exact accuracy under the true distribution (no test sample).

Features, in this order: colour (yellowness, 0 = green, 1 = fully yellow), smell (aroma score,
roughly 0–10; the normal model can draw a score outside that range), size (weight in grams).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from kexuebook.math.prose import percent, significant

FEATURES = ("颜色", "香气", "大小")
PRIOR = 0.4
MEAN_BAD = np.array([0.45, 4.0, 300.0])
MEAN_GOOD = np.array([0.70, 6.0, 300.0])  # size: no difference between good and bad mangoes
_SD = np.array([0.12, 1.3, 50.0])
_CORR = np.array([[1.0, 0.3, 0.0], [0.3, 1.0, 0.0], [0.0, 0.0, 1.0]])
COV = _CORR * np.outer(_SD, _SD)

N_TRAIN = 200
N_TEST = 20_000
SEED = 20150715  # the date of the post; any fixed seed would do
#: Step sizes the prose quotes: "a mango 0.1 yellower", "50 g heavier".
COLOUR_STEP = 0.1
SIZE_STEP = 50.0


def sigmoid(a: ArrayLike) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-a))``."""
    return 1.0 / (1.0 + np.exp(-np.asarray(a, dtype=float)))


def make_mangoes(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` synthetic mangoes: features ``X`` (n × 3) and labels ``y`` (1 = tasty)."""
    y = (rng.random(n) < PRIOR).astype(float)
    means = np.where(y[:, None] == 1.0, MEAN_GOOD, MEAN_BAD)
    X = means + rng.multivariate_normal(np.zeros(3), COV, size=n)
    return X, y


def gaussian_logpdf(X: ArrayLike, mean: ArrayLike, cov: ArrayLike) -> np.ndarray:
    """Log density of a multivariate normal at each row of ``X``."""
    X, mean, cov = np.atleast_2d(X), np.asarray(mean, dtype=float), np.asarray(cov, dtype=float)
    diff = X - mean
    _, logdet = np.linalg.slogdet(cov)
    maha = np.einsum("ni,ij,nj->n", diff, np.linalg.inv(cov), diff)
    return -0.5 * (maha + logdet + len(mean) * np.log(2.0 * np.pi))


def bayes_posterior(X: ArrayLike) -> np.ndarray:
    """``P(tasty | x)`` by Bayes' rule from the generative model, without any simplification."""
    log_good = np.log(PRIOR) + gaussian_logpdf(X, MEAN_GOOD, COV)
    log_bad = np.log1p(-PRIOR) + gaussian_logpdf(X, MEAN_BAD, COV)
    return 1.0 / (1.0 + np.exp(log_bad - log_good))


def bayes_weights() -> tuple[np.ndarray, float]:
    """The same posterior as ``sigmoid(w @ x + b)``: ``w = S^-1 (m1 - m0)``,
    ``b = (m0^T S^-1 m0 - m1^T S^-1 m1) / 2 + log(pi / (1 - pi))``."""
    inv = np.linalg.inv(COV)
    w = inv @ (MEAN_GOOD - MEAN_BAD)
    b = 0.5 * (MEAN_BAD @ inv @ MEAN_BAD - MEAN_GOOD @ inv @ MEAN_GOOD) + np.log(PRIOR / (1.0 - PRIOR))
    return w, float(b)


def bayes_boundary_smell(colour: ArrayLike, size: float) -> np.ndarray:
    """The smell score on the Bayes boundary ``w @ x + b = 0`` for a given colour and size."""
    w, b = bayes_weights()
    return -(b + w[0] * np.asarray(colour, dtype=float) + w[2] * size) / w[1]


def fit_lda(X: ArrayLike, y: ArrayLike) -> np.ndarray:
    """The generative path fitted to data: the prior as the share of tasty mangoes, the two class
    means, the pooled (unbiased) within-class covariance, then Bayes' rule in the closed form of
    :func:`bayes_weights`.  Returns ``theta = (w, b)`` like :func:`fit_logistic`."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    good, bad = X[y == 1.0], X[y == 0.0]
    prior = len(good) / len(X)
    m1, m0 = good.mean(axis=0), bad.mean(axis=0)
    residuals = np.vstack([good - m1, bad - m0])
    inv = np.linalg.inv(residuals.T @ residuals / (len(X) - 2))
    w = inv @ (m1 - m0)
    b = 0.5 * (m0 @ inv @ m0 - m1 @ inv @ m1) + np.log(prior / (1.0 - prior))
    return np.append(w, b)


def linear_rule_accuracy(theta: ArrayLike) -> float:
    """Exact accuracy, under the true distribution, of the rule "tasty iff ``w @ x + b > 0``":
    given the class, the score is normal with mean ``w @ m + b`` and variance ``w^T S w``."""
    theta = np.asarray(theta, dtype=float)
    w, b = theta[:-1], theta[-1]
    sd = float(np.sqrt(w @ COV @ w))
    return PRIOR * _normal_cdf((w @ MEAN_GOOD + b) / sd) + (1.0 - PRIOR) * _normal_cdf(-(w @ MEAN_BAD + b) / sd)


def _normal_cdf(t: float) -> float:
    return 0.5 * (1.0 + math.erf(float(t) / math.sqrt(2.0)))


def neg_log_likelihood(theta: ArrayLike, X: ArrayLike, y: ArrayLike) -> float:
    """Mean cross entropy of the logistic model ``sigmoid(w @ x + b)``; ``theta = (w, b)``."""
    theta, X, y = np.asarray(theta, dtype=float), np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    a = X @ theta[:-1] + theta[-1]
    # log(1 + e^a) - y a, computed stably
    return float(np.mean(np.logaddexp(0.0, a) - y * a))


def neg_log_likelihood_grad(theta: ArrayLike, X: ArrayLike, y: ArrayLike) -> np.ndarray:
    """Gradient of :func:`neg_log_likelihood`: the mean of ``(sigmoid(a) - y) (x, 1)``."""
    theta, X, y = np.asarray(theta, dtype=float), np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    Xb = np.hstack([X, np.ones((len(X), 1))])
    return Xb.T @ (sigmoid(Xb @ theta) - y) / len(X)


def _hessian(theta: np.ndarray, Xb: np.ndarray) -> np.ndarray:
    p = sigmoid(Xb @ theta)
    return (Xb * (p * (1.0 - p))[:, None]).T @ Xb / len(Xb)


def newton_logistic(X: ArrayLike, y: ArrayLike, iterations: int = 50) -> tuple[np.ndarray, int]:
    """Maximum-likelihood logistic regression by (undamped) Newton's method from zero; returns
    ``(theta, steps)`` with ``theta = (w, b)``.  A finite maximiser exists and is unique exactly when
    no hyperplane puts the two classes on its two closed sides (not even with some points on it:
    quasi-complete separation also leaves no maximiser) and the features with a 1 appended have
    full column rank; otherwise the iterates run off or the Hessian becomes singular, and this says so."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    Xb = np.hstack([X, np.ones((len(X), 1))])
    theta = np.zeros(Xb.shape[1])
    for steps in range(1, iterations + 1):
        try:
            step = np.linalg.solve(_hessian(theta, Xb), neg_log_likelihood_grad(theta, X, y))
        except np.linalg.LinAlgError:
            raise ValueError("logistic fit: singular Hessian (are the classes linearly separable, or a feature constant?)") from None
        theta = theta - step
        if np.max(np.abs(step)) < 1e-12:
            return theta, steps
    raise ValueError(f"logistic fit: Newton's method did not converge in {iterations} steps (are the classes linearly separable?)")


def fit_logistic(X: ArrayLike, y: ArrayLike, iterations: int = 50) -> np.ndarray:
    """The maximum-likelihood ``theta = (w, b)`` of :func:`newton_logistic`."""
    return newton_logistic(X, y, iterations)[0]


def wald_interval(theta: ArrayLike, X: ArrayLike, y: ArrayLike, index: int, step: float) -> tuple[float, float]:
    """95% Wald interval of the odds factor ``exp(step * theta[index])``, from the inverse of the
    observed information ``N * Hessian`` at the fitted ``theta``."""
    X = np.asarray(X, dtype=float)
    Xb = np.hstack([X, np.ones((len(X), 1))])
    theta = np.asarray(theta, dtype=float)
    se = float(np.sqrt(np.linalg.inv(len(X) * _hessian(theta, Xb))[index, index]))
    return float(np.exp(step * (theta[index] - 1.959964 * se))), float(np.exp(step * (theta[index] + 1.959964 * se)))


@dataclass(frozen=True)
class Experiment:
    """The chapter's synthetic experiment: training and test mangoes and the fitted model."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    theta: np.ndarray  # logistic regression (discriminative)
    theta_lda: np.ndarray  # the Gaussian model fitted to the same mangoes (generative)

    def fitted_posterior(self, X: ArrayLike) -> np.ndarray:
        return sigmoid(np.atleast_2d(X) @ self.theta[:-1] + self.theta[-1])

    def test_accuracy(self) -> float:
        """Share of the held-out sample the logistic model gets right (a check of the exact figure)."""
        return float(np.mean((self.fitted_posterior(self.X_test) > 0.5) == (self.y_test == 1.0)))

    def logistic_accuracy(self) -> float:
        return linear_rule_accuracy(self.theta)

    def lda_accuracy(self) -> float:
        return linear_rule_accuracy(self.theta_lda)

    def bayes_accuracy(self) -> float:
        w, b = bayes_weights()
        return linear_rule_accuracy(np.append(w, b))


@lru_cache(maxsize=1)
def experiment() -> Experiment:
    """The same synthetic mangoes every time (fixed seed)."""
    rng = np.random.default_rng(SEED)
    X_train, y_train = make_mangoes(N_TRAIN, rng)
    X_test, y_test = make_mangoes(N_TEST, rng)
    return Experiment(X_train, y_train, X_test, y_test, fit_logistic(X_train, y_train), fit_lda(X_train, y_train))



def _interval_text(index: int, step: float) -> str:
    e = experiment()
    lo, hi = wald_interval(e.theta, e.X_train, e.y_train, index, step)
    return f"[{lo:.2f}, {hi:.2f}]"


VALUES = {
    "prior": lambda: significant(PRIOR),
    "n_train": lambda: str(N_TRAIN),
    "colour_step": lambda: significant(COLOUR_STEP),
    "size_step": lambda: significant(SIZE_STEP),
    "test_accuracy": lambda: percent(experiment().logistic_accuracy(), 2),
    "lda_accuracy": lambda: percent(experiment().lda_accuracy(), 2),
    "bayes_accuracy": lambda: percent(experiment().bayes_accuracy(), 2),
    "train_tasty_share": lambda: percent(float(experiment().y_train.mean())),
    # the factor by which the odds of "tasty" grow when a mango is COLOUR_STEP yellower
    "bayes_colour_odds": lambda: significant(np.exp(COLOUR_STEP * bayes_weights()[0][0])),
    "fitted_colour_odds": lambda: significant(np.exp(COLOUR_STEP * experiment().theta[0])),
    # the same for SIZE_STEP grams more: 1 in the Bayes model, close to 1 when fitted
    "bayes_size_odds": lambda: significant(np.exp(SIZE_STEP * bayes_weights()[0][2])),
    "fitted_size_odds": lambda: significant(np.exp(SIZE_STEP * experiment().theta[2])),
    "newton_steps": lambda: str(newton_logistic(experiment().X_train, experiment().y_train)[1]),
    "fitted_colour_odds_ci": lambda: _interval_text(0, COLOUR_STEP),
    "fitted_size_odds_ci": lambda: _interval_text(2, SIZE_STEP),
    "lda_colour_odds": lambda: significant(np.exp(COLOUR_STEP * experiment().theta_lda[0])),
    "lda_size_odds": lambda: significant(np.exp(SIZE_STEP * experiment().theta_lda[2])),
}
