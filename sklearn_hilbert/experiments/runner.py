"""Cross-validate several methods on the same segment tensors and the same folds.

Classifiers (class labels) and regressors (scores) alike; the folds are
stratified k-fold for classes and k-fold for scores, or, with ``groups``
(speakers, corpora), stratified group k-fold and group k-fold, so that no group
is ever in both the training and the test documents of a fold (checked, see
:func:`check_group_disjoint`).
"""

import re
import warnings
from time import perf_counter

import numpy as np
from sklearn.base import clone, is_regressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import (GroupKFold, RepeatedKFold, RepeatedStratifiedKFold,
                                     StratifiedGroupKFold, check_cv)
from sklearn.utils import Bunch
from skorch.helper import SliceDict
from tqdm.auto import tqdm

from .scores import (REGRESSION_SCORE_NAMES, SCORE_NAMES, align_proba, score_fold,
                     score_regression_fold)

TASKS = ("classification", "regression")


def _as_slicedict(X):
    """Segment tensors as a SliceDict (rows indexable like an array)."""
    if isinstance(X, SliceDict):
        return X
    return SliceDict(**{k: np.asarray(v) for k, v in X.items()})


def _fit_networks(methods, X, y, splits, n_jobs):
    """Fit every network method (``HilbertClassifier`` or ``HilbertRegressor``) on every split
    at once (stacked engine).

    Returns ``{(name, split index): (fitted model, seconds)}``; the seconds of
    a model are its stack's wall time divided by the stack's size.
    """
    from .._base import BaseHilbert

    keys = [(name, i) for name, est in methods.items() if isinstance(est, BaseHilbert)
            for i in range(len(splits))]
    if not keys:
        return {}
    from ..model_selection import fit_models

    fitted, seconds = fit_models(
        [(methods[name], X[splits[i][0]], y[splits[i][0]]) for name, i in keys], n_jobs=n_jobs)
    return dict(zip(keys, zip(fitted, seconds)))


def infer_task(methods):
    """``"regression"`` when every method is a regressor, else ``"classification"``;
    a mix of both is refused."""
    kinds = {"regression" if is_regressor(est) else "classification"
             for est in methods.values()}
    if len(kinds) > 1:
        raise ValueError("methods mix classifiers and regressors: "
                         + ", ".join(f"{n} ({'regressor' if is_regressor(e) else 'classifier'})"
                                     for n, e in methods.items()))
    return kinds.pop() if kinds else "classification"


def make_splits(y, task="classification", *, n_splits=5, n_repeats=1, random_state=0,
                groups=None, cv=None):
    """The (train, test) index pairs of every repeat and fold, and the number of repeats.

    Parameters
    ----------
    y : array-like of shape (n_docs,)
    task : {"classification", "regression"}, default="classification"
    n_splits, n_repeats, random_state : int
        Without ``cv``: ``RepeatedStratifiedKFold`` (classes) or ``RepeatedKFold``
        (scores); with ``groups``, ``StratifiedGroupKFold`` / ``GroupKFold``
        shuffled with seed ``random_state + repeat`` for each repeat.
    groups : array-like of shape (n_docs,), default=None
        Group of each document (speaker, corpus...).
    cv : int or scikit-learn splitter, default=None
        Instead of the above: an int is ``n_splits``; a splitter (``GroupKFold()``,
        ``RepeatedStratifiedKFold(...)``...) is used as is (``groups`` passed to
        its ``split``); its ``n_repeats`` attribute, if any, gives the repeats.
        Each repeat must test every document exactly once.

    Returns
    -------
    splits : list of (train, test) index arrays
    n_repeats : int

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert.experiments.runner import make_splits
    >>> groups = np.repeat(["s1", "s2", "s3", "s4"], 3)
    >>> splits, n_repeats = make_splits(np.arange(12.0), "regression", n_splits=2,
    ...                                 groups=groups)
    >>> [sorted(set(groups[test].tolist())) for _, test in splits]
    [['s3', 's4'], ['s1', 's2']]
    """
    y = np.asarray(y)
    n = len(y)
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    if groups is not None:
        groups = np.asarray(groups)
        if len(groups) != n:
            raise ValueError(f"groups has {len(groups)} entries for {n} documents")
    if isinstance(cv, (int, np.integer)):
        n_splits, cv = int(cv), None
    if cv is None:
        if groups is not None:
            n_groups = len(np.unique(groups))
            if n_groups < n_splits:
                raise ValueError(f"only {n_groups} distinct groups for {n_splits} folds; "
                                 f"use at most {n_groups} folds")
            kind = StratifiedGroupKFold if task == "classification" else GroupKFold
            splits = [s for r in range(n_repeats) for s in kind(
                n_splits, shuffle=True, random_state=random_state + r).split(
                    np.zeros(n), y, groups)]
            return splits, n_repeats
        kind = RepeatedStratifiedKFold if task == "classification" else RepeatedKFold
        cv = kind(n_splits=n_splits, n_repeats=n_repeats, random_state=random_state)
    else:
        cv = check_cv(cv, y, classifier=task == "classification")
    n_repeats = int(getattr(cv, "n_repeats", 1))
    splits = list(cv.split(np.zeros(n), y, groups))
    if len(splits) % n_repeats:
        raise ValueError(f"cv gave {len(splits)} splits for {n_repeats} repeats")
    per_repeat = len(splits) // n_repeats
    for r in range(n_repeats):
        tested = np.concatenate([t for _, t in splits[r * per_repeat:(r + 1) * per_repeat]])
        if len(tested) != n or len(np.unique(tested)) != n:
            raise ValueError(f"cv must test every document exactly once per repeat (a k-fold "
                             f"partition); {type(cv).__name__} tested {len(np.unique(tested))} "
                             f"of {n} documents, {len(tested)} times in all, in repeat {r}")
    return splits, n_repeats


