"""The report folder of ``hilbert cv``: tables (Markdown, CSV), ROC curves, attention figures
(classification), predicted-vs-true and residual plots (regression), the folds, subgroups."""

import csv
from pathlib import Path

import numpy as np

from .evidence import attribution_section, evidence_sections
from .figures import plot_attention, plot_roc_curves
from .regression_report import regression_sections
from .runner import summarize
from .subgroups import subgroup_scores, subgroup_section

COLUMNS = (
    ("Method", None),
    ("AUC (macro OvR)", "auc"),
    ("Balanced acc.", "balanced_accuracy"),
    ("G-mean", "gmean"),
    ("Fit s/fold", "fit_seconds"),
)
#: The columns of a regression's table.
REGRESSION_COLUMNS = (
    ("Method", None),
    ("MAE", "mae"),
    ("RMSE", "rmse"),
    ("Pearson r", "pearson_r"),
    ("CCC", "ccc"),
    ("R^2", "r2"),
    ("Fit s/fold", "fit_seconds"),
)


def _task_of(rows, task):
    if task is not None:
        return task
    return "regression" if rows and "mae_mean" in rows[0] else "classification"


def _pm(row, score):
    mean, std = row[f"{score}_mean"], row[f"{score}_std"]
    return "n/a" if np.isnan(mean) else f"{mean:.3f} ± {std:.3f}"


def table_cells(rows, task=None):
    """The summary as a header and rows of strings (mean ± std over folds)."""
    columns = REGRESSION_COLUMNS if _task_of(rows, task) == "regression" else COLUMNS
    header = [name for name, _ in columns]
    body = []
    for row in rows:
        cells = [row["method"]]
        for _, key in columns[1:]:
            cells.append(f"{row[key]:.1f}" if key == "fit_seconds" else _pm(row, key))
        body.append(cells)
    return header, body


