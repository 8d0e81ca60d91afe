"""Chapter 1's synthetic mangoes (kexuebook.math.mango): Bayes' rule equals the closed-form logistic
posterior, the likelihood gradient matches finite differences, Newton's method finds a stationary
point, and the fitted model approaches the Bayes model on the fixed-seed data."""

from __future__ import annotations

import numpy as np
import pytest

from kexuebook.math import mango

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


def test_exact_accuracy_of_a_linear_rule_against_the_held_out_sample():
    """The closed-form accuracy (the score is normal given the class) agrees with counting on
    20,000 fresh mangoes, within 4 standard errors."""
    e = mango.experiment()
    exact = e.logistic_accuracy()
    assert abs(e.test_accuracy() - exact) < 4 * np.sqrt(exact * (1 - exact) / len(e.y_test))
    X, y = mango.make_mangoes(200_000, np.random.default_rng(11))
    w, b = mango.bayes_weights()
    counted = np.mean(((X @ w + b) > 0) == (y == 1.0))
    assert abs(counted - e.bayes_accuracy()) < 4 * np.sqrt(0.25 / len(y))


def test_bayes_rule_has_the_best_exact_accuracy():
    e = mango.experiment()
    assert e.logistic_accuracy() < e.bayes_accuracy() and e.lda_accuracy() < e.bayes_accuracy()
    w, b = mango.bayes_weights()
    for shift in (-0.3, 0.3):  # moving the Bayes boundary only loses
        assert mango.linear_rule_accuracy(np.append(w, b + shift)) < e.bayes_accuracy()


def test_lda_recovers_the_bayes_weights_from_many_mangoes():
    """The generative path fitted to a large sample approaches the closed form of mango-linear."""
    X, y = mango.make_mangoes(400_000, np.random.default_rng(12))
    theta = mango.fit_lda(X, y)
    w, b = mango.bayes_weights()
    np.testing.assert_allclose(theta[:-1], w, rtol=0.02, atol=2e-4)
    assert theta[-1] == pytest.approx(b, rel=0.02)


def test_printed_accuracies_do_not_depend_on_a_test_sample():
    """The printed accuracies are exact functions of the fitted weights: a second held-out sample
    (another seed) changes the counted accuracy but not the printed figures."""
    printed = [mango.VALUES[k]() for k in ("test_accuracy", "lda_accuracy", "bayes_accuracy")]
    e = mango.experiment()
    assert printed == [f"{100 * a:.2f}%" for a in (e.logistic_accuracy(), e.lda_accuracy(), e.bayes_accuracy())]


def test_separable_data_give_a_clear_error_not_a_wrong_fit():
    """No finite maximum-likelihood fit exists when the classes are linearly separable."""
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="separable"):
        mango.fit_logistic(X, y)


def test_quasi_complete_separation_also_leaves_no_maximiser():
    """The chapter's condition for a unique optimum must exclude points lying on a separating
    hyperplane: here the two points at 0 carry both labels (not completely separable, full
    column rank), yet the loss keeps falling along w towards 2 log 2 / 4 and is never attained."""
    X = np.array([[-1.0], [0.0], [0.0], [1.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    assert np.linalg.matrix_rank(np.hstack([X, np.ones((4, 1))])) == 2
    losses = [mango.neg_log_likelihood(np.array([w, 0.0]), X, y) for w in (1.0, 5.0, 10.0, 20.0)]
    assert np.all(np.diff(losses) < 0) and np.all(np.array(losses) > np.log(2) / 2)
    assert losses[-1] == pytest.approx(np.log(2) / 2, abs=1e-8)
    with pytest.raises(ValueError, match="did not converge"):
        mango.fit_logistic(X, y)


def test_newton_steps_and_wald_interval_against_finite_differences():
    e = mango.experiment()
    theta, steps = mango.newton_logistic(e.X_train, e.y_train)
    assert mango.VALUES["newton_steps"]() == str(steps) and steps < 20
    # the observed information by central differences of the gradient
    h = 1e-6 * np.maximum(1.0, np.abs(theta))
    cols = [(mango.neg_log_likelihood_grad(theta + hi * ei, e.X_train, e.y_train)
             - mango.neg_log_likelihood_grad(theta - hi * ei, e.X_train, e.y_train)) / (2 * hi) for hi, ei in zip(h, np.eye(4), strict=True)]
    info = len(e.y_train) * np.array(cols)
    se = np.sqrt(np.linalg.inv(info)[2, 2])
    lo, hi = mango.wald_interval(theta, e.X_train, e.y_train, 2, mango.SIZE_STEP)
    assert lo == pytest.approx(np.exp(mango.SIZE_STEP * (theta[2] - 1.96 * se)), rel=1e-3)
    assert lo < 1.0 < hi  # the interval contains the true factor 1: size is not shown to matter
    c_lo, c_hi = mango.wald_interval(theta, e.X_train, e.y_train, 0, mango.COLOUR_STEP)
    assert c_lo < float(mango.VALUES["bayes_colour_odds"]()) < c_hi
