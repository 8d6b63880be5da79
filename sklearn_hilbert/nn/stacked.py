"""Train a group of same-shaped HILBERT models as one stacked network.

The real :class:`~sklearn_hilbert.nn.HilbertModule` and
:class:`~sklearn_hilbert.nn.HilbertLoss` run under :func:`torch.func.vmap`
through :func:`torch.func.functional_call`, with the parameters and buffers of
every model stacked along a leading axis (:func:`torch.func.stack_module_state`):
there is no second copy of the network, so any change to the module or the
loss flows into the engine.  Per-model values (input statistics, class
weights, loss weights, temperature, dropout rate) are stacked buffers;
learning rate, weight decay and clipping go to :class:`StackedAdamW`.

It trains networks and tensors (:class:`~sklearn_hilbert.nn.runs.TrainingRun`)
and knows no estimator.
"""

import copy
import os
import time
import warnings
from contextlib import nullcontext

import numpy as np
import torch
from skorch.callbacks import GradientNormClipping
from skorch.history import History
from torch import nn
from torch.func import functional_call, stack_module_state, vmap

from .stacked_optim import StackedAdamW


class _BufferDropout(nn.Module):
    """``nn.Dropout`` whose rate is a buffer, so that stacked models can each have their own.

    Same distribution as :func:`torch.nn.functional.dropout`: keep with
    probability ``1 - p``, scale kept values by ``1 / (1 - p)``.
    """

    def __init__(self, p):
        super().__init__()
        self.register_buffer("p", torch.tensor(float(p)))

    def forward(self, x):
        if not self.training:
            return x
        keep = (torch.rand_like(x) >= self.p).to(x.dtype)
        return x * keep / (1 - self.p)


def _with_buffer_dropout(module):
    """Replace every ``nn.Dropout`` of ``module`` (in place) by a :class:`_BufferDropout`."""
    for name, child in list(module.named_children()):
        if type(child) is nn.Dropout:
            setattr(module, name, _BufferDropout(child.p))
        else:
            _with_buffer_dropout(child)
    return module


def _attention_context(device):
    """Scaled-dot-product attention backend for vmapped training.

    torch's fused CPU attention kernel has no vmap batching rule (torch would
    loop over the models); the math backend is batched matrix products, on
    every device (``HILBERT_STACK_SDPA=default`` lets torch choose on CUDA).
    """
    if torch.device(device).type == "cuda" and os.environ.get("HILBERT_STACK_SDPA") == "default":
        return nullcontext()
    from torch.nn.attention import SDPBackend, sdpa_kernel

    return sdpa_kernel(SDPBackend.MATH)


def _max_grad_norm(net):
    for _, callback in net.callbacks_:
        if isinstance(callback, GradientNormClipping):
            if callback.gradient_clip_norm_type not in (2, 2.0):
                raise ValueError("the stacked engine clips the 2-norm of the gradients only")
            return float(callback.gradient_clip_value)
    return float("inf")


def _stack_data(runs, device):
    """Training tensors of every model, ``(G, N_max, S, d)``, and targets ``(G, N_max, ...)``
    (class indices, or a regressor's float targets)."""
    n_rows = [len(run.y) for run in runs]
    n_max = max(n_rows)
    S = max(run.X["mask"].shape[1] for run in runs)
    out = {}
    for key in ("audio", "text", "mask"):
        first = runs[0].X[key]
        shape = (len(runs), n_max, S) + first.shape[2:]
        arr = np.zeros(shape, dtype=first.dtype)
        for i, run in enumerate(runs):
            x = run.X[key]
            arr[i, : x.shape[0], : x.shape[1]] = x
        out[key] = torch.from_numpy(arr).to(device)
    first = np.asarray(runs[0].y)
    targets = np.zeros((len(runs), n_max) + first.shape[1:], dtype=first.dtype)
    for i, run in enumerate(runs):
        targets[i, : n_rows[i]] = run.y
    return out, torch.from_numpy(targets).to(device), n_rows


