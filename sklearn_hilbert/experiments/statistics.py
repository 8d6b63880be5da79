"""Statistics of the ``hilbert cv`` report: paired tests, bootstrap intervals, per-class
scores, calibration.

- **Paired comparison of two methods on the same folds.**  The folds of a
  repeated k-fold cross-validation share most of their training documents,
  so fold scores are correlated and the ordinary paired t-test is far too
  confident.  :func:`corrected_resampled_ttest` is Nadeau & Bengio's (2003)
  corrected resampled t-test, applied to repeated k-fold as Bouckaert & Frank
  (2004) recommend: the variance of the ``J = k r`` fold differences is
  inflated by ``1/J + n_test/n_train`` (instead of ``1/J``), with ``J - 1``
  degrees of freedom.  :func:`wilcoxon_signed_rank` (scipy) is given alongside;
  it ignores the correlation and needs at least 6 folds to reach p < 0.05.
- **Bootstrap interval over documents** of a method's out-of-fold AUC
  (:func:`bootstrap_auc`): the documents are resampled with replacement and
  the pooled out-of-fold AUC recomputed; percentile interval.  It shows how
  much the AUC depends on which documents were sampled, for the fitted
  models; it does not include the variation from retraining.
- **Per-class** one-vs-rest AUC and recall with class counts, and **calibration**
  scores (Brier, log-loss) of the out-of-fold probabilities.

All functions take plain arrays; ``proba`` may be ``(n, n_classes)`` or
``(n_repeats, n, n_classes)`` (then each repeat is scored and the scores averaged).
"""

import numpy as np
from scipy import stats

ALPHA = 0.05
#: How a fold score is named in sentences and tables.
SCORE_LABELS = {"auc": "AUC", "balanced_accuracy": "balanced accuracy", "gmean": "G-mean",
                "mae": "MAE", "rmse": "RMSE", "pearson_r": "Pearson r", "ccc": "CCC",
                "r2": "R^2"}


def corrected_resampled_ttest(differences, test_train_ratio):
    """Nadeau-Bengio corrected resampled t-test of paired fold differences.

    Parameters
    ----------
    differences : array-like of shape (J,)
        Score of method A minus score of method B on each of the ``J = k r``
        folds of a k-fold x r repeats cross-validation (the same folds for both).
    test_train_ratio : float
        ``n_test / n_train`` of one fold (``1 / (k - 1)`` for k-fold).

    Returns
    -------
    t : float
        ``mean(d) / sqrt((1/J + n_test/n_train) var(d))`` (``var`` with ``ddof=1``).
    p : float
        Two-sided p-value from Student's t with ``J - 1`` degrees of freedom
        (1.0 when every difference is 0; NaN with fewer than 2 folds).
    df : int
        ``J - 1``.

    Examples
    --------
    >>> from sklearn_hilbert.experiments.statistics import corrected_resampled_ttest
    >>> t, p, df = corrected_resampled_ttest([0.02, 0.01, 0.03, 0.02, 0.00], 1 / 4)
    >>> round(t, 3), round(p, 3), df
    (2.092, 0.105, 4)
    """
    d = np.asarray(differences, dtype=float)
    d = d[~np.isnan(d)]
    J = d.size
    if J < 2:
        return float("nan"), float("nan"), max(J - 1, 0)
    mean, var = d.mean(), d.var(ddof=1)
    if var == 0:
        return (0.0, 1.0, J - 1) if mean == 0 else (float(np.sign(mean) * np.inf), 0.0, J - 1)
    t = mean / np.sqrt((1.0 / J + test_train_ratio) * var)
    return float(t), float(2 * stats.t.sf(abs(t), J - 1)), J - 1


def wilcoxon_signed_rank(differences):
    """Two-sided Wilcoxon signed-rank p-value of paired differences (``scipy.stats.wilcoxon``).

    Zero differences are dropped (Wilcox's convention); every difference zero
    gives 1.0, no finite difference NaN.

    Examples
    --------
    >>> from sklearn_hilbert.experiments.statistics import wilcoxon_signed_rank
    >>> round(wilcoxon_signed_rank([0.02, 0.01, 0.03, 0.02, 0.04]), 4)  # 2 / 2**5
    0.0625
    """
    d = np.asarray(differences, dtype=float)
    d = d[~np.isnan(d)]
    if d.size == 0:
        return float("nan")
    if not np.any(d):
        return 1.0
    return float(stats.wilcoxon(d, zero_method="wilcox").pvalue)


def smallest_wilcoxon_p(n_pairs):
    """Smallest two-sided p-value of the exact Wilcoxon test with ``n_pairs``: ``2 / 2**n``."""
    return min(1.0, 2.0 / 2 ** n_pairs)


