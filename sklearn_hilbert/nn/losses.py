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


def _unbiased_hsic(K, L):
    """Unbiased HSIC estimator of Song et al. (2012) on Gram matrices ``K, L (n x n)``, ``n >= 4``."""
    n = K.shape[0]
    off = 1.0 - torch.eye(n, dtype=K.dtype, device=K.device)
    K, L = K * off, L * off  # zero diagonals (no in-place op on the inputs)
    ones_K, ones_L = K.sum(dim=0), L.sum(dim=0)  # column sums = K 1, L 1
    return (
        (K * L).sum()
        + ones_K.sum() * ones_L.sum() / ((n - 1) * (n - 2))
        - 2.0 / (n - 2) * (ones_K * ones_L).sum()
    ) / (n * (n - 3))


def debiased_cka(X, Y, eps=1e-12):
    """Linear CKA from the unbiased HSIC estimator, computed in float64.

    ``CKA_u(X, Y) = HSIC_u(K, L) / sqrt(HSIC_u(K, K) HSIC_u(L, L))`` with
    ``K = X X^T``, ``L = Y Y^T`` and ``HSIC_u`` the unbiased estimator of
    Song et al. (2012) (Gram diagonals removed).  The plain (biased) linear
    CKA of a batch of ``n`` independent random vectors in ``p`` dimensions
    is far from 0 when ``n`` is not much larger than ``p`` (about 0.8 for
    ``n = 32``, ``p = 128``); this estimate is near 0 for them and 1 for
    ``X`` vs ``X``.  It can be slightly negative; it is not clipped, so its
    gradient never vanishes.  Needs ``n >= 4``; a constant input gives 0.

    Parameters and return value as in :func:`linear_cka` (here ``eps`` bounds
    the self-similarity terms of the denominator).

    Examples
    --------
    Two independent batches (32 vectors in 128 dimensions): the plain estimate
    is far from 0, this one is near 0; a batch against itself is still 1.

    >>> import torch
    >>> g = torch.Generator().manual_seed(0)
    >>> A, B = torch.randn(32, 128, generator=g), torch.randn(32, 128, generator=g)
    >>> round(float(linear_cka(A, B)), 1), abs(float(debiased_cka(A, B))) < 0.1
    (0.8, True)
    >>> round(float(debiased_cka(A, 2 * A)), 6)
    1.0
    """
    Xd, Yd = X.double(), Y.double()
    K, L = Xd @ Xd.T, Yd @ Yd.T
    hsic_kk = torch.clamp(_unbiased_hsic(K, K), min=eps)
    hsic_ll = torch.clamp(_unbiased_hsic(L, L), min=eps)
    return (_unbiased_hsic(K, L) / torch.sqrt(hsic_kk * hsic_ll)).to(X.dtype)


#: CKA estimators by name: ``"linear"`` (the paper's, biased at small batches) or ``"debiased"``.
CKA_ESTIMATORS = {"linear": linear_cka, "debiased": debiased_cka}


def cka_loss(z_joint, z_audio, z_text, estimator="linear"):
    """``L_cka = (1 - CKA(z_a, z_j)) + (1 - CKA(z_t, z_j))``.

    ``estimator`` is ``"linear"`` (:func:`linear_cka`, the paper's) or
    ``"debiased"`` (:func:`debiased_cka`).
    """
    cka = CKA_ESTIMATORS[estimator]
    return (1 - cka(z_audio, z_joint)) + (1 - cka(z_text, z_joint))


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


#: Forms of the MI-balance term (see :func:`mi_balance_loss`).
MI_FORMS = ("abs", "lift")


def mi_balance_loss(z_joint, z_audio, z_text, temperature=0.1, form="abs"):
    """MI balance: neither modality may dominate the joint vector.

    ``form="abs"`` is the paper's ``L_mi = |I(j; a) - I(j; t)|``.  Since
    ``I(j; m) = log B - CE_{j->m}``, its gradient has a constant size and
    *lowers* the better-aligned modality's ``I`` (pushing its vectors away
    from the joint vector) as much as it raises the other's: it fights the
    contrastive term.  ``form="lift"`` keeps the same value but stops the
    gradient through the larger of the two: ``max(I_a, I_t).detach() -
    min(I_a, I_t)``, so it only pulls the lagging modality up towards the
    leading one and never pushes a modality away from the joint vector.

    Parameters
    ----------
    z_joint, z_audio, z_text : Tensor of shape (B, p)
    temperature : float
    form : {"abs", "lift"}

    Returns
    -------
    loss : Tensor, scalar (the same value for both forms)

    Examples
    --------
    >>> import torch
    >>> z = torch.nn.functional.normalize(torch.randn(6, 4), dim=1)
    >>> float(mi_balance_loss(z, z, z))
    0.0
    """
    i_a = infonce_mutual_information(z_joint, z_audio, temperature)
    i_t = infonce_mutual_information(z_joint, z_text, temperature)
    if form == "abs":
        return torch.abs(i_a - i_t)
    if form == "lift":
        return torch.maximum(i_a, i_t).detach() - torch.minimum(i_a, i_t)
    raise ValueError(f"form must be one of {MI_FORMS}, got {form!r}.")


def load_balance_loss(gate):
    """MoE load balance ``E * sum_k mean_i(p_ik)^2 - 1``: 0 when experts are used equally."""
    usage = gate.mean(dim=0)
    return gate.shape[1] * (usage**2).sum() - 1.0
