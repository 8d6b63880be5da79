"""Occlusion attributions: they find the segments that carry the label, batched, padding-proof,
in log-odds of the target class."""

import numpy as np
import pytest
import torch

from sklearn_hilbert import HilbertClassifier
from sklearn_hilbert.datasets import make_segment_data
from sklearn_hilbert.nn.attribution import log_odds, modality_occlusion, occlusion_attributions

from support import hilbert_module


def top_k_precision(scores, carriers, mask, k=3):
    """Mean share of carriers among each document's k highest-scored real segments
    (documents with at least k carriers and at least one non-carrier)."""
    hits = []
    for s, c, m in zip(scores, carriers, mask):
        if c.sum() >= k and c.sum() < m.sum():
            top = np.argsort(-np.where(m, s, -np.inf), kind="stable")[:k]
            hits.append(c[top].mean())
    return float(np.mean(hits))


@pytest.fixture(scope="module")
def carrier_fit():
    """A classifier trained on text-signal data; held-out documents with known carriers."""
    X, y, carriers = make_segment_data(
        n_docs=200, n_segments=(8, 12), signal="text", strength=0.3, n_prototypes=6,
        d_audio=8, d_text=8, noise=0.7, random_state=13, return_carriers=True)
    train, test = np.arange(140), np.arange(140, 200)
    clf = HilbertClassifier(d_model=32, n_heads=2, proj_dim=16, max_epochs=20,
                            random_state=0).fit(X[train], y[train])
    return clf, X[test], y[test], carriers[test]


def test_attributions_point_at_the_carrier_segments(carrier_fit):
    clf, X, y, carriers = carrier_fit
    att = clf.segment_attributions(X, target=y)
    attention = clf.attention_weights(X)
    mask = X["mask"]
    chance = carriers[mask].mean()
    prec = {k: top_k_precision(v, carriers, mask) for k, v in att.items()}
    prec_attention = {k: top_k_precision(v, carriers, mask) for k, v in attention.items()}
    assert chance < 0.45
    # 0.94 with the logistic path (0.96 before it): pooled means spread a segment's effect
    assert prec["text"] >= 0.9 and prec["segment"] >= 0.9
    assert prec["text"] > max(prec_attention.values()) + 0.1
    assert prec["audio"] < prec["text"] - 0.3  # the label is not in the audio
    contributions = clf.modality_contributions(X, target=y)
    text, audio = contributions["text"].mean(), contributions["audio"].mean()
    assert text > 0.5 and abs(audio) < text / 2  # nats of log-odds


def test_log_odds_is_the_logit_margin_and_stable_when_saturated():
    logits = torch.tensor([[2.0, -1.0, 0.5], [60.0, -60.0, 0.0]], dtype=torch.float64)
    got = log_odds(logits, torch.tensor([0, 1]))
    p = torch.softmax(logits, 1)
    torch.testing.assert_close(got[0], torch.log(p[0, 0] / (1 - p[0, 0])))
    # p = 1e-52: the probability difference of any occlusion would be 0, log-odds is not
    torch.testing.assert_close(got[1], -120.0 - torch.log1p(torch.exp(torch.tensor(-60.0,
                               dtype=torch.float64))), atol=1e-12, rtol=0)
    two = torch.tensor([[0.3, 1.7]], dtype=torch.float64)
    torch.testing.assert_close(log_odds(two, torch.tensor([1])), torch.tensor([1.4],
                               dtype=torch.float64))


def test_default_target_is_the_predicted_class_and_two_classes_are_mirror_images(carrier_fit):
    clf, X, _, _ = carrier_fit
    predicted = clf.predict(X)
    default = clf.segment_attributions(X)
    explicit = clf.segment_attributions(X, target=predicted)
    other = clf.segment_attributions(X, target=1 - predicted)
    for kind in default:
        np.testing.assert_array_equal(default[kind], explicit[kind])
        np.testing.assert_allclose(other[kind], -default[kind], atol=1e-12)
    one_class = clf.segment_attributions(X, target=0)["segment"]
    np.testing.assert_allclose(one_class, np.where(predicted[:, None] == 0, 1, -1) *
                               default["segment"], atol=1e-12)


def test_unknown_target_is_a_clear_error(carrier_fit):
    clf, X, _, _ = carrier_fit
    with pytest.raises(ValueError, match="target 'cat' is not a class"):
        clf.segment_attributions(X, target="cat")
    with pytest.raises(ValueError, match="one per document"):
        clf.modality_contributions(X, target=[0, 1])


def _reference(module, audio, text, mask, target):
    """Occlusion one segment at a time (the loop the batched code avoids)."""
    def p(a, t, m):  # the target's log-odds, log p / (1 - p)
        proba = torch.softmax(module(a[None], t[None], m[None])[0].double(), 1)[0, target]
        return torch.log(proba) - torch.log1p(-proba)

    out = {k: torch.zeros(mask.shape, dtype=torch.float64) for k in ("segment", "audio", "text")}
    base = p(audio, text, mask)
    for s in torch.nonzero(mask).ravel().tolist():
        m = mask.clone()
        m[s] = False
        a, t = audio.clone(), text.clone()
        a[s], t[s] = module.audio_mean, module.text_mean
        out["segment"][s] = base - (p(audio, text, m) if m.any() else p(a, t, mask))
        a_only, t_only = audio.clone(), text.clone()
        a_only[s], t_only[s] = module.audio_mean, module.text_mean
        out["audio"][s] = base - p(a_only, text, mask)
        out["text"][s] = base - p(audio, t_only, mask)
    return out


def test_batched_occlusion_equals_one_segment_at_a_time_and_ignores_padding():
    torch.manual_seed(0)
    stats = {"audio": (torch.randn(5), torch.rand(5) + 0.5),
             "text": (torch.randn(4), torch.ones(4))}
    net = hilbert_module(5, 4, 3, d_model=8, n_heads=2, proj_dim=4, n_experts=2,
                         input_stats=stats).eval()
    audio, text = torch.randn(3, 6, 5), torch.randn(3, 6, 4)
    mask = torch.tensor([[1, 1, 1, 1, 0, 0], [1, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1]]).bool()
    audio[~mask], text[~mask] = 0, 0
    target = torch.tensor([0, 2, 1])
    # a tiny budget forces many chunks
    att = occlusion_attributions(net, audio, text, mask, target, budget=100)
    for i in range(3):
        ref = _reference(net, audio[i], text[i], mask[i], int(target[i]))
        for kind in att:
            torch.testing.assert_close(att[kind][i], ref[kind], atol=1e-6, rtol=0)
            assert (att[kind][i][~mask[i]] == 0).all()
    # more padding (and garbage in it) changes nothing
    pad = lambda x: torch.cat([x, torch.randn(3, 4, x.shape[2])], dim=1)  # noqa: E731
    padded = occlusion_attributions(net, pad(audio), pad(text),
                                    torch.cat([mask, torch.zeros(3, 4, dtype=bool)], 1), target)
    for kind in att:
        torch.testing.assert_close(padded[kind][:, :6], att[kind], atol=1e-6, rtol=0)
        assert (padded[kind][:, 6:] == 0).all()
    whole = modality_occlusion(net, audio, text, mask, target)
    assert set(whole) == {"audio", "text"} and whole["audio"].shape == (3,)
