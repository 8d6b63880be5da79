"""Figures: ROC curves and attention of the cross-validation report, training curves.

Figures are drawn on :class:`matplotlib.figure.Figure` objects and saved to
files, so no pyplot state or backend of the caller (e.g. a notebook) is touched.
Drawing needs the ``[report]`` extra (matplotlib).
"""

import numpy as np

from .._optional import import_optional

PURPOSE = "Drawing the report's figures"


def _subplots(nrows, ncols, figsize, **kwargs):
    Figure = import_optional("matplotlib.figure", "report", PURPOSE).Figure
    fig = Figure(figsize=figsize)
    return fig, fig.subplots(nrows, ncols, squeeze=False, **kwargs)


def _save(fig, path, title=None, fontsize=None):
    if title:
        fig.suptitle(title, fontsize=fontsize)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def plot_roc_curves(y, probas, classes, path, title=None):
    """One-vs-rest ROC curve of every method, one panel per class.

    Parameters
    ----------
    y : array-like of shape (n_docs,)
        True labels.
    probas : dict
        Method name -> out-of-fold probabilities ``(n_docs, n_classes)``,
        columns following ``classes``.
    classes : array-like of shape (n_classes,)
        Class labels.
    path : path-like
        PNG file to write.
    title : str, default=None
        Figure title.

    Returns
    -------
    path : path-like
        ``path``.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from sklearn_hilbert.experiments.figures import plot_roc_curves
    >>> y = np.array([0, 1, 0, 1]); p = np.array([[.8, .2], [.3, .7], [.4, .6], [.1, .9]])
    >>> out = plot_roc_curves(y, {"model": p}, [0, 1], os.path.join(tempfile.mkdtemp(), "roc.png"))
    >>> os.path.getsize(out) > 0
    True
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    colormaps = import_optional("matplotlib", "report", PURPOSE).colormaps
    y = np.asarray(y)
    classes = list(classes)
    # two classes: one panel (the curve of class 1 vs class 0)
    panels = classes[1:] if len(classes) == 2 else classes
    ncols = min(len(panels), 2)
    nrows = int(np.ceil(len(panels) / ncols))
    fig, axes = _subplots(nrows, ncols, figsize=(5.5 * ncols, 4.8 * nrows))
    cmap = colormaps["tab10"]
    for ax, c in zip(axes.ravel(), panels):
        k = classes.index(c)
        positive = y == c
        for i, (name, proba) in enumerate(probas.items()):
            if positive.all() or not positive.any():
                continue
            fpr, tpr, _ = roc_curve(positive, proba[:, k])
            auc = roc_auc_score(positive, proba[:, k])
            style = "-" if "LogReg" not in name and "Dummy" not in name else "--"
            ax.plot(fpr, tpr, style, color=cmap(i % 10), lw=1.6, label=f"{name} ({auc:.3f})")
        ax.plot([0, 1], [0, 1], ":", color="grey", lw=0.8)
        ax.set(xlim=(0, 1), ylim=(0, 1.01), xlabel="False positive rate",
               ylabel="True positive rate",
               title=f"{c} vs rest (n={int(positive.sum())})")
        ax.legend(loc="lower right", fontsize=7, title="method (AUC)", title_fontsize=7)
    for ax in axes.ravel()[len(panels):]:
        ax.axis("off")
    return _save(fig, path, title)


def plot_attention(weights, path, title=None, segment_labels=None):
    """Attention-pooling weights of one document over its segments (audio, text, joint).

    Parameters
    ----------
    weights : dict
        Encoder name (e.g. ``"audio"``, ``"text"``, ``"joint"``) -> weights of
        shape ``(n_segments,)`` over the document's real segments.
    path, title
        As in :func:`plot_roc_curves` (a title such as the document id, true
        and predicted label); returns ``path``.
    segment_labels : list of str, default=None
        Short text under each segment (e.g. its first words).

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from sklearn_hilbert.experiments.figures import plot_attention
    >>> w = {"audio": np.array([.2, .3, .5]), "text": np.array([.6, .2, .2])}
    >>> out = plot_attention(w, os.path.join(tempfile.mkdtemp(), "att.png"), title="doc 1")
    >>> os.path.getsize(out) > 0
    True
    """
    names = list(weights)
    n_seg = len(next(iter(weights.values())))
    width = max(6.0, 0.32 * n_seg + 2.0)
    fig, axes = _subplots(len(names), 1, figsize=(width, 1.5 * len(names) + 1.6), sharex=True)
    x = np.arange(n_seg)
    for ax, name, color in zip(axes[:, 0], names, ("tab:blue", "tab:orange", "tab:green")):
        w = np.asarray(weights[name], dtype=float)
        ax.bar(x, w, color=color, width=0.8)
        ax.axhline(1.0 / n_seg, color="grey", ls=":", lw=0.8)  # uniform attention
        ax.set_ylabel(name, rotation=0, ha="right", va="center")
        ax.set_ylim(0, max(w.max() * 1.15, 1.5 / n_seg))
    ax = axes[-1, 0]
    ax.set_xticks(x)
    if segment_labels is not None:
        ax.set_xticklabels(segment_labels, rotation=60, ha="right", fontsize=7)
    ax.set_xlabel("segment (in interview order); dotted line: uniform attention")
    return _save(fig, path, title, fontsize=10)


def plot_loss_terms(history, path, title=None):
    """Training curves of every HILBERT loss term, one panel per term.

    Parameters
    ----------
    history : skorch.History
        ``HilbertClassifier.history_`` (or ``net_.history``).
    path, title
        As in :func:`plot_roc_curves`; returns ``path``.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_hilbert import HilbertClassifier
    >>> from sklearn_hilbert.datasets import make_segment_data
    >>> from sklearn_hilbert.experiments.figures import plot_loss_terms
    >>> X, y = make_segment_data(n_docs=40, n_segments=(3, 6), random_state=0)
    >>> clf = HilbertClassifier(d_model=16, proj_dim=16, max_epochs=3, random_state=0).fit(X, y)
    >>> out = plot_loss_terms(clf.history_, os.path.join(tempfile.mkdtemp(), "loss.png"))
    >>> os.path.getsize(out) > 0
    True
    """
    from ..nn.criterion import AUX_TERMS, OBJECTIVES

    task = [t for t in OBJECTIVES.values() if f"train_{t}" in history[-1]][:1]
    names = ["loss", *task, *AUX_TERMS]
    epochs = np.arange(1, len(history) + 1)
    fig, axes = _subplots(2, 3, figsize=(12, 6.5), sharex=True)
    for ax, name in zip(axes.ravel(), names):
        for split, style in (("train", "-"), ("valid", "--")):
            key = f"{split}_{name}"
            if key in history[-1]:
                ax.plot(epochs, history[:, key], style, label=split)
        ax.set_title("total (weighted)" if name == "loss" else name)
        ax.legend(fontsize=7)
    for ax in axes[-1]:
        ax.set_xlabel("epoch")
    return _save(fig, path, title)
