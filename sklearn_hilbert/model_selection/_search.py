"""``BatchedGridSearchCV``: :class:`~sklearn.model_selection.GridSearchCV`, all fits stacked.

Only scikit-learn's public API builds the search (``check_scoring``, ``check_cv``,
``ParameterGrid``); ``cv_results_`` is assembled here with the same keys and
values as ``GridSearchCV``'s.  Parameter validation is scikit-learn's
(``_parameter_constraints``), as for every estimator of the package.
"""

import time
import warnings
from numbers import Integral

import numpy as np
from scipy.stats import rankdata
from sklearn.base import clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import GridSearchCV, ParameterGrid, check_cv
from sklearn.utils._param_validation import Interval, StrOptions

from ._evaluate import evaluate, split_estimator


class BatchedGridSearchCV(GridSearchCV):
    """Grid search over a ``HilbertClassifier`` that trains every (candidate x fold) model at once.

    A drop-in for :class:`~sklearn.model_selection.GridSearchCV` (same
    parameters, ``cv_results_`` keys, ``best_params_``, ``best_score_``,
    ``best_estimator_``, ``predict*``) for a :class:`~sklearn_hilbert.HilbertClassifier`
    or a ``Pipeline`` ending in one.  The models of all candidates and folds
    are prepared exactly as their sequential fits (same initial weights from
    their ``random_state``) and trained as stacked networks: one per group of
    candidates that share the network's shapes, loss structure, batch size and
    epochs; continuous parameters (loss weights, temperature, lr, weight
    decay, dropout) vary inside a stack.  Groups run through
    :class:`joblib.Parallel` with ``n_jobs``, so ``joblib.parallel_backend("dask")``
    spreads them over a ``dask.distributed`` cluster.  Scores equal sequential
    fits within fold-to-fold noise (the random draws of shuffling and dropout
    differ); see ``docs/model_selection.md``.

    Parameters
    ----------
    estimator : HilbertClassifier or Pipeline ending in one
    param_grid : dict or list of dict
    scoring, n_jobs, refit, cv, verbose, pre_dispatch, error_score, return_train_score
        As in :class:`~sklearn.model_selection.GridSearchCV` (``pre_dispatch``
        and ``error_score`` are accepted for compatibility; a failing fit raises).
    max_stack : int or None, default=None
        Most models in one stack (None: all of a group), to bound memory.
    stack : "auto" or bool, default="auto"
        ``"auto"`` stacks the models of a CUDA ``device`` and fits CPU models
        one by one (stacking is slower on CPU, where a step is compute-bound);
        True stacks everywhere; False never (a plain GridSearchCV through joblib).

    Attributes
    ----------
    cv_results_, best_estimator_, best_score_, best_params_, best_index_, scorer_,
    n_splits_, refit_time_, multimetric_
        As in :class:`~sklearn.model_selection.GridSearchCV`.

    Examples
    --------
    >>> from sklearn_hilbert import HilbertClassifier
    >>> from sklearn_hilbert.datasets import make_segment_data
    >>> from sklearn_hilbert.model_selection import BatchedGridSearchCV
    >>> X, y = make_segment_data(n_docs=60, n_segments=(3, 6), random_state=0)
    >>> clf = HilbertClassifier(d_model=8, proj_dim=8, max_epochs=2, random_state=0)
    >>> search = BatchedGridSearchCV(clf, {"lambda_cka": [0.0, 1.0]}, cv=3, stack=True)
    >>> search = search.fit(X, y)
    >>> sorted(search.best_params_)
    ['lambda_cka']
    >>> search.cv_results_["split2_test_score"].shape
    (2,)
    """

    _parameter_constraints = {
        **GridSearchCV._parameter_constraints,
        "max_stack": [Interval(Integral, 1, None, closed="left"), None],
        "stack": [StrOptions({"auto"}), "boolean"],
    }

    def __init__(self, estimator, param_grid, *, scoring=None, n_jobs=None, refit=True,
                 cv=None, verbose=0, pre_dispatch="2*n_jobs", error_score=np.nan,
                 return_train_score=False, max_stack=None, stack="auto"):
        super().__init__(estimator, param_grid, scoring=scoring, n_jobs=n_jobs, refit=refit,
                         cv=cv, verbose=verbose, pre_dispatch=pre_dispatch,
                         error_score=error_score, return_train_score=return_train_score)
        self.max_stack = max_stack
        self.stack = stack

    def fit(self, X, y, **params):
        """Fit all (candidate x fold) models in stacks, then refit the best on all of ``X``.

        Parameters
        ----------
        X : segment tensors, or documents for a pipeline with an encoder
        y : array-like of shape (n_docs,)
        **params : not supported (raises TypeError)

        Returns
        -------
        self : BatchedGridSearchCV
        """
        if params:
            raise TypeError(f"BatchedGridSearchCV.fit takes no fit parameters, got {sorted(params)}.")
        self._validate_params()
        split_estimator(self.estimator)
        y = np.asarray(y)
        scorers, refit_metric, scorer_ = self._scorers()
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(cv.split(np.zeros(len(y)), y))
        self.n_splits_ = len(splits)
        candidates = list(ParameterGrid(self.param_grid))
        if self.verbose > 0:
            print(f"Fitting {self.n_splits_} folds for each of {len(candidates)} candidates, "
                  f"totalling {self.n_splits_ * len(candidates)} fits (stacked)")
        out = evaluate(self.estimator, candidates, X, y, splits, scorers,
                       return_train_score=self.return_train_score, n_jobs=self.n_jobs,
                       max_stack=self.max_stack, stack=self.stack, verbose=self.verbose)
        for o in out:
            o.pop("estimator", None)
        results = cv_results(candidates, self.n_splits_, out, self.return_train_score)
        self.multimetric_ = isinstance(out[0]["test_scores"], dict)
        if callable(self.scoring) and self.multimetric_:
            self._check_multimetric_refit(out[0]["test_scores"])
            refit_metric = self.refit
        if self.refit or not self.multimetric_:
            self.best_index_ = _best_index(self.refit, refit_metric, results)
            if not callable(self.refit):
                self.best_score_ = results[f"mean_test_{refit_metric}"][self.best_index_]
            self.best_params_ = results["params"][self.best_index_]
        if self.refit:
            self.best_estimator_ = clone(self.estimator).set_params(
                **clone(self.best_params_, safe=False))
            start = time.time()
            self.best_estimator_.fit(X, y)
            self.refit_time_ = time.time() - start
        self.scorer_ = scorer_
        self.cv_results_ = results
        return self

    def _scorers(self):
        """The scorer called on each fold, the metric ``refit`` uses, and ``scorer_``."""
        if callable(self.scoring):
            return self.scoring, "score", self.scoring
        if self.scoring is None or isinstance(self.scoring, str):
            scorer = check_scoring(self.estimator, self.scoring)
            return scorer, "score", scorer
        scorer = check_scoring(self.estimator, self.scoring)  # validates; returns a dict
        named = (self.scoring if isinstance(self.scoring, dict)
                 else {name: name for name in self.scoring})
        scorer_ = {name: check_scoring(self.estimator, s) for name, s in named.items()}
        self._check_multimetric_refit(scorer_)
        return scorer, self.refit, scorer_

    def _check_multimetric_refit(self, names):
        if self.refit is not False and not callable(self.refit) and not (
                isinstance(self.refit, str) and self.refit in names):
            raise ValueError(
                "For multi-metric scoring, the parameter refit must be set to a scorer key or "
                "a callable to refit an estimator with the best parameter setting on the "
                "whole data and make the best_* attributes available for that metric. If "
                f"this is not needed, refit should be set to False explicitly. {self.refit!r} "
                "was passed.")


