"""``HilbertLoss``: cross-entropy plus HILBERT's weighted auxiliary terms."""

import torch
from torch import nn
from torch.nn import functional as F

from .losses import (
    MIN_BATCH,
    cka_loss,
    dual_contrastive_loss,
    load_balance_loss,
    mi_balance_loss,
    pairwise_contrastive_loss,
)

#: The weighted auxiliary terms.
AUX_TERMS = ("contrastive", "cka", "mi", "balance")
#: The task term of each objective, by the name the history records it under.
OBJECTIVES = {"cross_entropy": "ce", "squared_error": "mse", "huber": "huber"}
#: Names of the loss terms of a classifier, as recorded in the skorch history
#: (``train_<name>``); a regressor records its task term under its own name
#: (:func:`terms_of`).
TERMS = ("ce", *AUX_TERMS)


def terms_of(objective):
    """The recorded loss terms under ``objective``: its task term, then :data:`AUX_TERMS`.

    Examples
    --------
    >>> terms_of("squared_error")
    ('mse', 'contrastive', 'cka', 'mi', 'balance')
    """
    return (OBJECTIVES[objective], *AUX_TERMS)


class HilbertLoss(nn.Module):
    """``L = L_task + l_con L_con + l_cka L_cka + l_mi L_mi + l_bal L_balance``.

    ``L_task`` is the (class-weighted) cross-entropy of a classifier, or the
    mean squared error or Huber loss (``delta = 1``) of a regressor's
    standardised targets, averaged over documents and targets.

    The criterion of the skorch net: it receives the module output
    ``(logits, representations)``.  Terms with weight 0 are not computed;
    terms undefined for the batch size are skipped (recorded as 0).  The
    unweighted value of each term of the last batch is kept in ``terms_``
    as detached tensors (no host synchronisation per step).

    The temperature and the weights are buffers (``temperature``,
    ``lambda_<term>``), so that :func:`torch.func.functional_call` can
    substitute per-model values when many models train in one stack
    (:mod:`sklearn_hilbert.model_selection`); ``active`` names the terms
    computed (those of nonzero weight at construction).

    Every setting is required: the estimators own the defaults and pass each one.

    Parameters
    ----------
    weight : Tensor of shape (n_classes,) or None
        Class weights of the cross-entropy (None for a regressor).
    contrastive : {"dual", "pairwise", None}
    temperature : float
    lambda_contrastive, lambda_cka, lambda_mi, lambda_balance : float
    cka : {"linear", "debiased"}
        CKA estimator of ``L_cka`` (:func:`~sklearn_hilbert.nn.losses.cka_loss`).
    mi_form : {"abs", "lift"}
        Form of ``L_mi`` (:func:`~sklearn_hilbert.nn.losses.mi_balance_loss`).
    objective : {"cross_entropy", "squared_error", "huber"}, default="cross_entropy"
        The task term: classification (integer class targets) or regression
        (float targets of shape ``(B, n_outputs)``).

    Examples
    --------
    >>> import torch
    >>> from sklearn_hilbert.nn import HilbertLoss
    >>> loss = HilbertLoss(weight=None, contrastive="dual", temperature=0.5,
    ...                    lambda_contrastive=0.1, lambda_cka=0.0, lambda_mi=0.0,
    ...                    lambda_balance=0.01, cka="linear", mi_form="abs")
    >>> sorted(loss.active)
    ['balance', 'contrastive']
    """

    def __init__(
        self,
        *,
        weight,
        contrastive,
        temperature,
        lambda_contrastive,
        lambda_cka,
        lambda_mi,
        lambda_balance,
        cka,
        mi_form,
        objective="cross_entropy",
    ):
        super().__init__()
        if objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {sorted(OBJECTIVES)}, got {objective!r}")
        self.objective = objective
        self.terms = terms_of(objective)
        self.register_buffer("weight", None if weight is None else torch.as_tensor(weight))
        self.contrastive = contrastive
        self.cka = cka
        self.mi_form = mi_form
        self.register_buffer("temperature", torch.tensor(float(temperature)))
        lambdas = {
            "contrastive": lambda_contrastive if contrastive else 0.0,
            "cka": lambda_cka,
            "mi": lambda_mi,
            "balance": lambda_balance,
        }
        for name, lam in lambdas.items():
            self.register_buffer(f"lambda_{name}", torch.tensor(float(lam)))
        self.active = frozenset(name for name, lam in lambdas.items() if lam)
        self.terms_ = {}

    @property
    def lambdas(self):
        """Weights of the auxiliary terms, ``{term: float}``."""
        return {name: float(getattr(self, f"lambda_{name}")) for name in AUX_TERMS}

    def _term(self, name, logits, reps):
        z_j, z_a, z_t = reps.get("z_joint"), reps.get("z_audio"), reps.get("z_text")
        if name == "contrastive":
            if self.contrastive == "pairwise":
                return pairwise_contrastive_loss(z_a, z_t, self.temperature)
            return dual_contrastive_loss(z_j, z_a, z_t, self.temperature)
        if name == "cka":
            return cka_loss(z_j, z_a, z_t, self.cka)
        if name == "mi":
            return mi_balance_loss(z_j, z_a, z_t, self.temperature, self.mi_form)
        if "gate" not in reps:  # balance without a MoE gate
            return logits.new_zeros(())
        return load_balance_loss(reps["gate"])

    def _task_loss(self, outputs, target):
        if self.objective == "cross_entropy":
            weight = None if self.weight is None else self.weight.to(outputs.dtype)
            return F.cross_entropy(outputs, target, weight=weight)
        target = target.to(outputs.dtype).reshape(outputs.shape)
        if self.objective == "huber":
            return F.huber_loss(outputs, target, delta=1.0)
        return F.mse_loss(outputs, target)

    def forward(self, output, target):
        logits, reps = output
        total = self._task_loss(logits, target)
        terms = {self.terms[0]: total.detach()}
        batch = logits.shape[0]
        for name in AUX_TERMS:
            value = logits.new_zeros(())
            if name in self.active and batch >= MIN_BATCH.get(name, 1):
                value = self._term(name, logits, reps)
                total = total + getattr(self, f"lambda_{name}").to(logits.dtype) * value
            terms[name] = value.detach()
        self.terms_ = terms
        return total
