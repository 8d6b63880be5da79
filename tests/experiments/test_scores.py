"""Scores of one fold: macro one-vs-rest AUC, balanced accuracy, G-mean, missing classes."""

import numpy as np
import pytest
from imblearn.metrics import geometric_mean_score
from sklearn.metrics import roc_auc_score

from sklearn_hilbert.experiments.scores import align_proba, macro_ovr_auc, score_fold

CLASSES = np.array(["a", "b", "c"])


def test_binary_auc_is_the_usual_auc():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 50)
    p1 = np.clip(y * 0.3 + rng.uniform(size=50) * 0.7, 0, 1)
    proba = np.c_[1 - p1, p1]
    assert macro_ovr_auc(y, proba, [0, 1]) == pytest.approx(roc_auc_score(y, p1))


def test_class_missing_from_test_fold_is_skipped():
    y = np.array(["a", "a", "b", "b", "b"])  # no "c" in this fold
    proba = np.array([[.6, .3, .1], [.2, .5, .3], [.3, .6, .1], [.1, .8, .1], [.5, .2, .3]])
    scores = score_fold(y, proba, CLASSES)
    expected_auc = np.mean([roc_auc_score(y == "a", proba[:, 0]),
                            roc_auc_score(y == "b", proba[:, 1])])
    assert scores["auc"] == pytest.approx(expected_auc)
    # predictions: a, b, b, b, a -> recall a = 1/2, recall b = 2/3
    assert scores["balanced_accuracy"] == pytest.approx((1 / 2 + 2 / 3) / 2)
    assert scores["gmean"] == pytest.approx(np.sqrt(1 / 2 * 2 / 3))


def test_prediction_of_absent_class_counts_as_error():
    y = np.array(["a", "b"])
    proba = np.array([[.1, .1, .8], [.1, .8, .1]])  # first predicted "c", absent from y
    scores = score_fold(y, proba, CLASSES)
    assert scores["balanced_accuracy"] == pytest.approx(0.5)
    assert scores["gmean"] == pytest.approx(0.0)
    assert scores["gmean"] == geometric_mean_score(y, ["c", "b"], labels=["a", "b"])


def test_single_class_fold_has_nan_auc_but_other_scores():
    scores = score_fold(["b", "b"], np.array([[.2, .7, .1], [.6, .3, .1]]), CLASSES)
    assert np.isnan(scores["auc"])
    assert scores["balanced_accuracy"] == pytest.approx(0.5)


def test_align_proba_fills_unseen_classes():
    out = align_proba(np.array([[.3, .7]]), ["c", "a"], CLASSES)
    np.testing.assert_allclose(out, [[.7, 0, .3]])
    with pytest.raises(ValueError, match="'z'"):
        align_proba(np.array([[1.0]]), ["z"], CLASSES)


def test_concordance_correlation_on_hand_examples():
    from sklearn_hilbert.experiments.scores import concordance_correlation

    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert concordance_correlation(y, y) == 1.0
    assert concordance_correlation(y, np.full(4, 2.5)) == 0.0  # a constant prediction
    assert concordance_correlation(y, np.full(4, 2.5 + 1e-9)) == 0.0
    assert concordance_correlation(y, -y) == pytest.approx(-2 * 1.25 / (1.25 + 1.25 + 25))
    # r = 1 but shifted by 1: 2 cov / (var + var + 1) = 2.5 / 3.5
    assert concordance_correlation(y, y + 1) == pytest.approx(2.5 / 3.5)
    assert np.isnan(concordance_correlation(np.ones(3), np.ones(3)))


def test_regression_fold_scores_on_a_hand_example():
    from sklearn_hilbert.experiments.scores import score_regression_fold

    scores = score_regression_fold([0.0, 2.0, 4.0, 6.0], [1.0, 2.0, 3.0, 6.0])
    assert scores["mae"] == pytest.approx(0.5)  # |1| + 0 + |1| + 0 over 4
    assert scores["rmse"] == pytest.approx(np.sqrt(0.5))
    assert scores["r2"] == pytest.approx(1 - 2 / 20)  # SSres 2, SStot 20
    assert scores["ccc"] == pytest.approx(2 * 4 / (5 + 3.5))  # cov 4, variances 5 and 3.5
    assert scores["pearson_r"] == pytest.approx(4 / np.sqrt(5 * 3.5))
    constant = score_regression_fold([0.0, 2.0, 4.0], [2.0, 2.0, 2.0])
    assert constant["ccc"] == 0.0 and constant["r2"] == 0.0 and np.isnan(constant["pearson_r"])
