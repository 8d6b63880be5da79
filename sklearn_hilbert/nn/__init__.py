"""The HILBERT network and its losses (PyTorch)."""

from .criterion import TERMS, HilbertLoss
from .losses import (
    CKA_ESTIMATORS,
    MI_FORMS,
    cka_loss,
    debiased_cka,
    dual_contrastive_loss,
    infonce_mutual_information,
    joint_modality_contrastive_loss,
    linear_cka,
    load_balance_loss,
    mi_balance_loss,
    pairwise_contrastive_loss,
)
from .model import HilbertModule

__all__ = [
    "HilbertModule",
    "HilbertLoss",
    "TERMS",
    "CKA_ESTIMATORS",
    "MI_FORMS",
    "cka_loss",
    "debiased_cka",
    "dual_contrastive_loss",
    "infonce_mutual_information",
    "joint_modality_contrastive_loss",
    "linear_cka",
    "load_balance_loss",
    "mi_balance_loss",
    "pairwise_contrastive_loss",
]
