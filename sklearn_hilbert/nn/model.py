"""``HilbertModule``: the full HILBERT network (``docs/model.md`` describes it)."""

import torch
from torch import nn

from .layers import (
    DenseExpert,
    drop_segments,
    JointEncoder,
    MixtureOfExperts,
    ModalityEncoder,
    SegmentProjection,
    SharedProjector,
    mlp,
)
from .side_paths import (
    PooledStatisticsHead,
    SegmentFusion,
    SegmentInteractions,
    SegmentOrder,
)


class HilbertModule(nn.Module):
    """HILBERT network: modality encoders, cross-modal joint encoder, projector, MoE head.

    Every setting is required: :class:`~sklearn_hilbert.HilbertClassifier`
    owns the defaults and passes each one.

    Parameters
    ----------
    d_audio, d_text : int
        Widths of the frozen audio and text segment embeddings.
    n_outputs : int
        Number of outputs: class logits, or a regressor's targets.
    d_model : int
        Width of the attention layers.
    n_heads : int
        Attention heads; must divide ``d_model``.
    proj_dim : int
        Output width of the shared, L2-normalised projector.
    n_experts : int
        Number of experts of the MoE head.
    expert_hidden : tuple of int
        Hidden sizes of each expert MLP (the MLP head uses the same).
    head_hidden : tuple of int
        Hidden sizes of the classification MLP after the experts.
    head : {"moe", "mlp"}
        Mixture of Experts or a single MLP of the same width.
    dropout : float
        Dropout in attention, feed-forward and MLP layers.
    segment_dropout : float
        In training mode, probability of hiding each real segment of a
        document for one step (see :func:`~sklearn_hilbert.nn.layers.drop_segments`).
        No effect in eval mode.
    project : bool
        Whether to compute the projections ``z`` (only the auxiliary losses use
        them).  The projector is built either way, so that configurations with
        and without auxiliary losses start from the same weights.
    segment_fusion : bool
        Add ``mean_i MLP([x_a,i; x_t,i])`` to ``h_j`` (not in the paper; see
        :class:`~sklearn_hilbert.nn.side_paths.SegmentFusion`).
    pooled_head : bool
        Add a linear map of the pooled mean and std of the standardised segment
        features to the logits (not in the paper; see
        :class:`~sklearn_hilbert.nn.side_paths.PooledStatisticsHead`).
    segment_interactions : int, default=0
        Rank of a path that adds to the logits the mean-pooled products of
        per-modality segment detectors (0: no such path; not in the paper; see
        :class:`~sklearn_hilbert.nn.side_paths.SegmentInteractions`).
    segment_order : bool, default=False
        With ``segment_interactions``, a further path of that rank: per detector
        pair, how much more often the audio pattern comes before the text
        pattern than after (:class:`~sklearn_hilbert.nn.side_paths.SegmentOrder`).
    input_stats : dict or None, default=None
        ``{"audio": (mean, scale), "text": (mean, scale)}`` per-feature statistics;
        inputs are standardised as ``(x - mean) / scale`` before the projection.
        Kept as buffers, so they travel with the weights.

    Examples
    --------
    >>> import torch
    >>> from sklearn_hilbert.nn import HilbertModule
    >>> net = HilbertModule(d_audio=6, d_text=5, n_outputs=3, d_model=16, n_heads=4, proj_dim=8,
    ...                     n_experts=2, expert_hidden=(8,), head_hidden=(8,), head="moe",
    ...                     dropout=0.1, segment_dropout=0.0, project=True,
    ...                     segment_fusion=False, pooled_head=False).eval()
    >>> mask = torch.tensor([[True, True, False], [True, False, False]])
    >>> logits, reps = net(torch.randn(2, 3, 6), torch.randn(2, 3, 5), mask)
    >>> tuple(logits.shape), tuple(reps["z_joint"].shape)
    ((2, 3), (2, 8))
    """

    def __init__(
        self,
        d_audio,
        d_text,
        n_outputs,
        *,
        d_model,
        n_heads,
        proj_dim,
        n_experts,
        expert_hidden,
        head_hidden,
        head,
        dropout,
        segment_dropout,
        project,
        segment_fusion,
        pooled_head,
        segment_interactions=0,
        segment_order=False,
        input_stats=None,
    ):
        super().__init__()
        self.segment_dropout = segment_dropout
        stats = input_stats or {}
        for name, d in (("audio", d_audio), ("text", d_text)):
            mean, scale = stats.get(name, (torch.zeros(d), torch.ones(d)))
            self.register_buffer(f"{name}_mean", torch.as_tensor(mean, dtype=torch.float32))
            self.register_buffer(f"{name}_scale", torch.as_tensor(scale, dtype=torch.float32))
        # Built in a fixed order, the optional and head-specific parts last, so that every
        # configuration at the same seed starts from the same weights for the parts it shares.
        self.project_audio = SegmentProjection(d_audio, d_model, dropout)
        self.project_text = SegmentProjection(d_text, d_model, dropout)
        self.audio_encoder = ModalityEncoder(d_model, n_heads, dropout)
        self.text_encoder = ModalityEncoder(d_model, n_heads, dropout)
        self.joint_encoder = JointEncoder(d_model, n_heads, dropout)
        self.classifier = mlp(
            [expert_hidden[-1], *head_hidden, n_outputs], dropout, final_activation=False
        )
        self.projector = SharedProjector(d_model, proj_dim)
        self.project = project
        if head == "moe":
            self.experts = MixtureOfExperts(3 * d_model, expert_hidden, n_experts, dropout)
        elif head == "mlp":
            self.experts = DenseExpert(3 * d_model, expert_hidden, dropout)
        else:
            raise ValueError(f"head must be 'moe' or 'mlp', got {head!r}")
        self.segment_fusion = SegmentFusion(d_model, dropout) if segment_fusion else None
        self.pooled_head = (
            PooledStatisticsHead(d_audio, d_text, n_outputs, dropout) if pooled_head else None
        )
        self.segment_interactions = (
            SegmentInteractions(d_audio, d_text, n_outputs, segment_interactions, dropout)
            if segment_interactions else None
        )
        self.segment_order = (
            SegmentOrder(d_audio, d_text, n_outputs, segment_interactions, dropout)
            if segment_interactions and segment_order else None
        )
        #: names of the paths whose logits are summed, in the order of ``path_logits``
        self.paths = ("network", *(name for name, _ in self._side_paths()))

    def _side_paths(self):
        """``(name, module)`` of each logit path beside the network's head that is built."""
        side = (("pooled", self.pooled_head), ("interactions", self.segment_interactions),
                ("order", self.segment_order))
        return [(name, module) for name, module in side if module is not None]

    def standardize(self, audio, text):
        """``(x - mean) / scale`` of each modality with the training statistics (buffers)."""
        return ((audio - self.audio_mean) / self.audio_scale,
                (text - self.text_mean) / self.text_scale)

    def forward(self, audio, text, mask):
        """Return ``(logits, representations)``.

        ``representations`` holds the document vectors ``h_audio``, ``h_text``,
        ``h_joint``, their projections ``z_*`` (when ``project``), the MoE
        gate probabilities ``gate`` (MoE head only), the pooling weights
        ``attention_*`` ``(B, S)`` and the logits of each path ``path_logits``
        ``(B, n_paths, n_outputs)`` (their sum is ``logits``; the order is ``paths``).
        """
        mask = mask.bool()
        if self.training:
            mask = drop_segments(mask, self.segment_dropout)
        audio, text = self.standardize(audio, text)
        x_a = self.project_audio(audio, mask)
        x_t = self.project_text(text, mask)
        h_a, w_a = self.audio_encoder(x_a, mask)
        h_t, w_t = self.text_encoder(x_t, mask)
        h_j, w_j = self.joint_encoder(x_a, x_t, mask)
        if self.segment_fusion is not None:
            h_j = h_j + self.segment_fusion(x_a, x_t, mask)
        reps = {
            "h_audio": h_a,
            "h_text": h_t,
            "h_joint": h_j,
            "attention_audio": w_a,
            "attention_text": w_t,
            "attention_joint": w_j,
        }
        if self.project:
            z = self.projector(torch.stack([h_a, h_t, h_j]))
            reps.update(z_audio=z[0], z_text=z[1], z_joint=z[2])
        mixed, gate = self.experts(torch.cat([h_a, h_t, h_j], dim=-1))
        if gate is not None:
            reps["gate"] = gate
        paths = [self.classifier(mixed)]
        paths += [path(audio, text, mask) for _, path in self._side_paths()]
        reps["path_logits"] = torch.stack(paths, dim=1)
        return reps["path_logits"].sum(dim=1), reps
