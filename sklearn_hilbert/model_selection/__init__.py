"""Cross-validation and grid search that train many HILBERT models at once.

All (candidate x fold) models of a search train together, one stacked
network per group of same-shaped models; see ``docs/model_selection.md``.
"""

from ._engine import fit_models
from ._search import BatchedGridSearchCV
from ._validate import batched_cross_validate

__all__ = ["BatchedGridSearchCV", "batched_cross_validate", "fit_models"]