def _schedule(runs, n_rows, batch, epochs):
    """Per-model shuffled batches: indices ``(E, T, G, B)`` and active flags ``(E, T, G)``.

    Each model draws its own permutation of its own rows every epoch (from a
    generator seeded with its seed) and drops its last short batch, as
    skorch does with ``iterator_train__drop_last``; a model with fewer
    batches than the longest sits the last steps out.
    """
    steps = [n // batch for n in n_rows]
    T, G = max(steps), len(runs)
    index = torch.zeros(epochs, T, G, batch, dtype=torch.int64)
    active = torch.zeros(epochs, T, G, dtype=torch.bool)
    for i, run in enumerate(runs):
        gen = torch.Generator().manual_seed(run.seed)
        for e in range(epochs):
            perm = torch.randperm(n_rows[i], generator=gen)[: steps[i] * batch]
            index[e, : steps[i], i] = perm.view(steps[i], batch)
            active[e, : steps[i], i] = True
    return index, active, steps


def train_stack(runs):
    """Train the runs of one group together, in place: each ``run.net`` ends trained.

    Parameters
    ----------
    runs : list of TrainingRun
        Initialised nets (holding the initial weights of a sequential fit) with
        their training tensors, targets and seeds; all share one
        :func:`~sklearn_hilbert.nn.runs.stack_key`.  Each net gets its trained
        weights and a ``history_`` of its training loss and terms.
    """
    nets = [run.net for run in runs]
    device = torch.device(nets[0].device)
    G, batch, epochs = len(runs), nets[0].batch_size, nets[0].max_epochs
    start = time.perf_counter()
    copies = [_with_buffer_dropout(copy.deepcopy(n.module_)).to(device) for n in nets]
    params, buffers = stack_module_state(copies)
    names = list(params)
    shapes = [params[n].shape[1:] for n in names]
    sizes = [int(np.prod(s, dtype=np.int64)) for s in shapes]
    flat = torch.cat([params[n].detach().reshape(G, -1) for n in names], dim=1).requires_grad_()
    del params
    template = copies[0].to("meta").train()
    criterion = copy.deepcopy(nets[0].criterion_).to(device)
    criterion.active = frozenset().union(*(n.criterion_.active for n in nets))
    terms = criterion.terms
    _, crit_buffers = stack_module_state([n.criterion_.to(device) for n in nets])

    def model_loss(p, b, cb, audio, text, mask, target):
        """One model's loss and its recorded values: the real module and criterion."""
        output = functional_call(template, (p, b), (audio, text, mask))
        loss = functional_call(criterion, cb, (output, target))
        return loss, torch.stack([loss.detach(), *(criterion.terms_[t] for t in terms)])

    stacked = vmap(model_loss, randomness="different")
    optimizer = StackedAdamW(
        flat,
        lr=torch.tensor([float(n.lr) for n in nets]),
        weight_decay=torch.tensor([float(n.get_params_for("optimizer").get("weight_decay", 0.01))
                                   for n in nets]),
        max_grad_norm=torch.tensor([_max_grad_norm(n) for n in nets]),
    )
    data, labels, n_rows = _stack_data(runs, device)
    index, active, steps = _schedule(runs, n_rows, batch, epochs)
    index, active = index.to(device), active.to(device)
    rows = torch.arange(G, device=device).unsqueeze(1)
    record = torch.zeros(epochs, index.shape[1], G, len(terms) + 1, device=device)
    seed = int(np.random.SeedSequence([run.seed for run in runs]).generate_state(1)[0])
    devices = [device] if device.type == "cuda" else []
    def train_step(idx, on):
        """Forward, backward and update of every model on its batch ``idx`` (G, B)."""
        p = {n: piece.view(G, *shape)
             for n, piece, shape in zip(names, flat.split(sizes, dim=1), shapes)}
        if device.type == "cpu":  # CPU batched products are twice as fast on contiguous weights
            p = {n: v.contiguous() for n, v in p.items()}
        loss, values = stacked(p, buffers, crit_buffers, data["audio"][rows, idx],
                               data["text"][rows, idx], data["mask"][rows, idx],
                               labels[rows, idx])
        loss.sum().backward()
        optimizer.step(on)
        return values

    steps_order = [(e, k) for e in range(epochs) for k in range(index.shape[1])]
    with torch.random.fork_rng(devices=devices), _attention_context(device):
        torch.manual_seed(seed)
        if device.type == "cuda" and os.environ.get("HILBERT_STACK_CUDA_GRAPH", "1") != "0":
            _run_graphed(train_step, optimizer, index, active, record, steps_order)
        else:
            for e, k in steps_order:
                record[e, k] = train_step(index[e, k], active[e, k])
                optimizer.zero_grad()
    record = record.cpu().numpy()  # the one host transfer of the whole training
    seconds = time.perf_counter() - start
    final = flat.detach()
    for i, net in enumerate(nets):
        with torch.no_grad():
            pieces = dict(zip(names, final[i].split(sizes)))
            for name, param in net.module_.named_parameters():
                param.copy_(pieces[name].view(param.shape))
        net.history_ = _history(record[:, : steps[i], i], batch, net.criterion_,
                                seconds / (G * epochs))


def _run_graphed(train_step, optimizer, index, active, record, steps_order, warmup=3):
    """Run the training steps as replays of one captured CUDA graph.

    A stacked step launches hundreds of small kernels; from Python that costs
    more than the GPU work.  The first ``warmup`` steps run eagerly on a side
    stream (as :func:`torch.cuda.graph` requires), then one step is captured
    (batch indices and active flags in static buffers; dropout draws from the
    graph-safe philox generator, fresh at every replay) and replayed for the
    remaining steps.  If capture fails, training goes on eagerly.
    """
    static_idx, static_on = index[0, 0].clone(), active[0, 0].clone()

    def load(e, k):
        static_idx.copy_(index[e, k])
        static_on.copy_(active[e, k])

    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for e, k in steps_order[:warmup]:
            load(e, k)
            record[e, k] = train_step(static_idx, static_on)
            optimizer.zero_grad()
    torch.cuda.current_stream().wait_stream(side)
    rest = steps_order[warmup:]
    graph = torch.cuda.CUDAGraph()
    try:
        with torch.cuda.graph(graph):
            static_values = train_step(static_idx, static_on)
    except RuntimeError as exc:  # pragma: no cover - depends on the torch build
        warnings.warn(f"CUDA graph capture failed ({exc}); training eagerly.", RuntimeWarning)
        optimizer.zero_grad()
        for e, k in rest:
            record[e, k] = train_step(index[e, k], active[e, k])
            optimizer.zero_grad()
        return
    for e, k in rest:
        load(e, k)
        graph.replay()
        record[e, k].copy_(static_values)


def _history(record, batch, criterion, epoch_seconds):
    """A skorch History of one model: per-batch and per-epoch loss and terms."""
    history = History()
    terms = criterion.terms
    keys = ["train_loss"] + [f"train_{t}" for t in terms]
    for e, steps in enumerate(record):
        steps = steps.astype(float)
        for name_index, term in enumerate(terms[1:], start=2):
            if term not in criterion.active:
                steps[:, name_index] = 0.0
        history.new_epoch()
        history.record("epoch", e + 1)
        for values in steps:
            history.new_batch()
            for key, value in zip(keys, values):
                history.record_batch(key, float(value))
            history.record_batch("train_batch_size", batch)
        for key, value in zip(keys, steps.mean(axis=0)):
            history.record(key, float(value))
        history.record("train_batch_count", len(steps))
        history.record("dur", epoch_seconds)
    return history
