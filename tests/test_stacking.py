"""HilbertStackingClassifier and its final estimator, PathWeightClassifier."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.special import log_softmax
from sklearn.base import clone
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import KFold
from sklearn.utils.estimator_checks import check_estimator

from sklearn_hilbert import EXTENDED, HilbertClassifier, HilbertStackingClassifier
from sklearn_hilbert.datasets import make_segment_data
from sklearn_hilbert.stacking import (PathWeightClassifier, mean_path_outputs, out_of_fold_paths,
                                      pooled_logistic)

from support import TINY


def _ce(blocks, y, w, b):
    z = np.einsum("npc,p->nc", blocks, w) + b
    return float(-log_softmax(z, axis=1)[np.arange(len(y)), y].mean())


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16), n_blocks=st.integers(1, 3), n=st.integers(6, 80),
       scale=st.floats(0.01, 20.0))
def test_fitted_weights_never_do_worse_than_the_plain_sum(seed, n_blocks, n, scale):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    blocks = scale * rng.normal(size=(n, n_blocks, 3))
    clf = PathWeightClassifier().fit(blocks, y)
    assert clf.coef_.shape == (n_blocks,) and clf.intercept_.shape == (3,)
    assert ((clf.coef_ >= 0) & (clf.contributions_ <= 10 + 1e-9)).all()
    assert abs(clf.intercept_.sum()) < 1e-9
    plain = _ce(blocks, y, np.ones(n_blocks), np.zeros(3))
    # the penalised optimum: its cross-entropy is at most the plain sum's plus the penalty
    assert _ce(blocks, y, clf.coef_, clf.intercept_) <= plain + 1e-3 + \
        0.01 * (float(clf.intercept_ @ clf.intercept_) + 1.0)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**16), shift=st.floats(-50, 50))
def test_a_constant_added_to_a_block_changes_no_prediction(seed, shift):
    rng = np.random.default_rng(seed)
    y = np.arange(40) % 2
    blocks = np.eye(2)[y][:, None, :] + rng.normal(size=(40, 2, 2))
    moved = blocks.copy()
    moved[:, 1, 0] += shift
    a, b = PathWeightClassifier().fit(blocks, y), PathWeightClassifier().fit(moved, y)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-4)
    np.testing.assert_allclose(a.predict_proba(blocks), b.predict_proba(moved), atol=1e-4)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**16), scale=st.floats(0.05, 5.0), l1=st.sampled_from([0.0, 0.05]))
def test_rescaling_a_block_rescales_its_weight_and_changes_no_prediction(seed, scale, l1):
    """Every penalty is on what a block adds to the combined logit, not on its weight."""
    rng = np.random.default_rng(seed)
    y = np.arange(60) % 3
    blocks = 0.5 * np.eye(3)[y][:, None, :] + rng.normal(size=(60, 2, 3))
    scaled = blocks.copy()
    scaled[:, 1] *= scale
    a = PathWeightClassifier(l1=l1, max_iter=1000).fit(blocks, y)
    b = PathWeightClassifier(l1=l1, max_iter=1000).fit(scaled, y)
    np.testing.assert_allclose(b.coef_ * [1, scale], a.coef_, atol=2e-3)
    np.testing.assert_allclose(a.predict_proba(blocks), b.predict_proba(scaled), atol=2e-3)


def test_a_block_without_spread_gets_no_weight():
    rng = np.random.default_rng(1)
    y = np.arange(50) % 2
    useful = 1.5 * np.eye(2)[y] + rng.normal(size=(50, 2))
    constant = np.tile([3.0, -1.0], (50, 1))
    clf = PathWeightClassifier().fit(np.stack([constant, useful], axis=1), y)
    assert clf.coef_[0] == 0.0 and clf.contributions_[0] == 0.0 and clf.coef_[1] > 0.3
    np.testing.assert_allclose(clf.predict_proba(np.stack([constant, useful], axis=1)),
                               PathWeightClassifier().fit(useful[:, None], y)
                               .predict_proba(useful[:, None]), atol=1e-4)


def test_l1_sets_a_weak_block_to_zero_before_a_strong_one():
    rng = np.random.default_rng(0)
    y = np.arange(200) % 2
    strong = 2.0 * np.eye(2)[y] + rng.normal(size=(200, 2))
    weak = 0.2 * np.eye(2)[y] + rng.normal(size=(200, 2))
    blocks = np.stack([strong, weak], axis=1)
    assert PathWeightClassifier().fit(blocks, y).coef_[1] > 0.05
    sparse = PathWeightClassifier(l1=0.1).fit(blocks, y).coef_
    assert sparse[1] == 0.0 and sparse[0] > 0.5, sparse
    assert (PathWeightClassifier(l1=5.0).fit(blocks, y).coef_ == 0).all()  # only the biases


def test_a_memorising_block_is_turned_down_and_a_small_honest_one_up():
    """A block of large random logits (a network that memorised its training documents)
    beside a block of small logits that carry the label."""
    rng = np.random.default_rng(1)
    y = np.array([0] * 48 + [1] * 24 + [2] * 8)
    honest = 0.1 * np.eye(3)[y] + 0.05 * rng.normal(size=(80, 3))
    memorised = 2.0 * rng.normal(size=(80, 3))
    clf = PathWeightClassifier().fit(np.stack([memorised, honest], axis=1), y)
    assert clf.coef_[0] < 0.1 and clf.coef_[1] > 5.0, clf.coef_
    # log-loss 0.33 where the class frequencies alone give 0.90
    assert log_loss(y, clf.predict_proba(np.stack([memorised, honest], axis=1))) < 0.4


class _Paths:
    """A fitted network reduced to what the stack reads: fixed path logits per document."""

    def __init__(self, logits):
        self.logits = logits

    def path_logits(self, X):
        return self.logits[X]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**16), n_folds=st.integers(2, 5), shifts=st.lists(
    st.floats(-30, 30), min_size=5, max_size=5))
def test_an_offset_a_fold_network_puts_on_a_path_reaches_no_block(seed, n_folds, shifts):
    """The network fixes the sum of its paths, not each path's offset: whatever constant a fold
    network adds to a path, the out-of-fold blocks and the blocks of new documents stay."""
    rng = np.random.default_rng(seed)
    n, docs = 30, np.arange(30)
    logits = rng.normal(size=(n_folds, n, 3, 2))
    folds = list(KFold(n_folds, shuffle=True, random_state=seed).split(docs))
    moved = logits.copy()
    for k in range(n_folds):
        moved[k, :, k % 3, 0] += shifts[k]  # path k % 3, class 0 of fold network k
    for a, b in [(logits, moved)]:
        oof_a, off_a = out_of_fold_paths([_Paths(x) for x in a], docs, folds)
        oof_b, off_b = out_of_fold_paths([_Paths(x) for x in b], docs, folds)
        np.testing.assert_allclose(oof_a, oof_b, atol=1e-9)
        for _, test in folds:  # centred on the documents each fold network predicts
            np.testing.assert_allclose(oof_a[test].mean(axis=0), 0.0, atol=1e-9)
        new = np.arange(n)[::-1]
        np.testing.assert_allclose(mean_path_outputs([_Paths(x) for x in a], off_a, new),
                                   mean_path_outputs([_Paths(x) for x in b], off_b, new),
                                   atol=1e-9)


SMALL_NET = dict(TINY, max_epochs=2, **EXTENDED)


@pytest.fixture(scope="module")
def text_task():
    """90 training and 300 test documents of one draw (one set of prototypes)."""
    X, y = make_segment_data(n_docs=390, n_segments=(4, 8), signal="text",  # 32-d audio, 48-d text
                             random_state=0)
    return (X[:90], y[:90]), (X[90:], y[90:])


@pytest.fixture(scope="module")
def stack(text_task):
    (X, y), _ = text_task
    return HilbertStackingClassifier(HilbertClassifier(**SMALL_NET), cv=3,
                                     random_state=0).fit(X, y)


def test_the_stack_weighs_each_path_and_baseline(stack, text_task):
    (X, y), (X_test, y_test) = text_task
    assert stack.blocks_ == ("network", "pooled", "interactions", "logreg_text",
                             "logreg_audio", "logreg_fusion")
    assert set(stack.weights_) == set(stack.blocks_) and min(stack.weights_.values()) >= 0
    assert stack.n_splits_ == 3 and [net.random_state for net in stack.networks_] == [0] * 3
    assert stack.path_offsets_.shape == (3, 3, 2)
    proba = stack.predict_proba(X_test)
    assert proba.shape == (300, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(stack.predict_log_proba(X_test)), proba, rtol=1e-9)
    np.testing.assert_array_equal(stack.predict(X_test), stack.classes_[proba.argmax(axis=1)])


def test_the_stack_is_not_below_the_baseline_where_the_network_adds_nothing(text_task):
    """A network that does not learn (learning rate 1e-6) next to logistic regression on the
    pooled text, where the label is (measured: network 0.56, LogReg text 0.971, stack 0.973)."""
    (X, y), (X_test, y_test) = text_task
    untrained = HilbertClassifier(**{**SMALL_NET, "lr": 1e-6})
    stack = HilbertStackingClassifier(untrained, cv=3, random_state=0).fit(X, y)
    baseline = clone(pooled_logistic(("text",))).fit(X, y)
    auc_baseline = roc_auc_score(y_test, baseline.predict_proba(X_test)[:, 1])
    auc_network = np.mean([roc_auc_score(y_test, net.predict_proba(X_test)[:, 1])
                           for net in stack.networks_])
    auc_stack = roc_auc_score(y_test, stack.predict_proba(X_test)[:, 1])
    assert auc_network < auc_baseline - 0.2  # the network alone is near chance
    assert auc_stack >= auc_baseline - 0.01, (auc_stack, auc_baseline)


def test_the_fold_networks_train_through_the_engine(text_task, monkeypatch):
    """One call of the training engine: a network per inner fold, never trained on its test
    documents, and no refit."""
    import sklearn_hilbert.stacking as stacking

    (X, y), _ = text_task
    calls = []
    real = stacking.train_runs

    def recording(runs, **kwargs):
        calls.append([len(run.y) for run in runs])
        return real(runs, **kwargs)

    monkeypatch.setattr(stacking, "train_runs", recording)
    net = HilbertClassifier(**{**SMALL_NET, "max_epochs": 1})
    stack = HilbertStackingClassifier(net, cv=3, random_state=0).fit(X, y)
    assert calls == [[60, 60, 60]]
    assert [net.predict_proba(X).shape for net in stack.networks_] == [(90, 2)] * 3


def test_rare_classes_lower_the_folds_with_a_warning_or_are_refused(text_task):
    (X, y), _ = text_task
    net = HilbertClassifier(**{**SMALL_NET, "max_epochs": 1})
    keep = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:3]]
    Xk, yk = X[keep], np.where(y[keep] == 1, "rare", "common")
    X = {k: np.asarray(v) for k, v in X.items()}
    with pytest.warns(UserWarning, match="3 training documents, fewer than cv=5"):
        stack = HilbertStackingClassifier(net, random_state=0).fit(Xk, yk)
    assert stack.n_splits_ == 3 and list(stack.classes_) == ["common", "rare"]
    one = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:1]]
    with pytest.raises(ValueError, match="class 'rare' has a single training document"):
        HilbertStackingClassifier(net, random_state=0).fit(
            {k: v[one] for k, v in X.items()}, np.where(y[one] == 1, "rare", "common"))
    with pytest.raises(ValueError, match=r"fold 1 of cv lack the classes \['1'\]"):
        HilbertStackingClassifier(net, cv=KFold(2), random_state=0).fit(
            {k: v[keep] for k, v in X.items()}, y[keep])


def test_a_final_estimator_of_2d_input_gets_the_blocks_flattened(text_task):
    from sklearn.linear_model import LogisticRegression

    (X, y), _ = text_task
    net = HilbertClassifier(**{**SMALL_NET, "max_epochs": 1})
    stack = HilbertStackingClassifier(net, baselines=[("text", pooled_logistic(("text",)))],
                                      cv=2, final_estimator=LogisticRegression(),
                                      random_state=0).fit(X, y)
    assert stack.final_estimator_.n_features_in_ == 4 * 2  # 3 paths + 1 baseline, 2 classes
    assert stack.predict_proba(X).shape == (90, 2)
