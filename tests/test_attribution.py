"""Attributions of the fitted estimators: units, planted evidence on the event-share task, and
the stack's occlusion of its final output."""

import numpy as np
import pytest
from sklearn.base import clone

from sklearn_hilbert import EXTENDED, HilbertClassifier, HilbertStackingClassifier
from sklearn_hilbert.datasets import make_segment_data
from sklearn_hilbert.datasets.synthetic import make_event_share_data


def precision_at_k(scores, carriers, mask):
    """Mean share of carriers among each document's k best-scored real segments, k = its
    number of carriers (documents with 0 < k < segments)."""
    hits = []
    for s, c, m in zip(scores, carriers, mask):
        k = int(c.sum())
        if 0 < k < m.sum():
            hits.append(c[np.argsort(-np.where(m, s, -np.inf), kind="stable")[:k]].mean())
    return float(np.mean(hits))


def _log_odds(proba, index):
    p = proba[np.arange(len(proba)), index]
    return np.log(p) - np.log1p(-p)


def _without(X, doc, seg):
    """Document ``doc`` of X alone, with segment ``seg`` removed from its mask."""
    one = {k: np.array(X[k][doc:doc + 1]) for k in ("audio", "text", "mask")}
    one["mask"][0, seg] = False
    return one


@pytest.fixture(scope="module")
def event_share():
    X, y, events = make_event_share_data(n_docs=120, n_segments=(10, 20), random_state=3,
                                         return_carriers=True)
    return X[:90], y[:90], X[90:], y[90:], events[90:]


def test_attributions_are_log_odds_drops(event_share):
    X, y, Xt, _, _ = event_share
    clf = HilbertClassifier(d_model=16, n_heads=2, proj_dim=8, max_epochs=3,
                            random_state=0).fit(X, y)
    att = clf.segment_attributions(Xt[:3], target=1)["segment"]
    base = _log_odds(clf.predict_proba(Xt[:3]), 1)
    for doc, seg in [(0, 0), (1, 4), (2, 7)]:
        hidden = _log_odds(clf.predict_proba(_without(Xt, doc, seg)), 1)[0]
        assert att[doc, seg] == pytest.approx(base[doc] - hidden, abs=1e-6)


def test_the_extended_network_finds_the_event_segments(event_share):
    X, y, Xt, _, events = event_share
    clf = HilbertClassifier(**{**EXTENDED, "d_model": 32, "n_heads": 2, "proj_dim": 16,
                               "max_epochs": 15, "random_state": 0}).fit(X, y)
    att = clf.segment_attributions(Xt, target=1)
    mask = Xt["mask"]
    chance = events[mask].mean()
    assert chance < 0.3
    # chance 0.19; precision@k 0.43 (segment), 0.53 (text), 0.27 (audio, which holds nothing)
    assert precision_at_k(att["segment"], events, mask) > chance + 0.15
    assert precision_at_k(att["text"], events, mask) > chance + 0.2
    assert precision_at_k(att["audio"], events, mask) < chance + 0.15


@pytest.fixture(scope="module")
def stack_fit():
    X, y, carriers = make_segment_data(n_docs=90, n_segments=(4, 9), signal="text",
                                       strength=0.4, d_audio=8, d_text=8, random_state=5,
                                       return_carriers=True)
    net = HilbertClassifier(**{**EXTENDED, "d_model": 16, "n_heads": 2, "proj_dim": 8,
                               "max_epochs": 10})
    stack = HilbertStackingClassifier(net, cv=2, random_state=0).fit(X[:60], y[:60])
    return stack, X[60:], y[60:], carriers[60:]


def test_stack_attributions_occlude_the_final_output(stack_fit):
    stack, X, y, carriers = stack_fit
    att = stack.segment_attributions(X, target=y)
    mask = X["mask"]
    assert sorted(att) == ["audio", "segment", "text"]
    for v in att.values():
        assert v.shape == mask.shape and (v[~mask] == 0).all() and np.isfinite(v).all()
    # one occlusion by hand: the stack's own log-odds, with the segment removed
    base = _log_odds(stack.predict_proba(X), y)
    for doc in (0, 5):
        seg = int(mask[doc].sum()) - 1
        hidden = _log_odds(stack.predict_proba(_without(X, doc, seg)), y[doc:doc + 1])[0]
        assert att["segment"][doc, seg] == pytest.approx(base[doc] - hidden, abs=1e-6)
    # the planted evidence: chance 0.57, precision@k 0.88 (text), 0.81 (segment)
    chance = carriers[mask].mean()
    assert precision_at_k(att["text"], carriers, mask) > chance + 0.15
    assert precision_at_k(att["segment"], carriers, mask) > chance + 0.1
    # two classes: the other class's attributions are the mirror image
    np.testing.assert_allclose(stack.segment_attributions(X, target=1 - y)["segment"],
                               -att["segment"], atol=1e-9)
    default = stack.segment_attributions(X)["segment"]
    np.testing.assert_allclose(default, stack.segment_attributions(X, target=stack.predict(X))
                               ["segment"])


def test_stack_modality_contributions_and_errors(stack_fit):
    stack, X, y, _ = stack_fit
    contributions = stack.modality_contributions(X, target=y)
    assert {k: v.shape for k, v in contributions.items()} == {"audio": (30,), "text": (30,)}
    assert contributions["text"].mean() > abs(contributions["audio"].mean())
    with pytest.raises(ValueError, match="target 'cat' is not a class"):
        stack.segment_attributions(X, target="cat")
    from sklearn.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        clone(stack).segment_attributions(X)