def _best_index(refit, refit_metric, results):
    """Index of the best candidate: ``refit(results)`` when callable, else rank 1."""
    if not callable(refit):
        return int(results[f"rank_test_{refit_metric}"].argmin())
    best = refit(results)
    if not isinstance(best, Integral):
        raise TypeError("best_index_ returned is not an integer")
    if not 0 <= best < len(results["params"]):
        raise IndexError("best_index_ index out of range")
    return best


def _param_column(candidates, name):
    """``param_<name>``: a masked array, masked where a candidate lacks the parameter."""
    try:
        values = np.array([c[name] for c in candidates if name in c])
        dtype = object if values.dtype.kind in "SU" or values.ndim > 1 else values.dtype
    except ValueError:  # sequences of different lengths
        dtype = object
    column = np.ma.MaskedArray(np.empty(len(candidates), dtype=dtype), mask=True)
    for i, c in enumerate(candidates):
        if name in c:
            column[i] = c[name]
    return column


def cv_results(candidates, n_splits, out, return_train_score=False):
    """``cv_results_`` of a grid search from its (candidate x fold) results.

    Parameters
    ----------
    candidates : list of dict
        The parameter settings, in order.
    n_splits : int
    out : list of dict
        One per (candidate, fold), candidate-major, as returned by
        :func:`~sklearn_hilbert.model_selection._evaluate.evaluate`:
        ``test_scores`` (float or dict of floats), ``fit_time``, ``score_time``
        and, with ``return_train_score``, ``train_scores``.
    return_train_score : bool, default=False

    Returns
    -------
    results : dict
        The keys and values of :class:`~sklearn.model_selection.GridSearchCV`'s
        ``cv_results_``: ``{mean,std}_{fit,score}_time``, ``param_*``,
        ``params``, ``split<k>_test_<name>``, ``{mean,std,rank}_test_<name>``
        (``<name>`` is ``score`` for a single metric), and the train scores.

    Examples
    --------
    >>> from sklearn_hilbert.model_selection._search import cv_results
    >>> out = [{"test_scores": s, "fit_time": 1.0, "score_time": 0.1}
    ...        for s in (0.6, 0.8, 0.9, 0.9)]
    >>> res = cv_results([{"C": 1}, {"C": 10}], 2, out)
    >>> res["mean_test_score"].tolist(), res["rank_test_score"].tolist()
    ([0.7, 0.9], [2, 1])
    """
    n = len(candidates)
    results = {}

    def store(key, values, splits=False, rank=False):
        array = np.asarray(values, dtype=np.float64).reshape(n, n_splits)
        if splits:
            for k in range(n_splits):
                results[f"split{k}_{key}"] = array[:, k]
        means = array.mean(axis=1)
        if key.startswith(("train_", "test_")) and not np.isfinite(means).all():
            warnings.warn(f"One or more of the {key.split('_')[0]} scores are non-finite: "
                          f"{means}", UserWarning, stacklevel=3)
        results[f"mean_{key}"] = means
        results[f"std_{key}"] = array.std(axis=1)
        if rank:  # failed (NaN) candidates tie with the worst
            filled = np.where(np.isnan(means), np.nanmin(means) - 1, means) \
                if not np.isnan(means).all() else np.zeros_like(means)
            results[f"rank_{key}"] = rankdata(-filled, method="min").astype(np.int32)

    store("fit_time", [o["fit_time"] for o in out])
    store("score_time", [o["score_time"] for o in out])
    for name in dict.fromkeys(p for c in candidates for p in sorted(c)):
        results[f"param_{name}"] = _param_column(candidates, name)
    results["params"] = candidates
    kinds = ("test",) + (("train",) if return_train_score else ())
    for kind in kinds:
        scores = [o[f"{kind}_scores"] for o in out]
        named = scores[0] if isinstance(scores[0], dict) else {"score": None}
        for metric in named:
            values = [s[metric] if isinstance(s, dict) else s for s in scores]
            store(f"{kind}_{metric}", values, splits=True, rank=kind == "test")
    return results
