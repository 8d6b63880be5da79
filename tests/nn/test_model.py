"""A document's output must not depend on its padding or on the rest of its batch."""

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from support import hilbert_module


def _net(head):
    torch.manual_seed(0)
    return hilbert_module(
        6, 5, 3, d_model=16, n_heads=2, proj_dim=8, n_experts=4, head=head, segment_dropout=0.5
    ).eval()


NETS = {"moe": _net("moe"), "mlp": _net("mlp")}


@settings(max_examples=40, deadline=None)
@given(
    length=st.integers(1, 7),
    extra_pad=st.integers(0, 9),
    others=st.lists(st.integers(1, 10), max_size=4),
    head=st.sampled_from(["moe", "mlp"]),
    seed=st.integers(0, 10_000),
)
def test_output_independent_of_padding_and_batch(length, extra_pad, others, head, seed):
    net = NETS[head]
    g = torch.Generator().manual_seed(seed)
    audio, text = torch.randn(1, length, 6, generator=g), torch.randn(1, length, 5, generator=g)
    with torch.inference_mode():
        alone, reps_alone = net(audio, text, torch.ones(1, length, dtype=torch.bool))
        # same document padded with garbage and batched with other documents
        S = max([length + extra_pad, *others])
        A, T = torch.randn(1 + len(others), S, 6, generator=g), torch.randn(1 + len(others), S, 5, generator=g)
        M = torch.zeros(1 + len(others), S, dtype=torch.bool)
        A[0, :length], T[0, :length], M[0, :length] = audio[0], text[0], True
        for i, n in enumerate(others, start=1):
            M[i, :n] = True
        batched, reps = net(A, T, M)
    np.testing.assert_allclose(batched[0].numpy(), alone[0].numpy(), atol=1e-5)
    np.testing.assert_allclose(reps["z_joint"][0].numpy(), reps_alone["z_joint"][0].numpy(), atol=1e-5)
    w = reps["attention_joint"][0]
    assert float(w[length:].abs().sum()) == 0.0
    assert float(w.sum()) == np.float32(1.0) or abs(float(w.sum()) - 1) < 1e-5
