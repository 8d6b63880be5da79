"""HilbertClassifier behaves like a scikit-learn classifier and trains what docs/model.md says."""

import pickle

import joblib
import numpy as np
import pytest
from imblearn.over_sampling import SMOTE, RandomOverSampler
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score

from sklearn_hilbert import EXTENDED, HilbertClassifier
from sklearn_hilbert.experiments.ablation import ABLATIONS
from sklearn_hilbert.datasets import make_segment_data
from sklearn_hilbert.nn import TERMS

from support import TINY


def test_init_stores_parameters_only():
    clf = HilbertClassifier(lambda_cka=0.3, expert_hidden=(8, 8))
    assert clf.get_params()["lambda_cka"] == 0.3
    assert clf.get_params()["expert_hidden"] == (8, 8)
    assert not [k for k in vars(clf) if k.endswith("_")]
    assert clone(clf).get_params() == clf.get_params()
    clf.set_params(lambda_mi=0.7)
    assert clf.lambda_mi == 0.7


def test_fit_returns_self_and_sets_learned_attributes(tiny_clf, data3):
    X, y = data3
    assert tiny_clf.fit(X, y) is tiny_clf
    np.testing.assert_array_equal(tiny_clf.classes_, [0, 1, 2])
    assert (tiny_clf.n_features_audio_, tiny_clf.n_features_text_) == (6, 5)
    assert tiny_clf.n_epochs_ == TINY["max_epochs"]
    proba = tiny_clf.predict_proba(X)
    assert proba.shape == (60, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(tiny_clf.predict(X)) <= {0, 1, 2}


def test_every_loss_term_is_logged_per_epoch(tiny_clf, data3):
    X, y = data3
    tiny_clf.fit(X, y)
    for epoch in tiny_clf.history_:
        for term in TERMS:
            assert np.isfinite(epoch[f"train_{term}"])
        assert epoch["train_contrastive"] > 0 and epoch["train_cka"] >= 0
    # the total is CE + weighted terms, averaged per epoch over the same batches
    last = tiny_clf.history_[-1]
    lam = {"contrastive": tiny_clf.lambda_contrastive, "cka": tiny_clf.lambda_cka,
           "mi": tiny_clf.lambda_mi, "balance": tiny_clf.lambda_balance}
    expected = last["train_ce"] + sum(lam[t] * last[f"train_{t}"] for t in lam)
    assert last["train_loss"] == pytest.approx(expected, rel=1e-4)


def test_identical_probabilities_for_equal_random_state(data3):
    X, y = data3
    a = HilbertClassifier(random_state=3, **TINY).fit(X, y).predict_proba(X)
    b = HilbertClassifier(random_state=3, **TINY).fit(X, y).predict_proba(X)
    c = HilbertClassifier(random_state=4, **TINY).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_fit_is_idempotent(tiny_clf, data3):
    X, y = data3
    first = tiny_clf.fit(X, y).predict_proba(X)
    second = tiny_clf.fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)


def test_fit_and_predict_do_not_touch_global_torch_rng(tiny_clf, data3):
    import torch

    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    tiny_clf.fit(*data3)
    tiny_clf.predict_proba(data3[0])
    np.testing.assert_array_equal(torch.rand(3), expected)


def test_string_and_non_contiguous_labels(data3):
    X, y = data3
    names = np.array(["mdd", "bipolar", "control"])[y]
    clf = HilbertClassifier(random_state=0, **TINY).fit(X, names)
    assert clf.classes_.tolist() == ["bipolar", "control", "mdd"]
    assert set(clf.predict(X)) <= set(names)
    codes = np.array([10, -3, 7])[y]
    clf2 = HilbertClassifier(random_state=0, **TINY).fit(X, codes)
    assert clf2.classes_.tolist() == [-3, 7, 10]
    # both relabellings sort the classes the same way: the same network is trained
    np.testing.assert_array_equal(clf.predict_proba(X), clf2.predict_proba(X))