def check_group_disjoint(splits, groups, n_splits=None):
    """Check that no group is in both the training and the test documents of any split.

    Returns the number of distinct groups; raises ``ValueError`` naming the first
    fold and the shared groups otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert.experiments.runner import check_group_disjoint
    >>> groups = np.array(["a", "a", "b", "b"])
    >>> check_group_disjoint([(np.array([0, 1]), np.array([2, 3]))], groups)
    2
    >>> check_group_disjoint([(np.array([0, 2]), np.array([1, 3]))], groups)
    Traceback (most recent call last):
    ...
    ValueError: repeat 0, fold 0: groups ['a', 'b'] are in both the training and the test documents
    """
    groups = np.asarray(groups)
    n_splits = n_splits or len(splits)
    for i, (train, test) in enumerate(splits):
        shared = set(groups[train].tolist()) & set(groups[test].tolist())
        if shared:
            repeat, fold = divmod(i, n_splits)
            raise ValueError(f"repeat {repeat}, fold {fold}: groups {sorted(map(str, shared))} "
                             "are in both the training and the test documents")
    return len(np.unique(groups))


def cross_validate_methods(methods, X, y, *, n_splits=5, n_repeats=1, random_state=0,
                           cv=None, groups=None, task=None, attention_method="HILBERT",
                           progress=True, n_jobs=None):
    """Cross-validate every method on the same folds and collect scores.

    Parameters
    ----------
    methods : dict
        Method name -> unfitted classifier with ``predict_proba``, or regressor
        (cloned per fold).
    X : SliceDict or dict of arrays
        Segment tensors of all documents (encode once, then cross-validate).
    y : array-like of shape (n_docs,)
        Labels (classification) or scores (regression).
    n_splits, n_repeats : int, default=5, 1
        Folds and repeats shared by all methods: ``RepeatedStratifiedKFold``
        (classification) or ``RepeatedKFold`` (regression); with ``groups``,
        ``StratifiedGroupKFold`` / ``GroupKFold`` (see :func:`make_splits`).
    random_state : int, default=0
        Seed of the folds.
    cv : int or scikit-learn splitter, default=None
        Other folds (see :func:`make_splits`), e.g. ``GroupKFold(5)``.
    groups : array-like of shape (n_docs,), default=None
        Group of each document (speaker, corpus): no group is in both the
        training and the test documents of any fold (checked, also for a
        ``cv`` of your own; ``ValueError`` naming the fold otherwise).
    task : {"classification", "regression"}, default=None
        None: regression when every method is a regressor.
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
        ``task``; ``folds`` (one dict per method and fold: ``method, repeat, fold,
        n_test``, the scores -- ``auc, balanced_accuracy, gmean`` or ``mae, rmse,
        pearson_r, ccc, r2`` -- ``fit_seconds, predict_seconds``),
        ``oof`` (method -> array ``(n_repeats, n_docs, n_classes)`` of
        out-of-fold probabilities, or ``(n_repeats, n_docs)`` of predicted scores),
        ``fold_of`` (``(n_repeats, n_docs)``: the test fold of each document),
        ``groups`` and ``n_groups`` (None without groups), ``attention`` (modality ->
        ``(n_docs, S)``
        out-of-fold attention weights of ``attention_method``, or None),
        ``attention_models`` (``(test_indices, fitted model)`` of
        ``attention_method`` per fold of the first repeat), ``X``, ``classes``, ``y``,
        ``methods``, ``n_splits``, ``n_repeats``; ``classes`` is None for a regression.
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
    task = infer_task(methods) if task is None else task
    regression = task == "regression"
    if regression:
        y = y.astype(float)
        if y.ndim != 1 or np.isnan(y).any():
            raise ValueError("a regression needs one finite score per document (y of shape "
                             f"(n_docs,)), got shape {y.shape}")
        classes = None
    else:
        classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError(f"y holds the single class {classes.tolist()[0]!r} in all {n} "
                             "documents; cross-validating a classifier needs at least 2 classes.")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*least populated class.*")
        splits, n_repeats = make_splits(y, task, n_splits=n_splits, n_repeats=n_repeats,
                                        random_state=random_state, groups=groups, cv=cv)
    n_splits = len(splits) // n_repeats
    n_groups = None
    if groups is not None:
        groups = np.asarray(groups)
        n_groups = check_group_disjoint(splits, groups, n_splits)
    fold_of = np.empty((n_repeats, n), dtype=int)
    for i, (_, test) in enumerate(splits):
        fold_of[i // n_splits, test] = i % n_splits
    networks = _fit_networks(methods, X, y, splits, n_jobs)
    folds = []
    shape = (n_repeats, n) if regression else (n_repeats, n, len(classes))
    oof = {name: np.full(shape, np.nan) for name in methods}
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
                if regression:
                    proba = np.asarray(model.predict(X[test]), dtype=float).reshape(len(test))
                else:
                    proba = model.predict_proba(X[test])
                predict_seconds = perf_counter() - start
            if regression:
                scores = score_regression_fold(y[test], proba)
            else:
                proba = align_proba(proba, model.classes_, classes)
                scores = score_fold(y[test], proba, classes)
            oof[name][repeat, test] = proba
            folds.append({"method": name, "repeat": repeat, "fold": fold, "n_test": len(test),
                          **scores, "fit_seconds": fit_seconds,
                          "predict_seconds": predict_seconds})
            model = getattr(model, "best_estimator_", model)  # an inner search: its best model
            if (name == attention_method and repeat == 0 and not regression
                    and hasattr(model, "attention_weights")):
                attention_models.append((test, model))  # for the report's attributions
                weights = model.attention_weights(X[test])
                if attention is None:
                    attention = {k: np.zeros((n, np.shape(v)[1])) for k, v in weights.items()}
                for k, v in weights.items():
                    attention[k][test] = np.asarray(v)
            bar.update(1)
            shown = f"MAE={scores['mae']:.3f}" if regression else f"AUC={scores['auc']:.3f}"
            bar.set_postfix_str(f"{name} r{repeat} f{fold} {shown}")
    bar.close()
    return Bunch(task=task, folds=folds, oof=oof, attention=attention,
                 attention_method=attention_method, attention_models=attention_models, X=X,
                 classes=classes, y=y, methods=list(methods), n_splits=n_splits,
                 n_repeats=n_repeats, fold_of=fold_of, groups=groups, n_groups=n_groups)


def score_names(task):
    """The fold scores of a task: ``SCORE_NAMES`` or ``REGRESSION_SCORE_NAMES``."""
    return REGRESSION_SCORE_NAMES if task == "regression" else SCORE_NAMES


def summarize(results):
    """One row per method: mean and std over folds of each score, and mean fit seconds.

    NaN fold scores (a test fold holding a single class has no AUC) are left
    out of the mean; ``n_folds`` counts all folds.

    Returns
    -------
    list of dict
        Keys ``method``, ``<score>_mean``, ``<score>_std`` for ``auc``,
        ``balanced_accuracy``, ``gmean`` (regression: ``mae``, ``rmse``,
        ``pearson_r``, ``ccc``, ``r2``), then ``fit_seconds`` (mean per fold),
        ``total_seconds`` (fit + predict over all folds) and ``n_folds``.
    """
    rows = []
    for name in results.methods:
        folds = [f for f in results.folds if f["method"] == name]
        row = {"method": name}
        for score in score_names(getattr(results, "task", "classification")):
            values = np.array([f[score] for f in folds], dtype=float)
            values = values[~np.isnan(values)]
            row[f"{score}_mean"] = float(values.mean()) if values.size else float("nan")
            row[f"{score}_std"] = float(values.std()) if values.size else float("nan")
        row["fit_seconds"] = float(np.mean([f["fit_seconds"] for f in folds]))
        row["total_seconds"] = float(sum(f["fit_seconds"] + f["predict_seconds"] for f in folds))
        row["n_folds"] = len(folds)
        rows.append(row)
    return rows
