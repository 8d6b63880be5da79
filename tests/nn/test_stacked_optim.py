"""StackedAdamW is clip_grad_norm_ + torch.optim.AdamW, per model, for active models only."""

import numpy as np
import torch

from sklearn_hilbert.nn.stacked_optim import StackedAdamW


def test_stacked_adamw_equals_clipping_and_adamw_per_model():
    gen = torch.Generator().manual_seed(0)
    G, P = 3, 7
    init = torch.randn(G, P, generator=gen)
    grads = [torch.randn(G, P, generator=gen) * 3 for _ in range(4)]
    lr, wd, clip = torch.tensor([1e-2, 3e-3, 1e-1]), torch.tensor([0.0, 1e-2, 0.5]), \
        torch.tensor([1.0, float("inf"), 0.5])
    flat = init.clone().requires_grad_()
    opt = StackedAdamW(flat, lr, wd, clip)
    active = torch.tensor([True, True, True])
    for g in grads:
        flat.grad = g.clone()
        opt.step(active)
    for i in range(G):
        p = init[i].clone().requires_grad_()
        ref = torch.optim.AdamW([p], lr=float(lr[i]), weight_decay=float(wd[i]))
        for g in grads:
            p.grad = g[i].clone()
            torch.nn.utils.clip_grad_norm_([p], float(clip[i]))
            ref.step()
        np.testing.assert_allclose(flat.detach()[i].numpy(), p.detach().numpy(), rtol=1e-5,
                                   atol=1e-6)


def test_inactive_models_keep_parameters_and_moments():
    flat = torch.ones(2, 4, requires_grad=True)
    opt = StackedAdamW(flat, torch.full((2,), 0.1), torch.full((2,), 0.1),
                       torch.full((2,), float("inf")))
    flat.grad = torch.ones(2, 4)
    opt.step(torch.tensor([True, False]))
    assert torch.equal(flat.detach()[1], torch.ones(4))
    assert float(opt.exp_avg[1].abs().sum()) == 0.0 and float(opt.steps[1]) == 0.0
    assert float(opt.steps[0]) == 1.0 and not torch.equal(flat.detach()[0], torch.ones(4))
