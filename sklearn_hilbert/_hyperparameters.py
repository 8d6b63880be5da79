"""The hyperparameter constraints of :class:`~sklearn_hilbert.HilbertClassifier` and
:class:`~sklearn_hilbert.HilbertRegressor`.

scikit-learn's ``_validate_params`` checks every parameter against them at ``fit``;
:func:`check_network_shapes` checks what a constraint cannot say (one parameter
against another, the items of a tuple).
"""

from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

#: parameter name -> accepted types and ranges (scikit-learn's parameter validation),
#: for the parameters both estimators share
NETWORK_CONSTRAINTS = {
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
    "segment_order": ["boolean"],
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
    "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
    "patience": [Interval(Integral, 1, None, closed="left")],
    "random_state": ["random_state"],
    "n_seeds": [Interval(Integral, 1, None, closed="left")],
    "device": [str, torch.device],
    "verbose": ["verbose"],
    "callbacks": [list, None],
}
CLASSIFIER_CONSTRAINTS = {
    **NETWORK_CONSTRAINTS,
    "class_weight": [StrOptions({"balanced"}), dict, None],
    "prior_correction": ["boolean"],
    "sampler": [HasMethods(["fit_resample"]), None],
}
REGRESSOR_CONSTRAINTS = {**NETWORK_CONSTRAINTS, "loss": [StrOptions({"squared_error", "huber"})]}


def check_network_shapes(estimator):
    """Raise a ``ValueError`` naming the parameter when the network's sizes do not fit.

    ``d_model`` must be divisible by ``n_heads``; ``expert_hidden`` and
    ``head_hidden`` must be non-empty tuples of positive ints.

    Examples
    --------
    >>> from sklearn_hilbert import HilbertClassifier
    >>> check_network_shapes(HilbertClassifier(d_model=30, n_heads=4))
    Traceback (most recent call last):
    ...
    ValueError: d_model=30 must be divisible by n_heads=4.
    """
    if estimator.d_model % estimator.n_heads:
        raise ValueError(
            f"d_model={estimator.d_model} must be divisible by n_heads={estimator.n_heads}."
        )
    for name in ("expert_hidden", "head_hidden"):
        sizes = getattr(estimator, name)
        if not sizes or not all(isinstance(s, Integral) and s > 0 for s in sizes):
            raise ValueError(f"{name} must be a non-empty tuple of positive ints, got {sizes!r}.")
