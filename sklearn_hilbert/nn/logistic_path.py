"""The logistic path: logistic regression on pooled segment statistics, fitted, not trained.

On a few hundred documents the one-line baseline (logistic regression on the
mean and standard deviation of each modality's segment embeddings) is hard to
beat, and the network cannot learn it by gradient descent in the few hundred
steps it gets: its own pooled-statistics head starts at zero and stays behind
(``docs/model.md``).  :class:`PooledLogistic` is that baseline inside
:class:`~sklearn_hilbert.nn.HilbertModule`: a fixed linear map whose
coefficients :func:`fit_logistic_path` sets with scikit-learn's
:class:`~sklearn.linear_model.LogisticRegression`, choosing the modalities
(audio, text or both) and ``C`` by cross-validated log-loss on the training
documents.  It is not part of training (its path weight is 0 then); it joins
the other paths when they are weighed on held-out documents
(:mod:`sklearn_hilbert.nn.path_weights`) if a likelihood-ratio test there says it
adds to them.  Where the network adds nothing to the baseline the classifier
falls back to it; where pooled statistics carry nothing, the path stays out.
"""

import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils import Bunch
from torch import nn

from .side_paths import pooled_features

#: Modality subsets the logistic path chooses from.
MODALITY_SETS = (("audio",), ("text",), ("audio", "text"))
#: Inverse regularisation strengths it chooses from.
C_GRID = (0.001, 0.01, 0.1, 1.0, 10.0)
#: Folds of the inner cross-validation (fewer when the rarest class has fewer documents).
INNER_FOLDS = 3


class PooledLogistic(nn.Module):
    """Logits ``W ((s - centre) / scale) + b`` of the pooled statistics
    ``s = [mean_a; std_a; mean_t; std_t]`` of the (standardised) segment features.

    Every coefficient is a buffer: nothing here is trained by the optimiser.
    All zero until :func:`fit_logistic_path` sets them; a modality left out has
    zero coefficients.

    Parameters
    ----------
    d_audio, d_text : int
        Widths of the segment features.
    n_classes : int
        Number of logits.

    Examples
    --------
    >>> import torch
    >>> from sklearn_hilbert.nn.logistic_path import PooledLogistic
    >>> path = PooledLogistic(d_audio=3, d_text=2, n_classes=2)
    >>> mask = torch.ones(1, 4, dtype=torch.bool)
    >>> path.features(torch.randn(1, 4, 3), torch.randn(1, 4, 2), mask).shape
    torch.Size([1, 10])
    >>> path(torch.randn(1, 4, 3), torch.randn(1, 4, 2), mask).tolist()  # not fitted yet
    [[0.0, 0.0]]
    """

    def __init__(self, d_audio, d_text, n_classes):
        super().__init__()
        self.d_audio, self.d_text = d_audio, d_text
        n_features = 2 * (d_audio + d_text)
        self.register_buffer("centre", torch.zeros(n_features))
        self.register_buffer("scale", torch.ones(n_features))
        self.register_buffer("weight", torch.zeros(n_classes, n_features))
        self.register_buffer("bias", torch.zeros(n_classes))

    def features(self, audio, text, mask):
        """Pooled statistics ``(B, 2 (d_audio + d_text))``: audio mean, std, text mean, std."""
        return pooled_features(audio, text, mask)

    def columns(self, modalities):
        """Indices of the feature columns of ``modalities``."""
        audio, text = np.arange(2 * self.d_audio), 2 * self.d_audio + np.arange(2 * self.d_text)
        return np.concatenate([audio if m == "audio" else text for m in modalities])

    def forward(self, audio, text, mask):
        return ((self.features(audio, text, mask) - self.centre) / self.scale) @ self.weight.T \
            + self.bias


def _pooled_features(module, X, batch_size=256):
    """Each document's pooled statistics ``(n, n_features)`` float64, as ``module`` sees them."""
    device = module.audio_mean.device
    out = []
    with torch.inference_mode():
        for start in range(0, len(X["mask"]), batch_size):
            part = {key: torch.as_tensor(np.asarray(X[key][start:start + batch_size]),
                                         device=device) for key in ("audio", "text", "mask")}
            audio, text = module.standardize(part["audio"].float(), part["text"].float())
            out.append(pooled_features(audio, text, part["mask"]).cpu())
    return torch.cat(out).double().numpy()


