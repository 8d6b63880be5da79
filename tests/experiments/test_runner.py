"""Cross-validating several methods on the same folds."""

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier

from sklearn_hilbert.experiments.runner import cross_validate_methods, summarize


def test_cv_with_a_rare_class_never_crashes(segment_tensors):
    X, _ = segment_tensors
    y = np.array(["a"] * 30 + ["b"] * 28 + ["c"] * 2)  # "c" is absent from 1 of 3 test folds
    results = cross_validate_methods({"Dummy": DummyClassifier(strategy="prior")}, X, y,
                                     n_splits=3, n_repeats=2, progress=False)
    assert len(results.folds) == 6
    assert results.oof["Dummy"].shape == (2, 60, 3)
    assert not np.isnan(results.oof["Dummy"]).any()  # every doc predicted once per repeat
    assert all(f["auc"] == pytest.approx(0.5) for f in results.folds)
    (row,) = summarize(results)
    assert row["n_folds"] == 6 and row["auc_mean"] == pytest.approx(0.5)
    assert row["balanced_accuracy_mean"] == pytest.approx(1 / 3, abs=0.2)


def test_single_class_is_refused_with_the_class_named(segment_tensors):
    X, _ = segment_tensors
    with pytest.raises(ValueError, match=r"single class 'a' in all 60 documents"):
        cross_validate_methods({"Dummy": DummyClassifier()}, X, np.array(["a"] * 60),
                               progress=False)


def test_regression_with_groups_keeps_every_group_in_one_test_fold(segment_tensors):
    from sklearn.dummy import DummyRegressor
    from sklearn.model_selection import GroupKFold

    X, _ = segment_tensors
    y = np.arange(60, dtype=float)
    groups = np.repeat([f"s{k}" for k in range(10)], 6)
    results = cross_validate_methods({"mean": DummyRegressor()}, X, y, n_splits=5,
                                     n_repeats=2, groups=groups, progress=False)
    assert results.task == "regression" and results.oof["mean"].shape == (2, 60)
    assert results.n_groups == 10 and len(results.folds) == 10
    for repeat in range(2):
        for g in np.unique(groups):  # every group's documents share one test fold
            assert len(set(results.fold_of[repeat, groups == g])) == 1
    for f in results.folds:  # a constant prediction: CCC 0
        assert f["ccc"] == 0.0 and f["mae"] > 0
    # a splitter of the user's: GroupKFold, the same check
    res = cross_validate_methods({"mean": DummyRegressor()}, X, y, cv=GroupKFold(3),
                                 groups=groups, progress=False)
    assert res.n_splits == 3 and res.n_repeats == 1
    (row,) = summarize(res)
    assert {"mae_mean", "ccc_mean", "r2_mean", "pearson_r_mean", "rmse_mean"} <= set(row)


@pytest.mark.filterwarnings("ignore:The groups parameter is ignored by KFold")
def test_group_leaks_and_partial_splitters_are_refused(segment_tensors):
    from sklearn.dummy import DummyRegressor
    from sklearn.model_selection import KFold, ShuffleSplit

    X, _ = segment_tensors
    y = np.arange(60, dtype=float)
    groups = np.tile(["a", "b", "c"], 20)  # KFold ignores groups: every fold leaks
    with pytest.raises(ValueError, match=r"repeat 0, fold 0: groups \['a', 'b', 'c'\] are in "
                                         "both the training and the test documents"):
        cross_validate_methods({"m": DummyRegressor()}, X, y, cv=KFold(3), groups=groups,
                               progress=False)
    with pytest.raises(ValueError, match="cv must test every document exactly once per repeat"):
        cross_validate_methods({"m": DummyRegressor()}, X, y,
                               cv=ShuffleSplit(2, test_size=0.2, random_state=0), progress=False)
    with pytest.raises(ValueError, match="only 3 distinct groups for 5 folds"):
        cross_validate_methods({"m": DummyRegressor()}, X, y, groups=groups, progress=False)
    with pytest.raises(ValueError, match=r"methods mix classifiers and regressors"):
        cross_validate_methods({"m": DummyRegressor(), "c": DummyClassifier()}, X, y,
                               progress=False)


def test_stratified_group_folds_for_classes(segment_tensors):
    X, y = segment_tensors
    groups = np.arange(60) // 4  # 15 groups of 4 documents
    results = cross_validate_methods({"Dummy": DummyClassifier()}, X, y, n_splits=3,
                                     groups=groups, progress=False)
    for g in np.unique(groups):
        assert len(set(results.fold_of[0, groups == g])) == 1
    assert len(np.bincount(results.fold_of[0])) == 3 and np.bincount(results.fold_of[0]).min() > 0
