"""The summary of a run over several labels: methods x labels, with the paired verdicts.

``hilbert cv --label a,b,c`` writes one report per label and then this table:
the fold-mean AUC of each method for a classification label, its MAE and CCC
for a regression label, the best per label in bold, and in each cell the
verdict of the corrected resampled t-test against that label's best baseline
(``higher``/``lower`` at alpha=0.05, ``n.s.`` otherwise, ``ref.`` for the best
baseline itself).  Under the official-split protocol the cells hold the test
scores and no verdict (one test set: no folds to pair).
"""

import csv

import numpy as np

from .evidence import reference_methods
from .regression_report import regression_references
from .statistics import ALPHA


def _verdict(diff, p, alpha):
    if diff == "" or p == "" or np.isnan(float(p)):
        return ""
    return ("higher" if float(diff) > 0 else "lower") if float(p) < alpha else "n.s."


def summary_rows(entries, alpha=ALPHA):
    """Long-form summary rows of several labels' results.

    Parameters
    ----------
    entries : list of dict
        One per label: ``label``, ``task`` (``"classification"``/``"regression"``),
        ``protocol`` (``"cv"`` or ``"split"``) and ``rows`` (the rows returned by
        :func:`~sklearn_hilbert.experiments.report.write_report`, or the score rows of
        :func:`~sklearn_hilbert.experiments.holdout.write_split_report`).

    Returns
    -------
    list of dict
        ``label, task, method, score, mean, std, best, reference, diff,
        p_corrected_t, verdict`` per label, method and score (``auc``; or ``mae``
        and ``ccc``).

    Examples
    --------
    >>> from sklearn_hilbert.experiments.summary import summary_rows
    >>> rows = [{"method": "LogReg text", "auc_mean": .70, "auc_std": .05},
    ...         {"method": "HILBERT", "auc_mean": .80, "auc_std": .04,
    ...          "auc_diff_vs_best_baseline": .10, "p_corrected_t_vs_best_baseline": .01}]
    >>> out = summary_rows([{"label": "y", "task": "classification", "protocol": "cv",
    ...                      "rows": rows}])
    >>> [(r["method"], r["best"], r["verdict"]) for r in out]
    [('LogReg text', False, 'ref.'), ('HILBERT', True, 'higher')]
    """
    out = []
    for entry in entries:
        task, rows = entry["task"], entry["rows"]
        scores = ("mae", "ccc") if task == "regression" else ("auc",)
        if entry["protocol"] == "split":
            part = "test" if any(r["part"] == "test" for r in rows) else "dev"
            rows = [{"method": r["method"], **{f"{s}_mean": r[s] for s in scores},
                     **{f"{s}_std": float("nan") for s in scores}}
                    for r in rows if r["part"] == part]
            reference = None
        else:
            refs = regression_references(rows) if task == "regression" \
                else reference_methods(rows)
            reference = refs["best_baseline"]
        for score in scores:
            values = np.array([r[f"{score}_mean"] for r in rows], dtype=float)
            best = None
            if not np.all(np.isnan(values)):
                best = np.nanmin(values) if score == "mae" else np.nanmax(values)
            for r in rows:
                if task == "regression":
                    diff = r.get(f"{score}_diff_vs_best_baseline", "")
                    p = r.get(f"p_corrected_t_{score}_vs_best_baseline", "")
                else:
                    diff = r.get("auc_diff_vs_best_baseline", "")
                    p = r.get("p_corrected_t_vs_best_baseline", "")
                verdict = "ref." if r["method"] == reference else _verdict(diff, p, alpha)
                out.append({"label": entry["label"], "task": task, "method": r["method"],
                            "score": score, "mean": r[f"{score}_mean"],
                            "std": r[f"{score}_std"],
                            "best": bool(best is not None and r[f"{score}_mean"] == best),
                            "reference": reference or "", "diff": diff, "p_corrected_t": p,
                            "verdict": verdict})
    return out


def _cell(r):
    value = "n/a" if np.isnan(r["mean"]) else f"{r['mean']:.3f}"
    if r["best"]:
        value = f"**{value}**"
    return f"{value} ({r['verdict']})" if r["verdict"] else value


def write_summary(entries, out, alpha=ALPHA):
    """Write ``summary.md`` and ``summary.csv`` in folder ``out``; return the Markdown.

    See :func:`summary_rows` for ``entries``.
    """
    rows = summary_rows(entries, alpha)
    with open(out / "summary.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    columns = []  # (label, score)
    for entry in entries:
        for score in (("mae", "ccc") if entry["task"] == "regression" else ("auc",)):
            columns.append((entry["label"], score))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    cells = {(r["label"], r["score"], r["method"]): r for r in rows}
    names = {"auc": "AUC", "mae": "MAE", "ccc": "CCC"}
    split = any(e["protocol"] == "split" for e in entries)
    lines = ["# Summary over labels", "",
             "One column per label and score: AUC (macro one-vs-rest) for a classification "
             "label; MAE (lower is better) and CCC for a regression label. Mean over folds; "
             "the best per column in bold. In parentheses, the paired verdict against the "
             "label's best baseline (corrected resampled t-test on the fold scores, "
             f"alpha={alpha}): higher / lower, n.s. (no difference detectable), ref. (the best "
             "baseline itself)."
             + (" Official split: test scores, no verdict (one test set)." if split else ""),
             "", "Each label's full report is in its folder; `summary.csv` has every number.",
             "",
             "| Method | " + " | ".join(f"{label} ({names[s]})" for label, s in columns) + " |",
             "|---|" + "---:|" * len(columns)]
    for m in methods:
        lines.append(f"| {m} | " + " | ".join(
            _cell(cells[(label, s, m)]) if (label, s, m) in cells else ""
            for label, s in columns) + " |")
    text = "\n".join(lines) + "\n"
    (out / "summary.md").write_text(text, encoding="utf-8")
    return text
