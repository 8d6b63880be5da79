"""The experiment harness of ``hilbert cv``: what is compared, how, and how it is reported.

- :mod:`~sklearn_hilbert.experiments.methods`: the compared methods (baselines and the
  HILBERT ablations), as unfitted classifiers taking segment tensors;
- :mod:`~sklearn_hilbert.experiments.ablation`: the paper's ablation configurations;
- :mod:`~sklearn_hilbert.experiments.runner`: every method on the same stratified folds;
- :mod:`~sklearn_hilbert.experiments.scores`: fold scores that survive a missing class;
- :mod:`~sklearn_hilbert.experiments.report`: the report folder (tables, CSV files);
- :mod:`~sklearn_hilbert.experiments.figures`: ROC curves, attention, training curves;
- :mod:`~sklearn_hilbert.experiments.statistics`: paired tests (corrected resampled t-test,
  Wilcoxon), bootstrap intervals, per-class scores, calibration scores;
- :mod:`~sklearn_hilbert.experiments.evidence` (+ ``evidence_figures``): the report's
  paired-comparison, per-class, calibration and attribution sections.

The library (estimators, data model) never imports from here; ``cli.py`` does.
"""

from .ablation import ABLATIONS
from .methods import METHOD_NAMES, LateFusionClassifier, make_methods
from .report import write_report
from .runner import cross_validate_methods, summarize
from .scores import score_fold

__all__ = ["ABLATIONS", "METHOD_NAMES", "LateFusionClassifier", "cross_validate_methods",
           "make_methods", "score_fold", "summarize", "write_report"]
