"""Losses against their formulas: hypothesis properties and slow references."""

import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from torch.nn import functional as F

from sklearn_hilbert.nn import (
    CKA_ESTIMATORS,
    cka_loss,
    debiased_cka,
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


# ------------------------------------------------------- debiased CKA
def reference_unbiased_hsic(K, L):
    """Song et al. (2012), eq. 5, written out with explicit sums."""
    n = K.shape[0]
    K, L = K.copy(), L.copy()
    np.fill_diagonal(K, 0.0)
    np.fill_diagonal(L, 0.0)
    one = np.ones(n)
    return (np.trace(K @ L) + (one @ K @ one) * (one @ L @ one) / ((n - 1) * (n - 2))
            - 2.0 / (n - 2) * one @ K @ L @ one) / (n * (n - 3))


def test_debiased_cka_matches_unbiased_hsic_reference():
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(9, 3)), rng.normal(size=(9, 5))
    K, L = X @ X.T, Y @ Y.T
    expected = reference_unbiased_hsic(K, L) / np.sqrt(
        reference_unbiased_hsic(K, K) * reference_unbiased_hsic(L, L))
    assert float(debiased_cka(torch.tensor(X), torch.tensor(Y))) == pytest.approx(expected, rel=1e-10)


def test_debiased_cka_is_near_zero_for_independent_vectors_at_small_batch():
    """Batch 32 of independent unit vectors in 128 dimensions: the paper's linear CKA
    scores about 0.8 (biased), the debiased estimate about 0."""
    gen = torch.Generator().manual_seed(0)
    biased, debiased = [], []
    for _ in range(20):
        X = F.normalize(torch.randn(32, 128, generator=gen, dtype=torch.float64), dim=1)
        Y = F.normalize(torch.randn(32, 128, generator=gen, dtype=torch.float64), dim=1)
        biased.append(float(linear_cka(X, Y)))
        debiased.append(float(debiased_cka(X, Y)))
    assert np.mean(biased) > 0.75
    assert abs(np.mean(debiased)) < 0.02
    assert np.max(np.abs(debiased)) < 0.25  # single batches scatter (sd about 0.07)
    assert np.min(biased) > 0.7


@settings(max_examples=40, deadline=None)
@given(matrices(min_rows=5), st.integers(0, 10_000), st.floats(0.01, 100))
def test_debiased_cka_is_one_for_itself_and_invariant_to_rotation_and_scale(X, seed, scale):
    assume(_well_conditioned(X))
    Xc = X - X.mean(axis=0)  # the unbiased estimator is not invariant to a shared offset
    assume(reference_unbiased_hsic(Xc @ Xc.T, Xc @ Xc.T) > 1e-3)
    T = torch.tensor(Xc)
    assert float(debiased_cka(T, T)) == pytest.approx(1.0, abs=1e-9)
    Y = torch.tensor(np.random.default_rng(seed).normal(size=(X.shape[0], 3)))
    Q = torch.tensor(random_orthogonal(X.shape[1], seed))
    assert float(debiased_cka(scale * T @ Q, Y)) == pytest.approx(float(debiased_cka(T, Y)), abs=1e-8)


def test_cka_loss_takes_either_estimator_and_is_finite_for_constant_input():
    z = torch.randn(8, 4)
    assert float(cka_loss(z, z, z, estimator="debiased")) == pytest.approx(0.0, abs=1e-5)
    ones = torch.ones(6, 3)
    assert torch.isfinite(cka_loss(ones, ones, ones, estimator="debiased"))
    assert set(CKA_ESTIMATORS) == {"linear", "debiased"}


# ----------------------------------------------------- MI balance forms
def _mi_setup():
    """A batch where audio is better aligned with the joint vector than text (I_a > I_t)."""
    gen = torch.Generator().manual_seed(0)
    zj = torch.randn(16, 8, generator=gen, dtype=torch.float64)
    za = zj + 0.3 * torch.randn(16, 8, generator=gen, dtype=torch.float64)
    zt = zj + 2.0 * torch.randn(16, 8, generator=gen, dtype=torch.float64)
    return [F.normalize(z, dim=1).requires_grad_() for z in (zj, za, zt)]


def _descend(form, step=1e-3):
    zj, za, zt = _mi_setup()
    loss = mi_balance_loss(zj, za, zt, 0.5, form=form)
    loss.backward()
    before = [float(infonce_mutual_information(zj.detach(), z.detach(), 0.5)) for z in (za, zt)]
    with torch.no_grad():
        moved = [z - step * z.grad for z in (zj, za, zt)]
    after = [float(infonce_mutual_information(moved[0], z, 0.5)) for z in moved[1:]]
    return float(loss.detach()), (zj.grad, za.grad, zt.grad), before, after


def test_paper_mi_balance_pushes_the_leading_modality_away_from_the_joint_vector():
    """The documented flaw of |I_a - I_t|: a descent step lowers the better-aligned I_a."""
    _, _, before, after = _descend("abs")
    assert before[0] > before[1]
    assert after[0] < before[0] - 1e-4


def test_lift_mi_balance_only_raises_the_lagging_modality():
    value_abs, _, _, _ = _descend("abs")
    value, (g_j, g_a, g_t), before, after = _descend("lift")
    assert value == pytest.approx(value_abs)  # same value as the paper's form
    assert float(g_a.abs().max()) == 0.0  # no gradient into the leading modality
    assert float(g_t.abs().max()) > 0.0
    assert after[1] > before[1] + 1e-4  # the lagging I_t rises


def test_mi_balance_rejects_unknown_form():
    z = torch.randn(4, 3)
    with pytest.raises(ValueError, match="form must be one of"):
        mi_balance_loss(z, z, z, form="square")
