"""Losses against their formulas: hypothesis properties and slow references."""

import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sklearn_hilbert.nn import (
    cka_loss,
    dual_contrastive_loss,
    infonce_mutual_information,
    joint_modality_contrastive_loss,
    linear_cka,
    load_balance_loss,
    mi_balance_loss,
    pairwise_contrastive_loss,
)

finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def matrices(draw, min_rows=4, max_rows=12, min_cols=1, max_cols=6):
    n = draw(st.integers(min_rows, max_rows))
    p = draw(st.integers(min_cols, max_cols))
    return draw(arrays(np.float64, (n, p), elements=finite))


def _well_conditioned(X):
    Xc = X - X.mean(axis=0)
    return np.linalg.norm(Xc.T @ Xc) > 1e-3


def random_orthogonal(p, seed):
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(p, p)))
    return q


# ------------------------------------------------------------------ CKA
@settings(max_examples=60, deadline=None)
@given(matrices(), st.integers(0, 10_000))
def test_cka_in_unit_interval_and_symmetric(X, seed):
    Y = np.random.default_rng(seed).normal(size=(X.shape[0], 3))
    a = float(linear_cka(torch.tensor(X), torch.tensor(Y)))
    b = float(linear_cka(torch.tensor(Y), torch.tensor(X)))
    assert 0.0 <= a <= 1.0
    assert a == pytest.approx(b, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(matrices())
def test_cka_of_matrix_with_itself_is_one(X):
    assume(_well_conditioned(X))
    assert float(linear_cka(torch.tensor(X), torch.tensor(X))) == pytest.approx(1.0, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(matrices(), st.integers(0, 10_000), st.floats(0.01, 100))
def test_cka_invariant_to_rotation_and_isotropic_scale(X, seed, scale):
    assume(_well_conditioned(X))
    Y = np.random.default_rng(seed + 1).normal(size=(X.shape[0], 4))
    Q = random_orthogonal(X.shape[1], seed)
    base = float(linear_cka(torch.tensor(X), torch.tensor(Y)))
    moved = float(linear_cka(torch.tensor(scale * X @ Q), torch.tensor(Y)))
    assert moved == pytest.approx(base, abs=1e-9)


def test_cka_matches_hsic_formulation():
    """Equals HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)) with linear kernels (the paper's eq. 5)."""
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(9, 3)), rng.normal(size=(9, 5))
    n = X.shape[0]
    H = np.eye(n) - np.ones((n, n)) / n

    def hsic(K, L):
        return np.trace(K @ H @ L @ H) / (n - 1) ** 2

    K, L = X @ X.T, Y @ Y.T
    expected = hsic(K, L) / np.sqrt(hsic(K, K) * hsic(L, L))
    assert float(linear_cka(torch.tensor(X), torch.tensor(Y))) == pytest.approx(expected, rel=1e-10)


def test_cka_of_constant_input_is_zero_not_nan():
    X = torch.ones(5, 3)
    assert float(linear_cka(X, torch.randn(5, 2))) == 0.0
    assert torch.isfinite(cka_loss(X, X, X))


def test_cka_loss_zero_when_aligned_and_computed_in_float64():
    z = torch.randn(8, 4, dtype=torch.float32)
    loss = cka_loss(z, 3 * z, z @ torch.tensor(random_orthogonal(4, 1), dtype=torch.float32))
    assert loss.dtype == torch.float32
    assert float(loss) == pytest.approx(0.0, abs=1e-6)


# ----------------------------------------------------------- contrastive
def reference_joint_contrastive(zj, zm, tau):
    """Slow loop straight from the formulas of docs/model.md."""
    rows = [F / np.linalg.norm(F) for F in np.vstack([zj, zm])]
    B = len(zj)
    total = 0.0
    for i, anchor in enumerate(rows):
        positive = i + B if i < B else i - B
        sims = [anchor @ other / tau for k, other in enumerate(rows) if k != i]
        others = [k for k in range(2 * B) if k != i]
        pos_sim = sims[others.index(positive)]
        total += -(pos_sim - math.log(sum(math.exp(s) for s in sims)))
    return total / (2 * B)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 7), st.integers(2, 6), st.floats(0.05, 2.0), st.integers(0, 10_000))
def test_joint_contrastive_matches_reference(B, p, tau, seed):
    rng = np.random.default_rng(seed)
    zj, zm = rng.normal(size=(B, p)), rng.normal(size=(B, p))
    got = float(joint_modality_contrastive_loss(torch.tensor(zj), torch.tensor(zm), tau))
    assert got == pytest.approx(reference_joint_contrastive(zj, zm, tau), rel=1e-9, abs=1e-9)


