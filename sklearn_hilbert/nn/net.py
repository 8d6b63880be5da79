"""``HilbertNet``: the skorch net that trains :class:`HilbertModule` with :class:`HilbertLoss`."""

import torch
from skorch import NeuralNet
from skorch.callbacks import EarlyStopping, GradientNormClipping, PassthroughScoring
from skorch.dataset import get_len
from skorch.helper import predefined_split

from .criterion import HilbertLoss, terms_of
from .model import HilbertModule


class HilbertNet(NeuralNet):
    """A skorch :class:`~skorch.NeuralNet` that records and scores every loss term.

    Besides skorch's ``train_loss``/``valid_loss``, each batch records the
    unweighted terms of :class:`~sklearn_hilbert.nn.HilbertLoss` (its
    ``terms_``) as ``train_<term>`` / ``valid_<term>``, and the net's own
    :class:`skorch.callbacks.PassthroughScoring` callbacks average them per
    epoch into the history.  The batch values stay on the device as tensors
    during the epoch and are read back to the host in one transfer at its end
    (skorch itself reads the loss with ``.item()`` after every step, a host
    synchronisation per step).
    """

    @property
    def _default_callbacks(self):
        terms = terms_of(self.get_params_for("criterion").get("objective", "cross_entropy"))
        scorers = [(f"{split}_{term}", PassthroughScoring(f"{split}_{term}",
                                                          on_train=split == "train"))
                   for split in ("train", "valid") for term in terms]
        return [*super()._default_callbacks, *scorers]

    def get_loss(self, y_pred, y_true, X=None, training=False):
        loss = super().get_loss(y_pred, y_true, X=X, training=training)
        prefix = "train_" if training else "valid_"
        for name, value in getattr(self.criterion_, "terms_", {}).items():
            self.history.record_batch(prefix + name, value)
        return loss

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        if iterator is None:
            return
        batch_count = 0
        for batch in iterator:
            self.notify("on_batch_begin", batch=batch, training=training)
            step = step_fn(batch, **fit_params)
            self.history.record_batch(prefix + "_loss", step["loss"].detach())
            batch_size = get_len(batch[0]) if isinstance(batch, (tuple, list)) else get_len(batch)
            self.history.record_batch(prefix + "_batch_size", batch_size)
            self.notify("on_batch_end", batch=batch, training=training, **step)
            batch_count += 1
        self.history.record(prefix + "_batch_count", batch_count)
        _tensors_to_floats(self.history[-1]["batches"])


def _tensors_to_floats(batches):
    """Replace the tensors recorded in an epoch's batches by floats, with one host transfer."""
    slots = [(row, key) for row in batches for key, value in row.items() if torch.is_tensor(value)]
    if slots:
        values = torch.stack([row[key].reshape(()).float() for row, key in slots]).tolist()
        for (row, key), value in zip(slots, values):
            row[key] = value


def make_net(module_params, loss_params, *, lr, weight_decay, max_epochs, batch_size, n_train,
             valid_dataset, patience, callbacks, device, verbose, max_grad_norm=None):
    """The :class:`HilbertNet` that trains one HILBERT network.

    Parameters
    ----------
    module_params, loss_params : dict
        Every argument of :class:`HilbertModule` and of :class:`HilbertLoss`.
    lr, weight_decay : float
        AdamW settings.
    max_epochs, batch_size : int
        ``batch_size`` is capped at ``n_train``; the last, shorter training
        batch is dropped (the auxiliary losses need negatives).
    n_train : int
        Training documents.
    valid_dataset : skorch Dataset or None
        Held-out documents: early stopping on the validation task term
        (``valid_ce``, ``valid_mse`` or ``valid_huber``) with ``patience``,
        restoring the best epoch's weights.
    callbacks : list or None
        The user's extra skorch callbacks.
    device : str or torch.device
    verbose : int
    max_grad_norm : float or None
        Clip every step's gradient norm at this value; None does not clip.
    """
    net_callbacks = []
    if max_grad_norm is not None:
        net_callbacks.append(("gradient_clipping", GradientNormClipping(max_grad_norm)))
    if valid_dataset is not None:
        net_callbacks.append(
            ("early_stopping", EarlyStopping(
                monitor=f"valid_{terms_of(loss_params.get('objective', 'cross_entropy'))[0]}",
                patience=patience, load_best=True)))
    net_callbacks += list(callbacks or [])
    return HilbertNet(
        module=HilbertModule,
        **{f"module__{k}": v for k, v in module_params.items()},
        criterion=HilbertLoss,
        **{f"criterion__{k}": v for k, v in loss_params.items()},
        optimizer=torch.optim.AdamW,
        optimizer__weight_decay=weight_decay,
        lr=lr,
        max_epochs=max_epochs,
        batch_size=min(batch_size, n_train),
        iterator_train__shuffle=True,
        iterator_train__drop_last=True,
        iterator_valid__batch_size=max(batch_size, 64),
        train_split=None if valid_dataset is None else predefined_split(valid_dataset),
        callbacks=net_callbacks,
        device=device,
        verbose=verbose,
    )
