"""The stacked engine against sequential fits: exact where training is deterministic,
within fold-to-fold noise where shuffling and dropout draw differently."""

import sys

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from skorch.callbacks import Callback

from sklearn_hilbert import HilbertClassifier
from sklearn_hilbert.datasets import make_segment_data
from sklearn_hilbert.model_selection import fit_models
from sklearn_hilbert.model_selection._engine import group_jobs, prepare

from .conftest import variants


def test_stacked_fits_equal_sequential_fits(data, deterministic):
    """Per-model lr, loss weights, temperature, weight decay, class weights and training
    documents in one stack: every model equals its own sequential fit."""
    X, y = data
    models = variants(deterministic, [
        dict(random_state=0),
        dict(random_state=1, lr=1e-2, lambda_cka=1.0, temperature=0.2, weight_decay=0.1),
        dict(random_state=2, lambda_cka=0.0, lambda_contrastive=0.5, class_weight=None,
             segment_interactions=4, segment_order=True),
    ])
    # class_weight=None changes the loss structure (and segment_order the module): a group of
    # its own
    rows = [np.arange(0, 45), np.arange(10, 55), np.arange(5, 50)]
    jobs = [(m, X[r], y[r]) for m, r in zip(models, rows)]
    assert [len(g) for g in group_jobs([prepare(*job, stack=True) for job in jobs])] == [2, 1]
    stacked, _ = fit_models(jobs, stack=True)
    for model, r, fitted in zip(models, rows, stacked):
        sequential = clone(model).fit(X[r], y[r])
        np.testing.assert_allclose(fitted.predict_proba(X[55:]),
                                   sequential.predict_proba(X[55:]), atol=1e-4)
        assert fitted.paths_ == sequential.paths_
        for term in ("train_loss", "train_ce", "train_contrastive", "train_cka"):
            np.testing.assert_allclose(fitted.history_[:, term], sequential.history_[:, term],
                                       rtol=1e-4, atol=1e-5)


class _InitialWeights(Callback):
    """Keeps a copy of the module's weights when training begins."""

    def on_train_begin(self, net, **kwargs):
        self.weights_ = {k: v.detach().clone() for k, v in net.module_.state_dict().items()}


def test_initial_weights_are_those_of_a_sequential_fit(data, deterministic):
    X, y = data
    spec = prepare(deterministic, X, y, stack=True)
    recorder = _InitialWeights()
    clone(deterministic).set_params(max_epochs=1, callbacks=[recorder]).fit(X, y)
    state = spec.runs[0].net.module_.state_dict()
    assert state.keys() == recorder.weights_.keys()
    for name, value in recorder.weights_.items():
        assert torch.equal(state[name], value), name


def test_shapes_form_groups_and_dropout_varies_inside_a_stack(data, deterministic):
    X, y = data
    models = variants(deterministic, [dict(head="mlp"), dict(head="moe"), dict(d_model=8),
                                      dict(dropout=0.3), dict(max_epochs=2)])
    specs = [prepare(m, X, y, stack=True) for m in models]
    assert sorted(map(len, group_jobs(specs))) == [1, 1, 1, 2]  # moe and dropout=0.3 together
    assert [len(g) for g in group_jobs(specs, max_stack=1)] == [1] * 5


def test_unstackable_options_fall_back_to_the_sequential_fit(data, deterministic):
    X, y = data
    model = clone(deterministic).set_params(validation_fraction=0.2, patience=2, batch_size=16)
    assert prepare(model, X, y, stack=True).key is None
    # "auto" stacks CUDA models only: on CPU every model is an ordinary fit
    assert prepare(deterministic, X, y, stack="auto").key is None
    assert prepare(deterministic, X, y, stack=True).key is not None
    (fitted,), _ = fit_models([(model, X, y)], stack=True)
    np.testing.assert_array_equal(fitted.predict_proba(X),
                                  clone(model).fit(X, y).predict_proba(X))


def _fold_aucs(fitted, X, y, splits):
    return np.array([roc_auc_score(y[te], m.predict_proba(X[te])[:, 1])
                     for m, (_, te) in zip(fitted, splits)])


def test_stacked_scores_equal_sequential_within_fold_noise():
    """The guarantee of docs/model_selection.md: with shuffling, dropout and segment dropout,
    the mean fold AUC of the stacked fits is within two standard errors of the fold AUCs
    (2 * std / sqrt(k)) of the sequential fits' mean."""
    X, y = make_segment_data(n_docs=120, n_segments=(4, 8), signal="text", random_state=3)
    clf = HilbertClassifier(d_model=16, proj_dim=8, n_experts=2, max_epochs=6, batch_size=16,
                            random_state=0)
    splits = list(StratifiedKFold(4, shuffle=True, random_state=0).split(X["mask"], y))
    stacked, _ = fit_models([(clf, X[tr], y[tr]) for tr, _ in splits], stack=True)
    sequential = [clone(clf).fit(X[tr], y[tr]) for tr, _ in splits]
    auc_stacked, auc_sequential = (_fold_aucs(m, X, y, splits) for m in (stacked, sequential))
    tolerance = 2 * auc_sequential.std() / np.sqrt(len(splits))
    assert abs(auc_stacked.mean() - auc_sequential.mean()) <= max(tolerance, 0.02)
    assert auc_stacked.mean() > 0.7  # it learned


def test_n_seeds_averages_networks_trained_together(data):
    X, y = data
    clf = HilbertClassifier(d_model=8, proj_dim=8, n_experts=2, max_epochs=2, n_seeds=3,
                            random_state=0).fit(X, y)
    assert len(clf.nets_) == 3 and clf.net_ is clf.nets_[0]
    shift = torch.as_tensor(clf.prior_shift_, dtype=torch.float64)
    members = [torch.softmax(torch.cat([o[0] for o in clf._forward(X, net)]).double() + shift, 1)
               for net in clf.nets_]
    np.testing.assert_allclose(clf.predict_proba(X), torch.stack(members).mean(0).numpy())
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), clf.predict_proba(X))
    assert not np.allclose(members[0], members[1])  # distinct seeds


def test_fit_reads_the_loss_back_once_per_epoch(data, monkeypatch):
    """No host synchronisation per step: neither our code nor skorch calls .item()/.tolist()
    per batch (torch's AdamW reads its CPU step counter, which is no device sync)."""
    X, y = data
    calls = []
    for name in ("item", "tolist"):
        original = getattr(torch.Tensor, name)

        def counting(self, *a, _original=original, **k):
            caller = sys._getframe(1).f_code.co_filename
            if "sklearn_hilbert" in caller or "skorch" in caller:
                calls.append(caller)
            return _original(self, *a, **k)
        monkeypatch.setattr(torch.Tensor, name, counting)
    HilbertClassifier(d_model=8, proj_dim=8, max_epochs=3, batch_size=8, random_state=0
                      ).fit(X, y)
    assert len(calls) == 3  # one per epoch (7 steps per epoch)
