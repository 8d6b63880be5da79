"""The official-split protocol: fit on the training documents, score on dev and test.

Corpora such as DAIC-WOZ come with a fixed train/dev/test split; published
numbers are on it, not on cross-validation.  :func:`evaluate_split` fits every
method once on ``train`` and scores the ``dev`` and ``test`` documents;
:func:`write_split_report` writes its report folder.
"""

import csv
import re
import warnings
from pathlib import Path
from time import perf_counter

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import Bunch

from .runner import _as_slicedict, infer_task, score_names
from .scores import align_proba, score_fold, score_regression_fold
from .subgroups import subgroup_scores, subgroup_section

PARTS = ("train", "dev", "test")
_LABELS = {"auc": "AUC", "balanced_accuracy": "Balanced acc.", "gmean": "G-mean",
           "mae": "MAE", "rmse": "RMSE", "pearson_r": "Pearson r", "ccc": "CCC", "r2": "R^2"}


def check_parts(parts, doc_ids=None, column="split"):
    """The split of every document as an array of ``"train"``/``"dev"``/``"test"``.

    Values are compared case-insensitively after stripping spaces.  Raises
    ``ValueError`` naming the first document with another value, and when there
    is no training document or neither a dev nor a test document.

    Examples
    --------
    >>> from sklearn_hilbert.experiments.holdout import check_parts
    >>> check_parts(["train", "Test ", "dev", "train"]).tolist()
    ['train', 'test', 'dev', 'train']
    """
    values = np.array([str(v).strip().lower() for v in parts], dtype=object)
    for i, v in enumerate(values):
        if v not in PARTS:
            doc = f"document {doc_ids[i]!r}" if doc_ids is not None else f"document {i}"
            raise ValueError(f"{column} column: {doc} has {str(parts[i])!r}; the values must be "
                             "train, dev or test")
    if not (values == "train").any():
        raise ValueError(f"{column} column: no document is in 'train'")
    if not ((values == "dev") | (values == "test")).any():
        raise ValueError(f"{column} column: no document is in 'dev' or 'test'")
    return values.astype(str)


def evaluate_split(methods, X, y, parts, *, task=None, progress=True):
    """Fit every method on the ``train`` documents; score the ``dev`` and ``test`` ones.

    Parameters
    ----------
    methods : dict
        Method name -> unfitted classifier (with ``predict_proba``) or regressor.
    X : SliceDict or dict of arrays
        Segment tensors of all documents.
    y : array-like of shape (n_docs,)
    parts : array-like of shape (n_docs,)
        ``"train"``, ``"dev"`` or ``"test"`` per document (see :func:`check_parts`).
    task : {"classification", "regression"}, default=None
        None: regression when every method is a regressor.
    progress : bool, default=True
        Print one line per fitted method (stderr).

    Returns
    -------
    results : :class:`~sklearn.utils.Bunch`
        ``task``, ``scores`` (one dict per method and part: ``method, part, n``,
        the scores, ``fit_seconds``), ``predictions`` (method -> array of every
        document's probabilities or predicted score, NaN for training
        documents), ``y``, ``parts``, ``classes`` (None for a regression),
        ``methods``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyRegressor
    >>> from sklearn_hilbert.experiments.holdout import evaluate_split
    >>> X = {"audio": np.zeros((6, 2, 3)), "text": np.zeros((6, 2, 3)),
    ...      "mask": np.ones((6, 2), bool)}
    >>> y = np.array([1., 3., 2., 4., 2., 6.])
    >>> res = evaluate_split({"mean": DummyRegressor()}, X, y,
    ...                      ["train", "train", "dev", "dev", "test", "test"], progress=False)
    >>> [(r["part"], r["n"], r["mae"]) for r in res.scores]
    [('dev', 2, 1.0), ('test', 2, 2.0)]
    """
    import sys

    X = _as_slicedict(X)
    y = np.asarray(y)
    parts = check_parts(parts)
    if len(parts) != len(y) or len(y) != len(X):
        raise ValueError(f"X holds {len(X)} documents, y {len(y)} and parts {len(parts)}")
    task = infer_task(methods) if task is None else task
    regression = task == "regression"
    if regression:
        y = y.astype(float)
    train = np.flatnonzero(parts == "train")
    classes = None if regression else np.unique(y)
    if not regression and len(np.unique(y[train])) < 2:
        raise ValueError(f"the training documents hold the single class {y[train][0]!r}; a "
                         "classifier needs at least 2")
    shape = (len(y),) if regression else (len(y), len(classes))
    scores, predictions = [], {}
    for name, estimator in methods.items():
        model = clone(estimator)
        start = perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.filterwarnings("ignore", message=".*least populated class.*")
            warnings.filterwarnings("ignore", message=re.escape("y_pred contains classes"))
            model.fit(X[train], y[train])
        fit_seconds = perf_counter() - start
        held = np.flatnonzero(parts != "train")
        pred = np.full(shape, np.nan)
        if regression:
            pred[held] = np.asarray(model.predict(X[held]), dtype=float).reshape(len(held))
        else:
            pred[held] = align_proba(model.predict_proba(X[held]), model.classes_, classes)
        predictions[name] = pred
        for part in ("dev", "test"):
            idx = np.flatnonzero(parts == part)
            if not idx.size:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # r of a constant prediction
                s = (score_regression_fold(y[idx], pred[idx]) if regression
                     else score_fold(y[idx], pred[idx], classes))
            scores.append({"method": name, "part": part, "n": int(idx.size), **s,
                           "fit_seconds": fit_seconds})
        if progress:
            print(f"  {name}: fitted on {len(train)} documents in {fit_seconds:.1f} s",
                  file=sys.stderr, flush=True)
    return Bunch(task=task, scores=scores, predictions=predictions, y=y, parts=parts,
                 classes=classes, methods=list(methods))


