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


class HilbertLoss(nn.Module):
    """``L = CE + l_con L_con + l_cka L_cka + l_mi L_mi + l_bal L_balance``.

    The criterion of the skorch net: it receives the module output
    ``(logits, representations)``.  Terms with weight 0 are not computed;
    terms undefined for the batch size are skipped (recorded as 0).  The
    unweighted value of each term of the last batch is kept in ``terms_``.

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
        self.temperature = temperature
        self.cka = cka
        self.mi_form = mi_form
        self.lambdas = {
            "contrastive": lambda_contrastive if contrastive else 0.0,
            "cka": lambda_cka,
            "mi": lambda_mi,
            "balance": lambda_balance,
        }
        self.terms_ = {}

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
        self.terms_ = {"ce": total.item()}
        batch = logits.shape[0]
        for name, lam in self.lambdas.items():
            value = logits.new_zeros(())
            if lam and batch >= MIN_BATCH.get(name, 1):
                value = self._term(name, logits, reps)
                total = total + lam * value
            self.terms_[name] = value.item()
        return total
