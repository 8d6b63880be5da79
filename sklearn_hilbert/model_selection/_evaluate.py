"""Fit and score every (candidate x fold) model of a search with the stacked engine.

Shared by :class:`BatchedGridSearchCV` and :func:`batched_cross_validate`.
The estimator is a ``HilbertClassifier`` or ``HilbertRegressor``, or a ``Pipeline`` ending in one.
Pipeline steps before the classifier are fitted per fold on the training
documents, as scikit-learn does, once per distinct setting of those steps;
steps that learn nothing (``requires_fit`` tag False, such as
``FrozenEncoderTransformer``) transform all documents once.  The classifiers
then go to :func:`~._engine.fit_models` together.
"""

import time
from collections.abc import Mapping

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing, get_tags
from skorch.helper import SliceDict

from .._base import BaseHilbert
from ._engine import fit_models


def take(X, index):
    """Rows ``index`` of documents (list/array) or of segment tensors (mapping)."""
    if isinstance(X, Mapping) and not isinstance(X, SliceDict):
        X = SliceDict(**{k: np.asarray(v) for k, v in X.items()})
    if isinstance(X, SliceDict):
        return X[np.asarray(index)]
    return _safe_indexing(X, index)


def split_estimator(estimator):
    """``(preprocessing Pipeline or None, HILBERT estimator)``; TypeError for anything else."""
    if isinstance(estimator, Pipeline):
        final = estimator.steps[-1][1]
        pre = estimator[:-1] if len(estimator.steps) > 1 else None
    else:
        final, pre = estimator, None
    if not isinstance(final, BaseHilbert):
        raise TypeError(
            "The batched search trains HILBERT networks: the estimator must be a "
            "HilbertClassifier or HilbertRegressor, or a Pipeline ending in one, got "
            f"{type(final).__name__}. Use sklearn.model_selection.GridSearchCV for other "
            "estimators.")
    return pre, final


def _learns_nothing(pre):
    steps = [s for _, s in pre.steps if s not in (None, "passthrough")]
    return all(not get_tags(s).requires_fit for s in steps)


def _score(scorer, estimator, X, y):
    scores = scorer(estimator, X, y)
    return dict(scores) if isinstance(scores, Mapping) else float(scores)


class _Scoring:
    """Score a fitted classifier on its fold's transformed test (and train) data (in the worker)."""

    def __init__(self, scorer, X_test, y_test, X_train=None, y_train=None, keep=False):
        self.scorer, self.X_test, self.y_test = scorer, X_test, y_test
        self.X_train, self.y_train, self.keep = X_train, y_train, keep

    def __call__(self, fitted):
        start = time.perf_counter()
        out = {"test_scores": _score(self.scorer, fitted, self.X_test, self.y_test)}
        if self.X_train is not None:
            out["train_scores"] = _score(self.scorer, fitted, self.X_train, self.y_train)
        out["score_time"] = time.perf_counter() - start
        out["estimator"] = fitted if self.keep else None
        return out


def evaluate(estimator, candidates, X, y, splits, scorer, *, return_train_score=False,
             return_estimator=False, n_jobs=None, max_stack=None, stack="auto", verbose=0):
    """Fit and score ``estimator`` with every candidate on every split.

    Returns
    -------
    list of dict
        Ordered candidate-major (``candidate * n_splits + split``), each with
        ``test_scores`` (float or dict), ``train_scores`` (if asked),
        ``fit_time`` (the stack's time divided by its size), ``score_time``,
        ``n_test_samples``, ``fit_error`` (None) and ``estimator`` (the fitted
        pipeline or classifier, if asked).
    """
    y = np.asarray(y)
    jobs, pres, meta = [], [], []
    transformed = {}
    for params in candidates:
        est = clone(estimator).set_params(**params)
        pre, clf = split_estimator(est)
        pre_key = None if pre is None else repr(pre.get_params(deep=True))
        for s, (train, test) in enumerate(splits):
            if pre is None:
                fitted_pre, Xtr, Xte = None, take(X, train), take(X, test)
            elif _learns_nothing(pre):
                if (pre_key, "all") not in transformed:
                    fitted = clone(pre).fit(X, y)
                    transformed[(pre_key, "all")] = (fitted, fitted.transform(X))
                fitted_pre, Xall = transformed[(pre_key, "all")]
                Xtr, Xte = take(Xall, train), take(Xall, test)
            else:
                if (pre_key, s) not in transformed:
                    fitted = clone(pre).fit(take(X, train), y[train])
                    transformed[(pre_key, s)] = (fitted, fitted.transform(take(X, train)),
                                                 fitted.transform(take(X, test)))
                fitted_pre, Xtr, Xte = transformed[(pre_key, s)]
            after = _Scoring(scorer, Xte, y[test], *((Xtr, y[train]) if return_train_score
                                                     else (None, None)), keep=return_estimator)
            jobs.append((clf, Xtr, y[train], after))
            pres.append((est, fitted_pre))
            meta.append(len(test))
    results, seconds = fit_models(jobs, n_jobs=n_jobs, max_stack=max_stack, stack=stack,
                                  verbose=verbose)
    out = []
    for result, sec, (est, fitted_pre), n_test in zip(results, seconds, pres, meta):
        result = dict(result, fit_time=sec, n_test_samples=n_test, fit_error=None)
        if return_estimator and fitted_pre is not None:
            steps = list(fitted_pre.steps) + [(est.steps[-1][0], result["estimator"])]
            result["estimator"] = Pipeline(steps)
        out.append(result)
    return out
