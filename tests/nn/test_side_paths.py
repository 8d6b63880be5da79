"""HilbertModule's build order (shared initial weights) and the optional side paths."""

import pytest
import torch

from hypothesis import given, settings, strategies as st

from sklearn_hilbert.nn.side_paths import SegmentInteractions, pooled_statistics
from support import hilbert_module

SHARED = ("project_audio", "project_text", "audio_encoder", "text_encoder", "joint_encoder",
          "classifier")
SMALL = dict(d_model=16, n_heads=2, proj_dim=8, n_experts=4, segment_fusion=False,
             pooled_head=False, segment_interactions=0)


def _build(**params):
    torch.manual_seed(0)
    return hilbert_module(6, 5, 3, **{**SMALL, **params})


@pytest.mark.parametrize("params", [
    {"head": "mlp", "project": False},
    {"project": False},
    {"segment_fusion": True, "pooled_head": True},
    {"segment_fusion": True, "pooled_head": True, "segment_interactions": 4},
])
def test_every_configuration_starts_from_the_same_shared_weights(params):
    base, other = _build(), _build(**params)
    for name in SHARED:
        for (k, a), (_, b) in zip(getattr(base, name).state_dict().items(),
                                  getattr(other, name).state_dict().items()):
            assert torch.equal(a, b), f"{name}.{k}"
    if params.get("head", "moe") == "moe":
        assert all(torch.equal(a, b) for a, b in zip(base.experts.parameters(), other.experts.parameters()))
        assert all(torch.equal(a, b) for a, b in zip(base.projector.parameters(), other.projector.parameters()))


def test_pooled_head_starts_at_zero_and_segment_fusion_changes_the_joint_vector():
    x_a, x_t = torch.randn(3, 4, 6), torch.randn(3, 4, 5)
    mask = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 1, 1]], dtype=torch.bool)
    plain = _build().eval()
    pooled = _build(pooled_head=True).eval()
    torch.testing.assert_close(plain(x_a, x_t, mask)[0], pooled(x_a, x_t, mask)[0])
    fused = _build(segment_fusion=True).eval()
    h_plain, h_fused = plain(x_a, x_t, mask)[1]["h_joint"], fused(x_a, x_t, mask)[1]["h_joint"]
    assert not torch.allclose(h_plain, h_fused)
    # segment fusion reads each segment's own pair: swapping text between two segments changes it
    swapped = x_t.clone()
    swapped[2, [0, 1]] = x_t[2, [1, 0]]
    a = fused(x_a, x_t, mask)[1]["h_joint"][2]
    b = fused(x_a, swapped, mask)[1]["h_joint"][2]
    assert (a - b).abs().max() > 1e-4


def test_pooled_statistics_ignore_padding():
    x = torch.tensor([[[1.0, 0.0], [3.0, 2.0], [1e6, -1e6]]])
    stats = pooled_statistics(x, torch.tensor([[True, True, False]]))
    torch.testing.assert_close(stats, torch.tensor([[2.0, 1.0, 1.0, 1.0]]), atol=1e-5, rtol=0)


def test_segment_interactions_start_at_zero_and_keep_the_paper_output():
    x_a, x_t = torch.randn(3, 4, 6), torch.randn(3, 4, 5)
    mask = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 1, 1]], dtype=torch.bool)
    plain, paths = _build().eval(), _build(segment_interactions=4).eval()
    torch.testing.assert_close(plain(x_a, x_t, mask)[0], paths(x_a, x_t, mask)[0])
    assert paths.paths == ("network", "interactions")
    assert paths(x_a, x_t, mask)[1]["path_logits"].shape == (3, 2, 3)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**16), offset=st.floats(-50, 50), length=st.integers(1, 6))
def test_segment_interactions_ignore_document_offsets_and_padding(seed, offset, length):
    """Centred on its document, the path cannot see a speaker's offset, nor padded rows."""
    g = torch.Generator().manual_seed(seed)
    path = SegmentInteractions(6, 5, n_classes=3, rank=4)
    torch.nn.init.normal_(path.linear.weight, generator=g)
    a, t = torch.randn(1, 6, 6, generator=g), torch.randn(1, 6, 5, generator=g)
    mask = torch.arange(6)[None] < length
    shift_a, shift_t = offset * torch.randn(6, generator=g), offset * torch.randn(5, generator=g)
    base = path(a, t, mask)
    torch.testing.assert_close(path(a + shift_a, t + shift_t, mask), base, atol=1e-4, rtol=1e-4)
    junk_a, junk_t = a.clone(), t.clone()
    junk_a[:, length:], junk_t[:, length:] = 1e4, -1e4
    torch.testing.assert_close(path(junk_a, junk_t, mask), base)
    shares = path.shares(a, t, mask)
    assert ((shares >= 0) & (shares <= 1)).all()


def test_segment_interactions_count_segments_where_both_events_occur():
    """With detectors on the event directions, the share is the co-occurrence rate."""
    path = SegmentInteractions(2, 2, n_classes=2, rank=1)
    with torch.no_grad():
        path.audio.weight.copy_(torch.tensor([[50.0, 0.0]]))
        path.text.weight.copy_(torch.tensor([[0.0, 50.0]]))
        path.audio.bias.zero_()
        path.text.bias.zero_()
    # 4 segments: audio event in 0 and 1, text event in 1 and 2 -> together in 1 of 4
    a = torch.tensor([[[1.0, 0], [1.0, 0], [0.0, 0], [0.0, 0]]])
    t = torch.tensor([[[0, 0.0], [0, 1.0], [0, 1.0], [0, 0.0]]])
    share = path.shares(a, t, torch.ones(1, 4, dtype=torch.bool))
    torch.testing.assert_close(share, torch.tensor([[0.25]]), atol=1e-6, rtol=0)
