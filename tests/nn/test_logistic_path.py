"""The logistic path: scikit-learn's logistic regression inside the module, fitted, not trained."""

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_hilbert import HilbertClassifier, SegmentPooler
from sklearn_hilbert.datasets import make_segment_data
from sklearn_hilbert.nn.logistic_path import (
    _pooled_features,
    fit_logistic_path,
    logistic_class_weight,
)
from sklearn_hilbert.nn.path_weights import implied_prior

from support import TINY, hilbert_module


@given(counts=st.lists(st.integers(1, 50), min_size=2, max_size=5),
       raw=st.lists(st.floats(0.05, 1.0), min_size=5, max_size=5))
def test_logistic_class_weights_imply_the_requested_prior(counts, raw):
    y = np.repeat(np.arange(len(counts)), counts)
    prior = np.asarray(raw[: len(counts)]) / sum(raw[: len(counts)])
    w = logistic_class_weight(y, prior)
    implied = np.array([w[c] * n for c, n in enumerate(counts)])
    np.testing.assert_allclose(implied / implied.sum(), prior, rtol=1e-9)
    # balanced weighting of the same documents is what class_weight="balanced" gives
    np.testing.assert_allclose(implied_prior(y, [w[c] for c in range(len(counts))],
                                             len(counts)), prior, rtol=1e-9)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_the_path_reproduces_scikit_learns_logistic_regression(n_classes):
    """Its eval-mode logits give the probabilities of StandardScaler -> LogisticRegression on
    the same pooled statistics, binary and multinomial alike."""
    X, y = make_segment_data(n_docs=90, n_segments=(3, 7), n_classes=n_classes, d_audio=5,
                             d_text=4, signal="text", random_state=0)
    module = hilbert_module(d_audio=5, d_text=4, n_classes=n_classes, pooled_logistic=True).eval()
    prior = np.full(n_classes, 1 / n_classes)
    choice = fit_logistic_path(module, X, y, prior, seed=0)
    logits = module.pooled_logistic(torch.as_tensor(X["audio"]), torch.as_tensor(X["text"]),
                                    torch.as_tensor(X["mask"]))
    F = _pooled_features(module, X)[:, module.pooled_logistic.columns(choice.modalities)]
    reference = LogisticRegression(C=choice.C, class_weight=logistic_class_weight(y, prior),
                                   max_iter=1000).fit(StandardScaler().fit_transform(F), y)
    expected = reference.predict_proba(StandardScaler().fit(F).transform(F))
    np.testing.assert_allclose(torch.softmax(logits.double(), dim=1).numpy(), expected, atol=1e-5)
    # the pooled statistics are SegmentPooler's mean and std (up to its 1e-6 in the std)
    pooled = SegmentPooler().fit(X).transform(X)
    np.testing.assert_allclose(_pooled_features(module, X), pooled, atol=1e-3)


def test_the_path_chooses_the_modality_that_carries_the_label():
    X, y = make_segment_data(n_docs=150, n_segments=(4, 8), d_audio=6, d_text=6, signal="text",
                             strength=0.5, random_state=1)
    module = hilbert_module(d_audio=6, d_text=6, n_classes=2, pooled_logistic=True).eval()
    choice = fit_logistic_path(module, X, y, np.array([0.5, 0.5]), seed=0)
    assert choice.modalities == ("text",)
    audio_columns = module.pooled_logistic.columns(("audio",))
    assert torch.count_nonzero(module.pooled_logistic.weight[:, audio_columns]) == 0


def test_the_logistic_path_takes_no_part_in_training(data3):
    """Same network weights and training history with and without the path: it is fitted
    after training, at weight 0 until then."""
    X, y = data3
    params = dict(random_state=0, **{**TINY, "max_epochs": 2})
    with_path = HilbertClassifier(pooled_logistic=True, **params).fit(X, y)
    without = HilbertClassifier(pooled_logistic=False, **params).fit(X, y)
    np.testing.assert_array_equal(with_path.history_[:, "train_loss"],
                                  without.history_[:, "train_loss"])
    trained = without.net_.module_.state_dict()
    for key, value in with_path.net_.module_.state_dict().items():
        if not key.startswith(("pooled_logistic", "path_")):
            torch.testing.assert_close(value, trained[key], atol=0, rtol=0, msg=key)
    assert with_path.logistic_modalities_ in (("audio",), ("text",), ("audio", "text"))
    assert not hasattr(without, "logistic_modalities_")


def test_the_classifier_keeps_up_with_logistic_regression_where_the_network_lags():
    """After one epoch the network alone trails logistic regression on pooled text (0.956
    against 0.972 AUC); the logistic path passes its held-out test and the classifier comes
    within 0.01 of the baseline."""
    X, y = make_segment_data(n_docs=900, n_classes=3, weights=[0.5, 0.3, 0.2], signal="text",
                             strength=0.3, random_state=6)
    (X, y), (X_test, y_test) = (X[:300], y[:300]), (X[300:], y[300:])
    baseline = make_pipeline(SegmentPooler(("text",)), StandardScaler(),
                             LogisticRegression(class_weight="balanced", C=0.1, max_iter=1000))
    default = HilbertClassifier(random_state=0, **{**TINY, "max_epochs": 1})
    without = clone(default).set_params(pooled_logistic=False)
    auc = {name: roc_auc_score(y_test, model.fit(X, y).predict_proba(X_test), multi_class="ovr")
           for name, model in [("logistic regression", baseline), ("default", default),
                               ("without the path", without)]}
    assert default.path_weights_["logistic"] > 0.1
    assert auc["default"] >= auc["logistic regression"] - 0.01, auc
    assert auc["default"] > auc["without the path"] + 0.005, auc
