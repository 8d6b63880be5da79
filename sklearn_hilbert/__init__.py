"""sklearn-hilbert: HILBERT document-level audio+text models as scikit-learn estimators.

Public API:

- :class:`Document`, :class:`Segment`, :func:`load_manifest`: the raw data;
- :class:`FrozenEncoderTransformer`: documents -> segment tensors (frozen encoders, cached);
- :class:`HilbertClassifier`: the HILBERT network as a classifier;
- :class:`SegmentPooler`: pooled features for logistic baselines;
- :mod:`sklearn_hilbert.datasets`: ``make_segment_data``, ``fetch_spoken_reviews``;
- :mod:`sklearn_hilbert.experiments`: the harness of ``hilbert cv`` (methods, the paper's
  ablations, cross-validation, scores, report).
"""

from .classifier import HilbertClassifier
from .documents import Document, DocumentError, Segment
from .manifest import load_manifest, save_manifest
from .encoders import ModelNotAvailableError
from .pooling import SegmentPooler
from .transformer import FrozenEncoderTransformer

__version__ = "0.1.0"

__all__ = [
    "Document",
    "DocumentError",
    "FrozenEncoderTransformer",
    "HilbertClassifier",
    "Segment",
    "SegmentPooler",
    "ModelNotAvailableError",
    "load_manifest",
    "save_manifest",
    "__version__",
]
