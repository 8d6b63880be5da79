"""Training: validation split before resampling, prior-corrected probabilities,
max_grad_norm, device fallback, the paper's defaults, shared initial weights across rows."""

import numpy as np
import pytest
import torch
from imblearn.over_sampling import RandomOverSampler
from sklearn.base import clone
from sklearn.metrics import log_loss
from skorch.callbacks import Callback, GradientNormClipping

from sklearn_hilbert import EXTENDED, HilbertClassifier
from sklearn_hilbert.experiments.ablation import ABLATIONS, PAPER
from sklearn_hilbert.datasets import make_segment_data

from support import TINY


class RecordBatches(Callback):
    """Records the document ids (audio[:, 0, 0]) of every training batch and every grad norm."""

    def initialize(self):
        self.ids, self.norms = set(), []
        return self

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if training:
            self.ids.update(np.asarray(batch[0]["audio"][:, 0, 0]).round(3).tolist())

    def on_grad_computed(self, net, named_parameters, **kwargs):
        grads = [p.grad.norm() for _, p in named_parameters if p.grad is not None]
        self.norms.append(float(torch.linalg.vector_norm(torch.stack(grads))))


def _with_ids(X):
    X = {k: np.array(v) for k, v in X.items()}
    X["audio"][:, 0, 0] = np.arange(len(X["mask"]))  # a unique id per document
    return X


def test_validation_documents_are_held_out_before_resampling(data3):
    X, y = data3
    X = _with_ids(X)
    recorder = RecordBatches()
    clf = HilbertClassifier(random_state=0, sampler=RandomOverSampler(random_state=0),
                            validation_fraction=0.3, callbacks=[recorder],
                            **{**TINY, "max_epochs": 2, "standardize": False}).fit(X, y)
    valid = clf.net_.train_split.keywords["valid_ds"]
    valid_ids = np.asarray(valid.X["audio"][:, 0, 0]).round(3).tolist()
    assert len(valid_ids) == len(set(valid_ids)) == 18  # 30 % of 60, no copies
    assert not set(valid_ids) & recorder.ids  # no validation document is trained on
    assert len(recorder.ids) >= 38  # the other 42 are (a few may fall in dropped last batches)


@pytest.fixture(scope="module")
def imbalanced():
    kw = dict(n_segments=(4, 8), n_classes=3, weights=[0.8, 0.15, 0.05], d_audio=6, d_text=5,
              signal="audio", strength=0.25, n_prototypes=6)
    return (make_segment_data(n_docs=200, random_state=1, **kw),
            make_segment_data(n_docs=600, random_state=2, **kw))


def test_prior_correction_undoes_class_weighting(imbalanced):
    (X, y), (X_test, y_test) = imbalanced
    # the same network with and without the correction
    params = dict(random_state=0, **{**TINY, "max_epochs": 8, "batch_size": 32})
    raw = HilbertClassifier(prior_correction=False, **params).fit(X, y)
    fixed = HilbertClassifier(prior_correction=True, **params).fit(X, y)
    unweighted = HilbertClassifier(class_weight=None, **params).fit(X, y)
    # same network, logits moved by the prior shift only
    shift = np.log(np.bincount(y) / len(y)) - np.log(np.full(3, 1 / 3))
    np.testing.assert_allclose(fixed.prior_shift_ - fixed.prior_shift_[0], shift - shift[0])
    np.testing.assert_allclose(fixed.decision_function(X_test) - raw.decision_function(X_test),
                               np.broadcast_to(fixed.prior_shift_, (600, 3)), atol=1e-6)
    losses = {name: log_loss(y_test, clf.predict_proba(X_test), labels=[0, 1, 2])
              for name, clf in [("raw", raw), ("fixed", fixed), ("unweighted", unweighted)]}
    assert losses["fixed"] < losses["raw"] - 0.1
    assert losses["fixed"] <= losses["unweighted"] + 0.03
    # mean predicted probabilities follow the class frequencies, not a balanced prior
    np.testing.assert_allclose(fixed.predict_proba(X_test).mean(axis=0), [0.8, 0.15, 0.05], atol=0.05)
    assert raw.predict_proba(X_test).mean(axis=0)[2] > 0.15  # the weighted loss's balanced prior


