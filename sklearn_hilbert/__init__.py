"""sklearn-hilbert: HILBERT document-level audio+text models as scikit-learn estimators.

Public API:

- :class:`Document`, :class:`Segment`, :func:`load_manifest`: the raw data;
- :class:`FrozenEncoderTransformer`: documents -> segment tensors (frozen encoders, cached);
- :class:`HilbertClassifier`: the paper's HILBERT network as a classifier;
  :data:`EXTENDED`: the parameters of "HILBERT extended" (``HilbertClassifier(**EXTENDED)``);
- :class:`HilbertStackingClassifier`: cross-fitted stacking of HILBERT extended and the
  pooled logistic baselines;
- :class:`HilbertRegressor`: the same network for scores (one or several per document);
  :class:`HilbertStackingRegressor`: stacked with pooled ridge regression;
- :class:`SegmentPooler`: pooled features for the linear baselines;
- :mod:`sklearn_hilbert.datasets`: ``make_segment_data``, ``fetch_spoken_reviews``;
- :mod:`sklearn_hilbert.experiments`: the harness of ``hilbert cv`` (methods, the paper's
  ablations, cross-validation, scores, report).

The core install holds all of the above but the models and figures of the extras
(``[text]``, ``[hf]``, ``[transcribe]``, ``[dask]``, ``[report]``, ``[all]``): a feature
whose extra is missing raises :class:`MissingExtraError` naming the ``pip install``.
"""

from ._optional import MissingExtraError
from .classifier import EXTENDED, HilbertClassifier
from .documents import Document, DocumentError, Segment
from .manifest import load_manifest, save_manifest
from .encoders import ModelNotAvailableError
from .pooling import SegmentPooler
from .regressor import HilbertRegressor
from .stacking import HilbertStackingClassifier, HilbertStackingRegressor
from .transformer import FrozenEncoderTransformer

__version__ = "0.1.0"

__all__ = [
    "EXTENDED",
    "Document",
    "DocumentError",
    "FrozenEncoderTransformer",
    "HilbertClassifier",
    "HilbertRegressor",
    "HilbertStackingClassifier",
    "HilbertStackingRegressor",
    "Segment",
    "SegmentPooler",
    "MissingExtraError",
    "ModelNotAvailableError",
    "load_manifest",
    "save_manifest",
    "__version__",
]
