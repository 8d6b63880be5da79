"""The experiment harness of ``hilbert cv``: what is compared, how, and how it is reported.

- :mod:`~sklearn_hilbert.experiments.methods`: the compared methods (baselines and the
  HILBERT ablations), as unfitted classifiers taking segment tensors;
- :mod:`~sklearn_hilbert.experiments.ablation`: the paper's ablation configurations;
- :mod:`~sklearn_hilbert.experiments.runner`: every method on the same folds (stratified,
  or group folds that keep speakers/corpora apart);
- :mod:`~sklearn_hilbert.experiments.holdout`: the official-split protocol (train/dev/test);
- :mod:`~sklearn_hilbert.experiments.scores`: fold scores that survive a missing class, and
  regression scores (MAE, RMSE, Pearson r, CCC, R^2);
- :mod:`~sklearn_hilbert.experiments.subgroups`, :mod:`~sklearn_hilbert.experiments.summary`:
  scores within subgroups, the summary of a run over several labels;
- :mod:`~sklearn_hilbert.experiments.report`: the report folder (tables, CSV files);
- :mod:`~sklearn_hilbert.experiments.figures`: ROC curves, attention, training curves;
- :mod:`~sklearn_hilbert.experiments.statistics`: paired tests (corrected resampled t-test,
  Wilcoxon), bootstrap intervals, per-class scores, calibration scores;
- :mod:`~sklearn_hilbert.experiments.evidence` (+ ``evidence_figures``): the report's
  paired-comparison, per-class, calibration and attribution sections;
  :mod:`~sklearn_hilbert.experiments.regression_report` (+ ``regression_figures``): those of
  a regression.

The library (estimators, data model) never imports from here; the command line (``_cli``) does.
"""

from .ablation import ABLATIONS
from .holdout import evaluate_split, write_split_report
from .methods import METHOD_NAMES, REGRESSION_METHOD_NAMES, LateFusionClassifier, make_methods, \
    make_regressors
from .report import write_report
from .runner import cross_validate_methods, summarize
from .scores import concordance_correlation, score_fold, score_regression_fold
from .subgroups import subgroup_scores
from .summary import write_summary

__all__ = ["ABLATIONS", "METHOD_NAMES", "REGRESSION_METHOD_NAMES", "LateFusionClassifier",
           "concordance_correlation", "cross_validate_methods", "evaluate_split",
           "make_methods", "make_regressors", "score_fold", "score_regression_fold",
           "subgroup_scores", "summarize", "write_report", "write_split_report",
           "write_summary"]
