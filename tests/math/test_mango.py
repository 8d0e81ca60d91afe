"""Chapter 1's synthetic mangoes (bookmath.mango): Bayes' rule equals the closed-form logistic
posterior, the likelihood gradient matches finite differences, Newton's method finds a stationary
point, and the fitted model approaches the Bayes model on the fixed-seed data."""

from __future__ import annotations

import numpy as np
import pytest

from bookmath import mango

pytestmark = pytest.mark.math


def test_bayes_posterior_is_logistic():
    rng = np.random.default_rng(0)
    X, _ = mango.make_mangoes(1000, rng)
    w, b = mango.bayes_weights()
    np.testing.assert_allclose(mango.bayes_posterior(X), mango.sigmoid(X @ w + b), rtol=1e-9, atol=1e-12)


def test_uninformative_feature_has_zero_bayes_weight():
    w, _ = mango.bayes_weights()
    assert w[2] == pytest.approx(0.0, abs=1e-12)


def test_gradient_finite_differences():
    rng = np.random.default_rng(1)
    X, y = mango.make_mangoes(50, rng)
    X = (X - X.mean(0)) / X.std(0)
    theta = rng.normal(size=4)
    h = 1e-6
    numeric = np.array(
        [(mango.neg_log_likelihood(theta + h * e, X, y) - mango.neg_log_likelihood(theta - h * e, X, y)) / (2 * h) for e in np.eye(4)]
    )
    np.testing.assert_allclose(mango.neg_log_likelihood_grad(theta, X, y), numeric, atol=1e-8)


def test_newton_reaches_stationary_point():
    e = mango.experiment()
    assert np.max(np.abs(mango.neg_log_likelihood_grad(e.theta, e.X_train, e.y_train))) < 1e-9


def test_fitted_close_to_bayes():
    e = mango.experiment()
    bayes, fitted = e.bayes_accuracy(), e.test_accuracy()
    assert fitted <= bayes + 0.01  # nothing beats Bayes beyond test-set noise (20000 draws: ~0.2%)
    assert fitted > bayes - 0.03


def test_prose_numbers():
    assert mango.VALUES["bayes_size_odds"]() == "1"
    assert mango.VALUES["n_train"]() == str(len(mango.experiment().y_train))


def test_bayes_boundary_is_half_probability():
    colour = np.linspace(0.2, 0.9, 8)
    size = 320.0
    smell = mango.bayes_boundary_smell(colour, size)
    X = np.column_stack([colour, smell, np.full_like(colour, size)])
    np.testing.assert_allclose(mango.bayes_posterior(X), 0.5, atol=1e-9)
