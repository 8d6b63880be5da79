"""Two optional paths beside the paper's network (off in the paper's configurations).

- :class:`SegmentFusion`: an MLP on each segment's own ``[x_a; x_t]``, mean-pooled
  over the real segments, added to the joint document vector ``h_j``.  It lets the
  joint encoder read *what is said and how in the same segment* directly, the
  way a per-segment MLP with mean pooling does, instead of only through
  cross-attention.
- :class:`PooledStatisticsHead`: a linear map from the mean and standard
  deviation of each modality's (standardised) segment features straight to the
  logits, so the network starts from what logistic regression on pooled
  embeddings sees.  It starts at zero, so it changes no initial output.

Both work on whole padded batches with a boolean mask, without loops, data-dependent
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

    def __init__(self, d_audio, d_text, n_classes, dropout=0.0):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.linear = nn.Linear(2 * (d_audio + d_text), n_classes)
        nn.init.zeros_(self.linear.weight)
        nn.init.zeros_(self.linear.bias)

    def forward(self, audio, text, mask):
        stats = torch.cat([pooled_statistics(audio, mask), pooled_statistics(text, mask)], dim=-1)
        return self.linear(self.dropout(stats))
