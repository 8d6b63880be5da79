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
