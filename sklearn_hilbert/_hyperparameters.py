"""The hyperparameter constraints of :class:`~sklearn_hilbert.HilbertClassifier`.

scikit-learn's ``_validate_params`` checks every parameter against them at ``fit``.
"""

from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

#: parameter name -> accepted types and ranges (scikit-learn's parameter validation)
PARAMETER_CONSTRAINTS = {
    "d_model": [Interval(Integral, 1, None, closed="left")],
    "n_heads": [Interval(Integral, 1, None, closed="left")],
    "proj_dim": [Interval(Integral, 1, None, closed="left")],
    "n_experts": [Interval(Integral, 1, None, closed="left")],
    "expert_hidden": [tuple, list],
    "head_hidden": [tuple, list],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "segment_dropout": [Interval(Real, 0, 1, closed="left")],
    "standardize": ["boolean"],
    "segment_fusion": ["boolean"],
    "pooled_head": ["boolean"],
    "segment_interactions": [Interval(Integral, 0, None, closed="left")],
    "temperature": [Interval(Real, 0, None, closed="neither")],
    "contrastive": [StrOptions({"dual", "pairwise"}), None],
    "head": [StrOptions({"moe", "mlp"})],
    "lambda_contrastive": [Interval(Real, 0, None, closed="left")],
    "lambda_cka": [Interval(Real, 0, None, closed="left")],
    "cka": [StrOptions({"linear", "debiased"})],
    "lambda_mi": [Interval(Real, 0, None, closed="left")],
    "mi_form": [StrOptions({"abs", "lift"})],
    "lambda_balance": [Interval(Real, 0, None, closed="left")],
    "max_epochs": [Interval(Integral, 1, None, closed="left")],
    "lr": [Interval(Real, 0, None, closed="neither")],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "weight_decay": [Interval(Real, 0, None, closed="left")],
    "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
    "class_weight": [StrOptions({"balanced"}), dict, None],
    "prior_correction": ["boolean"],
    "sampler": [HasMethods(["fit_resample"]), None],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
    "path_holdout": [Interval(Real, 0, 1, closed="neither"), None],
    "patience": [Interval(Integral, 1, None, closed="left")],
    "random_state": ["random_state"],
    "n_seeds": [Interval(Integral, 1, None, closed="left")],
    "device": [str, torch.device],
    "verbose": ["verbose"],
    "callbacks": [list, None],
}