def _write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _cell(v):
    return "n/a" if np.isnan(v) else f"{v:.3f}"


def split_table(results, part):
    """Markdown table of one part's scores (best AUC or lowest MAE in bold)."""
    names = score_names(results.task)
    rows = [r for r in results.scores if r["part"] == part]
    key = "mae" if results.task == "regression" else "auc"
    values = np.array([r[key] for r in rows], dtype=float)
    best = None
    if rows and not np.all(np.isnan(values)):
        best = np.nanmin(values) if results.task == "regression" else np.nanmax(values)
    lines = ["| Method | " + " | ".join(_LABELS[k] for k in names) + " | Fit s |",
             "|---|" + "---:|" * (len(names) + 1)]
    for r in rows:
        cells = [_cell(r[k]) for k in names]
        if best is not None and r[key] == best:
            cells[names.index(key)] = f"**{cells[names.index(key)]}**"
        lines.append(f"| {r['method']} | " + " | ".join(cells) + f" | {r['fit_seconds']:.1f} |")
    return "\n".join(lines)


def write_split_report(results, output_dir, *, doc_ids=None, title="Official split",
                       description="", split_column="split", subgroups=None,
                       subgroup_column="subgroup", group_note=""):
    """Write the report folder of :func:`evaluate_split`; return its score rows.

    Files: ``results.md`` (one table per part), ``results.csv`` (one row per
    method and part), ``predictions.csv`` (every dev/test document's prediction
    per method) and, with ``subgroups``, ``subgroups_dev.csv`` and ``subgroups_test.csv``.
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    n = len(results.y)
    doc_ids = [str(d) for d in (doc_ids if doc_ids is not None else range(n))]
    counts = {p: int(np.sum(results.parts == p)) for p in PARTS}
    _write_csv(out / "results.csv", results.scores)
    held = np.flatnonzero(results.parts != "train")
    pred_rows = []
    for name in results.methods:
        for i in held:
            row = {"doc_id": doc_ids[i], "part": results.parts[i], "label": results.y[i],
                   "method": name}
            p = results.predictions[name][i]
            if results.task == "regression":
                row["prediction"] = f"{p:.6g}"
            else:
                row.update({f"proba_{c}": f"{v:.6f}" for c, v in zip(results.classes, p)})
            pred_rows.append(row)
    _write_csv(out / "predictions.csv", pred_rows)
    lines = [f"# {title}", "", description, "",
             f"Official split from the column `{split_column}`: fitted once on the "
             f"{counts['train']} training documents, scored on the {counts['dev']} dev and "
             f"{counts['test']} test documents (no cross-validation, so no fold spread and no "
             "paired test: one test set). " + group_note, ""]
    for part in ("dev", "test"):
        if counts[part]:
            lines += [f"## {part} ({counts[part]} documents)", "", split_table(results, part),
                      ""]
    if subgroups is not None:
        subgroups = np.asarray(subgroups)
        for part in ("dev", "test"):
            idx = np.flatnonzero(results.parts == part)
            if not idx.size:
                continue
            preds = {m: results.predictions[m][idx] for m in results.methods}
            rows = subgroup_scores(results.y[idx], preds, subgroups[idx], results.task,
                                   results.classes)
            lines += subgroup_section(rows, subgroup_column, out, results.task,
                                      heading=f"## Subgroups ({part})",
                                      csv_name=f"subgroups_{part}.csv")
    lines += ["Files: `results.csv`, `predictions.csv`"
              + (", `subgroups_<part>.csv`" if subgroups is not None else "") + ".", ""]
    (out / "results.md").write_text("\n".join(lines).replace("\n\n\n", "\n\n"))
    return results.scores