def _pipeline(columns, C, class_weight):
    return Pipeline([
        ("select", FunctionTransformer(np.take, kw_args={"indices": columns, "axis": 1})),
        ("scale", StandardScaler()),
        ("logistic", LogisticRegression(C=C, class_weight=class_weight, max_iter=1000)),
    ])


def _choose(path, F, y, class_weight, seed):
    """The modality set and ``C`` of the best mean inner-CV log-loss (``Bunch``)."""
    folds = min(INNER_FOLDS, int(np.bincount(y)[np.unique(y)].min()))
    if folds < 2:  # a class of one document: nothing to validate on
        return Bunch(modalities=("audio", "text"), C=1.0)
    cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
    scores = {(m, C): cross_val_score(_pipeline(path.columns(m), C, class_weight), F, y, cv=cv,
                                      scoring="neg_log_loss", error_score=np.nan).mean()
              for m in MODALITY_SETS for C in C_GRID}
    modalities, C = max(scores, key=lambda k: np.nan_to_num(scores[k], nan=-np.inf))
    return Bunch(modalities=modalities, C=C)


def logistic_class_weight(y, prior):
    """Class weights under which documents with labels ``y`` imply the class ``prior``.

    The network's loss implies a class prior (class weights times the class
    counts it trains on, after resampling); weighting the logistic path's
    documents to the same prior makes its logits comparable with the
    network's, and ``prior_shift_`` corrects both alike.

    Examples
    --------
    >>> import numpy as np
    >>> w = logistic_class_weight(np.array([0, 0, 0, 1]), np.array([0.5, 0.5]))
    >>> {c: round(v, 3) for c, v in w.items()}  # "balanced"
    {0: 0.667, 1: 2.0}
    """
    counts = np.bincount(y, minlength=len(prior)).astype(np.float64)
    present = counts > 0
    w = np.ones(len(prior))
    w[present] = prior[present] / prior[present].sum() * counts[present].sum() / counts[present]
    return {int(c): float(w[c]) for c in np.flatnonzero(present)}


def fit_logistic_path(module, X, y, prior, seed):
    """Fit ``module.pooled_logistic`` on documents ``X``, ``y``, in place.

    Parameters
    ----------
    module : HilbertModule
        A module with a logistic path (``pooled_logistic=True``) and its input statistics.
    X : mapping
        Segment tensors of the documents.
    y : ndarray of int
        Their encoded labels (``0 .. n_classes - 1``).
    prior : ndarray of shape (n_classes,)
        The class prior the logits should imply (:func:`logistic_class_weight`).
    seed : int
        Seed of the inner folds.

    Returns
    -------
    choice : Bunch
        The modalities and ``C`` used.
    """
    path = module.pooled_logistic
    F = _pooled_features(module, X)
    class_weight = logistic_class_weight(y, np.asarray(prior, dtype=np.float64))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        choice = _choose(path, F, y, class_weight, seed)
        columns = path.columns(choice.modalities)
        model = _pipeline(columns, choice.C, class_weight).fit(F, y)
    scaler, logistic = model.named_steps["scale"], model.named_steps["logistic"]
    coef, intercept = logistic.coef_, logistic.intercept_
    if coef.shape[0] == 1:  # binary: one logit difference -> two symmetric logits
        coef, intercept = np.vstack([-coef / 2, coef / 2]), np.r_[-intercept / 2, intercept / 2]
    n_classes, n_features = path.weight.shape
    weight, bias = np.zeros((n_classes, n_features)), np.zeros(n_classes)
    weight[np.ix_(logistic.classes_, columns)] = coef
    bias[logistic.classes_] = intercept
    centre, scale = np.zeros(n_features), np.ones(n_features)
    centre[columns], scale[columns] = scaler.mean_, scaler.scale_
    for name, value in (("centre", centre), ("scale", scale), ("weight", weight), ("bias", bias)):
        buffer = getattr(path, name)
        buffer.copy_(torch.as_tensor(value, dtype=buffer.dtype))
    return choice
