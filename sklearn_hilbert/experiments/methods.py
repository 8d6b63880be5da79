"""The methods compared by ``hilbert cv``: baselines, the paper's rows, HILBERT extended and stack.

Every method is a scikit-learn classifier (:func:`make_methods`) or, for scores,
regressor (:func:`make_regressors`) taking segment tensors (the output of
:class:`~sklearn_hilbert.FrozenEncoderTransformer`), so all of them run on the
same cached encodings and the same folds.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import check_is_fitted

from ..classifier import HilbertClassifier
from ..regressor import HilbertRegressor
from ..stacking import (HilbertStackingClassifier, HilbertStackingRegressor, pooled_logistic,
                        pooled_ridge)
from .ablation import ABLATIONS
from .scores import align_proba

#: The baselines a reviewer asks for, in table order.
BASELINES = (
    "Dummy (prior)",
    "LogReg text",
    "LogReg audio",
    "LogReg early fusion",
    "LogReg late fusion",
)
#: The HILBERT networks, named as in :data:`~sklearn_hilbert.experiments.ablation.ABLATIONS`
#: (the paper's four rows, "DualC only", "HILBERT extended"), then the stack.
ABLATION_NAMES = tuple(ABLATIONS) + ("HILBERT stack",)
#: Every method, in table order.
METHOD_NAMES = BASELINES + ABLATION_NAMES
#: The baselines of a regression (a score), in table order.
REGRESSION_BASELINES = (
    "Dummy (mean)",
    "Dummy (median)",
    "Ridge text",
    "Ridge audio",
    "Ridge early fusion",
)
#: The networks, as for classes: ``HilbertRegressor(**ABLATIONS[name])`` (the paper's rows,
#: "DualC only", "HILBERT extended") and "HILBERT stack" (:class:`HilbertStackingRegressor`).
REGRESSION_ABLATION_NAMES = ABLATION_NAMES
#: Every regression method, in table order.
REGRESSION_METHOD_NAMES = REGRESSION_BASELINES + REGRESSION_ABLATION_NAMES
#: What each regression baseline is (``hilbert methods`` prints it).
REGRESSION_DESCRIPTIONS = {
    "Dummy (mean)": "DummyRegressor(strategy='mean'): the training mean",
    "Dummy (median)": "DummyRegressor(strategy='median'): the training median",
    "Ridge text": "ridge regression on pooled text segment statistics (mean, std), alpha by "
                  "leave-one-out (RidgeCV)",
    "Ridge audio": "ridge regression on pooled audio segment statistics, alpha by RidgeCV",
    "Ridge early fusion": "ridge regression on pooled audio and text statistics together",
    "HILBERT stack": "HilbertStackingRegressor: HILBERT extended (as a regressor) stacked with "
                     "the three ridge baselines, non-negative weights per block fitted out of "
                     "fold",
}
#: What each row of the report contains (``hilbert methods`` prints it).
DESCRIPTIONS = {
    "Dummy (prior)": "DummyClassifier(strategy='prior'): the class frequencies",
    "LogReg text": "logistic regression on pooled text segment statistics (mean, std), "
                   "C by inner CV",
    "LogReg audio": "logistic regression on pooled audio segment statistics, C by inner CV",
    "LogReg early fusion": "logistic regression on pooled audio and text statistics together",
    "LogReg late fusion": "mean of the LogReg text and LogReg audio probabilities",
    "Transfer": "the paper's network, MLP head, cross-entropy only",
    "Transfer+MoE": "the paper's network and MoE head, cross-entropy only",
    "Contrastive+MoE": "the paper's network and MoE head + CLIP-style audio-text InfoNCE",
    "HILBERT": "HilbertClassifier(): the paper's HILBERT (joint-centric dual contrastive, "
               "linear CKA, |I(j;a) - I(j;t)|, MoE)",
    "DualC only": "the paper's HILBERT without the CKA and MI terms",
    "HILBERT extended": "HilbertClassifier(**EXTENDED): + segment dropout, segment fusion, "
                        "pooled-statistics head, segment-interaction path, debiased CKA, "
                        "one-sided MI",
    "HILBERT stack": "HilbertStackingClassifier(): cross-fitted stacking of HILBERT extended's "
                     "paths and the three LogReg baselines (one non-negative weight each)",
}


class LateFusionClassifier(ClassifierMixin, BaseEstimator):
    """Average the class probabilities of several classifiers fitted on the same data.

    Late fusion of modalities: give it one pipeline per modality (each
    selecting its own modality from the segment tensors); ``predict_proba``
    is the (weighted) mean of their probabilities.

    Parameters
    ----------
    estimators : list of (str, estimator)
        Named classifiers with ``predict_proba``; cloned in ``fit``.
    weights : array-like of shape (n_estimators,), default=None
        Weights of the average; None gives equal weights.

    Attributes
    ----------
    estimators_ : list of estimator
        The fitted clones.
    n_features_in_ : int
        Features of a 2-D ``X`` (set when the first estimator has it).
    classes_ : ndarray of shape (n_classes,)
        Class labels (from ``y``); columns of ``predict_proba``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from sklearn_hilbert.experiments.methods import LateFusionClassifier
    >>> X = np.array([[0.], [1.], [2.], [3.]]); y = np.array([0, 0, 1, 1])
    >>> clf = LateFusionClassifier([("lr", LogisticRegression()), ("nb", GaussianNB())]).fit(X, y)
    >>> clf.predict(X)
    array([0, 0, 1, 1])
    >>> np.allclose(clf.predict_proba(X).sum(axis=1), 1)
    True
    """

    def __init__(self, estimators, weights=None):
        self.estimators = estimators
        self.weights = weights

    def fit(self, X, y):
        """Fit a clone of every estimator on ``(X, y)``; return self."""
        if not self.estimators:
            raise ValueError("LateFusionClassifier needs at least one estimator.")
        if self.weights is not None and len(self.weights) != len(self.estimators):
            raise ValueError(
                f"weights has {len(self.weights)} entries for {len(self.estimators)} estimators."
            )
        self.classes_ = unique_labels(y)
        self.estimators_ = [clone(est).fit(X, y) for _, est in self.estimators]
        n_features = getattr(self.estimators_[0], "n_features_in_", None)
        if n_features is not None:  # 2-D input: the estimators check it at predict
            self.n_features_in_ = n_features
        return self

    def predict_proba(self, X):
        """Weighted mean of the estimators' probabilities, columns following ``classes_``."""
        check_is_fitted(self)
        probas = [align_proba(est.predict_proba(X), est.classes_, self.classes_)
                  for est in self.estimators_]
        return np.average(np.stack(probas), axis=0, weights=self.weights)

    def predict(self, X):
        """Most probable class."""
        proba = self.predict_proba(X)  # checks fitted first
        return self.classes_[np.argmax(proba, axis=1)]


