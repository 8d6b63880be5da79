"""Optional paths beside the paper's network (off in the paper's configurations).

- :class:`SegmentFusion`: an MLP on each segment's own ``[x_a; x_t]``, mean-pooled
  over the real segments, added to the joint document vector ``h_j``.  It lets the
  joint encoder read *what is said and how in the same segment* directly, the
  way a per-segment MLP with mean pooling does, instead of only through
  cross-attention.
- :class:`PooledStatisticsHead`: a linear map from the mean and standard
  deviation of each modality's (standardised) segment features straight to the
  logits, so the network starts from what logistic regression on pooled
  embeddings sees.  It starts at zero, so it changes no initial output.
- :class:`SegmentInteractions`: the share of segments in which an audio and a
  text detector fire together, straight to the logits; :class:`SegmentOrder`:
  which of the two tends to come first.  Both start at zero.

All work on whole padded batches with a boolean mask, without loops, data-dependent
branches or in-place changes of their inputs.
"""

import torch
from torch import nn


def masked_mean(x, mask):
    """Mean of ``x (B, S, d)`` over the real segments of ``mask (B, S)`` -> ``(B, d)``."""
    weights = mask.to(x.dtype).unsqueeze(-1)
    return (x * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


def pooled_statistics(x, mask):
    """Mean and standard deviation of ``x (B, S, d)`` over real segments -> ``(B, 2d)``.

    Examples
    --------
    >>> import torch
    >>> x = torch.tensor([[[1.0], [3.0], [100.0]]])
    >>> [round(v, 4) for v in pooled_statistics(x, torch.tensor([[True, True, False]]))[0].tolist()]
    [2.0, 1.0]
    """
    mean = masked_mean(x, mask)
    var = masked_mean((x - mean.unsqueeze(1)) ** 2, mask)
    return torch.cat([mean, torch.sqrt(var + 1e-6)], dim=-1)


def pooled_features(audio, text, mask):
    """``[mean_a; std_a; mean_t; std_t]`` over the real segments -> ``(B, 2 (d_a + d_t))``."""
    return torch.cat([pooled_statistics(audio, mask), pooled_statistics(text, mask)], dim=-1)


class SegmentFusion(nn.Module):
    """``mean_i MLP([x_a,i; x_t,i])``: segment-level fusion, mean-pooled over real segments."""

    def __init__(self, d_model, dropout=0.0):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(2 * d_model, d_model),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(d_model, d_model),
        )

    def forward(self, audio, text, mask):
        return masked_mean(self.net(torch.cat([audio, text], dim=-1)), mask)


class PooledStatisticsHead(nn.Module):
    """Logit offsets from pooled segment statistics: ``W [mean_a; std_a; mean_t; std_t] + b``.

    Starts at zero (no effect on the initial network, no random draw).
    """

    def __init__(self, d_audio, d_text, n_outputs, dropout=0.0):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.linear = nn.Linear(2 * (d_audio + d_text), n_outputs)
        nn.init.zeros_(self.linear.weight)
        nn.init.zeros_(self.linear.bias)

    def forward(self, audio, text, mask):
        return self.linear(self.dropout(pooled_features(audio, text, mask)))


def centred_on_document(x, mask):
    """``x (B, S, d)`` minus each document's mean over its real segments; padding stays 0.

    The document's own offset (its speaker, channel or topic) leaves each segment, the
    way cepstral mean normalisation removes a recording's channel.

    Examples
    --------
    >>> import torch
    >>> x = torch.tensor([[[1.0], [3.0], [7.0]]])
    >>> centred_on_document(x, torch.tensor([[True, True, False]]))[0, :, 0].tolist()
    [-1.0, 1.0, 0.0]
    """
    return (x - masked_mean(x, mask).unsqueeze(1)) * mask.unsqueeze(-1).to(x.dtype)


