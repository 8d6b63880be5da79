"""BatchedGridSearchCV and batched_cross_validate as drop-ins for scikit-learn's."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from skorch.helper import SliceDict

from sklearn_hilbert.documents import Document, Segment
from sklearn_hilbert.model_selection import BatchedGridSearchCV, batched_cross_validate
from sklearn_hilbert.transformer import FrozenEncoderTransformer

SR = 16000


class CountingAudioEncoder:
    """Mean, std and peak of each waveform; counts the waveforms it encodes."""

    cache_key = "counting-audio-test"
    sample_rate = SR
    calls = []

    def encode(self, waveforms, sample_rate):
        type(self).calls.append(len(waveforms))
        return np.stack([[w.mean(), w.std(), np.abs(w).max()] for w in waveforms]).astype(
            np.float32)


class WordLengthTextEncoder:
    """Length and vowel share of each text: a cheap deterministic text encoder."""

    cache_key = "word-length-test"

    def encode(self, texts):
        return np.array([[len(t), sum(c in "aeiou" for c in t) / max(len(t), 1)]
                         for t in texts], dtype=np.float32)

CV = StratifiedKFold(3, shuffle=True, random_state=0)
GRID = {"lambda_cka": [0.0, 1.0], "lr": [2e-3, 1e-2]}


def test_grid_search_matches_gridsearchcv(data, deterministic):
    X, y = data
    ours = BatchedGridSearchCV(deterministic, GRID, cv=CV, stack=True, scoring="roc_auc_ovr",
                               return_train_score=True).fit(X, y)
    theirs = GridSearchCV(deterministic, GRID, cv=CV, scoring="roc_auc_ovr",
                          return_train_score=True).fit(X, y)
    assert set(theirs.cv_results_) <= set(ours.cv_results_)
    for key in theirs.cv_results_:
        if "test_score" in key or "train_score" in key:
            np.testing.assert_allclose(ours.cv_results_[key], theirs.cv_results_[key], atol=2e-3)
    assert ours.best_params_ == theirs.best_params_
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-4)
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y), abs=1e-3)


def test_multimetric_and_cross_validate(data, deterministic):
    X, y = data
    scoring = {"auc": "roc_auc_ovr", "acc": "accuracy"}
    search = BatchedGridSearchCV(deterministic, {"temperature": [0.2, 0.5]}, cv=CV, stack=True,
                                 scoring=scoring, refit="auc").fit(X, y)
    assert {"mean_test_auc", "rank_test_acc"} <= set(search.cv_results_)
    ours = batched_cross_validate(deterministic, X, y, cv=CV, scoring=scoring, stack=True,
                                  return_estimator=True, return_indices=True)
    theirs = cross_validate(deterministic, X, y, cv=CV, scoring=scoring, return_indices=True)
    assert set(theirs) | {"estimator"} == set(ours)
    np.testing.assert_allclose(ours["test_auc"], theirs["test_auc"], atol=2e-3)
    assert len(ours["estimator"]) == 3 and hasattr(ours["estimator"][0], "net_")


def test_rejects_other_estimators(data):
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(TypeError, match="HilbertClassifier or HilbertRegressor, or a Pipeline ending in one"):
        BatchedGridSearchCV(LogisticRegression(), {"C": [1.0]}).fit(*data)


class _CentreText(TransformerMixin, BaseEstimator):
    """A pre-step that learns something (the text mean), so it is fitted per fold."""

    def fit(self, X, y=None):
        self.mean_ = X["text"][X["mask"]].mean(axis=0)
        return self

    def transform(self, X):
        return SliceDict(audio=X["audio"], text=X["text"] - self.mean_, mask=X["mask"])


def test_pipeline_steps_are_fitted_per_fold(data, deterministic):
    X, y = data
    pipe = make_pipeline(_CentreText(), deterministic)
    grid = {"hilbertclassifier__lambda_mi": [0.0, 0.5]}
    ours = BatchedGridSearchCV(pipe, grid, cv=CV, scoring="roc_auc_ovr", stack=True).fit(X, y)
    theirs = GridSearchCV(pipe, grid, cv=CV, scoring="roc_auc_ovr").fit(X, y)
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"],
                               theirs.cv_results_["mean_test_score"], atol=2e-3)


def _documents():
    docs, y = [], []
    for i in range(18):
        label = i % 2
        rng = np.random.default_rng(i)
        t = np.arange(int(0.2 * SR)) / SR
        segs = [Segment(("calm river" if label else "tense deadline") + f" {k}",
                        (np.sin(2 * np.pi * (200 + 400 * label) * t)
                         + 0.05 * rng.normal(size=t.size)).astype(np.float32), SR)
                for k in range(3)]
        docs.append(Document(segs, doc_id=f"d{i}"))
        y.append(label)
    return docs, np.array(y)


def test_encoder_pipeline_encodes_once(deterministic):
    docs, y = _documents()
    CountingAudioEncoder.calls.clear()
    encoder = FrozenEncoderTransformer(text_encoder=WordLengthTextEncoder(),
                                       audio_encoder=CountingAudioEncoder(), progress=False)
    pipe = make_pipeline(encoder, deterministic)
    res = batched_cross_validate(pipe, docs, y, cv=CV, scoring="roc_auc", return_estimator=True,
                                 stack=True)
    assert sum(CountingAudioEncoder.calls) == 3 * len(docs)  # every segment once
    assert res["test_score"].mean() > 0.5
    assert res["estimator"][0].predict_proba(docs[:2]).shape == (2, 2)


def test_cv_results_are_gridsearchcv_s():
    """cv_results() rebuilds GridSearchCV's cv_results_ (public API only) from its fold scores:
    disjoint grids (masked params), string and None values, two metrics, train scores, ties."""
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    from sklearn_hilbert.model_selection._search import cv_results

    X, y = make_classification(60, random_state=0)
    grid = [{"C": [0.01, 1.0, 1.0 + 1e-12], "class_weight": [None, "balanced"]}, {"tol": [1e-3]}]
    scoring = {"auc": "roc_auc", "acc": "accuracy"}
    theirs = GridSearchCV(LogisticRegression(max_iter=200), grid, cv=3, scoring=scoring,
                          refit="auc", return_train_score=True).fit(X, y).cv_results_
    n_cand, n_splits = len(theirs["params"]), 3
    out = [{"test_scores": {m: theirs[f"split{k}_test_{m}"][c] for m in scoring},
            "train_scores": {m: theirs[f"split{k}_train_{m}"][c] for m in scoring},
            "fit_time": 0.0, "score_time": 0.0}
           for c in range(n_cand) for k in range(n_splits)]
    ours = cv_results(theirs["params"], n_splits, out, return_train_score=True)
    timing = {k for k in theirs if k.endswith("_time")}
    assert set(ours) == set(theirs)
    for key in set(theirs) - timing - {"params"}:
        if key.startswith("param_"):
            assert ours[key].dtype == theirs[key].dtype, key
            np.testing.assert_array_equal(np.ma.getmaskarray(ours[key]),
                                          np.ma.getmaskarray(theirs[key]), err_msg=key)
            assert ours[key].compressed().tolist() == theirs[key].compressed().tolist(), key
        else:
            np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-12, err_msg=key)
    assert ours["params"] == theirs["params"]
