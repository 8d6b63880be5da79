"""Fit many HILBERT estimators at once: their networks grouped by shape, each group one stack.

:func:`fit_models` is the entry point used by
:class:`~sklearn_hilbert.model_selection.BatchedGridSearchCV`,
:func:`~sklearn_hilbert.model_selection.batched_cross_validate` and ``hilbert
cv``.  Each estimator (a clone) prepares its own fit through its public
``prepare_fit`` (same checks, classes, seed, class weights, input statistics
and initial weights as ``fit``) and takes its trained networks back through
``finish_fit``; in between, :mod:`sklearn_hilbert.nn.runs` trains the networks
and knows no estimator.  Networks whose shapes, training length, batch size and
loss structure agree form a group trained as one stacked network; continuous
settings (loss weights, temperature, lr, weight decay, dropout, class weights,
gradient clipping) vary inside a group.  Groups are independent tasks for
:class:`joblib.Parallel`, so a ``joblib.parallel_backend("dask")`` context
spreads them over a ``dask.distributed`` cluster.

Options that cannot be stacked train on their own: ``validation_fraction``
(early stopping) and extra skorch ``callbacks``.  An estimator with
``n_seeds > 1`` trains its seeds together, as its own ``fit`` does.
"""

import time

from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.utils import Bunch

from ..nn.runs import group_by_key, stacks_on, train_group, train_runs


def prepare(estimator, X, y, stack=True):
    """Prepare one fit: a clone of ``estimator`` and its runs (``prepare_fit``), and the key of
    its training group (None: it trains on its own).

    Returns
    -------
    Bunch
        ``estimator`` (the clone, its data attributes set), ``X``, ``y``, ``runs``, ``key``.
    """
    est = clone(estimator)
    runs = est.prepare_fit(X, y)
    key = runs[0].key if len(runs) == 1 and stacks_on(runs[0], stack) else None
    return Bunch(estimator=est, X=X, y=y, runs=runs, key=key)


def _fit_group(specs, after, stack):
    """Train one group (one stack, or one estimator's runs) and finish each estimator."""
    start = time.perf_counter()
    if len(specs) > 1:
        train_group([spec.runs[0] for spec in specs])
    else:
        train_runs(specs[0].runs, stack=stack)
    seconds = (time.perf_counter() - start) / len(specs)
    out = []
    for spec, then in zip(specs, after):
        est = spec.estimator.finish_fit(spec.runs)
        out.append((then(est) if then else est, seconds))
    return out


def group_jobs(specs, max_stack=None):
    """Indices of ``specs`` by group, in first-seen order; those without a key alone."""
    return group_by_key([spec.key for spec in specs], max_stack)


def fit_models(jobs, *, n_jobs=None, max_stack=None, stack="auto", verbose=0):
    """Fit HILBERT estimator jobs, stacking the networks that can share one.

    Parameters
    ----------
    jobs : list of tuple
        ``(estimator, X, y)`` or ``(estimator, X, y, after)``: the model to fit
        on segment tensors ``X`` and targets ``y`` (any estimator with
        ``prepare_fit`` / ``finish_fit``: :class:`~sklearn_hilbert.HilbertClassifier`,
        :class:`~sklearn_hilbert.HilbertRegressor`); ``after``, if given, is
        applied to the fitted estimator inside the worker (for instance to
        score it there) and its result is returned instead of the estimator.
    n_jobs : int or None
        Groups run in parallel through :class:`joblib.Parallel` (any joblib
        backend, e.g. dask).
    max_stack : int or None
        Most models in one stack (None: a whole group); bounds memory.
    stack : "auto" or bool, default="auto"
        Whether to stack: ``"auto"`` stacks the models whose ``device`` is
        CUDA and fits CPU models one by one (on CPU a HILBERT step is
        compute-bound and a stack measured 0.73x the speed of sequential fits,
        docs/benchmarks.md); True stacks on every device; False never.
    verbose : int
        joblib verbosity.

    Returns
    -------
    results : list
        Per job, in order: the fitted estimator (or ``after``'s result).
    seconds : list of float
        Per job: its group's wall time divided by the group size.

    Examples
    --------
    Each job has its own settings and its own data; these four models have
    the same shapes, so they train together as one stacked network:

    >>> from sklearn_hilbert import HilbertClassifier
    >>> from sklearn_hilbert.datasets import make_segment_data
    >>> from sklearn_hilbert.model_selection import fit_models
    >>> data = {signal: make_segment_data(n_docs=40, n_segments=(3, 6), signal=signal,
    ...                                   random_state=0) for signal in ("audio", "text")}
    >>> jobs = [(HilbertClassifier(d_model=8, proj_dim=8, max_epochs=2, lr=lr, random_state=0),
    ...          *data[signal]) for signal in data for lr in (1e-3, 1e-2)]
    >>> models, seconds = fit_models(jobs, stack=True)
    >>> [m.lr for m in models], models[0].predict_proba(data["audio"][0]).shape
    ([0.001, 0.01, 0.001, 0.01], (40, 2))
    """
    jobs = [tuple(job) + (None,) * (4 - len(job)) for job in jobs]
    specs = [prepare(est, X, y, stack) for est, X, y, _ in jobs]
    groups = group_jobs(specs, max_stack)
    outputs = Parallel(n_jobs=n_jobs, verbose=verbose)(
        delayed(_fit_group)([specs[i] for i in g], [jobs[i][3] for i in g], stack)
        for g in groups)
    results, seconds = [None] * len(jobs), [0.0] * len(jobs)
    for members, out in zip(groups, outputs):
        for i, (result, sec) in zip(members, out):
            results[i], seconds[i] = result, sec
    return results, seconds
