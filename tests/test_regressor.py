"""HilbertRegressor and HilbertStackingRegressor: targets, units, losses, engine, errors."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import r2_score

from sklearn_hilbert import (EXTENDED, HilbertClassifier, HilbertRegressor,
                             HilbertStackingRegressor)
from sklearn_hilbert.datasets import make_segment_regression
from sklearn_hilbert.model_selection import fit_models
from sklearn_hilbert.model_selection._engine import group_jobs, prepare
from sklearn_hilbert.stacking import pooled_ridge

from support import TINY


@pytest.fixture(scope="module")
def pooled_task():
    X, y, _ = make_segment_regression(n_docs=400, n_segments=(4, 10), target="pooled",
                                      random_state=0)
    return (X[:300], y[:300]), (X[300:], y[300:])


def test_same_parameters_and_defaults_as_the_classifier_but_the_class_ones():
    reg, clf = HilbertRegressor().get_params(), HilbertClassifier().get_params()
    assert set(clf) - set(reg) == {"class_weight", "prior_correction", "sampler"}
    assert set(reg) - set(clf) == {"loss"}
    assert all(reg[k] == clf[k] for k in reg if k in clf)
    assert HilbertRegressor(**EXTENDED).segment_interactions == EXTENDED["segment_interactions"]


def test_predictions_are_in_the_targets_units(pooled_task):
    """Targets are standardised inside fit: an affine change of y changes the predictions by
    the same map and nothing else (same seed, same standardised problem)."""
    (X, y), (X_test, _) = pooled_task
    reg = HilbertRegressor(**TINY, random_state=0)
    a = clone(reg).fit(X, y).predict(X_test)
    b = clone(reg).fit(X, 1000 * y + 500).predict(X_test)
    np.testing.assert_allclose(b, 1000 * a + 500, rtol=1e-5, atol=1e-3)
    fitted = clone(reg).fit(X, 1000 * y + 500)
    assert fitted.target_mean_ == pytest.approx([1000 * y.mean() + 500])
    assert fitted.target_scale_ == pytest.approx([1000 * y.std()])


def test_learns_a_pooled_score(pooled_task):
    (X, y), (X_test, y_test) = pooled_task
    reg = HilbertRegressor(**{**TINY, "max_epochs": 30}, random_state=0).fit(X, y)
    assert reg.score(X_test, y_test) > 0.1  # R^2 (0.19 measured); the mean scores 0
    assert reg.history_[-1]["train_mse"] < reg.history_[0]["train_mse"]


def test_multi_output_and_huber(pooled_task):
    (X, y), (X_test, _) = pooled_task
    Y = np.c_[y, -2 * y, np.ones_like(y)]  # a constant target keeps scale 1
    reg = HilbertRegressor(**TINY, loss="huber", random_state=0).fit(X, Y)
    pred = reg.predict(X_test)
    assert pred.shape == (100, 3) and reg.n_outputs_ == 3
    assert reg.target_scale_[2] == 1.0
    assert reg.target_mean_[2] == 1.0
    assert np.abs(pred[:, 2] - 1.0).max() < 0.5  # its standardised target is 0
    assert "train_huber" in reg.history_[-1] and "train_mse" not in reg.history_[-1]
    assert reg.path_logits(X_test).shape == (100, 1, 3)


def test_reproducible_and_pickles(pooled_task, tmp_path):
    (X, y), (X_test, _) = pooled_task
    reg = HilbertRegressor(**TINY, random_state=3)
    a = clone(reg).fit(X, y)
    b = clone(reg).fit(X, y)
    np.testing.assert_array_equal(a.predict(X_test), b.predict(X_test))
    restored = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(restored.predict(X_test), a.predict(X_test))


def test_the_stacked_engine_and_n_seeds_train_regressors(pooled_task):
    (X, y), (X_test, _) = pooled_task
    # one full batch, no dropout: stacked and sequential training draw nothing differently
    models = [HilbertRegressor(**{**TINY, "batch_size": 512}, random_state=s, dropout=0.0,
                               loss=loss, lr=lr)
              for s, loss, lr in ((0, "squared_error", 2e-3), (1, "squared_error", 1e-2),
                                  (2, "huber", 2e-3))]
    assert [len(g) for g in group_jobs([prepare(m, X, y, stack=True) for m in models])] == [2, 1]
    stacked, _ = fit_models([(m, X, y) for m in models], stack=True)
    for model, fitted in zip(models, stacked):
        sequential = clone(model).fit(X, y)
        np.testing.assert_allclose(fitted.predict(X_test), sequential.predict(X_test),
                                   atol=1e-3)
    seeds = HilbertRegressor(**TINY, random_state=0, n_seeds=2).fit(X, y)
    first = HilbertRegressor(**TINY, random_state=0).fit(X, y)
    assert len(seeds.nets_) == 2
    # the first network is the single fit's (same seed); the prediction is the mean of two
    np.testing.assert_array_equal(seeds.history_[:, "train_mse"], first.history_[:, "train_mse"])
    assert not np.allclose(seeds.predict(X_test), first.predict(X_test))  # the mean of two


@pytest.mark.parametrize("y, message", [
    (np.r_[np.ones(7), np.nan, np.ones(292)], "missing or infinite target for document 7"),
    (np.ones(299), "300 documents but y holds 299"),
    (np.array(["a"] * 300), "y must be numeric"),
    (np.ones((300, 2, 2)), "1-D or 2-D"),
])
def test_bad_targets_are_named(pooled_task, y, message):
    (X, _), _ = pooled_task
    with pytest.raises(ValueError, match=message):
        HilbertRegressor(**TINY).fit(X, y)


def test_stacking_regressor_keeps_the_ridge_baseline(pooled_task):
    """Where the label is in pooled statistics, the stack is at least about as good as
    pooled ridge (the network alone, two epochs, is not)."""
    (X, y), (X_test, y_test) = pooled_task
    net = HilbertRegressor(**{**TINY, "max_epochs": 2})
    stack = HilbertStackingRegressor(net, random_state=0).fit(X, y)
    assert stack.blocks_[-3:] == ("ridge_text", "ridge_audio", "ridge_fusion")
    assert stack.weights_.shape == (1, len(stack.blocks_)) and (stack.weights_ >= 0).all()
    ridge = max(r2_score(y_test, clone(pooled_ridge(m)).fit(X, y).predict(X_test))
                for m in (("text",), ("audio",), ("audio", "text")))
    assert r2_score(y_test, stack.predict(X_test)) >= ridge - 0.03
    two = HilbertStackingRegressor(net, cv=3, random_state=0).fit(X, np.c_[y, y])
    assert two.predict(X_test).shape == (100, 2)
