"""Device fallback, seeding that leaves every caller's generator alone, prior correction."""

import numpy as np
import pytest
import torch

from sklearn_hilbert.nn.training import prior_log_shift, resolve_device, seeded


def test_cuda_without_cuda_falls_back_to_cpu_with_a_warning(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    for device in ("cuda", "cuda:1", torch.device("cuda")):
        with pytest.warns(UserWarning, match="CUDA is not available"):
            assert resolve_device(device) == "cpu"
    assert resolve_device("cpu") == "cpu"


def test_seeded_on_cpu_never_touches_cuda_generators(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a CUDA generator was seeded for a CPU fit")

    monkeypatch.setattr(torch.cuda, "manual_seed_all", forbidden)
    monkeypatch.setattr(torch.cuda, "manual_seed", forbidden)
    before = torch.random.get_rng_state()
    with seeded(7, "cpu"):
        a = torch.rand(3)
    with seeded(7, "cpu"):
        b = torch.rand(3)
    assert torch.equal(a, b)
    assert torch.equal(torch.random.get_rng_state(), before)


def test_prior_shift_undoes_balanced_weights_and_oversampling():
    y = np.array([0] * 6 + [1] * 3 + [2])
    prior = np.bincount(y) / len(y)
    balanced = len(y) / (3 * np.bincount(y))
    # balanced class weights: implied prior uniform; the shift maps it back to 0.6/0.3/0.1
    shift = prior_log_shift(y, y, balanced, 3)
    np.testing.assert_allclose(np.exp(shift) / np.exp(shift).sum(), prior)
    # oversampled to 6/6/6 and unweighted: the same correction
    y_fit = np.repeat([0, 1, 2], 6)
    shift2 = prior_log_shift(y, y_fit, None, 3)
    np.testing.assert_allclose(np.exp(shift2) / np.exp(shift2).sum(), prior)
    # neither weights nor resampling: nothing to undo
    np.testing.assert_allclose(prior_log_shift(y, y, None, 3), 0.0, atol=1e-12)
    # a class absent from training keeps offset 0
    assert prior_log_shift(np.array([0, 0, 1]), np.array([0, 0, 1]), None, 3)[2] == 0.0
