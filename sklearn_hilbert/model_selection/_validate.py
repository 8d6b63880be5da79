"""``batched_cross_validate``: :func:`sklearn.model_selection.cross_validate`, folds stacked."""

import numpy as np
from sklearn.base import is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv

from ._evaluate import evaluate


def batched_cross_validate(estimator, X, y, *, cv=None, scoring=None, n_jobs=None,
                           return_train_score=False, return_estimator=False,
                           return_indices=False, max_stack=None, stack="auto", verbose=0):
    """Cross-validate a ``HilbertClassifier`` (or a pipeline ending in one), all folds at once.

    Returns what :func:`sklearn.model_selection.cross_validate` returns; the
    fold models train together in one stacked network (see
    :func:`~sklearn_hilbert.model_selection.fit_models`).

    Parameters
    ----------
    estimator : HilbertClassifier or Pipeline ending in one
    X : segment tensors (mapping) or documents (for a pipeline with an encoder)
    y : array-like of shape (n_docs,)
    cv : int, cross-validation generator or iterable, default=None
        As in scikit-learn (None: 5-fold stratified).
    scoring : str, callable, list, tuple or dict, default=None
        As in scikit-learn (None: the estimator's ``score``, accuracy).
    n_jobs : int, default=None
        Parallel groups through joblib (e.g. a dask cluster).
    return_train_score, return_estimator, return_indices : bool, default=False
    max_stack : int or None, default=None
        Most models per stack.
    stack : "auto" or bool, default="auto"
        ``"auto"``: stack CUDA models, fit CPU models one by one (see
        :func:`~sklearn_hilbert.model_selection.fit_models`).
    verbose : int, default=0

    Returns
    -------
    scores : dict of ndarray
        ``fit_time`` (the stack's time divided by the number of models in it),
        ``score_time``, ``test_score`` or ``test_<name>`` per metric,
        ``train_*``, ``estimator`` and ``indices`` when asked.

    Examples
    --------
    >>> from sklearn_hilbert import HilbertClassifier
    >>> from sklearn_hilbert.datasets import make_segment_data
    >>> from sklearn_hilbert.model_selection import batched_cross_validate
    >>> X, y = make_segment_data(n_docs=60, n_segments=(3, 6), random_state=0)
    >>> clf = HilbertClassifier(d_model=8, proj_dim=8, max_epochs=2, random_state=0)
    >>> res = batched_cross_validate(clf, X, y, cv=3, scoring="roc_auc", stack=True)
    >>> res["test_score"].shape
    (3,)
    """
    y = np.asarray(y)
    cv = check_cv(cv, y, classifier=is_classifier(estimator))
    splits = list(cv.split(np.zeros(len(y)), y))
    scorer = check_scoring(estimator, scoring)
    out = evaluate(estimator, [{}], X, y, splits, scorer, return_train_score=return_train_score,
                   return_estimator=return_estimator, n_jobs=n_jobs, max_stack=max_stack, stack=stack,
                   verbose=verbose)
    result = {"fit_time": np.array([o["fit_time"] for o in out]),
              "score_time": np.array([o["score_time"] for o in out])}
    for prefix in ("test",) + (("train",) if return_train_score else ()):
        scores = [o[f"{prefix}_scores"] for o in out]
        if isinstance(scores[0], dict):
            for name in scores[0]:
                result[f"{prefix}_{name}"] = np.array([s[name] for s in scores])
        else:
            result[f"{prefix}_score"] = np.array(scores)
    if return_estimator:
        result["estimator"] = [o["estimator"] for o in out]
    if return_indices:
        result["indices"] = {"train": [tr for tr, _ in splits], "test": [te for _, te in splits]}
    return result
