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

#: Names of the loss terms, as recorded in the skorch history (``train_<name>``).
TERMS = ("ce", "contrastive", "cka", "mi", "balance")
#: The weighted auxiliary terms.
AUX_TERMS = TERMS[1:]


class HilbertLoss(nn.Module):
    """``L = CE + l_con L_con + l_cka L_cka + l_mi L_mi + l_bal L_balance``.

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

    Every setting is required: :class:`~sklearn_hilbert.HilbertClassifier`
    owns the defaults and passes each one.

    Every setting is required: :class:`~sklearn_hilbert.HilbertClassifier`
    owns the defaults and passes each one.

    Parameters
    ----------
    weight : Tensor of shape (n_classes,) or None
        Class weights of the cross-entropy.
    contrastive : {"dual", "pairwise", None}
    temperature : float
    lambda_contrastive, lambda_cka, lambda_mi, lambda_balance : float
    cka : {"linear", "debiased"}
        CKA estimator of ``L_cka`` (:func:`~sklearn_hilbert.nn.losses.cka_loss`).
    mi_form : {"abs", "lift"}
        Form of ``L_mi`` (:func:`~sklearn_hilbert.nn.losses.mi_balance_loss`).

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
    ):
        super().__init__()
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

    def forward(self, output, target):
        logits, reps = output
        weight = None if self.weight is None else self.weight.to(logits.dtype)
        total = F.cross_entropy(logits, target, weight=weight)
        terms = {"ce": total.detach()}
        batch = logits.shape[0]
        for name in AUX_TERMS:
            value = logits.new_zeros(())
            if name in self.active and batch >= MIN_BATCH.get(name, 1):
                value = self._term(name, logits, reps)
                total = total + getattr(self, f"lambda_{name}").to(logits.dtype) * value
            terms[name] = value.detach()
        self.terms_ = terms
        return total
