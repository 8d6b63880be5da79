"""Cross-validate several methods on the same segment tensors and the same folds."""

import re
import warnings
from time import perf_counter

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.utils import Bunch
from skorch.helper import SliceDict
from tqdm.auto import tqdm

from .scores import SCORE_NAMES, align_proba, score_fold


def _as_slicedict(X):
    """Segment tensors as a SliceDict (rows indexable like an array)."""
    if isinstance(X, SliceDict):
        return X
    return SliceDict(**{k: np.asarray(v) for k, v in X.items()})


def _fit_networks(methods, X, y, splits, n_jobs):
    """Fit every ``HilbertClassifier`` method on every split at once (stacked engine).

    Returns ``{(name, split index): (fitted model, seconds)}``; the seconds of
    a model are its stack's wall time divided by the stack's size.
    """
    from ..classifier import HilbertClassifier
    from ..model_selection import fit_models

    keys = [(name, i) for name, est in methods.items() if isinstance(est, HilbertClassifier)
            for i in range(len(splits))]
    if not keys:
        return {}
    fitted, seconds = fit_models(
        [(methods[name], X[splits[i][0]], y[splits[i][0]]) for name, i in keys], n_jobs=n_jobs)
    return dict(zip(keys, zip(fitted, seconds)))


def cross_validate_methods(methods, X, y, *, n_splits=5, n_repeats=1, random_state=0,
                           attention_method="HILBERT", progress=True, n_jobs=None):
    """Cross-validate every method on the same stratified folds and collect scores.

    Parameters
    ----------
    methods : dict
        Method name -> unfitted classifier with ``predict_proba`` (cloned per fold).
    X : SliceDict or dict of arrays
        Segment tensors of all documents (encode once, then cross-validate).
    y : array-like of shape (n_docs,)
        Labels.
    n_splits, n_repeats : int, default=5, 1
        ``RepeatedStratifiedKFold`` settings, shared by all methods.
    random_state : int, default=0
        Seed of the folds.
    attention_method : str, default="HILBERT"
        Method whose out-of-fold attention weights (first repeat) are kept,
        if it has an ``attention_weights`` method.
    progress : bool, default=True
        Show a progress bar with the last fold's AUC.
    n_jobs : int or None, default=None
        The ``HilbertClassifier`` methods of all folds train first, together, in
        stacks (:func:`sklearn_hilbert.model_selection.fit_models`); ``n_jobs``
        groups run in parallel through joblib (a dask backend spreads them over
        a cluster).  Other methods fit fold by fold.

    Returns
    -------
    results : :class:`~sklearn.utils.Bunch`
        ``folds`` (one dict per method and fold: ``method, repeat, fold,
        n_test, auc, balanced_accuracy, gmean, fit_seconds, predict_seconds``),
        ``oof`` (method -> array ``(n_repeats, n_docs, n_classes)`` of
        out-of-fold probabilities), ``attention`` (modality -> ``(n_docs, S)``
        out-of-fold attention weights of ``attention_method``, or None),
        ``attention_models`` (``(test_indices, fitted model)`` of
        ``attention_method`` per fold of the first repeat), ``X``, ``classes``, ``y``,
        ``methods``, ``n_splits``, ``n_repeats``.
        Scores follow :mod:`sklearn_hilbert.experiments.scores`: classes missing from a
        test fold are skipped in the averages, never an error.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn_hilbert.experiments.runner import cross_validate_methods
    >>> rng = np.random.default_rng(0)
    >>> X = {"audio": rng.normal(size=(12, 2, 3)), "text": rng.normal(size=(12, 2, 3)),
    ...      "mask": np.ones((12, 2), bool)}
    >>> y = np.array([0, 1] * 6)
    >>> res = cross_validate_methods({"Dummy": DummyClassifier()}, X, y, n_splits=3,
    ...                              progress=False)
    >>> len(res.folds), res.folds[0]["auc"]
    (3, 0.5)
    """
    y = np.asarray(y)
    X = _as_slicedict(X)
    n = len(X)
    if len(y) != n:
        raise ValueError(f"X holds {n} documents but y has {len(y)} labels.")
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError(f"y holds the single class {classes.tolist()[0]!r} in all {n} documents; "
                         "cross-validating a classifier needs at least 2 classes.")
    cv = RepeatedStratifiedKFold(n_splits=n_splits, n_repeats=n_repeats, random_state=random_state)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*least populated class.*")
        splits = list(cv.split(np.zeros(n), y))
    networks = _fit_networks(methods, X, y, splits, n_jobs)
    folds = []
    oof = {name: np.full((n_repeats, n, len(classes)), np.nan) for name in methods}
    attention, attention_models = None, []
    bar = tqdm(total=len(methods) * len(splits), disable=not progress, desc="Cross-validation",
               unit="fit")
    for name, estimator in methods.items():
        for i, (train, test) in enumerate(splits):
            repeat, fold = divmod(i, n_splits)
            bar.set_postfix_str(f"{name} r{repeat} f{fold}")
            model = clone(estimator)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                warnings.filterwarnings("ignore", message=".*least populated class.*")
                warnings.filterwarnings("ignore", message=re.escape("y_pred contains classes"))
                # inner grid search on tiny training folds: a candidate may fail to score
                warnings.filterwarnings("ignore", message=".*test scores are non-finite.*")
                warnings.filterwarnings("ignore", message=".*Scoring failed.*")
                if (name, i) in networks:
                    model, fit_seconds = networks.pop((name, i))
                else:
                    start = perf_counter()
                    model.fit(X[train], y[train])
                    fit_seconds = perf_counter() - start
                start = perf_counter()
                proba = model.predict_proba(X[test])
                predict_seconds = perf_counter() - start
            proba = align_proba(proba, model.classes_, classes)
            oof[name][repeat, test] = proba
            scores = score_fold(y[test], proba, classes)
            folds.append({"method": name, "repeat": repeat, "fold": fold, "n_test": len(test),
                          **scores, "fit_seconds": fit_seconds,
                          "predict_seconds": predict_seconds})
            model = getattr(model, "best_estimator_", model)  # an inner search: its best model
            if name == attention_method and repeat == 0 and hasattr(model, "attention_weights"):
                attention_models.append((test, model))  # for the report's attributions
                weights = model.attention_weights(X[test])
                if attention is None:
                    attention = {k: np.zeros((n, np.shape(v)[1])) for k, v in weights.items()}
                for k, v in weights.items():
                    attention[k][test] = np.asarray(v)
            bar.update(1)
            bar.set_postfix_str(f"{name} r{repeat} f{fold} AUC={scores['auc']:.3f}")
    bar.close()
    return Bunch(folds=folds, oof=oof, attention=attention, attention_method=attention_method,
                 attention_models=attention_models, X=X, classes=classes, y=y,
                 methods=list(methods), n_splits=n_splits, n_repeats=n_repeats)


def summarize(results):
    """One row per method: mean and std over folds of each score, and mean fit seconds.

    NaN fold scores (a test fold holding a single class has no AUC) are left
    out of the mean; ``n_folds`` counts all folds.

    Returns
    -------
    list of dict
        Keys ``method``, ``<score>_mean``, ``<score>_std`` for ``auc``,
        ``balanced_accuracy``, ``gmean``, then ``fit_seconds`` (mean per fold),
        ``total_seconds`` (fit + predict over all folds) and ``n_folds``.
    """
    rows = []
    for name in results.methods:
        folds = [f for f in results.folds if f["method"] == name]
        row = {"method": name}
        for score in SCORE_NAMES:
            values = np.array([f[score] for f in folds], dtype=float)
            values = values[~np.isnan(values)]
            row[f"{score}_mean"] = float(values.mean()) if values.size else float("nan")
            row[f"{score}_std"] = float(values.std()) if values.size else float("nan")
        row["fit_seconds"] = float(np.mean([f["fit_seconds"] for f in folds]))
        row["total_seconds"] = float(sum(f["fit_seconds"] + f["predict_seconds"] for f in folds))
        row["n_folds"] = len(folds)
        rows.append(row)
    return rows
