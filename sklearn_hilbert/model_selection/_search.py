"""``BatchedGridSearchCV``: :class:`~sklearn.model_selection.GridSearchCV`, all fits stacked."""

import time
from numbers import Integral

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.metrics._scorer import _MultimetricScorer
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
        scorers, refit_metric = self._get_scorers()
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
        results = self._format_results(candidates, self.n_splits_, out)
        self.multimetric_ = isinstance(out[0]["test_scores"], dict)
        if callable(self.scoring) and self.multimetric_:
            self._check_refit_for_multimetric(out[0]["test_scores"])
            refit_metric = self.refit
        if self.refit or not self.multimetric_:
            self.best_index_ = self._select_best_index(self.refit, refit_metric, results)
            if not callable(self.refit):
                self.best_score_ = results[f"mean_test_{refit_metric}"][self.best_index_]
            self.best_params_ = results["params"][self.best_index_]
        if self.refit:
            self.best_estimator_ = clone(self.estimator).set_params(
                **clone(self.best_params_, safe=False))
            start = time.time()
            self.best_estimator_.fit(X, y)
            self.refit_time_ = time.time() - start
        self.scorer_ = scorers._scorers if isinstance(scorers, _MultimetricScorer) else scorers
        self.cv_results_ = results
        return self
