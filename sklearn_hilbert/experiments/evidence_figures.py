"""Figures of the report's evidence sections: reliability diagram and segment attributions.

Drawn on :class:`matplotlib.figure.Figure` objects (no pyplot state is touched); needs
the ``[report]`` extra.
"""

import numpy as np

from .._optional import import_optional
from .figures import PURPOSE


def _figure(nrows, ncols, figsize, **kwargs):
    Figure = import_optional("matplotlib.figure", "report", PURPOSE).Figure
    fig = Figure(figsize=figsize)
    return fig, fig.subplots(nrows, ncols, squeeze=False, **kwargs)


def _save(fig, path, title=None):
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def reliability_curve(y, proba, classes, n_bins=10):
    """Points of a reliability diagram from out-of-fold probabilities.

    Two classes: the probability of the second class against the observed
    share of that class.  More classes: the top-label confidence (highest
    probability) against the share of documents whose most probable class is
    right.  Bins hold equal numbers of documents (quantiles).

    Returns
    -------
    confidence, observed : ndarray
        Mean predicted probability and observed frequency per bin.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert.experiments.evidence_figures import reliability_curve
    >>> y = np.array([0, 0, 1, 1]); p = np.array([[.9, .1], [.7, .3], [.3, .7], [.1, .9]])
    >>> reliability_curve(y, p, [0, 1], n_bins=2)
    (array([0.2, 0.8]), array([0., 1.]))
    """
    y, proba = np.asarray(y), np.asarray(proba, dtype=float)
    classes = list(classes)
    if len(classes) == 2:
        score, hit = proba[:, 1], (y == classes[1]).astype(float)
    else:
        score = proba.max(axis=1)
        hit = (np.asarray(classes)[proba.argmax(axis=1)] == y).astype(float)
    order = np.argsort(score, kind="stable")
    bins = [b for b in np.array_split(order, max(1, min(n_bins, len(y)))) if b.size]
    return (np.array([score[b].mean() for b in bins]), np.array([hit[b].mean() for b in bins]))


def plot_reliability(y, probas, classes, path, scores=None, title=None):
    """Reliability diagram of every method (out-of-fold probabilities) and their histogram.

    Parameters
    ----------
    y : array-like of shape (n,)
        True labels.
    probas : dict
        Method -> probabilities ``(n, n_classes)``.
    classes : array-like
        Class labels (column order).
    path : path-like
        PNG file to write.
    scores : dict, default=None
        Method -> ``{"brier": ..., "log_loss": ...}`` for the legend.
    title : str, default=None
        Figure title.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_hilbert.experiments.evidence_figures import plot_reliability
    >>> y = np.array([0, 1] * 10); p = np.c_[1 - y * .6 - .2, y * .6 + .2]
    >>> out = plot_reliability(y, {"m": p}, [0, 1], os.path.join(tempfile.mkdtemp(), "c.png"))
    >>> os.path.getsize(out) > 0
    True
    """
    colormaps = import_optional("matplotlib", "report", PURPOSE).colormaps
    classes = list(classes)
    n_bins = int(np.clip(len(y) // 15, 3, 10))
    fig, axes = _figure(1, 2, figsize=(11, 4.8), gridspec_kw={"width_ratios": [3, 2]})
    ax, hist = axes[0]
    cmap = colormaps["tab10"]
    label = (f"predicted P({classes[1]})" if len(classes) == 2
             else "confidence (highest probability)")
    for i, (name, proba) in enumerate(probas.items()):
        x, obs = reliability_curve(y, proba, classes, n_bins)
        style = "--" if "LogReg" in name or "Dummy" in name else "-"
        legend = name if not scores else (
            f"{name} (Brier {scores[name]['brier']:.3f}, log-loss {scores[name]['log_loss']:.3f})")
        ax.plot(x, obs, style, marker="o", ms=3, color=cmap(i % 10), lw=1.4, label=legend)
        conf = proba[:, 1] if len(classes) == 2 else proba.max(axis=1)
        hist.hist(conf, bins=np.linspace(0, 1, 11), histtype="step", color=cmap(i % 10), lw=1.2)
    ax.plot([0, 1], [0, 1], ":", color="grey", lw=0.8)
    observed = f"observed share of {classes[1]}" if len(classes) == 2 else "observed accuracy"
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel=label, ylabel=observed,
           title=f"Reliability ({n_bins} equal-count bins; dotted: perfectly calibrated)")
    ax.legend(fontsize=7, loc="upper left")
    hist.set(xlim=(0, 1), xlabel=label, ylabel="documents",
             title="Distribution of the predictions")
    return _save(fig, path, title)


def plot_segment_attributions(attributions, path, title=None, segment_labels=None):
    """Occlusion attributions of one document's segments (bars; positive = raised the class).

    Parameters
    ----------
    attributions : dict
        Kind (``"segment"``, ``"audio"``, ``"text"``) -> attributions ``(n_segments,)``.
    path : path-like
        PNG file to write.
    title : str, default=None
        Figure title.
    segment_labels : list of str, default=None
        Short text under each segment (its first words).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_hilbert.experiments.evidence_figures import plot_segment_attributions
    >>> att = {"segment": np.array([.2, -.1, 0.]), "audio": np.zeros(3),
    ...        "text": np.array([.1, 0, 0])}
    >>> out = plot_segment_attributions(att, os.path.join(tempfile.mkdtemp(), "a.png"))
    >>> os.path.getsize(out) > 0
    True
    """
    names = list(attributions)
    n_seg = len(attributions[names[0]])
    fig, axes = _figure(len(names), 1, figsize=(max(6.0, 0.32 * n_seg + 2.0),
                                                1.5 * len(names) + 1.8), sharex=True)
    x = np.arange(n_seg)
    limit = max(1e-3, max(float(np.abs(v).max()) for v in attributions.values())) * 1.15
    for ax, name in zip(axes[:, 0], names):
        v = np.asarray(attributions[name], dtype=float)
        ax.bar(x, v, width=0.8, color=np.where(v >= 0, "tab:red", "tab:blue"))
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_ylim(-limit, limit)
        ax.set_ylabel(f"hide\n{name}", rotation=0, ha="right", va="center")
    ax = axes[-1, 0]
    ax.set_xticks(x)
    if segment_labels is not None:
        ax.set_xticklabels(segment_labels, rotation=60, ha="right", fontsize=7)
    ax.set_xlabel("segment (in order)\nbar: drop of the predicted class's log-odds when "
                  "hidden\n(red: the segment supported the prediction)", fontsize=8)
    return _save(fig, path, title)
