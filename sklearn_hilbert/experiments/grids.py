"""Grids of ``hilbert cv``: a loss-weight search inside each fold, and encoder-pair tables."""

import itertools

def parse_grid(spec):
    """``"lambda_cka=0,0.1;lambda_mi=0,1"`` -> ``{"lambda_cka": [0.0, 0.1], "lambda_mi": [0.0, 1.0]}``.

    Values are read as int, then float, else kept as strings (``none`` is None).

    Examples
    --------
    >>> parse_grid("lambda_cka=0,0.1;temperature=0.5")
    {'lambda_cka': [0, 0.1], 'temperature': [0.5]}
    """
    grid = {}
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        name, sep, values = part.partition("=")
        if not sep or not name.strip() or not values.strip():
            raise ValueError(f"--grid expects NAME=V1,V2;NAME=V1,... got {part!r}.")
        grid[name.strip()] = [_value(v.strip()) for v in values.split(",") if v.strip()]
    if not grid:
        raise ValueError("--grid is empty; expected e.g. 'lambda_cka=0,0.1,1'.")
    return grid


def _value(text):
    if text.lower() == "none":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def with_inner_search(methods, grid, *, names=("HILBERT",), inner_folds=3, random_state=0):
    """Replace ``names`` by a :class:`~sklearn_hilbert.model_selection.BatchedGridSearchCV`
    over ``grid`` (inner stratified folds, macro one-vs-rest AUC), refitted on each outer
    training fold.  Other methods (the ablations, whose loss weights define them) stay."""
    from ..classifier import HilbertClassifier
    from ..model_selection import BatchedGridSearchCV
    from ..stacking import _SmallDataStratifiedKFold

    valid = set(HilbertClassifier().get_params())
    unknown = sorted(set(grid) - valid)
    if unknown:
        raise ValueError(f"--grid names unknown HilbertClassifier parameters {unknown}.")
    # fewer inner folds when a class of an outer training fold is smaller than inner_folds
    cv = _SmallDataStratifiedKFold(inner_folds, shuffle=True, random_state=random_state)
    return {name: BatchedGridSearchCV(est, grid, cv=cv, scoring="roc_auc_ovr")
            if name in names else est for name, est in methods.items()}


def encoder_pairs(text_encoders, audio_encoders):
    """Every (text, audio) pair of two comma-separated lists.

    Examples
    --------
    >>> encoder_pairs("a,b", "logmel")
    [('a', 'logmel'), ('b', 'logmel')]
    """
    split = lambda s: [x.strip() for x in s.split(",") if x.strip()]  # noqa: E731
    return list(itertools.product(split(text_encoders), split(audio_encoders)))


def encoder_table(results):
    """Paper-style table: one row per encoder pair, one column per configuration (AUC).

    Parameters
    ----------
    results : list of ((text, audio), rows)
        ``rows`` as returned by :func:`~sklearn_hilbert.experiments.runner.summarize`.

    Returns
    -------
    str
        A markdown table, cells ``mean ± std`` of the fold AUCs.
    """
    methods = list(dict.fromkeys(r["method"] for _, rows in results for r in rows))
    lines = ["| text encoder | audio encoder | " + " | ".join(methods) + " |",
             "|---|---|" + "---|" * len(methods)]
    for (text, audio), rows in results:
        by = {r["method"]: r for r in rows}
        cells = [f"{by[m]['auc_mean']:.3f} ± {by[m]['auc_std']:.3f}" if m in by else ""
                 for m in methods]
        lines.append(f"| {text} | {audio} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
