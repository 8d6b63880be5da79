"""Scores of one cross-validation fold that never crash when a class is missing.

With small, imbalanced data a test fold often lacks a rare class.  The
scorers here take the full list of ``classes`` (known from all labels) and
average only over the classes that *are* present in ``y_true``:

- macro one-vs-rest ROC AUC: the mean of the per-class AUCs (class k vs the
  rest, scored by column k of the probabilities) over classes present in the
  test fold (a class's AUC needs at least one positive and one negative);
- balanced accuracy: the mean recall over classes present in the test fold;
- geometric mean (imbalanced-learn): the geometric mean of the same recalls.

A prediction of an absent class still counts as an error for the true class.
For two classes the macro OvR AUC equals the usual binary AUC.
"""

import warnings

import numpy as np
from imblearn.metrics import geometric_mean_score
from sklearn.metrics import roc_auc_score

SCORE_NAMES = ("auc", "balanced_accuracy", "gmean")


def align_proba(proba, estimator_classes, classes):
    """Put probability columns in the order of ``classes``; classes the estimator never saw get 0.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert.experiments.scores import align_proba
    >>> align_proba(np.array([[0.2, 0.8]]), ["b", "c"], ["a", "b", "c"])
    array([[0. , 0.2, 0.8]])
    """
    proba = np.asarray(proba, dtype=float)
    classes = list(classes)
    out = np.zeros((proba.shape[0], len(classes)))
    for j, c in enumerate(estimator_classes):
        if c not in classes:
            raise ValueError(f"Estimator class {c!r} is not among the known classes {classes}.")
        out[:, classes.index(c)] = proba[:, j]
    return out


def macro_ovr_auc(y_true, proba, classes):
    """Macro one-vs-rest ROC AUC over the classes present in ``y_true``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels of the test fold.
    proba : array-like of shape (n_samples, n_classes)
        Predicted probabilities, columns in the order of ``classes``.
    classes : array-like of shape (n_classes,)
        All classes of the task (from the full label vector).

    Returns
    -------
    float
        Mean AUC over classes with at least one positive and one negative in
        ``y_true``; NaN if there is none (a single-class fold).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert.experiments.scores import macro_ovr_auc
    >>> proba = np.array([[.7, .2, .1], [.2, .7, .1], [.6, .3, .1], [.3, .6, .1]])
    >>> macro_ovr_auc(["a", "b", "a", "b"], proba, ["a", "b", "c"])  # "c" is absent
    1.0
    """
    y_true = np.asarray(y_true)
    proba = np.asarray(proba, dtype=float)
    aucs = []
    for k, c in enumerate(classes):
        positive = y_true == c
        if positive.any() and not positive.all():
            aucs.append(roc_auc_score(positive, proba[:, k]))
    return float(np.mean(aucs)) if aucs else float("nan")


def present_recalls(y_true, y_pred):
    """Recall of each class present in ``y_true`` (sorted by class)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return np.array([np.mean(y_pred[y_true == c] == c) for c in np.unique(y_true)])


def score_fold(y_true, proba, classes):
    """AUC, balanced accuracy and geometric mean of one fold (see the module docstring).

    ``y_true``, ``proba`` and ``classes`` are as in :func:`macro_ovr_auc`.

    Returns
    -------
    dict
        ``{"auc": ..., "balanced_accuracy": ..., "gmean": ...}``; the predicted
        class is the most probable one.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert.experiments.scores import score_fold
    >>> proba = np.array([[.9, .1, 0], [.2, .8, 0], [.6, .4, 0], [.3, .7, 0]])
    >>> score_fold(["a", "b", "b", "b"], proba, ["a", "b", "c"])
    {'auc': 1.0, 'balanced_accuracy': 0.8333333333333333, 'gmean': 0.816496580927726}
    """
    y_true = np.asarray(y_true)
    classes = np.asarray(classes)
    y_pred = classes[np.argmax(np.asarray(proba), axis=1)]
    present = np.unique(y_true)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # imblearn warns about predicted-but-absent labels
        gmean = geometric_mean_score(y_true, y_pred, labels=present, average="multiclass")
    return {
        "auc": macro_ovr_auc(y_true, proba, classes),
        "balanced_accuracy": float(np.mean(present_recalls(y_true, y_pred))),
        "gmean": float(gmean),
    }