def markdown_table(rows, task=None):
    """Markdown table of :func:`~sklearn_hilbert.experiments.runner.summarize` rows; best AUC
    (regression: lowest MAE) in bold.

    Examples
    --------
    >>> from sklearn_hilbert.experiments.report import markdown_table
    >>> row = {"method": "A", "auc_mean": .9, "auc_std": .01, "balanced_accuracy_mean": .8,
    ...        "balanced_accuracy_std": .02, "gmean_mean": .7, "gmean_std": .03,
    ...        "fit_seconds": 1.5}
    >>> print(markdown_table([row]))
    | Method | AUC (macro OvR) | Balanced acc. | G-mean | Fit s/fold |
    |---|---:|---:|---:|---:|
    | A | **0.900 ± 0.010** | 0.800 ± 0.020 | 0.700 ± 0.030 | 1.5 |
    """
    task = _task_of(rows, task)
    header, body = table_cells(rows, task)
    key = "mae_mean" if task == "regression" else "auc_mean"
    values = [r[key] for r in rows]
    best = None
    if not np.all(np.isnan(values)):
        best = np.nanmin(values) if task == "regression" else np.nanmax(values)
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    for row, cells in zip(rows, body):
        if best is not None and row[key] == best:
            cells = [cells[0], f"**{cells[1]}**", *cells[2:]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def text_table(rows, task=None):
    """Fixed-width plain-text table for the terminal."""
    header, body = table_cells(rows, task)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    fmt = lambda cells: "  ".join(  # noqa: E731
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([fmt(header), "-" * (sum(widths) + 2 * (len(widths) - 1)),
                      *map(fmt, body)])


def _write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def pick_attention_documents(y, proba, classes, n_docs=3):
    """Documents to show: per class in turn, the one given the highest out-of-fold
    probability of its true class (a confident correct prediction when there is one)."""
    y = np.asarray(y)
    classes = list(classes)
    true_p = proba[np.arange(len(y)), [classes.index(c) for c in y]]
    queues = [list(np.flatnonzero(y == c)[np.argsort(-true_p[y == c])]) for c in classes]
    chosen = []
    while len(chosen) < min(n_docs, len(y)):
        for queue in queues:
            if queue and len(chosen) < n_docs:
                chosen.append(int(queue.pop(0)))
    return chosen


def _attention_section(results, out, doc_ids, texts, n_docs):
    name = results.attention_method
    proba = results.oof[name][0]
    classes = list(results.classes)
    (out / "attention").mkdir(exist_ok=True)
    for old in (out / "attention").glob("*.png"):  # figures of an earlier run
        old.unlink()
    lines = [f"## Which segments {name} looked at", "",
             f"Attention-pooling weights of {name} over each document's segments, from the fold "
             "where the document was in the *test* split (first repeat). Dotted line in the "
             "figures: uniform attention. Top segments by joint attention:", ""]
    for i in pick_attention_documents(results.y, proba, classes, n_docs):
        n_seg = len(texts[i]) if texts is not None else int(
            np.count_nonzero(results.attention["joint"][i]))
        w = {k: v[i, :n_seg] for k, v in results.attention.items()}
        pred = classes[int(np.argmax(proba[i]))]
        doc = doc_ids[i]
        title = f"{doc}: true {results.y[i]}, predicted {pred} (p={proba[i].max():.2f})"
        short = None
        if texts is not None:
            short = [f"{k}: " + " ".join(t.split()[:3]) for k, t in enumerate(texts[i])]
        fname = f"attention/{_safe(doc)}.png"
        plot_attention(w, out / fname, title=title, segment_labels=short)
        lines += [f"### {title}", "", f"![attention of {doc}]({fname})", ""]
        if texts is not None:
            top = np.argsort(-w["joint"])[:3]
            lines += ["| segment | joint | audio | text | words |", "|---:|---:|---:|---:|---|"]
            lines += [f"| {k} | {w['joint'][k]:.3f} | {w['audio'][k]:.3f} | {w['text'][k]:.3f} "
                      f"| {texts[i][k].replace('|', '/')} |" for k in top]
            lines.append("")
    return lines


def _safe(name):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in str(name))


def fold_assignment(results, doc_ids):
    """One row per document and repeat: ``doc_id, repeat, fold`` (the test fold holding
    it) and, with groups, ``group``."""
    rows = []
    for r in range(results.n_repeats):
        for i, doc in enumerate(doc_ids):
            row = {"doc_id": doc, "repeat": r, "fold": int(results.fold_of[r, i])}
            if results.groups is not None:
                row["group"] = results.groups[i]
            rows.append(row)
    return rows


def _setup_sentence(results, group_column):
    task = getattr(results, "task", "classification")
    n = len(results.y)
    if results.groups is not None:
        kind = "Stratified group" if task == "classification" else "Group"
        folds = (f"{kind} {results.n_splits}-fold CV x {results.n_repeats} repeat(s) over the "
                 f"{results.n_groups} groups of `{group_column}`: checked, no group is in both "
                 "the training and the test documents of any fold (`folds.csv` gives each "
                 "document's fold and group)")
    else:
        kind = "Stratified" if task == "classification" else "Shuffled"
        folds = f"{kind} {results.n_splits}-fold CV x {results.n_repeats} repeat(s)"
    if task == "regression":
        y = np.asarray(results.y, dtype=float)
        return [
            f"{n} documents; score mean {y.mean():.3g}, sd {y.std():.3g}, range "
            f"[{y.min():.3g}, {y.max():.3g}]. {folds}, the same folds for every method. "
            "Scores: mean ± std over folds. MAE: mean absolute error; RMSE: root mean squared "
            "error (both lower is better); Pearson r; CCC: Lin's concordance correlation "
            "coefficient (1: exact, 0: a constant prediction; unlike r it punishes shifted "
            "or squeezed predictions); R^2: 1 - residual / total sum of squares (0: the test "
            "fold's mean; negative: worse than it). Fit s/fold: training time of one fold.",
            ""]
    counts = ", ".join(f"{c}: {int(np.sum(results.y == c))}" for c in results.classes)
    return [
        f"{n} documents; classes {counts}. {folds}, the same folds for every method. Scores: "
        "mean ± std over folds. AUC is the macro one-vs-rest ROC AUC; balanced accuracy the "
        "mean recall; G-mean the geometric mean of the recalls (imbalanced-learn). A class "
        "missing from a test fold is left out of that fold's averages. Fit s/fold: training "
        "time of one fold (inner grid search included).", ""]


def write_report(results, output_dir, *, doc_ids=None, texts=None, title="Cross-validation",
                 description="", n_attention_docs=3, group_column="group", subgroups=None,
                 subgroup_column="subgroup"):
    """Write the report folder and return its summary rows.

    Files: ``results.md`` (table, setup, then the evidence sections),
    ``results.csv`` (one row per method), ``fold_scores.csv`` (one row per method
    and fold), ``folds.csv`` (each document's test fold per repeat, and its group),
    ``oof_predictions.csv`` (out-of-fold probabilities or predicted scores per
    document, method and repeat), ``paired.csv`` and, with ``subgroups``,
    ``subgroups.csv``.  Classification adds ``per_class.csv``, ``calibration.png``,
    ``roc_curves.png`` (one-vs-rest ROC per class, out-of-fold predictions of
    the first repeat) and, when the attention method ran,
    ``attention/<doc_id>.png`` and ``attributions/<doc_id>.png`` for
    ``n_attention_docs`` documents; regression adds ``predicted_vs_true.png``
    and ``residuals.png``.

    Parameters
    ----------
    results : Bunch
        Output of :func:`~sklearn_hilbert.experiments.runner.cross_validate_methods`.
    output_dir : path-like
        Folder to create (existing files are overwritten).
    doc_ids : list of str, default=None
        Document identifiers (default: row numbers).
    texts : list of list of str, default=None
        Segment texts of every document, shown next to the attention weights.
    title, description : str
        Heading and a paragraph (data, command) for ``results.md``.
    n_attention_docs : int, default=3
        Documents whose attention is drawn.
    group_column : str, default="group"
        Name of the groups of ``results`` (e.g. the manifest column), for the text.
    subgroups : array-like of shape (n_docs,), default=None
        A subgroup of every document: per-subgroup scores of every method.
    subgroup_column : str, default="subgroup"
        Name of the subgroups, for the text and ``subgroups.csv``.

    Returns
    -------
    rows : list of dict
        :func:`~sklearn_hilbert.experiments.runner.summarize` output with the
        evidence columns.
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    task = getattr(results, "task", "classification")
    n = len(results.y)
    doc_ids = [str(d) for d in (doc_ids if doc_ids is not None else range(n))]
    rows = summarize(results)
    if task == "regression":
        evidence = regression_sections(results, rows, out, title)
        pred_rows = [{"doc_id": doc_ids[i], "label": results.y[i], "method": name, "repeat": r,
                      "prediction": f"{results.oof[name][r, i]:.6g}"}
                     for name in results.methods for r in range(results.n_repeats)
                     for i in range(n)]
    else:
        evidence = evidence_sections(results, rows, out, title)
        classes = list(results.classes)
        pred_rows = [
            {"doc_id": doc_ids[i], "label": results.y[i], "method": name, "repeat": r,
             **{f"proba_{c}": f"{results.oof[name][r, i, k]:.6f}"
                for k, c in enumerate(classes)}}
            for name in results.methods for r in range(results.n_repeats) for i in range(n)
        ]
        plot_roc_curves(results.y, {m: results.oof[m][0] for m in results.methods}, classes,
                        out / "roc_curves.png", title=f"{title}: out-of-fold ROC (repeat 1)")
        evidence += ["## ROC curves", "", "![ROC curves](roc_curves.png)", ""]
    _write_csv(out / "results.csv", rows)
    _write_csv(out / "fold_scores.csv", results.folds)
    _write_csv(out / "folds.csv", fold_assignment(results, doc_ids))
    _write_csv(out / "oof_predictions.csv", pred_rows)
    if subgroups is not None:
        evidence += subgroup_section(
            subgroup_scores(results.y, results.oof, subgroups, task, results.classes),
            subgroup_column, out, task)
    lines = [
        f"# {title}", "", description, "",
        *_setup_sentence(results, group_column),
        markdown_table(rows, task), "",
        "Files: `results.csv`, `fold_scores.csv` (every fold), `folds.csv` (each document's "
        "fold), `oof_predictions.csv`, `paired.csv`"
        + (", `per_class.csv`" if task == "classification" else "")
        + (", `subgroups.csv`" if subgroups is not None else "")
        + "; `docs/cli.md` explains every number.", "",
        *evidence,
    ]
    if results.attention is not None:
        classes = list(results.classes)
        lines += _attention_section(results, out, doc_ids, texts, n_attention_docs)
        chosen = pick_attention_documents(results.y, results.oof[results.attention_method][0],
                                          classes, n_attention_docs)
        lines += attribution_section(results, out, doc_ids, texts, chosen, _safe)
    (out / "results.md").write_text("\n".join(lines).replace("\n\n\n", "\n\n"))
    return rows
