"""HilbertModule's build order (shared initial weights) and the optional side paths."""

import pytest
import torch

from hypothesis import given, settings, strategies as st

from sklearn_hilbert.nn.side_paths import SegmentInteractions, SegmentOrder, pooled_statistics
from support import hilbert_module

SHARED = ("project_audio", "project_text", "audio_encoder", "text_encoder", "joint_encoder",
          "classifier")
SMALL = dict(d_model=16, n_heads=2, proj_dim=8, n_experts=4, segment_fusion=False,
             pooled_head=False, segment_interactions=0, segment_order=False)


def _build(**params):
    torch.manual_seed(0)
    return hilbert_module(6, 5, 3, **{**SMALL, **params})


@pytest.mark.parametrize("params", [
    {"head": "mlp", "project": False},
    {"project": False},
    {"segment_fusion": True, "pooled_head": True},
    {"segment_fusion": True, "pooled_head": True, "segment_interactions": 4},
    {"segment_interactions": 4, "segment_order": True},
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
@given(seed=st.integers(0, 2**16), offset=st.floats(-50, 50), length=st.integers(1, 6),
       order=st.booleans())
def test_segment_interactions_ignore_document_offsets_and_padding(seed, offset, length, order):
    """Centred on its document, the path cannot see a speaker's offset, nor padded rows."""
    g = torch.Generator().manual_seed(seed)
    path = (SegmentOrder if order else SegmentInteractions)(6, 5, n_outputs=3, rank=4)
    torch.nn.init.normal_(path.linear.weight, generator=g)
    a, t = torch.randn(1, 6, 6, generator=g), torch.randn(1, 6, 5, generator=g)
    mask = torch.arange(6)[None] < length
    shift_a, shift_t = offset * torch.randn(6, generator=g), offset * torch.randn(5, generator=g)
    base = path(a, t, mask)
    torch.testing.assert_close(path(a + shift_a, t + shift_t, mask), base, atol=1e-4, rtol=1e-4)
    junk_a, junk_t = a.clone(), t.clone()
    junk_a[:, length:], junk_t[:, length:] = 1e4, -1e4
    torch.testing.assert_close(path(junk_a, junk_t, mask), base)
    features = path.features(a, t, mask)
    assert ((features >= (-1 if order else 0)) & (features <= 1)).all()


def test_segment_interactions_count_segments_where_both_events_occur():
    """With detectors on the event directions, the share is the co-occurrence rate."""
    path = _event_detectors(SegmentInteractions)
    # 4 segments: audio event in 0 and 1, text event in 1 and 2 -> together in 1 of 4
    a = torch.tensor([[[1.0, 0], [1.0, 0], [0.0, 0], [0.0, 0]]])
    t = torch.tensor([[[0, 0.0], [0, 1.0], [0, 1.0], [0, 0.0]]])
    share = path.features(a, t, torch.ones(1, 4, dtype=torch.bool))
    torch.testing.assert_close(share, torch.tensor([[0.25]]), atol=1e-6, rtol=0)


def _event_detectors(kind=SegmentOrder):
    """A path whose one detector pair fires on audio feature 0 and on text feature 1."""
    path = kind(2, 2, n_outputs=2, rank=1)
    with torch.no_grad():
        path.audio.weight.copy_(torch.tensor([[50.0, 0.0]]))
        path.text.weight.copy_(torch.tensor([[0.0, 50.0]]))
        path.audio.bias.zero_()
        path.text.bias.zero_()
    return path


def _events(audio_at, text_at, n=6):
    a, t = torch.zeros(1, n, 2), torch.zeros(1, n, 2)
    a[0, audio_at, 0], t[0, text_at, 1] = 1.0, 1.0
    return a, t, torch.ones(1, n, dtype=torch.bool)


@pytest.mark.parametrize("audio_at, text_at, expected", [
    ([0, 1], [4, 5], 4 / 15),   # every audio event before every text event: 2 x 2 of 15 pairs
    ([4, 5], [0, 1], -4 / 15),  # the other way round
    ([1, 4], [1, 4], 0.0),      # together: one pair each way
])
def test_segment_order_counts_audio_before_text_pairs(audio_at, text_at, expected):
    """With detectors on the event directions, the order feature counts (audio segment, later
    text segment) pairs minus (text, later audio) pairs, over the n (n - 1) / 2 pairs."""
    precedence = _event_detectors().features(*_events(audio_at, text_at))
    torch.testing.assert_close(precedence, torch.tensor([[expected]]), atol=1e-6, rtol=0)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**16), n=st.integers(1, 8))