class SegmentInteractions(nn.Module):
    """Logit offsets from co-occurring segment events of the two modalities.

    ``W mean_i [sigmoid(A a~_i) * sigmoid(T t~_i)] + b`` where ``a~_i``, ``t~_i``
    are segment ``i``'s (standardised) audio and text features centred on the
    mean of their document (:func:`centred_on_document`).  Each of the
    ``rank`` pairs of detectors ``(A_k, T_k)`` fires on segments where an
    audio pattern and a text pattern occur *together*; the mean over segments
    is the share of such segments.  This is low-rank multiplicative (bilinear)
    fusion at the segment level (Kim et al., 2017, "Hadamard product for
    low-rank bilinear pooling") with a sigmoid on each factor.  ``W`` and
    ``b`` start at zero, so the path changes no initial output.

    Parameters
    ----------
    d_audio, d_text : int
        Widths of the segment features.
    n_outputs : int
        Number of logits.
    rank : int, default=16
        Number of detector pairs.
    dropout : float, default=0.0
        Dropout on the pooled features.

    Examples
    --------
    >>> import torch
    >>> from sklearn_hilbert.nn.side_paths import SegmentInteractions
    >>> path = SegmentInteractions(d_audio=6, d_text=5, n_outputs=3, rank=4)
    >>> mask = torch.tensor([[True, True, False]])
    >>> path(torch.randn(1, 3, 6), torch.randn(1, 3, 5), mask).tolist()  # starts at zero
    [[0.0, 0.0, 0.0]]
    """

    def __init__(self, d_audio, d_text, n_outputs, rank=16, dropout=0.0):
        super().__init__()
        self.audio = nn.Linear(d_audio, rank)
        self.text = nn.Linear(d_text, rank)
        self.dropout = nn.Dropout(dropout)
        self.linear = nn.Linear(rank, n_outputs)
        nn.init.zeros_(self.linear.weight)
        nn.init.zeros_(self.linear.bias)

    def detectors(self, audio, text, mask):
        """``a (B, S, rank)``, ``t (B, S, rank)``: each pair's detector outputs, 0 on padding."""
        m = mask.unsqueeze(-1).to(audio.dtype)
        return (torch.sigmoid(self.audio(centred_on_document(audio, mask))) * m,
                torch.sigmoid(self.text(centred_on_document(text, mask))) * m)

    def features(self, audio, text, mask):
        """Per-document share of segments where each detector pair fires together ``(B, rank)``."""
        a, t = self.detectors(audio, text, mask)
        return masked_mean(a * t, mask)

    def forward(self, audio, text, mask):
        return self.linear(self.dropout(self.features(audio, text, mask)))


class SegmentOrder(SegmentInteractions):
    """Logit offsets from the order of segment events: which modality's comes first.

    The same detector pairs as :class:`SegmentInteractions` (its own ones),
    pooled differently: per pair ``k``,

    ``precedence_k = sum_{j < i} (a_jk t_ik - t_jk a_ik) / (n (n - 1) / 2)``

    over the ``n`` real segments: how many more (segment, later segment) pairs
    hold the audio pattern first and the text pattern after than the other
    way round, in ``[-1, 1]``; positive when what is heard comes before what
    is said.  Cumulative sums over segments, no loop.  A separate path (with
    its own logits in ``path_logits``) so that, where order carries nothing,
    it can be turned down without the co-occurrence path.

    Parameters
    ----------
    d_audio, d_text, n_outputs, rank, dropout
        As for :class:`SegmentInteractions`.

    Examples
    --------
    >>> import torch
    >>> from sklearn_hilbert.nn.side_paths import SegmentOrder
    >>> path = SegmentOrder(d_audio=6, d_text=5, n_outputs=3, rank=4)
    >>> a, t, mask = torch.randn(1, 5, 6), torch.randn(1, 5, 5), torch.ones(1, 5, dtype=torch.bool)
    >>> forward, backward = path.features(a, t, mask), path.features(a.flip(1), t.flip(1), mask)
    >>> bool(torch.allclose(forward, -backward, atol=1e-6))  # reversing a document flips it
    True
    """

    def features(self, audio, text, mask):
        """Per-document precedence of each pair's audio over its text pattern ``(B, rank)``."""
        a, t = self.detectors(audio, text, mask)
        before_a = torch.cumsum(a, dim=1) - a  # sum of a_j over j < i
        before_t = torch.cumsum(t, dim=1) - t
        n = mask.sum(dim=1, keepdim=True).to(a.dtype)
        pairs = (n * (n - 1) / 2).clamp(min=1.0)
        return ((before_a * t).sum(dim=1) - (before_t * a).sum(dim=1)) / pairs
