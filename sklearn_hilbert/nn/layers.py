"""Building blocks of the HILBERT network.

Every block works on whole padded batches ``(B, S, d)`` with a boolean mask
``(B, S)`` (True = real segment); none loops over segments or documents in
Python.  Padding never changes the output for real segments: keys are masked
in every attention and the pooling softmax gives padding exactly zero weight.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F


def sinusoidal_positions(n_positions, dim, device=None, dtype=torch.float32):
    """Sinusoidal position encoding ``(n_positions, dim)`` (Vaswani et al., 2017).

    Works for any number of segments, so a 1000-segment interview needs no
    retraining of a position table.
    """
    position = torch.arange(n_positions, device=device, dtype=dtype).unsqueeze(1)
    half = (dim + 1) // 2
    freq = torch.exp(
        torch.arange(half, device=device, dtype=dtype) * (-math.log(10000.0) / max(half, 1))
    )
    angles = position * freq
    enc = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
    return enc[:, :dim]


def drop_segments(mask, p):
    """Hide each real segment with probability ``p``; every document keeps at least one.

    The segment-level analogue of dropout, for training: a fresh random
    subset of each document's segments is seen at every step, so a network
    cannot lean on a particular segment (or memorise a document from its
    exact set of segments).  A document whose draw hides all of its real
    segments keeps them all for that step.

    Parameters
    ----------
    mask : bool Tensor of shape (B, S)
        True on real segments.
    p : float in [0, 1)
        Probability of hiding a real segment.

    Returns
    -------
    bool Tensor of shape (B, S)
        The kept segments, a subset of ``mask``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_hilbert.nn.layers import drop_segments
    >>> mask = torch.tensor([[True, True, True, False], [True, False, False, False]])
    >>> kept = drop_segments(mask, 0.5)
    >>> bool((kept <= mask).all()), kept.any(dim=1).tolist()
    (True, [True, True])
    """
    if p <= 0:
        return mask
    kept = mask & (torch.rand(mask.shape, device=mask.device) >= p)
    return torch.where(kept.any(dim=1, keepdim=True), kept, mask)


class FeedForward(nn.Sequential):
    """Position-wise feed-forward network ``d -> 2d -> d``."""

    def __init__(self, d_model):
        super().__init__(nn.Linear(d_model, 2 * d_model), nn.GELU(), nn.Linear(2 * d_model, d_model))


class AttentionBlock(nn.Module):
    """Transformer block: (cross-)attention and feed-forward, each residual + LayerNorm.

    With ``context=None`` it is self-attention; otherwise queries come from
    ``x`` and keys/values from ``context`` (cross-modal attention).  Keys at
    padded positions are masked.  Dropout acts on the two residual branches
    only (dropout on attention weights costs a random draw per score and
    brought nothing here).
    """

    def __init__(self, d_model, n_heads, dropout=0.0):
        super().__init__()
        self.attention = nn.MultiheadAttention(d_model, n_heads, batch_first=True)
        self.norm1 = nn.LayerNorm(d_model)
        self.feed_forward = FeedForward(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, mask, context=None):
        context = x if context is None else context
        attended, _ = self.attention(
            x, context, context, key_padding_mask=~mask, need_weights=False
        )
        x = self.norm1(x + self.dropout(attended))
        x = self.norm2(x + self.dropout(self.feed_forward(x)))
        # padded rows carry no information; keep them at exactly zero
        return x * mask.unsqueeze(-1)


class AttentionPooling(nn.Module):
    """Masked attention pooling with a learned query.

    ``w = softmax_{real segments}(H q / sqrt(d))``, ``h = sum_s w_s H_s``.

    Returns the pooled vector ``(B, d)`` and the weights ``(B, S)`` (zero on
    padding, each row sums to one).
    """

    def __init__(self, d_model):
        super().__init__()
        self.query = nn.Parameter(torch.randn(d_model) / math.sqrt(d_model))
        self.scale = 1.0 / math.sqrt(d_model)

    def forward(self, x, mask):
        scores = (x @ self.query) * self.scale
        scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=1)
        pooled = torch.bmm(weights.unsqueeze(1), x).squeeze(1)
        return pooled, weights


class SegmentProjection(nn.Module):
    """Linear projection of frozen segment embeddings to ``d_model`` + position encoding.

    The sinusoidal position encoding enters through a learned scale that
    starts small (0.1), so that a segment's place in the interview is
    available without drowning its content early in training.
    """

    def __init__(self, d_in, d_model, dropout=0.0):
        super().__init__()
        self.linear = nn.Linear(d_in, d_model)
        self.norm = nn.LayerNorm(d_model)
        self.position_scale = nn.Parameter(torch.tensor(0.1))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, mask):
        x = self.norm(self.linear(x))
        positions = sinusoidal_positions(x.shape[1], x.shape[2], x.device, x.dtype)
        x = x + self.position_scale * positions
        return self.dropout(x) * mask.unsqueeze(-1)


class ModalityEncoder(nn.Module):
    """Per-modality document encoder: projected segments -> self-attention -> pooling."""

    def __init__(self, d_model, n_heads, dropout=0.0):
        super().__init__()
        self.block = AttentionBlock(d_model, n_heads, dropout)
        self.pooling = AttentionPooling(d_model)

    def forward(self, x, mask):
        return self.pooling(self.block(x, mask), mask)


class JointEncoder(nn.Module):
    """Cross-modal joint encoder.

    ``Z_{a->t}`` = audio queries attending over text, ``Z_{t->a}`` likewise,
    each a residual block, so row ``i`` keeps segment ``i``'s own features.
    ``[Z_{a->t}; Z_{t->a}]`` -> Linear -> self-attention -> pooling -> ``h_j``.
    """

    def __init__(self, d_model, n_heads, dropout=0.0):
        super().__init__()
        self.audio_to_text = AttentionBlock(d_model, n_heads, dropout)
        self.text_to_audio = AttentionBlock(d_model, n_heads, dropout)
        self.fuse = nn.Sequential(nn.Linear(2 * d_model, d_model), nn.LayerNorm(d_model))
        self.block = AttentionBlock(d_model, n_heads, dropout)
        self.pooling = AttentionPooling(d_model)

    def forward(self, audio, text, mask):
        z_at = self.audio_to_text(audio, mask, context=text)
        z_ta = self.text_to_audio(text, mask, context=audio)
        joint = self.fuse(torch.cat([z_at, z_ta], dim=-1)) * mask.unsqueeze(-1)
        return self.pooling(self.block(joint, mask), mask)


def mlp(sizes, dropout=0.0, final_activation=True):
    """A ReLU MLP through ``sizes`` (``sizes[0]`` is the input width)."""
    layers = []
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(d_in, d_out))
        if final_activation or i < len(sizes) - 2:
            layers += [nn.ReLU(), nn.Dropout(dropout)]
    return nn.Sequential(*layers)


class SharedProjector(nn.Module):
    """Shared projector ``g``: MLP ``d_model -> d_model -> proj_dim``, output L2-normalised."""

    def __init__(self, d_model, proj_dim):
        super().__init__()
        self.net = mlp([d_model, d_model, proj_dim], final_activation=False)

    def forward(self, h):
        return F.normalize(self.net(h), dim=-1)


class BatchedExperts(nn.Module):
    """``n_experts`` MLPs evaluated together with batched matrix products (no loop over experts)."""

    def __init__(self, d_in, hidden, n_experts, dropout=0.0):
        super().__init__()
        sizes = [d_in, *hidden]
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for a, b in zip(sizes[:-1], sizes[1:]):
            w = torch.empty(n_experts, a, b)
            for k in range(n_experts):  # same init as nn.Linear, once at construction
                nn.init.kaiming_uniform_(w[k].T, a=math.sqrt(5))
            self.weights.append(nn.Parameter(w))
            bound = 1.0 / math.sqrt(a)
            self.biases.append(nn.Parameter(torch.empty(n_experts, 1, b).uniform_(-bound, bound)))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        """``x (B, d_in)`` -> expert outputs ``(n_experts, B, hidden[-1])``."""
        h = x.unsqueeze(0).expand(self.weights[0].shape[0], -1, -1)
        for w, b in zip(self.weights, self.biases):
            h = self.dropout(F.relu(torch.baddbmm(b, h, w)))
        return h


class MixtureOfExperts(nn.Module):
    """Dense Mixture of Experts: ``o = sum_k softmax(W_g x)_k E_k(x)``.

    Returns ``o (B, hidden[-1])`` and the gate probabilities ``(B, n_experts)``.
    """

    def __init__(self, d_in, hidden, n_experts, dropout=0.0):
        super().__init__()
        self.gate = nn.Linear(d_in, n_experts)
        self.experts = BatchedExperts(d_in, hidden, n_experts, dropout)

    def forward(self, x):
        gate = torch.softmax(self.gate(x), dim=-1)
        outputs = self.experts(x)  # (E, B, h)
        return torch.einsum("be,ebh->bh", gate, outputs), gate


class DenseExpert(nn.Module):
    """The ``head="mlp"`` ablation: one MLP of the experts' width in place of the MoE."""

    def __init__(self, d_in, hidden, dropout=0.0):
        super().__init__()
        self.net = mlp([d_in, *hidden], dropout)

    def forward(self, x):
        return self.net(x), None
