"""Scores within subgroups (site, sex, corpus...): does a method work for everyone?

:func:`subgroup_scores` scores every method's out-of-fold predictions on the
documents of each subgroup; :func:`subgroup_section` writes ``subgroups.csv``
and returns the report's Markdown table.  Classification: macro one-vs-rest AUC,
balanced accuracy and G-mean (:func:`~sklearn_hilbert.experiments.scores.score_fold`,
NaN AUC for a subgroup holding a single class); regression: MAE, RMSE, Pearson r,
CCC and R^2 (:func:`~sklearn_hilbert.experiments.scores.score_regression_fold`).
With repeats, each repeat is scored and the scores averaged.
"""

import csv
import warnings

import numpy as np

from .scores import score_fold, score_regression_fold

#: The two scores shown per subgroup in the report's table (all are in the CSV).
SHOWN = {"classification": ("auc", "balanced_accuracy"), "regression": ("mae", "ccc")}
_LABELS = {"auc": "AUC", "balanced_accuracy": "bal. acc.", "mae": "MAE", "ccc": "CCC"}


def subgroup_scores(y, predictions, subgroups, task="classification", classes=None):
    """Scores of every method within every subgroup.

    Parameters
    ----------
    y : array-like of shape (n_docs,)
        True labels or scores.
    predictions : dict
        Method name -> out-of-fold probabilities ``([n_repeats,] n_docs, n_classes)``
        (classification) or predictions ``([n_repeats,] n_docs)`` (regression);
        NaN rows (documents not predicted) are left out.
    subgroups : array-like of shape (n_docs,)
        Subgroup of each document.
    task : {"classification", "regression"}, default="classification"
    classes : array-like, default=None
        All classes (classification), the columns of the probabilities.

    Returns
    -------
    list of dict
        One row per (method, subgroup): ``method, subgroup, n`` and the scores.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert.experiments.subgroups import subgroup_scores
    >>> y = np.array([1., 2., 3., 10., 20., 30.])
    >>> rows = subgroup_scores(y, {"m": y + [0, 0, 0, 1, 1, 1]}, ["a"] * 3 + ["b"] * 3,
    ...                        task="regression")
    >>> [(r["subgroup"], r["n"], r["mae"]) for r in rows]
    [('a', 3, 0.0), ('b', 3, 1.0)]
    """
    y = np.asarray(y)
    subgroups = np.asarray(subgroups).astype(str)
    values = sorted(set(subgroups.tolist()))
    rows = []
    for method, pred in predictions.items():
        pred = np.asarray(pred, dtype=float)
        if pred.ndim == (2 if task == "classification" else 1):
            pred = pred[None]
        for value in values:
            members = subgroups == value
            per_repeat = []
            for p in pred:
                keep = members & ~np.isnan(p.reshape(len(y), -1)).any(axis=1)
                if not keep.any():
                    continue
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # one document: undefined r and R^2
                    per_repeat.append(score_regression_fold(y[keep], p[keep])
                                      if task == "regression"
                                      else score_fold(y[keep], p[keep], classes))
            n = int(members.sum())
            if not per_repeat:
                continue
            scores = {k: _nanmean([s[k] for s in per_repeat]) for k in per_repeat[0]}
            rows.append({"method": method, "subgroup": value, "n": n, **scores})
    return rows


def _nanmean(values):
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else float("nan")


def _cell(v):
    return "n/a" if np.isnan(v) else f"{v:.3f}"


def subgroup_section(rows, column, out, task="classification", heading="## Subgroups",
                     csv_name="subgroups.csv"):
    """Write ``rows`` of :func:`subgroup_scores` to ``out / csv_name``; return Markdown lines.

    One table row per method, one column per subgroup (its document count in the
    header), cells ``AUC / balanced accuracy`` or ``MAE / CCC``.
    """
    if not rows:
        return []
    with open(out / csv_name, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["column", *rows[0]])
        writer.writeheader()
        writer.writerows({"column": column, **r} for r in rows)
    shown = SHOWN[task]
    values, counts = [], {}
    for r in rows:
        if r["subgroup"] not in counts:
            values.append(r["subgroup"])
            counts[r["subgroup"]] = r["n"]
    what = " / ".join(_LABELS[k] for k in shown)
    lines = [heading, "",
             f"Scores within each value of `{column}` ({what}), from the same out-of-fold "
             "predictions as above (mean over repeats); n: documents. A subgroup holding a "
             "single class has no AUC (n/a). Small subgroups give noisy scores. All scores: "
             f"`{csv_name}`.", "",
             "| Method | " + " | ".join(f"{v} (n={counts[v]})" for v in values) + " |",
             "|---|" + "---:|" * len(values)]
    by_method = {}
    for r in rows:
        by_method.setdefault(r["method"], {})[r["subgroup"]] = r
    for method, cells in by_method.items():
        lines.append(f"| {method} | " + " | ".join(
            " / ".join(_cell(cells[v][k]) for k in shown) if v in cells else "n/a"
            for v in values) + " |")
    return lines + [""]