def test_pickle_and_joblib_round_trip(tiny_clf, data3, tmp_path):
    X, y = data3
    tiny_clf.fit(X, y)
    expected = tiny_clf.predict_proba(X)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(tiny_clf)).predict_proba(X), expected)
    joblib.dump(tiny_clf, tmp_path / "clf.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "clf.joblib").predict_proba(X), expected)


def test_cross_val_score_roc_auc_ovr_learns_the_signal():
    X, y = make_segment_data(n_docs=90, n_segments=(3, 8), n_classes=3, d_audio=8, d_text=8,
                             signal="audio", strength=0.8, random_state=1)
    # string labels in an order unlike the codes: a column mix-up would push AUC below 0.5
    y = np.array(["zeta", "alpha", "mu"])[y]
    clf = HilbertClassifier(random_state=0, **{**TINY, "max_epochs": 8})
    scores = cross_val_score(clf, X, y, cv=StratifiedKFold(3, shuffle=True, random_state=0),
                             scoring="roc_auc_ovr")
    assert scores.shape == (3,)
    assert scores.mean() > 0.85


def test_grid_search_over_auxiliary_weights(data3):
    X, y = data3
    grid = GridSearchCV(
        HilbertClassifier(random_state=0, **{**TINY, "max_epochs": 1}),
        {"lambda_cka": [0.0, 1.0], "lambda_mi": [0.0, 0.5]},
        cv=2, scoring="roc_auc_ovr",
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    assert grid.best_estimator_.predict_proba(X).shape == (60, 3)


@pytest.mark.parametrize("name", sorted(ABLATIONS))
def test_each_ablation_trains_only_its_terms(name, data3):
    X, y = data3
    clf = HilbertClassifier(random_state=0, **{**TINY, "max_epochs": 1, **ABLATIONS[name]}).fit(X, y)
    last = clf.history_[-1]
    params = clf.get_params()
    assert (last["train_contrastive"] > 0) == (params["contrastive"] is not None)
    assert (last["train_cka"] > 0) == (params["lambda_cka"] > 0)
    has_gate = hasattr(clf.net_.module_.experts, "gate")
    assert has_gate == (params["head"] == "moe")


def test_pairwise_and_dual_give_different_contrastive_terms(data3):
    X, y = data3
    dual = HilbertClassifier(random_state=0, **{**TINY, "max_epochs": 1}).fit(X, y)
    pair = HilbertClassifier(random_state=0, contrastive="pairwise", **{**TINY, "max_epochs": 1}).fit(X, y)
    # dual sums two 2B-way terms, pairwise averages two B-way terms: dual starts about twice as high
    assert dual.history_[0]["train_contrastive"] > 1.5 * pair.history_[0]["train_contrastive"]


def test_small_batches_skip_auxiliary_terms_without_nan():
    X, y = make_segment_data(n_docs=6, n_segments=(2, 4), d_audio=4, d_text=4, random_state=0)
    clf = HilbertClassifier(random_state=0, **{**TINY, "batch_size": 3}).fit(X, y)
    for epoch in clf.history_:
        assert np.isfinite(epoch["train_loss"])
        assert epoch["train_cka"] == 0.0  # B=3 < 4: CKA undefined, skipped
        assert epoch["train_contrastive"] > 0
    one = HilbertClassifier(random_state=0, **{**TINY, "batch_size": 1}).fit(X, y)
    assert all(e["train_contrastive"] == 0.0 for e in one.history_)
    assert np.isfinite(one.predict_proba(X)).all()


def test_class_weight_balanced_weights_the_cross_entropy(data3):
    X, y = data3
    clf = HilbertClassifier(random_state=0, **{**TINY, "max_epochs": 1}).fit(X, y)
    w = clf.net_.criterion_.weight.numpy()
    counts = np.bincount(y)
    np.testing.assert_allclose(w, len(y) / (3 * counts), rtol=1e-6)
    custom = HilbertClassifier(class_weight={0: 1.0, 2: 5.0}, **{**TINY, "max_epochs": 1}).fit(X, y)
    np.testing.assert_allclose(custom.net_.criterion_.weight.numpy(), [1.0, 1.0, 5.0])
    none = HilbertClassifier(class_weight=None, **{**TINY, "max_epochs": 1}).fit(X, y)
    assert none.net_.criterion_.weight is None


def test_sampler_resamples_whole_documents(data3):
    X, y = data3
    clf = HilbertClassifier(random_state=0, sampler=RandomOverSampler(random_state=0),
                            class_weight=None,
                            **{**TINY, "max_epochs": 1}).fit(X, y)
    n_balanced = 3 * np.bincount(y).max()
    batches = clf.history_[0]["batches"]
    assert sum(b["train_batch_size"] for b in batches) == n_balanced // TINY["batch_size"] * TINY["batch_size"]
    with pytest.raises(ValueError, match="synthetic samples"):
        HilbertClassifier(sampler=SMOTE(k_neighbors=2), **TINY).fit(X, y)


def test_early_stopping_restores_best_epoch(data3):
    X, y = data3
    clf = HilbertClassifier(random_state=0, validation_fraction=0.3, patience=2,
                            **{**TINY, "max_epochs": 30, "lr": 0.05}).fit(X, y)
    valid = [e["valid_ce"] for e in clf.history_]
    assert clf.n_epochs_ < 30
    assert clf.n_epochs_ == int(np.argmin(valid)) + 1 + 2


def test_attention_weights_and_embeddings(tiny_clf, data3):
    X, y = data3
    tiny_clf.fit(X, y)
    w = tiny_clf.attention_weights(X)
    assert set(w) == {"audio", "text", "joint"}
    for v in w.values():
        assert v.shape == X["mask"].shape
        assert np.all(v[~X["mask"]] == 0)
        np.testing.assert_allclose(v.sum(axis=1), 1.0, atol=1e-5)
    emb = tiny_clf.embed(X)
    assert {k: v.shape for k, v in emb.items()} == {m: (60, 16) for m in ("audio", "text", "joint")}


def test_predict_matches_argmax_and_decision_function(tiny_clf, data3):
    X, y = data3
    tiny_clf.fit(X, y)
    proba = tiny_clf.predict_proba(X)
    np.testing.assert_array_equal(tiny_clf.predict(X), tiny_clf.classes_[proba.argmax(1)])
    np.testing.assert_allclose(np.exp(tiny_clf.predict_log_proba(X)), proba, rtol=1e-6)
    logits = tiny_clf.decision_function(X)
    np.testing.assert_allclose(np.exp(logits) / np.exp(logits).sum(1, keepdims=True), proba, rtol=1e-5)


def test_standardize_makes_feature_scale_irrelevant(data3):
    """Frozen encoders emit features on wildly different scales (log-mel energies vs deltas)."""
    X, y = data3
    scales = np.logspace(-3, 3, X["audio"].shape[2]).astype(np.float32)
    scaled = {"audio": X["audio"] * scales + 50.0, "text": X["text"], "mask": X["mask"]}
    a = HilbertClassifier(random_state=0, **TINY).fit(X, y).predict_proba(X)
    b = HilbertClassifier(random_state=0, **TINY).fit(scaled, y).predict_proba(scaled)
    np.testing.assert_allclose(a, b, atol=2e-3)  # float32 round-off of the rescaled inputs
    raw = HilbertClassifier(random_state=0, standardize=False, **TINY).fit(scaled, y)
    assert float(raw.net_.module_.audio_mean.abs().max()) == 0.0
    assert float(raw.net_.module_.audio_scale.min()) == 1.0


def test_standardization_statistics_use_real_segments_only(tiny_clf, data3):
    X, y = data3
    tiny_clf.fit(X, y)
    module = tiny_clf.net_.module_
    real = X["audio"][X["mask"]]
    np.testing.assert_allclose(module.audio_mean.numpy(), real.mean(0), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(module.audio_scale.numpy(), real.std(0), rtol=1e-4)


def test_predictions_do_not_depend_on_the_batch(data3):
    """A document's probabilities are the same whatever other documents it is predicted with
    (up to float32 round-off), and in any order, with every path of the extended network."""
    X, y = data3
    clf = HilbertClassifier(random_state=0, **EXTENDED, **TINY).fit(X, y)  # batches of 16
    full = clf.predict_proba(X)
    n = len(y)
    for rows in (np.arange(7), np.arange(n)[::-1], np.array([n - 1]), np.arange(3, n, 5)):
        np.testing.assert_allclose(clf.predict_proba({k: np.asarray(v)[rows] for k, v in X.items()}),
                                   full[rows], atol=1e-5, rtol=0)


def test_path_logits_sum_to_the_logits(data3):
    """The stack weighs the paths; their sum plus prior_shift_ is the classifier's output."""
    X, y = data3
    clf = HilbertClassifier(random_state=0, **EXTENDED, **{**TINY, "max_epochs": 1}).fit(X, y)
    assert clf.paths_ == ("network", "pooled", "interactions")
    paths = clf.path_logits(X)
    assert paths.shape == (60, 3, 3) and paths.dtype == np.float64
    logits = paths.sum(axis=1) + clf.prior_shift_
    np.testing.assert_allclose(np.exp(logits) / np.exp(logits).sum(1, keepdims=True),
                               clf.predict_proba(X), rtol=1e-5)
    assert HilbertClassifier(**TINY).fit(X, y).paths_ == ("network",)  # the paper's head only