def make_methods(names=None, *, hilbert_params=None, C_grid=(0.01, 0.1, 1.0), inner_cv=3,
                 random_state=0):
    """Build the compared methods, unfitted, in table order.

    Parameters
    ----------
    names : list of str or None, default=None
        Subset of :data:`METHOD_NAMES` (case-insensitive); None means all of them.
    hilbert_params : dict, default=None
        Extra :class:`~sklearn_hilbert.HilbertClassifier` parameters shared by
        every network, the stack's included (e.g. ``{"max_epochs": 30}``).
    C_grid : sequence of float, default=(0.01, 0.1, 1.0)
        Inner grid of the logistic baselines.
    inner_cv : int, default=3
        Folds of the inner grid search.
    random_state : int, default=0
        Seed of the inner folds and of the networks.

    Returns
    -------
    dict
        Method name -> estimator taking segment tensors.

    Examples
    --------
    >>> from sklearn_hilbert.experiments.methods import make_methods
    >>> list(make_methods(["dummy (prior)", "HILBERT"]))
    ['Dummy (prior)', 'HILBERT']
    """
    names = resolve_method_names(names)
    methods = {}
    for name in names:
        if name == "Dummy (prior)":
            methods[name] = DummyClassifier(strategy="prior")
        elif name == "LogReg text":
            methods[name] = pooled_logistic(("text",), C_grid, inner_cv, random_state)
        elif name == "LogReg audio":
            methods[name] = pooled_logistic(("audio",), C_grid, inner_cv, random_state)
        elif name == "LogReg early fusion":
            methods[name] = pooled_logistic(("audio", "text"), C_grid, inner_cv, random_state)
        elif name == "LogReg late fusion":
            methods[name] = LateFusionClassifier([
                ("text", pooled_logistic(("text",), C_grid, inner_cv, random_state)),
                ("audio", pooled_logistic(("audio",), C_grid, inner_cv, random_state)),
            ])
        elif name == "HILBERT stack":
            network = HilbertClassifier(**{"random_state": random_state,
                                           **(hilbert_params or {}),
                                           **ABLATIONS["HILBERT extended"]})
            baselines = [(f"logreg_{key}", pooled_logistic(modalities, C_grid, inner_cv,
                                                           random_state))
                         for key, modalities in (("text", ("text",)), ("audio", ("audio",)),
                                                 ("fusion", ("audio", "text")))]
            methods[name] = HilbertStackingClassifier(network, baselines,
                                                      random_state=random_state)
        else:
            params = {"random_state": random_state, **(hilbert_params or {}), **ABLATIONS[name]}
            methods[name] = HilbertClassifier(**params)
    return methods


