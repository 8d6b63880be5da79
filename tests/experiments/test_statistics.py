"""The report's statistics agree with scipy / scikit-learn and with the formulas of the papers."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from sklearn.metrics import brier_score_loss, log_loss, recall_score, roc_auc_score

from sklearn_hilbert.experiments.statistics import (
    bootstrap_auc, calibration_scores, compare_methods, corrected_resampled_ttest,
    per_class_scores, smallest_wilcoxon_p, wilcoxon_signed_rank)

diffs = st.lists(st.floats(-1, 1, allow_nan=False), min_size=3, max_size=30).filter(
    lambda d: np.ptp(d) > 1e-6)


@given(diffs)
def test_without_correction_the_test_is_the_paired_t_test(d):
    t, p, df = corrected_resampled_ttest(d, 0.0)
    ref = stats.ttest_1samp(d, 0.0)
    assert df == len(d) - 1
    np.testing.assert_allclose([t, p], [ref.statistic, ref.pvalue], rtol=1e-9, atol=1e-12)


@given(diffs, st.floats(0.01, 1.0))
def test_the_correction_inflates_the_variance_by_the_test_train_ratio(d, ratio):
    t, p, _ = corrected_resampled_ttest(d, ratio)
    t0, p0, _ = corrected_resampled_ttest(d, 0.0)
    J = len(d)
    np.testing.assert_allclose(t, t0 * np.sqrt((1 / J) / (1 / J + ratio)), rtol=1e-9)
    assert p >= p0 - 1e-12


def test_degenerate_differences():
    assert corrected_resampled_ttest([0.0, 0.0, 0.0], 0.25) == (0.0, 1.0, 2)
    assert np.isnan(corrected_resampled_ttest([0.1], 0.25)[1])
    assert wilcoxon_signed_rank([0.0, 0.0, 0.0]) == 1.0
    assert np.isnan(wilcoxon_signed_rank([np.nan]))


def test_wilcoxon_is_scipys_and_its_floor_with_few_folds():
    d = [0.03, -0.01, 0.02, 0.05, 0.04, 0.01, 0.02]
    assert wilcoxon_signed_rank(d) == pytest.approx(stats.wilcoxon(d).pvalue)
    assert wilcoxon_signed_rank([0.1, 0.2, 0.3]) == pytest.approx(smallest_wilcoxon_p(3)) == 0.25
    assert smallest_wilcoxon_p(5) > 0.05 > smallest_wilcoxon_p(6)


def _folds(scores, n_splits=5):
    return [{"method": m, "repeat": i // n_splits, "fold": i % n_splits, "n_test": 20, "auc": s}
            for m, values in scores.items() for i, s in enumerate(values)]


def test_paired_comparison_verdicts_and_sentences():
    rng = np.random.default_rng(0)
    base = rng.uniform(0.6, 0.8, 10)
    folds = _folds({"A": base + 0.1 + rng.normal(0, 0.005, 10), "B": base,
                    "C": base + rng.normal(0, 0.03, 10)})
    better = compare_methods(folds, "A", "B", n_docs=100)
    assert better["significant"] and better["mean_diff"] == pytest.approx(0.1, abs=0.01)
    assert better["df"] == 9 and better["sentence"].startswith("A has a higher AUC than B")
    same = compare_methods(folds, "C", "B", n_docs=100)
    assert not same["significant"]
    assert "no difference detectable at alpha=0.05 with 10 folds" in same["sentence"]
    # the correction uses n_test / n_train = 20 / 80
    d = np.array([f["auc"] for f in folds if f["method"] == "C"]) - base
    assert same["t"] == pytest.approx(d.mean() / np.sqrt((1 / 10 + 0.25) * d.var(ddof=1)))
    with pytest.raises(ValueError, match="same folds"):
        compare_methods(folds[:-1], "C", "B", n_docs=100)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_pooled_auc_per_class_and_calibration_match_scikit_learn(n_classes):
    rng = np.random.default_rng(n_classes)
    classes = np.array(["a", "b", "c"][:n_classes])
    y = classes[rng.integers(0, n_classes, 120)]
    proba = rng.dirichlet(np.ones(n_classes), 120)
    proba[np.arange(120), np.searchsorted(classes, y)] += 0.3
    proba /= proba.sum(axis=1, keepdims=True)
    auc, low, high = bootstrap_auc(y, proba, classes)
    expected = (roc_auc_score(y == classes[1], proba[:, 1]) if n_classes == 2 else
                roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=classes))
    assert auc == pytest.approx(expected)
    assert low < auc < high and high - low < 0.3
    rows = per_class_scores(y, proba, classes)
    predicted = classes[proba.argmax(axis=1)]
    recalls = recall_score(y, predicted, labels=classes, average=None)
    for k, row in enumerate(rows):
        assert row["n"] == int(np.sum(y == classes[k]))
        assert row["auc"] == pytest.approx(roc_auc_score(y == classes[k], proba[:, k]))
        assert row["recall"] == pytest.approx(recalls[k])
    cal = calibration_scores(y, proba, classes)
    assert cal["log_loss"] == pytest.approx(log_loss(y, proba, labels=classes))
    brier = (brier_score_loss(y == classes[1], proba[:, 1]) if n_classes == 2 else
             ((proba - (y[:, None] == classes)) ** 2).sum(axis=1).mean())
    assert cal["brier"] == pytest.approx(brier)


def test_repeats_are_averaged_and_the_interval_narrows_with_more_documents():
    rng = np.random.default_rng(0)

    def draw(n):
        y = np.repeat([0, 1], n // 2)
        p1 = np.clip(0.5 + 0.2 * (y - 0.5) + rng.normal(0, 0.2, n), 0, 1)
        return y, np.c_[1 - p1, p1]

    y, p = draw(60)
    y2, q = y, draw(60)[1]
    both = bootstrap_auc(y, np.stack([p, q]), [0, 1])[0]
    assert both == pytest.approx((roc_auc_score(y, p[:, 1]) + roc_auc_score(y2, q[:, 1])) / 2)
    widths = [np.subtract(*bootstrap_auc(*draw(n), [0, 1])[2:0:-1]) for n in (40, 400)]
    assert widths[1] < widths[0] / 2