def _fold_scores(folds, method, score):
    rows = sorted((f for f in folds if f["method"] == method),
                  key=lambda f: (f["repeat"], f["fold"]))
    return np.array([f[score] for f in rows], dtype=float), rows


def compare_methods(folds, method, reference, n_docs, score="auc", alpha=ALPHA):
    """Paired comparison of two methods on the same folds.

    Parameters
    ----------
    folds : list of dict
        ``results.folds`` of :func:`~sklearn_hilbert.experiments.runner.cross_validate_methods`
        (keys ``method, repeat, fold, n_test`` and the scores).
    method, reference : str
        The two methods; differences are ``method - reference``.
    n_docs : int
        Documents in the cross-validation (``n_train = n_docs - n_test``).
    score : str, default="auc"
        Fold score compared.
    alpha : float, default=0.05
        Level of the verdict.

    Returns
    -------
    dict
        ``method, reference, score, n_folds, mean_diff, t, df, p_corrected_t,
        p_wilcoxon, significant`` (corrected t-test p < alpha) and ``sentence``.
    """
    a, rows = _fold_scores(folds, method, score)
    b, _ = _fold_scores(folds, reference, score)
    if a.shape != b.shape:
        raise ValueError(f"{method!r} and {reference!r} were not scored on the same folds.")
    d = a - b
    keep = ~np.isnan(d)
    ratio = float(np.mean([r["n_test"] / (n_docs - r["n_test"]) for r in rows]))
    t, p, df = corrected_resampled_ttest(d[keep], ratio)
    p_w = wilcoxon_signed_rank(d[keep])
    row = {"method": method, "reference": reference, "score": score, "n_folds": int(keep.sum()),
           "mean_diff": float(d[keep].mean()) if keep.any() else float("nan"),
           "t": t, "df": df, "p_corrected_t": p, "p_wilcoxon": p_w,
           "significant": bool(p < alpha)}
    row["sentence"] = verdict(row, alpha)
    return row


def verdict(row, alpha=ALPHA):
    """A plain sentence for one :func:`compare_methods` row.

    Examples
    --------
    >>> from sklearn_hilbert.experiments.statistics import verdict
    >>> import textwrap
    >>> text = verdict({"method": "HILBERT", "reference": "LogReg text", "n_folds": 10,
    ...                 "mean_diff": -0.022, "p_corrected_t": 0.51, "p_wilcoxon": 0.38})
    >>> print(textwrap.fill(text, 79))
    HILBERT vs LogReg text: no difference detectable at alpha=0.05 with 10 folds
    (AUC difference -0.022, corrected t-test p=0.51, Wilcoxon p=0.38).
    """
    n, diff, p, p_w = row["n_folds"], row["mean_diff"], row["p_corrected_t"], row["p_wilcoxon"]
    name = SCORE_LABELS.get(row.get("score", "auc"), row.get("score"))
    numbers = f"{name} difference {diff:+.3f}, corrected t-test p={p:.2g}, Wilcoxon p={p_w:.2g}"
    head = f"{row['method']} vs {row['reference']}: "
    if np.isnan(p):
        return head + f"not testable ({n} fold(s) with a finite {name} for both)."
    if p < alpha:
        word = "higher" if diff > 0 else "lower"
        return (f"{row['method']} has a {word} {name} than {row['reference']} "
                f"({numbers}; alpha={alpha}).")
    text = head + f"no difference detectable at alpha={alpha} with {n} folds ({numbers})."
    if smallest_wilcoxon_p(n) >= alpha:
        floor = smallest_wilcoxon_p(n)
        text = text[:-1] + f"; with {n} folds the Wilcoxon test cannot go below p={floor:.2g}."
    return text


def _as_repeats(proba):
    proba = np.asarray(proba, dtype=float)
    return proba[None] if proba.ndim == 2 else proba


