import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

from sklearn_hilbert.experiments.runner import cross_validate_methods, summarize
from sklearn_hilbert.experiments.methods import (METHOD_NAMES, LateFusionClassifier, make_methods,
                                     resolve_method_names)


def test_late_fusion_averages_probabilities():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = np.where(X[:, 0] + 0.3 * rng.normal(size=40) > 0, "yes", "no")
    fused = LateFusionClassifier([("lr", LogisticRegression()), ("nb", GaussianNB())]).fit(X, y)
    lr, nb = LogisticRegression().fit(X, y), GaussianNB().fit(X, y)
    np.testing.assert_allclose(fused.predict_proba(X),
                               (lr.predict_proba(X) + nb.predict_proba(X)) / 2)
    assert list(fused.classes_) == ["no", "yes"]
    assert clone(fused).get_params()["weights"] is None
    weighted = LateFusionClassifier([("lr", LogisticRegression()), ("nb", GaussianNB())],
                                    weights=[1, 0]).fit(X, y)
    np.testing.assert_allclose(weighted.predict_proba(X), lr.predict_proba(X))
    with pytest.raises(ValueError, match="weights"):
        LateFusionClassifier([("lr", LogisticRegression())], weights=[1, 2]).fit(X, y)


def test_method_names():
    assert list(make_methods()) == list(METHOD_NAMES)
    assert resolve_method_names("baselines,hilbert") == [*METHOD_NAMES[:5], "HILBERT"]
    assert resolve_method_names("ablations") == list(METHOD_NAMES[5:])
    with pytest.raises(ValueError, match="Unknown method 'svm'"):
        resolve_method_names("svm")
    hilbert = make_methods(["Transfer"], hilbert_params={"max_epochs": 3})["Transfer"]
    assert hilbert.max_epochs == 3 and hilbert.head == "mlp" and hilbert.contrastive is None


def test_baselines_find_the_modality_that_carries_the_label(segment_tensors):
    X, y = segment_tensors  # the label lives in the text segments
    methods = make_methods(["dummy (prior)", "logreg text", "logreg audio",
                            "logreg early fusion", "logreg late fusion"])
    rows = {r["method"]: r for r in summarize(
        cross_validate_methods(methods, X, y, n_splits=3, progress=False))}
    assert rows["Dummy (prior)"]["auc_mean"] == pytest.approx(0.5)
    assert rows["LogReg text"]["auc_mean"] > 0.85
    assert rows["LogReg audio"]["auc_mean"] < 0.75
    assert rows["LogReg early fusion"]["auc_mean"] > 0.8
    assert rows["LogReg late fusion"]["auc_mean"] > 0.8


def test_regression_methods_are_the_baselines_and_the_papers_rows():
    from sklearn.base import is_regressor

    from sklearn_hilbert import HilbertRegressor
    from sklearn_hilbert.experiments.ablation import ABLATIONS
    from sklearn_hilbert.experiments.methods import REGRESSION_METHOD_NAMES, make_regressors

    methods = make_regressors(hilbert_params={"max_epochs": 1}, random_state=3)
    assert list(methods) == list(REGRESSION_METHOD_NAMES)
    assert all(is_regressor(m) for m in methods.values())
    for row in ("Transfer", "Transfer+MoE", "Contrastive+MoE", "HILBERT"):
        params = methods[row].get_params()
        assert isinstance(methods[row], HilbertRegressor)
        assert params["max_epochs"] == 1 and params["random_state"] == 3
        assert all(params[k] == v for k, v in ABLATIONS[row].items())
    assert methods["Ridge text"].named_steps["segmentpooler"].modalities == ("text",)
    with pytest.raises(ValueError, match="Unknown method 'LogReg text' for regression"):
        make_regressors(["LogReg text"])
