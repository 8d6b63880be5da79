"""HILBERT's losses as pure functions (formulas in ``docs/model.md``).

All functions take batches of document vectors ``(B, p)`` and return scalar
tensors.  They are finite for every ``B >= 1``: where a term is undefined
(no negatives for ``B < 2``, CKA for ``B < 4``) the caller skips it; see
:data:`MIN_BATCH`.
"""

import math

import torch
from torch.nn import functional as F

#: Smallest batch for which each auxiliary term is defined.
MIN_BATCH = {"contrastive": 2, "mi": 2, "cka": 4}


def _scaled_cosine(u, v, temperature):
    return F.normalize(u, dim=-1) @ F.normalize(v, dim=-1).T / temperature


def joint_modality_contrastive_loss(z_joint, z_mod, temperature=0.1):
    """Joint-centric contrastive loss ``L_m`` for one modality.

    Rows ``[z_joint; z_mod]`` (2B of them) are anchors; the positive of
    ``z_joint[i]`` is ``z_mod[i]`` and vice versa; every other row except the
    anchor itself is a negative.  ``L_m`` is the mean over the 2B anchors of
    ``-log softmax(s(anchor, .))[positive]`` with ``s = cos / temperature``.

    Parameters
    ----------
    z_joint, z_mod : Tensor of shape (B, p)
    temperature : float

    Returns
    -------
    loss : Tensor, scalar

    Examples
    --------
    >>> import torch
    >>> z = torch.eye(4)
    >>> float(joint_modality_contrastive_loss(z, z, temperature=0.1)) < 1e-3
    True
    """
    batch = z_joint.shape[0]
    z = torch.cat([z_joint, z_mod])
    logits = _scaled_cosine(z, z, temperature)
    self_mask = torch.eye(2 * batch, dtype=torch.bool, device=z.device)
    logits = logits.masked_fill(self_mask, float("-inf"))
    idx = torch.arange(batch, device=z.device)
    targets = torch.cat([idx + batch, idx])
    return F.cross_entropy(logits, targets)


def dual_contrastive_loss(z_joint, z_audio, z_text, temperature=0.1):
    """HILBERT's dual contrastive loss ``L_con = L_a + L_t`` (never audio vs text)."""
    return joint_modality_contrastive_loss(
        z_joint, z_audio, temperature
    ) + joint_modality_contrastive_loss(z_joint, z_text, temperature)


def pairwise_contrastive_loss(z_audio, z_text, temperature=0.1):
    """CLIP-style symmetric audio-text InfoNCE (the ``contrastive="pairwise"`` ablation)."""
    logits = _scaled_cosine(z_audio, z_text, temperature)
    targets = torch.arange(z_audio.shape[0], device=z_audio.device)
    return 0.5 * (F.cross_entropy(logits, targets) + F.cross_entropy(logits.T, targets))


def linear_cka(X, Y, eps=1e-12):
    """Linear centred kernel alignment, computed in float64.

    ``CKA(X, Y) = ||Yc^T Xc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F)`` with
    ``Xc, Yc`` column-centred.  In [0, 1]; 1 for ``X`` vs ``X``; symmetric;
    invariant to orthogonal rotations and isotropic scaling of either side.
    A constant input (zero denominator) gives 0.

    Parameters
    ----------
    X : Tensor of shape (n, p)
    Y : Tensor of shape (n, q)
    eps : float
        Lower bound of the denominator.

    Returns
    -------
    cka : Tensor, scalar, in the dtype of ``X``

    Examples
    --------
    >>> import torch
    >>> X = torch.randn(10, 3)
    >>> round(float(linear_cka(X, 2 * X)), 6)
    1.0
    """
    Xc = X.double() - X.double().mean(dim=0, keepdim=True)
    Yc = Y.double() - Y.double().mean(dim=0, keepdim=True)
    cross = torch.linalg.matrix_norm(Yc.T @ Xc) ** 2
    norm_x = torch.linalg.matrix_norm(Xc.T @ Xc)
    norm_y = torch.linalg.matrix_norm(Yc.T @ Yc)
    cka = cross / torch.clamp(norm_x * norm_y, min=eps)
    return cka.clamp(0.0, 1.0).to(X.dtype)


def cka_loss(z_joint, z_audio, z_text):
    """``L_cka = (1 - CKA(z_a, z_j)) + (1 - CKA(z_t, z_j))``."""
    return (1 - linear_cka(z_audio, z_joint)) + (1 - linear_cka(z_text, z_joint))


def infonce_mutual_information(z_joint, z_mod, temperature=0.1):
    """InfoNCE estimate of ``I(joint; modality)`` with critic ``f(u, v) = u.v / tau``.

    ``I = mean_i [f(j_i, m_i) - logsumexp_k f(j_i, m_k) + log B]``; it is at
    most ``log B``.

    Examples
    --------
    >>> import torch
    >>> z = torch.nn.functional.normalize(torch.randn(8, 4), dim=1)
    >>> bool(infonce_mutual_information(z, z) <= torch.log(torch.tensor(8.)))
    True
    """
    scores = z_joint @ z_mod.T / temperature
    batch = z_joint.shape[0]
    return (scores.diagonal() - torch.logsumexp(scores, dim=1)).mean() + math.log(batch)


def mi_balance_loss(z_joint, z_audio, z_text, temperature=0.1):
    """``L_mi = |I(j; a) - I(j; t)|``: neither modality may dominate the joint vector."""
    return torch.abs(
        infonce_mutual_information(z_joint, z_audio, temperature)
        - infonce_mutual_information(z_joint, z_text, temperature)
    )


def load_balance_loss(gate):
    """MoE load balance ``E * sum_k mean_i(p_ik)^2 - 1``: 0 when experts are used equally."""
    usage = gate.mean(dim=0)
    return gate.shape[1] * (usage**2).sum() - 1.0
