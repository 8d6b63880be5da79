"""Figures of a regression report: predicted against true scores, and residuals.

Drawn on :class:`matplotlib.figure.Figure` objects (no pyplot state is touched); needs
the ``[report]`` extra.  One panel per method, the out-of-fold predictions of the
first repeat.
"""

import numpy as np

from .._optional import import_optional
from .figures import PURPOSE


def _panels(n_methods, width=3.6, height=3.4):
    Figure = import_optional("matplotlib.figure", "report", PURPOSE).Figure
    ncols = min(n_methods, 3)
    nrows = int(np.ceil(n_methods / ncols))
    fig = Figure(figsize=(width * ncols, height * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax in axes.ravel()[n_methods:]:
        ax.axis("off")
    return fig, axes.ravel()[:n_methods]


def _save(fig, path, title):
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def plot_predicted_vs_true(y, predictions, path, title=None, scores=None):
    """Predicted against true score of every document, one panel per method.

    Parameters
    ----------
    y : array-like of shape (n_docs,)
        True scores.
    predictions : dict
        Method name -> out-of-fold predictions ``(n_docs,)``.
    path : path-like
        PNG file to write.
    title : str, default=None
    scores : dict, default=None
        Method name -> dict with ``mae`` and ``ccc``, shown in each panel's title.

    Returns
    -------
    path : path-like

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from sklearn_hilbert.experiments.regression_figures import plot_predicted_vs_true
    >>> y = np.array([1., 4., 2., 8.])
    >>> out = plot_predicted_vs_true(y, {"model": y + 0.5, "mean": np.full(4, 3.75)},
    ...                              os.path.join(tempfile.mkdtemp(), "scatter.png"))
    >>> os.path.getsize(out) > 0
    True
    """
    y = np.asarray(y, dtype=float)
    fig, axes = _panels(len(predictions))
    low, high = y.min(), y.max()
    for p in predictions.values():
        low, high = min(low, np.nanmin(p)), max(high, np.nanmax(p))
    pad = 0.05 * (high - low or 1.0)
    for ax, (name, pred) in zip(axes, predictions.items()):
        ax.scatter(y, pred, s=12, alpha=0.7, color="tab:blue")
        ax.plot([low - pad, high + pad], [low - pad, high + pad], ":", color="grey", lw=0.8)
        ax.set(xlim=(low - pad, high + pad), ylim=(low - pad, high + pad), xlabel="true",
               ylabel="predicted")
        label = name
        if scores is not None and name in scores:
            label += f"\nMAE {scores[name]['mae']:.2f}, CCC {scores[name]['ccc']:.2f}"
        ax.set_title(label, fontsize=9)
    return _save(fig, path, title)


def plot_residuals(y, predictions, path, title=None):
    """Residual (predicted minus true) against the true score, one panel per method.

    A mean predictor shows a line of slope -1 (it over-predicts low scores and
    under-predicts high ones); a useful model flattens it.  Arguments as in
    :func:`plot_predicted_vs_true`.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from sklearn_hilbert.experiments.regression_figures import plot_residuals
    >>> y = np.array([1., 4., 2., 8.])
    >>> out = plot_residuals(y, {"model": y + 0.5}, os.path.join(tempfile.mkdtemp(), "res.png"))
    >>> os.path.getsize(out) > 0
    True
    """
    y = np.asarray(y, dtype=float)
    fig, axes = _panels(len(predictions))
    residuals = {name: np.asarray(p, dtype=float) - y for name, p in predictions.items()}
    bound = max(np.nanmax(np.abs(r)) for r in residuals.values()) * 1.1 or 1.0
    for ax, (name, r) in zip(axes, residuals.items()):
        ax.scatter(y, r, s=12, alpha=0.7, color="tab:orange")
        ax.axhline(0.0, color="grey", ls=":", lw=0.8)
        ax.set(ylim=(-bound, bound), xlabel="true", ylabel="predicted - true")
        ax.set_title(name, fontsize=9)
    return _save(fig, path, title)
