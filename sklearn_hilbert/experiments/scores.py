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


#: Scores of a regression fold; MAE and RMSE are errors (lower is better).
REGRESSION_SCORE_NAMES = ("mae", "rmse", "pearson_r", "ccc", "r2")
#: Scores where lower is better.
LOWER_IS_BETTER = frozenset({"mae", "rmse"})


def concordance_correlation(y_true, y_pred):
    """Lin's concordance correlation coefficient (CCC) of predictions and true values.

    ``2 cov(y, p) / (var(y) + var(p) + (mean(y) - mean(p))^2)`` with population
    (ddof=0) moments: 1 for a perfect prediction, 0 for a constant one, lower
    than Pearson's r when the predictions are shifted or scaled.  NaN when both
    are constant.

    Examples
    --------
    >>> from sklearn_hilbert.experiments.scores import concordance_correlation
    >>> concordance_correlation([1, 2, 3, 4], [1, 2, 3, 4])
    1.0
    >>> concordance_correlation([1, 2, 3, 4], [2.5, 2.5, 2.5, 2.5])
    0.0
    >>> round(concordance_correlation([1, 2, 3, 4], [2, 3, 4, 5]), 3)  # r = 1, shifted by 1
    0.714
    """
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    constant = np.ptp(y_true) == 0 or np.ptp(y_pred) == 0  # exactly 0, not rounding noise
    covariance = 0.0 if constant else np.mean((y_true - y_true.mean()) * (y_pred - y_pred.mean()))
    denominator = y_true.var() + y_pred.var() + (y_true.mean() - y_pred.mean()) ** 2
    return float(2 * covariance / denominator) if denominator > 0 else float("nan")


def score_regression_fold(y_true, y_pred):
    """MAE, RMSE, Pearson r, CCC and R^2 of one fold (scikit-learn and scipy.stats).

    Pearson r is NaN when the true values or the predictions are constant
    (a mean predictor); its CCC is 0 and its R^2 is at most 0.

    Examples
    --------
    >>> from sklearn_hilbert.experiments.scores import score_regression_fold
    >>> scores = score_regression_fold([0., 2., 4., 6.], [1., 2., 3., 6.])
    >>> {k: round(v, 3) for k, v in scores.items()}
    {'mae': 0.5, 'rmse': 0.707, 'pearson_r': 0.956, 'ccc': 0.941, 'r2': 0.9}
    """
    from scipy.stats import pearsonr
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    constant = np.ptp(y_true) == 0 or np.ptp(y_pred) == 0
    return {
        "mae": float(mean_absolute_error(y_true, y_pred)),
        "rmse": float(np.sqrt(mean_squared_error(y_true, y_pred))),
        "pearson_r": float("nan") if constant else float(pearsonr(y_true, y_pred)[0]),
        "ccc": concordance_correlation(y_true, y_pred),
        "r2": float(r2_score(y_true, y_pred)) if len(y_true) > 1 else float("nan"),
    }