def test_dual_contrastive_is_sum_over_modalities_and_never_contrasts_audio_with_text():
    rng = torch.Generator().manual_seed(0)
    zj, za, zt = (torch.randn(6, 5, generator=rng, dtype=torch.float64) for _ in range(3))
    total = dual_contrastive_loss(zj, za, zt, 0.2)
    expected = joint_modality_contrastive_loss(zj, za, 0.2) + joint_modality_contrastive_loss(
        zj, zt, 0.2
    )
    assert float(total) == pytest.approx(float(expected))
    # moving text alone cannot change the audio term: the audio-vs-text similarity never enters
    zt2 = torch.randn(6, 5, dtype=torch.float64)
    delta = dual_contrastive_loss(zj, za, zt2, 0.2) - total
    expected_delta = joint_modality_contrastive_loss(zj, zt2, 0.2) - joint_modality_contrastive_loss(
        zj, zt, 0.2
    )
    assert float(delta) == pytest.approx(float(expected_delta))


def test_contrastive_is_stable_at_tiny_temperature():
    z = torch.nn.functional.normalize(torch.randn(16, 8), dim=1)
    for loss in (
        joint_modality_contrastive_loss(z, z.flip(0), 1e-4),
        pairwise_contrastive_loss(z, z.flip(0), 1e-4),
    ):
        assert torch.isfinite(loss)


@pytest.mark.parametrize("B", [1, 2, 3, 8])
def test_losses_are_finite_for_every_batch_size(B):
    z = [torch.nn.functional.normalize(torch.randn(B, 4), dim=1) for _ in range(3)]
    for value in (
        dual_contrastive_loss(*z),
        pairwise_contrastive_loss(z[0], z[1]),
        mi_balance_loss(*z),
        load_balance_loss(torch.softmax(torch.randn(B, 8), dim=1)),
    ):
        assert torch.isfinite(value)


def test_pairwise_contrastive_matches_clip_reference():
    za, zt = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 3, dtype=torch.float64)
    logits = torch.nn.functional.normalize(za, dim=1) @ torch.nn.functional.normalize(zt, dim=1).T / 0.5
    ref = 0.0
    for i in range(5):
        ref -= float(torch.log_softmax(logits[i], 0)[i]) + float(torch.log_softmax(logits[:, i], 0)[i])
    assert float(pairwise_contrastive_loss(za, zt, 0.5)) == pytest.approx(ref / 10)


# ----------------------------------------------------------------- MI
@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.integers(1, 6), st.floats(0.05, 5.0), st.integers(0, 10_000))
def test_infonce_is_bounded_by_log_batch(B, p, tau, seed):
    rng = np.random.default_rng(seed)
    zj, zm = rng.normal(size=(B, p)), rng.normal(size=(B, p))
    mi = float(infonce_mutual_information(torch.tensor(zj), torch.tensor(zm), tau))
    assert mi <= math.log(B) + 1e-9


def test_infonce_approaches_log_batch_for_perfectly_matched_pairs():
    z = torch.eye(8, dtype=torch.float64)
    assert float(infonce_mutual_information(z, z, 0.01)) == pytest.approx(math.log(8), abs=1e-6)


def test_infonce_matches_formula():
    zj, zm = torch.randn(6, 3, dtype=torch.float64), torch.randn(6, 3, dtype=torch.float64)
    f = (zj @ zm.T / 0.3).numpy()
    ref = np.mean([f[i, i] - np.log(np.exp(f[i]).sum()) for i in range(6)]) + math.log(6)
    assert float(infonce_mutual_information(zj, zm, 0.3)) == pytest.approx(ref)


def test_mi_balance_is_absolute_difference_and_zero_when_symmetric():
    zj, za = torch.randn(6, 3), torch.randn(6, 3)
    assert float(mi_balance_loss(zj, za, za)) == 0.0
    zt = torch.randn(6, 3)
    diff = infonce_mutual_information(zj, za) - infonce_mutual_information(zj, zt)
    assert float(mi_balance_loss(zj, za, zt)) == pytest.approx(abs(float(diff)), rel=1e-6)


def test_load_balance_zero_for_uniform_usage_and_maximal_for_collapse():
    uniform = torch.full((10, 8), 1 / 8)
    collapsed = torch.zeros(10, 8)
    collapsed[:, 0] = 1
    assert float(load_balance_loss(uniform)) == pytest.approx(0.0, abs=1e-6)
    assert float(load_balance_loss(collapsed)) == pytest.approx(7.0)
