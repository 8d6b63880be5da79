"""Segment dropout: which segments a training step sees."""

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_hilbert.nn.layers import drop_segments

from support import hilbert_module


@st.composite
def masks(draw):
    lengths = draw(st.lists(st.integers(0, 12), min_size=1, max_size=8))
    S = max(max(lengths), 1)
    return torch.arange(S)[None, :] < torch.tensor(lengths)[:, None]


@settings(max_examples=60)
@given(mask=masks(), p=st.floats(0.0, 0.99), seed=st.integers(0, 10_000))
def test_kept_segments_are_real_and_every_document_keeps_one(mask, p, seed):
    torch.manual_seed(seed)
    kept = drop_segments(mask, p)
    assert kept.dtype == torch.bool and kept.shape == mask.shape
    assert bool((kept <= mask).all()), "a padded position was turned into a segment"
    np.testing.assert_array_equal(kept.any(dim=1).numpy(), mask.any(dim=1).numpy())


def test_zero_probability_keeps_everything():
    mask = torch.rand(5, 9) > 0.3
    assert drop_segments(mask, 0.0) is mask


def test_hidden_share_matches_probability():
    torch.manual_seed(0)
    mask = torch.ones(200, 100, dtype=torch.bool)
    for p in (0.1, 0.3, 0.6):
        hidden = 1 - drop_segments(mask, p).float().mean().item()
        # 20,000 Bernoulli draws: standard error below 0.0035
        assert abs(hidden - p) < 0.015, (p, hidden)


def test_training_step_sees_exactly_the_kept_segments():
    """With no other dropout, a training forward equals an eval forward on the kept mask."""
    torch.manual_seed(0)
    net = hilbert_module(6, 5, 3, d_model=16, n_heads=2, proj_dim=8, n_experts=4,
                        dropout=0.0, segment_dropout=0.5)
    audio, text = torch.randn(4, 10, 6), torch.randn(4, 10, 5)
    mask = torch.arange(10)[None, :] < torch.tensor([10, 7, 3, 1])[:, None]
    torch.manual_seed(123)
    kept = drop_segments(mask, 0.5)
    torch.manual_seed(123)
    train_logits, train_reps = net.train()(audio, text, mask)
    with torch.no_grad():
        eval_logits, eval_reps = net.eval()(audio, text, kept)
    assert not torch.equal(kept, mask)
    np.testing.assert_allclose(train_logits.detach().numpy(), eval_logits.numpy(), atol=1e-5)
    weights = train_reps["attention_joint"].detach()
    assert float(weights[~kept].abs().sum()) == 0.0


def test_eval_mode_ignores_segment_dropout():
    torch.manual_seed(0)
    net = hilbert_module(6, 5, 3, d_model=16, n_heads=2, proj_dim=8, segment_dropout=0.9).eval()
    audio, text, mask = torch.randn(3, 8, 6), torch.randn(3, 8, 5), torch.ones(3, 8, dtype=torch.bool)
    with torch.no_grad():
        first, _ = net(audio, text, mask)
        second, _ = net(audio, text, mask)
    torch.testing.assert_close(first, second, rtol=0, atol=0)
