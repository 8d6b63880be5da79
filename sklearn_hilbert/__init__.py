"""sklearn-hilbert: HILBERT document-level audio+text models as scikit-learn estimators."""

from .classifier import HilbertClassifier
from .pooling import SegmentPooler

__version__ = "0.1.0"

__all__ = ["HilbertClassifier", "SegmentPooler", "__version__"]
