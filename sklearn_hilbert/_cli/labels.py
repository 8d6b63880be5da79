"""What ``hilbert cv`` and ``hilbert fit`` make of their label options: the columns of
``--label``, ``--binarize`` expressions, and whether a label is a classification or a
regression (the rule of ``docs/cli.md``)."""

import re
from dataclasses import dataclass

import numpy as np

#: A numeric label with more than this many distinct values is a regression.
MAX_CLASSES = 10
OPERATORS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less,
             "==": np.equal}
_FOLDER = {">=": "_ge_", ">": "_gt_", "<=": "_le_", "<": "_lt_", "==": "_eq_"}
_EXPRESSION = re.compile(r"^\s*(?P<column>[^<>=]+?)\s*(?P<op>>=|<=|==|>|<)\s*(?P<value>\S.*?)\s*$")


@dataclass(frozen=True)
class Label:
    """One label of a run: the manifest ``column`` it comes from, and for ``--binarize``
    the operator and threshold that turn it into classes 0/1."""

    column: str
    op: str = None
    threshold: float = None

    @property
    def name(self):
        """How reports name the label (``phq8>=10`` for a binarized score)."""
        return self.column if self.op is None else f"{self.column}{self.op}{self.threshold:g}"

    @property
    def folder(self):
        """A folder name for the label's report."""
        name = self.column if self.op is None else \
            f"{self.column}{_FOLDER[self.op]}{self.threshold:g}"
        return "".join(c if c.isalnum() or c in "-_." else "-" for c in name)


def parse_binarize(expression):
    """``"phq8>=10"`` -> ``Label("phq8", ">=", 10.0)``; a ValueError says what is expected.

    Examples
    --------
    >>> from sklearn_hilbert._cli.labels import parse_binarize
    >>> parse_binarize("phq8 >= 10").name
    'phq8>=10'
    >>> parse_binarize("phq8=>10")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: --binarize 'phq8=>10': expected COLUMN OP NUMBER with OP one of >=, >, <=, ...
    """
    match = _EXPRESSION.match(expression)
    threshold = None
    if match:
        try:
            threshold = float(match["value"])
        except ValueError:
            pass
    if threshold is None or not np.isfinite(threshold):
        raise ValueError(f"--binarize {expression!r}: expected COLUMN OP NUMBER with OP one of "
                         f"{', '.join(OPERATORS)} (e.g. 'phq8>=10')")
    return Label(match["column"].strip(), match["op"], threshold)


def parse_labels(label_option, binarize_options):
    """The labels of ``--label a,b`` and every ``--binarize``, in order, without repeats."""
    labels = [Label(c.strip()) for c in (label_option or "").split(",") if c.strip()]
    labels += [parse_binarize(e) for e in binarize_options or ()]
    if not labels:
        raise ValueError("give a label: --label COLUMN[,COLUMN...] and/or --binarize "
                         "'COLUMN>=NUMBER'")
    return list(dict.fromkeys(labels))


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_))


def numeric_values(values, column, doc_ids, why):
    """``values`` as floats; a ValueError naming the first document whose value is not a
    number (``why``: the option that needs numbers)."""
    for doc, value in zip(doc_ids, values):
        if not _is_number(value) or not np.isfinite(value):
            raise ValueError(f"{why}: column {column!r} is not numeric (document {doc!r} has "
                             f"{value!r})")
    return np.asarray(values, dtype=float)


def label_values(label, documents, task=None):
    """The label of every document and its task.

    ``documents`` hold the column in their metadata (``load_manifest`` has checked
    that it is constant within each document).  A binarized label is a
    classification with classes 0 and 1 (1 where the condition holds).  Otherwise
    ``task`` (``--task``) decides, or the rule: a numeric label with more than
    :data:`MAX_CLASSES` distinct values is a regression, any other a classification.

    Returns
    -------
    y : ndarray of shape (n_docs,)
    task : {"classification", "regression"}
    """
    values = [d.metadata[label.column] for d in documents]
    doc_ids = [d.doc_id for d in documents]
    if label.op is not None:
        numbers = numeric_values(values, label.column, doc_ids, f"--binarize {label.name!r}")
        return OPERATORS[label.op](numbers, label.threshold).astype(int), "classification"
    if task == "regression":
        return numeric_values(values, label.column, doc_ids, "--task regression"), task
    numeric = all(_is_number(v) for v in values)
    if task is None and numeric and len(set(values)) > MAX_CLASSES:
        return np.asarray(values, dtype=float), "regression"
    return np.asarray(values), "classification"
