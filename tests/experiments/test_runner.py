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