def test_segment_order_flips_sign_when_the_document_is_reversed(seed, n):
    g = torch.Generator().manual_seed(seed)
    path = SegmentOrder(3, 4, n_outputs=2, rank=3)
    a, t = torch.randn(1, n, 3, generator=g), torch.randn(1, n, 4, generator=g)
    mask = torch.ones(1, n, dtype=torch.bool)
    forward = path.features(a, t, mask)
    torch.testing.assert_close(path.features(a.flip(1), t.flip(1), mask), -forward,
                               atol=1e-6, rtol=0)
    assert (forward.abs() <= 1).all()


def test_order_tells_apart_documents_that_co_occurrence_cannot():
    """The same events in the other order: equal co-occurrence shares, opposite order."""
    first, second = _events([0, 1], [4, 5]), _events([4, 5], [0, 1])
    shares = _event_detectors(SegmentInteractions)
    torch.testing.assert_close(shares.features(*first), shares.features(*second))
    order = _event_detectors(SegmentOrder)
    assert order.features(*first)[0, 0] > 0.2 and order.features(*second)[0, 0] < -0.2


def test_segment_order_is_its_own_path_after_the_others():
    full = _build(segment_interactions=4, pooled_head=True, segment_order=True).eval()
    assert full.paths == ("network", "pooled", "interactions", "order")
    assert _build(segment_order=True).paths == ("network",)  # needs segment_interactions
    x_a, x_t = torch.randn(2, 5, 6), torch.randn(2, 5, 5)
    mask = torch.ones(2, 5, dtype=torch.bool)
    without = _build(segment_interactions=4, pooled_head=True).eval()
    torch.testing.assert_close(full(x_a, x_t, mask)[0], without(x_a, x_t, mask)[0])


def _order_task(n_docs=200, n_segments=8, seed=0):
    """One audio and one text event per document, at random segments; label: audio first."""
    g = torch.Generator().manual_seed(seed)
    a = 0.3 * torch.randn(n_docs, n_segments, 2, generator=g)
    t = 0.3 * torch.randn(n_docs, n_segments, 2, generator=g)
    pos_a = torch.randint(0, n_segments, (n_docs,), generator=g)
    pos_t = (pos_a + torch.randint(1, n_segments, (n_docs,), generator=g)) % n_segments
    rows = torch.arange(n_docs)
    a[rows, pos_a, 0] += 3.0
    t[rows, pos_t, 1] += 3.0
    return a, t, torch.ones(n_docs, n_segments, dtype=torch.bool), (pos_a < pos_t).long()


@pytest.mark.parametrize("kind, lowest, highest", [(SegmentOrder, 0.9, 1.0),
                                                   (SegmentInteractions, 0.0, 0.65)])
def test_only_the_order_path_learns_which_modality_comes_first(kind, lowest, highest):
    """Trained alone on held-in documents, scored on new ones: the order path reads the order
    of the events; the co-occurrence path, which sees the same segments, cannot."""
    torch.manual_seed(0)
    path = kind(2, 2, n_outputs=2, rank=2)
    optimizer = torch.optim.Adam(path.parameters(), lr=0.05)
    a, t, mask, y = _order_task(seed=0)
    for _ in range(300):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(path(a, t, mask), y).backward()
        optimizer.step()
    a, t, mask, y = _order_task(seed=1)
    with torch.no_grad():
        accuracy = (path(a, t, mask).argmax(dim=1) == y).float().mean().item()
    assert lowest <= accuracy <= highest
