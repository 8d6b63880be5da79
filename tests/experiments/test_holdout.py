"""The official-split protocol: fit on train, score dev and test."""

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier, DummyRegressor

from sklearn_hilbert.experiments.holdout import check_parts, evaluate_split, write_split_report


def test_fit_on_train_score_dev_and_test(segment_tensors, tmp_path):
    X, _ = segment_tensors
    y = np.r_[np.zeros(30), np.full(30, 10.0)]
    parts = np.array(["train"] * 20 + ["dev"] * 10 + ["train"] * 20 + ["test"] * 10)
    res = evaluate_split({"mean": DummyRegressor(), "median": DummyRegressor(strategy="median")},
                         X, y, parts, progress=False)
    assert res.task == "regression"
    scores = {(r["method"], r["part"]): r for r in res.scores}
    # trained on 20 zeros and 20 tens: mean 5, every held-out document is 5 away
    assert scores[("mean", "dev")]["mae"] == pytest.approx(5.0)
    assert scores[("mean", "test")]["mae"] == pytest.approx(5.0)
    assert scores[("mean", "dev")]["n"] == 10 and np.isnan(res.predictions["mean"][:20]).all()
    write_split_report(res, tmp_path, doc_ids=[f"d{i}" for i in range(60)],
                       subgroups=np.tile(["a", "b"], 30), subgroup_column="site")
    md = (tmp_path / "results.md").read_text()
    assert "fitted once on the 40 training documents" in md and "## dev (10 documents)" in md
    assert (tmp_path / "subgroups_dev.csv").is_file()
    assert len((tmp_path / "predictions.csv").read_text().splitlines()) == 1 + 2 * 20


def test_classification_split_and_part_errors(segment_tensors):
    X, y = segment_tensors
    parts = np.array(["train"] * 40 + ["test"] * 20)
    res = evaluate_split({"prior": DummyClassifier()}, X, y, parts, progress=False)
    (row,) = res.scores
    assert row["part"] == "test" and row["auc"] == pytest.approx(0.5)
    with pytest.raises(ValueError, match=r"'split' column: document 'b' has 'valid'"):
        check_parts(["train", "valid"], doc_ids=["a", "b"], column="'split'")
    with pytest.raises(ValueError, match=r"no document is in 'train'"):
        check_parts(["dev", "test"])
    with pytest.raises(ValueError, match=r"no document is in 'dev' or 'test'"):
        check_parts(["train", "TRAIN "])