def make_regressors(names=None, *, hilbert_params=None, random_state=0):
    """Build the compared regression methods (for a score), unfitted, in table order.

    Parameters
    ----------
    names : list of str or None, default=None
        Subset of :data:`REGRESSION_METHOD_NAMES` (case-insensitive; the
        groups ``"baselines"``, ``"ablations"``, ``"all"`` expand); None means
        all of them.
    hilbert_params : dict, default=None
        Extra :class:`~sklearn_hilbert.HilbertRegressor` parameters shared by
        every network (e.g. ``{"max_epochs": 30}``).
    random_state : int, default=0
        Seed of the networks.

    Returns
    -------
    dict
        Method name -> regressor taking segment tensors.

    Examples
    --------
    >>> from sklearn_hilbert.experiments.methods import make_regressors
    >>> list(make_regressors(["baselines"]))
    ['Dummy (mean)', 'Dummy (median)', 'Ridge text', 'Ridge audio', 'Ridge early fusion']
    """
    names = resolve_method_names(names, task="regression")
    methods = {}
    for name in names:
        if name == "Dummy (mean)":
            methods[name] = DummyRegressor(strategy="mean")
        elif name == "Dummy (median)":
            methods[name] = DummyRegressor(strategy="median")
        elif name == "Ridge text":
            methods[name] = pooled_ridge(("text",))
        elif name == "Ridge audio":
            methods[name] = pooled_ridge(("audio",))
        elif name == "Ridge early fusion":
            methods[name] = pooled_ridge(("audio", "text"))
        elif name == "HILBERT stack":
            network = HilbertRegressor(**{"random_state": random_state, **(hilbert_params or {}),
                                          **ABLATIONS["HILBERT extended"]})
            methods[name] = HilbertStackingRegressor(network, random_state=random_state)
        else:
            params = {"random_state": random_state, **(hilbert_params or {}), **ABLATIONS[name]}
            methods[name] = HilbertRegressor(**params)
    return methods


def _task_names(task):
    if task == "classification":
        return METHOD_NAMES, BASELINES, ABLATION_NAMES
    if task == "regression":
        return REGRESSION_METHOD_NAMES, REGRESSION_BASELINES, REGRESSION_ABLATION_NAMES
    raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")


def resolve_method_names(names, task="classification", *, other_task_ok=False):
    """Canonical method names for user input (case-insensitive; ``"baselines"``,
    ``"ablations"`` and ``"all"`` expand); raises ``ValueError`` naming unknown ones.

    ``task`` picks the classification or regression methods.  With
    ``other_task_ok``, a name of the other task's methods is left out instead
    of refused (one ``--methods`` for labels of both kinds).

    Examples
    --------
    >>> from sklearn_hilbert.experiments.methods import resolve_method_names
    >>> resolve_method_names("hilbert,logreg text")
    ['LogReg text', 'HILBERT']
    >>> resolve_method_names("dummy (mean),LogReg text", "regression", other_task_ok=True)
    ['Dummy (mean)']
    """
    all_names, baselines, ablations = _task_names(task)
    if names is None:
        return list(all_names)
    if isinstance(names, str):
        names = [n for n in names.split(",") if n.strip()]
    lookup = {n.lower(): n for n in all_names}
    other = {n.lower() for n in METHOD_NAMES + REGRESSION_METHOD_NAMES}
    groups = {"all": all_names, "baselines": baselines, "ablations": ablations}
    out = []
    for raw in names:
        key = raw.strip().lower()
        if key in groups:
            out.extend(groups[key])
        elif key in lookup:
            out.append(lookup[key])
        elif not (other_task_ok and key in other):
            raise ValueError(
                f"Unknown method {raw.strip()!r} for {task}; choose from {list(all_names)} "
                "or the groups 'baselines', 'ablations', 'all'."
            )
    return [n for n in all_names if n in out]
