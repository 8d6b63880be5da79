"""Prepared trainings of HILBERT networks, and training many of them at once.

A :class:`TrainingRun` is everything one network's training needs: the
initialised skorch net, the training tensors and targets, and the seed.  The
estimators prepare runs (``prepare_fit``) and read the trained nets back
(``finish_fit``); :func:`train_runs` trains any list of runs, grouping those of
one shape (:func:`stack_key`) into one vmapped network
(:func:`~sklearn_hilbert.nn.stacked.train_stack`) on CUDA and training the
others one by one.  Nothing here knows an estimator.
"""

from dataclasses import dataclass, field

import torch
from joblib import Parallel, delayed

from .criterion import HilbertLoss
from .model import HilbertModule
from .stacked import train_stack
from .training import seeded

#: Module arguments that vary inside a stack (stacked buffers), so not part of the group key.
_STACKED_MODULE_ARGS = ("input_stats", "dropout")


@dataclass
class TrainingRun:
    """One network's training, prepared and not yet run.

    Parameters
    ----------
    net : HilbertNet
        Initialised (its module holds the initial weights).
    X : dict of ndarray
        Training segment tensors ``audio``, ``text``, ``mask``.
    y : ndarray
        Training targets: class indices (int64) or standardised float targets
        ``(n, n_outputs)``.
    seed : int
        Seed of the shuffling and dropout (and, before, of the initial weights).
    rng_state : Tensor or None
        torch's CPU generator state right after the net was initialised under
        ``seed``: a sequential :meth:`train` continues that stream, so it
        equals a plain ``net.fit`` under ``seeded(seed)`` bit for bit.
    stackable : bool
        Whether the run may train inside a stack (no early stopping, no user
        callbacks, the package's module, loss and optimizer).
    """

    net: object
    X: dict
    y: object
    seed: int
    rng_state: object = None
    stackable: bool = True
    key: object = field(default=None, init=False)

    def __post_init__(self):
        self.key = stack_key(self) if self.stackable else None

    def train(self):
        """Train this run alone (skorch's loop), in place; return the trained net."""
        with seeded(self.seed, self.net.device):
            if self.rng_state is not None:
                torch.random.set_rng_state(self.rng_state)
            self.net.partial_fit(self.X, self.y)
        return self.net


def stack_key(run):
    """What runs must share to train as one stack (shapes, schedule, loss structure), or None.

    Continuous settings (loss weights, temperature, lr, weight decay, dropout,
    class weights, gradient clipping, input statistics) may differ inside a stack.
    """
    net = run.net
    if not (net.module is HilbertModule and net.criterion is HilbertLoss
            and net.optimizer is torch.optim.AdamW and net.train_split is None):
        return None
    module_args = {k: v for k, v in net.get_params_for("module").items()
                   if k not in _STACKED_MODULE_ARGS}
    crit = net.criterion_
    return (repr(sorted(module_args.items())), crit.contrastive, crit.cka, crit.mi_form,
            crit.objective, crit.weight is None, net.batch_size, net.max_epochs,
            str(net.device), run.X["audio"].shape[1:], run.X["text"].shape[2],
            run.y.shape[1:], run.y.dtype.str)


def stacks_on(run, stack):
    """Whether ``run`` may join a stack under the ``stack`` option ("auto": CUDA runs only)."""
    if stack == "auto":
        return torch.device(run.net.device).type == "cuda"
    return bool(stack)


def group_by_key(keys, max_stack=None):
    """Indices of ``keys`` grouped by equal key, in first-seen order, at most ``max_stack``
    per group; a None key is a group of its own.

    Examples
    --------
    >>> group_by_key(["a", None, "a", "b", "a"], max_stack=2)
    [[0, 2], [4], [1], [3]]
    """
    groups = {}
    for i, key in enumerate(keys):
        groups.setdefault(("alone", i) if key is None else key, []).append(i)
    out = []
    for members in groups.values():
        size = max_stack or len(members)
        out.extend(members[j:j + size] for j in range(0, len(members), size))
    return out


def group_runs(runs, stack="auto", max_stack=None):
    """Indices of ``runs`` by training group, in first-seen order; runs trained alone are
    groups of one.

    ``stack="auto"`` groups the CUDA runs only (on CPU a HILBERT step is
    compute-bound and a stack measured 0.73x the speed of sequential fits,
    docs/benchmarks.md); True groups on every device; False never.  ``max_stack``
    bounds a group's size (memory).
    """
    return group_by_key([run.key if stacks_on(run, stack) else None for run in runs],
                        max_stack)


def train_group(runs):
    """Train one group: a stack when it has several runs, else the run alone."""
    if len(runs) > 1:
        train_stack(runs)
    else:
        runs[0].train()
    return [run.net for run in runs]


def train_runs(runs, *, stack="auto", max_stack=None, n_jobs=None):
    """Train every run, in place (stacks by :func:`group_runs`); return the trained nets.

    Groups are independent :class:`joblib.Parallel` tasks (any joblib backend).
    With ``n_jobs`` other than None the nets come back from the workers as
    copies: read them from the return value.

    Examples
    --------
    >>> from sklearn_hilbert import HilbertClassifier
    >>> from sklearn_hilbert.datasets import make_segment_data
    >>> from sklearn_hilbert.nn.runs import train_runs
    >>> X, y = make_segment_data(n_docs=40, n_segments=(3, 6), random_state=0)
    >>> clf = HilbertClassifier(d_model=8, proj_dim=8, max_epochs=2, random_state=0)
    >>> runs = clf.prepare_fit(X, y)
    >>> nets = train_runs(runs)
    >>> clf.finish_fit(runs).predict_proba(X).shape
    (40, 2)
    """
    groups = group_runs(runs, stack, max_stack)
    if n_jobs is None:
        outputs = [train_group([runs[i] for i in g]) for g in groups]
    else:
        outputs = Parallel(n_jobs=n_jobs)(delayed(train_group)([runs[i] for i in g])
                                          for g in groups)
    nets = [None] * len(runs)
    for members, trained in zip(groups, outputs):
        for i, net in zip(members, trained):
            nets[i] = runs[i].net = net
    return nets
