"""Cross-validation and grid search that train many HILBERT models at once.

All (candidate x fold) models of a search train together as one stacked
network per group of same-shaped models (see ``docs/model_selection.md``).
"""

from ._engine import fit_models

__all__ = ["fit_models"]
