"""``SegmentPooler``: segment tensors -> fixed-width features for classical baselines."""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._validation import check_segment_tensors, n_features_of

_STATS = ("mean", "std", "max", "min")


class SegmentPooler(TransformerMixin, BaseEstimator):
    """Pool each modality's segments into document features (mean, std, max, min).

    The baselines a reviewer asks for: logistic regression on pooled text,
    pooled audio, or both concatenated (early fusion).  Only real segments
    (``mask`` True) enter the statistics.

    Parameters
    ----------
    modalities : tuple of {"audio", "text"}, default=("audio", "text")
        Modalities to pool, concatenated in this order.
    stats : tuple of {"mean", "std", "max", "min"}, default=("mean", "std")
        Statistics per modality, concatenated in this order.

    Attributes
    ----------
    n_features_per_modality_ : dict
        Segment embedding width of each pooled modality seen in ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert import SegmentPooler
    >>> X = {"audio": np.arange(12.).reshape(1, 3, 4), "text": np.ones((1, 3, 2)),
    ...      "mask": np.array([[True, True, False]])}
    >>> pooler = SegmentPooler(modalities=("audio",), stats=("mean",)).fit(X)
    >>> pooler.transform(X)
    array([[2., 3., 4., 5.]])
    >>> pooler.get_feature_names_out()[:2].tolist()
    ['audio_mean_0', 'audio_mean_1']
    """

    _parameter_constraints = {"modalities": [tuple, list], "stats": [tuple, list]}

    def __init__(self, modalities=("audio", "text"), stats=("mean", "std")):
        self.modalities = modalities
        self.stats = stats

    def _check_options(self):
        self._validate_params()
        for name, allowed in (("modalities", ("audio", "text")), ("stats", _STATS)):
            values = list(getattr(self, name))
            bad = [v for v in values if v not in allowed]
            if not values or bad or len(set(values)) != len(values):
                raise ValueError(
                    f"{name} must be a non-empty tuple of distinct values from {allowed}, "
                    f"got {getattr(self, name)!r}."
                )

    def fit(self, X, y=None):
        """Record the embedding widths.

        Parameters
        ----------
        X : mapping
            Segment tensors.
        y : ignored

        Returns
        -------
        self : SegmentPooler
        """
        self._check_options()
        X = check_segment_tensors(X, modalities=tuple(self.modalities))
        self.n_features_per_modality_ = n_features_of(X)
        return self

    def transform(self, X):
        """Pool segments into ``(n_docs, n_features)`` float64 features."""
        check_is_fitted(self, "n_features_per_modality_")
        X = check_segment_tensors(X, modalities=tuple(self.modalities))
        mask = X["mask"][:, :, None]
        count = mask.sum(axis=1)
        blocks = []
        for m in self.modalities:
            d = X[m].shape[2]
            if d != self.n_features_per_modality_[m]:
                raise ValueError(
                    f"X['{m}'] has {d} features per segment; SegmentPooler was fitted with "
                    f"{self.n_features_per_modality_[m]}."
                )
            x = X[m].astype(np.float64)
            mean = np.where(mask, x, 0.0).sum(axis=1) / count
            for stat in self.stats:
                if stat == "mean":
                    blocks.append(mean)
                elif stat == "std":
                    var = np.where(mask, (x - mean[:, None, :]) ** 2, 0.0).sum(axis=1) / count
                    blocks.append(np.sqrt(var))
                elif stat == "max":
                    blocks.append(np.where(mask, x, -np.inf).max(axis=1))
                else:
                    blocks.append(np.where(mask, x, np.inf).min(axis=1))
        return np.hstack(blocks)

    def get_feature_names_out(self, input_features=None):
        """Names ``<modality>_<stat>_<dim>`` of the output columns."""
        check_is_fitted(self, "n_features_per_modality_")
        return np.asarray(
            [
                f"{m}_{s}_{i}"
                for m in self.modalities
                for s in self.stats
                for i in range(self.n_features_per_modality_[m])
            ],
            dtype=object,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.dict = True
        tags.requires_fit = True
        return tags
