"""Fit many ``HilbertClassifier`` models at once: group them by shape, stack each group.

:func:`fit_models` is the entry point used by
:class:`~sklearn_hilbert.model_selection.BatchedGridSearchCV`,
:func:`~sklearn_hilbert.model_selection.batched_cross_validate`, ``n_seeds``
and ``hilbert cv``.  Each model is prepared exactly as
:meth:`HilbertClassifier.fit` prepares it (same checks, classes, seed, class
weights, input statistics, and the same initial weights: the skorch net is
built and initialised under the seed a sequential fit uses).  Models whose
network shapes, training length, batch size and loss structure agree form a
group trained as one stacked network (:func:`~._stack.train_stack`);
continuous settings (loss weights, temperature, lr, weight decay, dropout,
class weights, gradient clipping) vary inside a group.  Groups are
independent tasks for :class:`joblib.Parallel`, so a
``joblib.parallel_backend("dask")`` context spreads them over a
``dask.distributed`` cluster.

Options that cannot be stacked fall back to an ordinary sequential ``fit``
of that model: ``validation_fraction`` (early stopping) and extra skorch
``callbacks``, or any net whose module, criterion or optimizer was replaced.
"""

import time

import torch
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.utils import Bunch

from .._training_set import prepare_training
from ..nn import HilbertLoss, HilbertModule
from ..nn.training import seeded
from ._stack import train_stack

#: Module arguments that vary inside a stack (stacked buffers), so not part of the group key.
_STACKED_MODULE_ARGS = ("input_stats", "dropout")


def _stackable(estimator):
    """Whether ``estimator``'s options allow stacked training (else: a sequential fit)."""
    return (getattr(estimator, "validation_fraction", None) is None
            and not getattr(estimator, "callbacks", None)
            and getattr(estimator, "n_seeds", 1) == 1)


def _stacks_on(estimator, stack):
    if stack == "auto":
        return torch.device(getattr(estimator, "device", "cpu")).type == "cuda"
    return bool(stack)


def prepare(estimator, X, y, stack=True):
    """Prepare one model as ``fit`` would, and its group key (None: fit sequentially).

    Returns
    -------
    Bunch
        ``estimator`` (a clone, with ``classes_`` etc. set), ``X``, ``y``,
        ``prepared``, ``net`` (initialised with the initial weights of a
        sequential fit) and ``key``.
    """
    est = clone(estimator)
    spec = Bunch(estimator=est, X=X, y=y, key=None, prepared=None, net=None)
    if not (_stackable(est) and _stacks_on(est, stack)):
        return spec
    prepared = prepare_training(est, X, y)
    with seeded(prepared.seed, est.device_):  # as fit builds it: the same initial weights
        net = est._build_net(len(prepared.y), prepared.class_weight, prepared.valid,
                             prepared.input_stats)
        net.initialize()
    if not (prepared.valid is None and net.module is HilbertModule
            and net.criterion is HilbertLoss and net.optimizer is torch.optim.AdamW):
        return spec
    module_args = {k: v for k, v in net.get_params_for("module").items()
                   if k not in _STACKED_MODULE_ARGS}
    spec.update(prepared=prepared, net=net, key=(
        repr(sorted(module_args.items())), net.criterion_.contrastive,
        getattr(net.criterion_, "cka", None), getattr(net.criterion_, "mi_form", None),
        net.criterion_.weight is None, net.batch_size, net.max_epochs, str(net.device),
        prepared.X["audio"].shape[1:], prepared.X["text"].shape[2]))
    return spec


def _fit_group(specs, after):
    """Fit one group (stacked, or one sequential model) and apply ``after`` to each result."""
    start = time.perf_counter()
    if specs[0].key is None:
        fitted = [spec.estimator.fit(spec.X, spec.y) for spec in specs]
    else:
        fitted = train_stack(specs)
    seconds = (time.perf_counter() - start) / len(specs)
    return [(after[i](est) if after[i] else est, seconds) for i, est in enumerate(fitted)]


def group_jobs(specs, max_stack=None):
    """Indices of ``specs`` by group, in first-seen order; sequential ones alone."""
    groups = {}
    for i, spec in enumerate(specs):
        key = ("sequential", i) if spec.key is None else spec.key
        groups.setdefault(key, []).append(i)
    out = []
    for members in groups.values():
        size = max_stack or len(members)
        out.extend(members[j:j + size] for j in range(0, len(members), size))
    return out


def fit_models(jobs, *, n_jobs=None, max_stack=None, stack="auto", verbose=0):
    """Fit ``HilbertClassifier`` jobs, stacking those that can share a network.

    Parameters
    ----------
    jobs : list of tuple
        ``(estimator, X, y)`` or ``(estimator, X, y, after)``: the model to fit
        on segment tensors ``X`` and labels ``y``; ``after``, if given, is
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
        delayed(_fit_group)([specs[i] for i in g], [jobs[i][3] for i in g]) for g in groups)
    results, seconds = [None] * len(jobs), [0.0] * len(jobs)
    for members, out in zip(groups, outputs):
        for i, (result, sec) in zip(members, out):
            results[i], seconds[i] = result, sec
    return results, seconds
