"""Scores within subgroups."""

import numpy as np
import pytest

from sklearn_hilbert.experiments.subgroups import subgroup_scores, subgroup_section


def test_classification_subgroups_count_and_score(tmp_path):
    y = np.array([0, 1, 0, 1, 0, 0])
    proba1 = np.array([0.1, 0.9, 0.2, 0.8, 0.7, 0.6])  # perfect in a, wrong in b
    proba = np.c_[1 - proba1, proba1]
    sites = np.array(["a", "a", "a", "a", "b", "b"])
    rows = subgroup_scores(y, {"m": np.stack([proba, proba])}, sites, classes=[0, 1])
    a, b = rows
    assert (a["subgroup"], a["n"], a["auc"], a["balanced_accuracy"]) == ("a", 4, 1.0, 1.0)
    assert b["n"] == 2 and np.isnan(b["auc"])  # a single class: no AUC
    assert b["balanced_accuracy"] == 0.0
    lines = subgroup_section(rows, "site", tmp_path)
    assert "| Method | a (n=4) | b (n=2) |" in lines
    assert "| m | 1.000 / 1.000 | n/a / 0.000 |" in lines
    assert (tmp_path / "subgroups.csv").read_text().startswith("column,method,subgroup,n,auc")


def test_regression_subgroups_average_the_repeats():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    pred = np.array([[1.0, 2.0, 4.0, 6.0], [1.0, 2.0, 2.0, 4.0]])  # repeats
    rows = subgroup_scores(y, {"m": pred}, ["x", "x", "y", "y"], task="regression")
    assert rows[0]["mae"] == 0.0 and rows[0]["ccc"] == 1.0
    assert rows[1]["mae"] == pytest.approx((1.5 + 0.5) / 2)
