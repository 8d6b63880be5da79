"""The label options of ``hilbert cv``/``fit``: --binarize expressions and the task rule."""

import numpy as np
import pytest

from sklearn_hilbert._cli.labels import (MAX_CLASSES, Label, label_values, parse_binarize,
                                         parse_labels)
from sklearn_hilbert.documents import Document, Segment


def _docs(values, column="y"):
    return [Document([Segment("x", path="a.wav")], doc_id=f"d{i}", metadata={column: v})
            for i, v in enumerate(values)]


@pytest.mark.parametrize("text, op, threshold, name, folder", [
    ("phq8>=10", ">=", 10.0, "phq8>=10", "phq8_ge_10"),
    (" phq8 > 9.5 ", ">", 9.5, "phq8>9.5", "phq8_gt_9.5"),
    ("phq 8<=3", "<=", 3.0, "phq 8<=3", "phq-8_le_3"),
    ("score<-1", "<", -1.0, "score<-1", "score_lt_-1"),
    ("items==2", "==", 2.0, "items==2", "items_eq_2"),
])
def test_binarize_expressions(text, op, threshold, name, folder):
    label = parse_binarize(text)
    assert (label.op, label.threshold, label.name, label.folder) == (op, threshold, name, folder)


@pytest.mark.parametrize("text", ["phq8", "phq8>=", ">=10", "phq8=>10", "phq8>=ten",
                                  "phq8 != 3", "phq8>=nan", "phq8 = 3"])
def test_bad_binarize_expressions_say_what_is_expected(text):
    with pytest.raises(ValueError, match=r"--binarize .*expected COLUMN OP NUMBER with OP one "
                                         r"of >=, >, <=, <, =="):
        parse_binarize(text)


def test_binarized_values_and_non_numeric_columns():
    y, task = label_values(parse_binarize("y>=10"), _docs([3, 10, 12.5, 9.99]))
    assert task == "classification" and y.tolist() == [0, 1, 1, 0]
    y, _ = label_values(parse_binarize("y==2"), _docs([2, 2.0, 3, 1]))
    assert y.tolist() == [1, 1, 0, 0]
    with pytest.raises(ValueError, match=r"--binarize 'y>=10': column 'y' is not numeric "
                                         r"\(document 'd1' has 'high'\)"):
        label_values(parse_binarize("y>=10"), _docs([3, "high", 4]))


def test_task_rule_many_numeric_values_make_a_regression():
    many = list(range(MAX_CLASSES + 1))  # 11 distinct numbers
    y, task = label_values(Label("y"), _docs(many))
    assert task == "regression" and y.dtype == float
    assert label_values(Label("y"), _docs(many[:-1]))[1] == "classification"  # 10 values
    assert label_values(Label("y"), _docs([f"c{v}" for v in many]))[1] == "classification"
    assert label_values(Label("y"), _docs(many), task="classification")[1] == "classification"
    y, task = label_values(Label("y"), _docs([0, 1, 0]), task="regression")
    assert task == "regression" and y.tolist() == [0.0, 1.0, 0.0]
    with pytest.raises(ValueError, match=r"--task regression: column 'y' is not numeric "
                                         r"\(document 'd0' has 'low'\)"):
        label_values(Label("y"), _docs(["low", 1]), task="regression")
    assert label_values(Label("y"), _docs([True, False] * 6))[1] == "classification"


def test_parse_labels_keeps_order_and_needs_one():
    labels = parse_labels("a, b,a", ["c>1"])
    assert [label.name for label in labels] == ["a", "b", "c>1"]
    with pytest.raises(ValueError, match="give a label: --label"):
        parse_labels(None, [])
    assert np.all([isinstance(label, Label) for label in labels])
