"""HilbertModule's build order (shared initial weights) and the optional side paths."""

import pytest
import torch

from sklearn_hilbert.nn.side_paths import pooled_statistics
from support import hilbert_module

SHARED = ("project_audio", "project_text", "audio_encoder", "text_encoder", "joint_encoder",
          "classifier")
SMALL = dict(d_model=16, n_heads=2, proj_dim=8, n_experts=4, segment_fusion=False,
             pooled_head=False)


def _build(**params):
    torch.manual_seed(0)
    return hilbert_module(6, 5, 3, **{**SMALL, **params})


@pytest.mark.parametrize("params", [
    {"head": "mlp", "project": False},
    {"project": False},
    {"segment_fusion": True, "pooled_head": True},
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