def test_max_grad_norm_clips_every_step_and_none_does_not_clip(data3):
    X, y = data3
    clipped, free = RecordBatches(), RecordBatches()
    clf = HilbertClassifier(random_state=0, max_grad_norm=0.05, callbacks=[clipped],
                            **{**TINY, "max_epochs": 2}).fit(X, y)
    assert isinstance(dict(clf.net_.callbacks_)["gradient_clipping"], GradientNormClipping)
    assert max(clipped.norms) <= 0.05 * (1 + 1e-4)
    none = HilbertClassifier(random_state=0, callbacks=[free], **{**TINY, "max_epochs": 2}).fit(X, y)
    assert "gradient_clipping" not in dict(none.net_.callbacks_)
    assert max(free.norms) > 0.05


def test_cuda_device_falls_back_to_cpu_and_clone_refits(data3, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    X, y = data3
    with pytest.warns(UserWarning, match="CUDA is not available"):
        clf = HilbertClassifier(device="cuda", random_state=0, **{**TINY, "max_epochs": 1}).fit(X, y)
    assert clf.device_ == "cpu" and clf.get_params()["device"] == "cuda"
    cpu = HilbertClassifier(device="cpu", random_state=0, **{**TINY, "max_epochs": 1}).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), cpu.predict_proba(X))
    with pytest.warns(UserWarning, match="CUDA is not available"):
        assert clone(clf).fit(X, y).predict(X).shape == (60,)


def test_the_default_is_the_papers_hilbert_parameter_for_parameter():
    assert HilbertClassifier().get_params() == HilbertClassifier(**ABLATIONS["HILBERT"]).get_params()
    params = HilbertClassifier().get_params()
    assert {k: params[k] for k in PAPER} == PAPER
    # the paper's architecture (DESIGN.md section 4) and losses (section 5)
    assert (params["proj_dim"], params["n_experts"], params["expert_hidden"],
            params["head_hidden"]) == (128, 8, (32, 32), (32, 16))
    assert (params["contrastive"], params["cka"], params["mi_form"], params["head"]) == \
        ("dual", "linear", "abs", "moe")
    # none of the package's extensions
    assert not any(params[k] for k in ("segment_dropout", "segment_fusion", "pooled_head",
                                       "segment_interactions", "segment_order"))
    assert not {"pooled_logistic", "path_holdout"} & set(params)


def test_extended_turns_on_each_extension_and_nothing_else():
    assert set(EXTENDED) == {"segment_dropout", "segment_fusion", "pooled_head",
                             "segment_interactions", "cka", "mi_form"}
    paper, extended = HilbertClassifier().get_params(), HilbertClassifier(**EXTENDED).get_params()
    assert {k for k in paper if paper[k] != extended[k]} == set(EXTENDED)
    assert ABLATIONS["HILBERT extended"] == EXTENDED


def test_paper_rows_use_none_of_the_package_additions():
    for name in ("Transfer", "Transfer+MoE", "Contrastive+MoE", "HILBERT", "DualC only"):
        params = HilbertClassifier(**ABLATIONS[name]).get_params()
        assert {k: params[k] for k in PAPER} == PAPER
    assert ABLATIONS["DualC only"]["contrastive"] == "dual"
    assert ABLATIONS["DualC only"]["lambda_cka"] == ABLATIONS["DualC only"]["lambda_mi"] == 0


def test_all_ablation_rows_start_from_the_same_initial_weights(data3):
    """lr ~ 0 and one epoch: the fitted weights are the initial ones (to 1e-9)."""
    X, y = data3
    nets = {name: HilbertClassifier(random_state=3, **{**TINY, "max_epochs": 1, "lr": 1e-12,
                                                       **params}).fit(X, y).net_.module_
            for name, params in ABLATIONS.items()}
    ref = nets["HILBERT"].state_dict()
    for name, module in nets.items():
        for key, value in module.state_dict().items():
            if key.split(".")[0] in ("experts", "projector") and name == "Transfer":
                continue  # a different head (an MLP), hence other draws after it
            if key.split(".")[0] in ("segment_fusion", "pooled_head", "segment_interactions",
                                     "segment_order"):
                continue  # the extensions' own parts
            torch.testing.assert_close(value, ref[key], atol=1e-9, rtol=0, msg=f"{name}: {key}")
