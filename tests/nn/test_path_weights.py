"""fit_path_weights: stacking the network's logit paths on held-out documents."""

import torch
from hypothesis import given, settings, strategies as st
from torch.nn import functional as F

from sklearn_hilbert.nn.path_weights import MAX_WEIGHT, fit_path_weights


def _ce(path_logits, y, w, b, weight=None):
    return float(F.cross_entropy(torch.einsum("npc,p->nc", path_logits.double(), w.double())
                                 + b.double(), y, weight=weight))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16), n_paths=st.integers(1, 3), n=st.integers(6, 80),
       scale=st.floats(0.01, 20.0))
def test_fitted_weights_never_do_worse_than_the_plain_sum(seed, n_paths, n, scale):
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 3
    logits = scale * torch.randn(n, n_paths, 3, generator=g)
    w, b = fit_path_weights(logits, y)
    assert w.shape == (n_paths,) and b.shape == (3,)
    assert ((w >= 0) & (w <= MAX_WEIGHT)).all()
    assert abs(float(b.sum())) < 1e-5
    plain = _ce(logits, y, torch.ones(n_paths), torch.zeros(3))
    assert _ce(logits, y, w, b) <= plain + 1e-3 + 1e-2 * float(b.square().sum())


def test_a_memorising_path_is_turned_down_and_a_small_honest_one_up():
    """The situation of issue 10: a path of large random logits (a network that memorised
    its training documents) beside a path of small logits that carry the label."""
    g = torch.Generator().manual_seed(1)
    y = torch.tensor([0] * 48 + [1] * 24 + [2] * 8)
    honest = 0.1 * F.one_hot(y, 3).float() + 0.05 * torch.randn(80, 3, generator=g)
    memorised = 2.0 * torch.randn(80, 3, generator=g)
    weight = torch.tensor([80 / (3 * 48), 80 / (3 * 24), 80 / (3 * 8)])
    w, b = fit_path_weights(torch.stack([memorised, honest], dim=1), y, weight)
    assert w[0] < 0.1, w
    assert w[1] > 5.0, w
    assert _ce(torch.stack([memorised, honest], 1), y, w, b, weight.double()) < 0.8


def test_class_biases_let_a_path_scale_without_its_offsets():
    # the path's logits carry a constant class offset that is wrong on these documents
    y = torch.arange(30) % 2
    path = 0.5 * F.one_hot(y, 2).float() + torch.tensor([3.0, 0.0])
    w, b = fit_path_weights(path[:, None, :], y)
    proba = torch.softmax(w * path + b, dim=1)
    assert (proba.argmax(dim=1) == y).all()


class _StubNet:
    """A fitted net as weigh_net_paths sees it: its "documents" are their path logits."""

    def __init__(self, paths):
        self.module_ = torch.nn.Module()
        self.module_.paths = paths
        self.module_.register_buffer("path_weights", torch.ones(len(paths)))
        self.module_.register_buffer("path_bias", torch.zeros(3))

    def forward_iter(self, X, training=False):
        yield None, {"path_logits": X}


def _held_out(seed, informative):
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(60) % 3
    signal = F.one_hot(y, 3).float()
    network = 1.0 * signal + torch.randn(60, 3, generator=g)  # a path that knows something
    # the tested path: independent evidence on the label, or confident noise
    tested = (1.0 * signal if informative else 0.0) + torch.randn(60, 3, generator=g)
    return torch.stack([network, tested], dim=1), y


def test_a_tested_path_is_kept_only_when_it_passes_the_likelihood_ratio_test():
    from sklearn_hilbert.nn.path_weights import LR_TEST_CRITICAL, held_out_nll, weigh_net_paths

    kept = dropped = 0
    for seed in range(20):
        for informative in (True, False):
            logits, y = _held_out(seed, informative)
            net = weigh_net_paths(_StubNet(("network", "logistic")), logits, y,
                                  tested=("logistic",))
            w = net.module_.path_weights
            alone, alone_bias = fit_path_weights(logits[:, :1], y)
            gain = held_out_nll(logits[:, :1], y, alone, alone_bias) - held_out_nll(
                logits, y, *fit_path_weights(logits, y))
            if 2 * gain > LR_TEST_CRITICAL:  # kept, with the weights of the joint fit
                assert float(w[1]) > 0
                torch.testing.assert_close(w, fit_path_weights(logits, y)[0])
            else:  # out, and the other path weighed alone
                assert float(w[1]) == 0.0
                torch.testing.assert_close(w[:1], alone)
            kept += informative and float(w[1]) > 0
            dropped += (not informative) and float(w[1]) == 0.0
    assert kept == 20  # independent evidence always passes here
    assert dropped >= 17  # noise fails at about the test's 95 %


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**16), shift=st.floats(-20.0, 20.0))
def test_a_constant_added_to_a_path_changes_no_prediction(seed, shift):
    """Weights scale what varies between documents: each path's own class offsets go to the
    class biases, so a path of small informative logits and large offsets is scaled up
    as readily as the same path without them."""
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(60) % 3
    small = 0.05 * F.one_hot(y, 3).float() + 0.02 * torch.randn(60, 3, generator=g)
    noise = torch.randn(60, 3, generator=g)
    plain = torch.stack([noise, small], dim=1)
    offset = torch.zeros(2, 3)
    offset[1] = torch.tensor([shift, 0.0, -shift / 2])
    for logits in (plain, plain + offset):
        w, b = fit_path_weights(logits, y)
        combined = torch.einsum("npc,p->nc", logits.double(), w.double()) + b.double()
        if logits is plain:
            reference, w_plain = torch.softmax(combined, 1), w
    torch.testing.assert_close(torch.softmax(combined, 1), reference, atol=1e-4, rtol=0)
    assert float(w_plain[1]) > 10 * float(w_plain[0])  # the small path, scaled up