def _rank_auc(scores, positive):
    """Row-wise ROC AUC of ``scores (B, n)`` for boolean ``positive (B, n)``.

    NaN for a row without both classes.
    """
    ranks = stats.rankdata(scores, axis=1)
    n_pos = positive.sum(axis=1)
    n_neg = positive.shape[1] - n_pos
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = ((ranks * positive).sum(axis=1) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    return np.where((n_pos > 0) & (n_neg > 0), auc, np.nan)


def _macro_auc_rows(y_rows, proba_rows, classes):
    """Macro OvR AUC per row of resampled labels ``(B, n)`` and probabilities ``(B, n, C)``."""
    aucs = np.stack([_rank_auc(proba_rows[..., k], y_rows == c) for k, c in enumerate(classes)])
    return _nanmean(aucs, axis=0)


def _nanmean(a, axis):
    """Mean ignoring NaN; NaN (and no warning) where a slice holds no number."""
    count = (~np.isnan(a)).sum(axis=axis)
    total = np.where(np.isnan(a), 0.0, a).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def bootstrap_auc(y, proba, classes, n_resamples=1000, confidence=0.95, random_state=0):
    """Out-of-fold macro OvR AUC with a bootstrap percentile interval over documents.

    Parameters
    ----------
    y : array-like of shape (n,)
        True labels.
    proba : array-like of shape (n, n_classes) or (n_repeats, n, n_classes)
        Out-of-fold probabilities (columns follow ``classes``).
    classes : array-like of shape (n_classes,)
        All classes.
    n_resamples : int, default=1000
        Bootstrap resamples of the documents (the same resamples for every repeat).
    confidence : float, default=0.95
        Coverage of the percentile interval.
    random_state : int, default=0
        Seed of the resampling.

    Returns
    -------
    auc, low, high : float
        The pooled out-of-fold AUC (mean over repeats) and the interval.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert.experiments.statistics import bootstrap_auc
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], 50)
    >>> p1 = np.clip(0.5 + 0.3 * (y - 0.5) + rng.normal(0, .2, 100), 0, 1)
    >>> auc, low, high = bootstrap_auc(y, np.c_[1 - p1, p1], [0, 1])
    >>> bool(low < auc < high), round(auc, 3)
    (True, 0.843)
    """
    y = np.asarray(y)
    proba = _as_repeats(proba)
    classes = list(classes)
    point = float(_nanmean(_macro_auc_rows(np.broadcast_to(y, (len(proba), len(y))), proba,
                                           classes), axis=0))
    idx = np.random.default_rng(random_state).integers(0, len(y), size=(n_resamples, len(y)))
    boot = _nanmean(np.stack([_macro_auc_rows(y[idx], p[idx], classes) for p in proba]), axis=0)
    boot = boot[~np.isnan(boot)]
    if boot.size == 0:
        return point, float("nan"), float("nan")
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(boot, [tail, 100 - tail])
    return point, float(low), float(high)


def per_class_scores(y, proba, classes):
    """One-vs-rest AUC and recall of every class from out-of-fold probabilities.

    Returns
    -------
    list of dict
        Per class: ``class``, ``n`` (documents), ``auc`` (class vs the rest,
        scored by its probability; NaN when every document or none is of the
        class) and ``recall`` (share of its documents predicted as it, the
        predicted class being the most probable one); mean over repeats.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert.experiments.statistics import per_class_scores
    >>> proba = np.array([[.8, .2], [.6, .4], [.3, .7], [.55, .45]])
    >>> rows = per_class_scores(["a", "a", "b", "b"], proba, ["a", "b"])
    >>> [(r["class"], r["n"], r["auc"], r["recall"]) for r in rows]
    [('a', 2, 1.0, 1.0), ('b', 2, 1.0, 0.5)]
    """
    y = np.asarray(y)
    proba = _as_repeats(proba)
    classes = list(classes)
    predicted = np.asarray(classes)[np.argmax(proba, axis=2)]  # (R, n)
    rows = []
    for k, c in enumerate(classes):
        positive = y == c
        auc = _rank_auc(proba[..., k], np.broadcast_to(positive, proba.shape[:2]))
        recall = (predicted[:, positive] == c).mean() if positive.any() else float("nan")
        rows.append({"class": c, "n": int(positive.sum()), "auc": float(np.mean(auc)),
                     "recall": float(recall)})
    return rows


def calibration_scores(y, proba, classes):
    """Brier score and log-loss of out-of-fold probabilities (lower is better).

    Brier: mean over documents of ``sum_k (p_k - [y = k])^2``, halved for two
    classes (the usual binary Brier score, ``(p_positive - y)^2``); as
    scikit-learn's ``brier_score_loss``.  Log-loss: mean ``-log p_y`` with
    probabilities clipped to ``[1e-15, 1]``.  Mean over repeats.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert.experiments.statistics import calibration_scores
    >>> scores = calibration_scores([0, 1], np.array([[.8, .2], [.4, .6]]), [0, 1])
    >>> round(scores["brier"], 3), round(scores["log_loss"], 3)
    (0.1, 0.367)
    """
    y = np.asarray(y)
    proba = _as_repeats(proba)
    classes = list(classes)
    onehot = (y[:, None] == np.asarray(classes)[None, :]).astype(float)
    brier = ((proba - onehot) ** 2).sum(axis=2).mean(axis=1)
    if len(classes) == 2:
        brier = brier / 2
    p_true = np.clip((proba * onehot).sum(axis=2), 1e-15, 1.0)
    return {"brier": float(brier.mean()), "log_loss": float(-np.log(p_true).mean())}
