"""The training set of the HILBERT estimators, before the network sees it.

Label and target checks, class weights, resampling with an imbalanced-learn
sampler, the validation split and the statistics that standardise the inputs.
Every function returns values; the estimators set their own fitted attributes.
"""

import numpy as np
import torch
from sklearn.base import clone
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from skorch.dataset import Dataset


def check_labels(y, n_docs):
    """``y`` as a 1-D array of classification targets, one per document; ValueError naming
    the first missing label otherwise."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (one label per document), got shape {y.shape}.")
    if y.shape[0] != n_docs:
        raise ValueError(f"X holds {n_docs} documents but y holds {y.shape[0]} labels.")
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise ValueError(f"y holds NaN for document {int(np.flatnonzero(np.isnan(y))[0])}.")
    if y.dtype.kind == "O":
        missing = [i for i, v in enumerate(y) if v is None or (isinstance(v, float) and v != v)]
        if missing:
            raise ValueError(f"y holds a missing label (None/NaN) for document {missing[0]}.")
    check_classification_targets(y)
    return y


def class_weights(class_weight, classes, y_enc):
    """Cross-entropy weight of each class (a tensor), or None.

    ``"balanced"`` weighs the classes present in ``y_enc`` (encoded labels) by
    inverse frequency; classes absent from it get 1.  A dict maps class labels
    to weights (1 for the classes it leaves out).
    """
    n_classes = len(classes)
    if class_weight is None:
        return None
    if class_weight == "balanced":
        present = np.unique(y_enc)
        weights = np.ones(n_classes)
        weights[present] = compute_class_weight("balanced", classes=present, y=y_enc)
        return torch.as_tensor(weights, dtype=torch.float32)
    unknown = set(class_weight) - set(classes.tolist())
    if unknown:
        raise ValueError(f"class_weight names classes not in y: {sorted(map(str, unknown))}.")
    return torch.as_tensor(
        [float(class_weight.get(c, 1.0)) for c in classes.tolist()],
        dtype=torch.float32,
    )


def resample_documents(sampler, X, y_enc):
    """Apply an imbalanced-learn sampler to document indices; return the selected ``X, y_enc``.

    Only samplers that select existing documents are accepted: a synthetic
    document cannot be built from segment tensors.
    """
    if sampler is None:
        return X, y_enc
    index = np.arange(len(y_enc)).reshape(-1, 1)
    index_res, y_res = clone(sampler).fit_resample(index, y_enc)
    index_res = np.asarray(index_res).ravel()
    if not (
        np.all(index_res == np.round(index_res))
        and index_res.min() >= 0
        and index_res.max() < len(y_enc)
        and np.array_equal(y_enc[index_res.astype(int)], np.asarray(y_res))
    ):
        raise ValueError(
            f"sampler {type(sampler).__name__} created synthetic samples; HilbertClassifier "
            "resamples whole documents, so use a sampler that selects existing samples "
            "(RandomOverSampler, RandomUnderSampler, NearMiss on indices is meaningless too)."
        )
    index_res = index_res.astype(int)
    return X[index_res], y_enc[index_res]


def validation_split(validation_fraction, X, y, seed, stratify=True):
    """Hold out ``validation_fraction`` of the documents (stratified by class for a classifier).

    Returns ``X_train, y_train, valid_dataset`` (``valid_dataset`` is None when
    ``validation_fraction`` is None).
    """
    name = "validation_fraction"
    if validation_fraction is None:
        return X, y, None
    splitter = (StratifiedShuffleSplit if stratify else ShuffleSplit)(
        n_splits=1, test_size=validation_fraction, random_state=seed
    )
    try:
        train, valid = next(splitter.split(np.zeros(len(y)), y if stratify else None))
    except ValueError as exc:
        how = " stratified by class" if stratify else ""
        raise ValueError(
            f"Cannot hold out {name}={validation_fraction} of "
            f"{len(y)} documents{how} ({exc}). Use more documents, a "
            f"larger fraction or {name}=None."
        ) from None
    return X[train], y[train], Dataset(X[valid], y[valid])


def input_stats(X):
    """Per-feature mean and scale of the real training segments, per modality."""
    mask = X["mask"]
    stats = {}
    for name in ("audio", "text"):
        real = X[name][mask].astype(np.float64)
        scale = real.std(axis=0)
        scale[scale < 1e-8] = 1.0  # constant features stay as they are
        stats[name] = (real.mean(axis=0).astype(np.float32), scale.astype(np.float32))
    return stats


def check_regression_targets(y, n_docs):
    """``y`` as a float64 array ``(n, n_outputs)`` (a 1-D ``y`` is one output) and whether it
    was 1-D; ValueError naming the first document whose target is missing or not finite."""
    try:
        y = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("y must be numeric: one score (or one row of scores) per document.") from None
    one_d = y.ndim == 1
    if y.ndim not in (1, 2):
        raise ValueError(f"y must be 1-D or 2-D (documents x targets), got shape {y.shape}.")
    if y.shape[0] != n_docs:
        raise ValueError(f"X holds {n_docs} documents but y holds {y.shape[0]} targets.")
    y = y.reshape(n_docs, -1)
    if y.shape[1] == 0:
        raise ValueError("y has no target column.")
    bad = ~np.isfinite(y)
    if bad.any():
        doc, col = np.argwhere(bad)[0]
        raise ValueError(f"y holds a missing or infinite target for document {doc} "
                         f"(output {col}).")
    return y, one_d


def encode_classes(y, n_docs):
    """Check classification labels; return ``(classes, encoded labels int64)``."""
    from sklearn.preprocessing import LabelEncoder

    y = check_labels(y, n_docs)
    encoder = LabelEncoder().fit(y)
    if len(encoder.classes_) < 2:
        raise ValueError(
            f"y holds a single class ({encoder.classes_.tolist()[0]!r}); a classifier needs "
            "at least 2."
        )
    return encoder.classes_, encoder.transform(y).astype(np.int64)


def classification_set(X, y_enc, n_classes, seed, *, validation_fraction, sampler,
                       class_weight, classes):
    """The training set of one classifier network: validation split first (so resampling
    never copies a validation document), then the sampler, class weights and the prior
    offsets that undo both.  Returns a Bunch ``X, y, valid, class_weight, prior_shift``."""
    from sklearn.utils import Bunch

    from .nn.training import prior_log_shift

    X_train, y_train, valid = validation_split(validation_fraction, X, y_enc, seed)
    X_fit, y_fit = resample_documents(sampler, X_train, y_train)
    weight = class_weights(class_weight, classes, y_fit)
    shift = prior_log_shift(y_train, y_fit, weight, n_classes)
    return Bunch(X=X_fit, y=y_fit, valid=valid, class_weight=weight, prior_shift=shift)
