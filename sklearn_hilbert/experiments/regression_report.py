"""The evidence sections of a regression report (``hilbert cv`` on a score).

:func:`regression_sections` adds the pooled out-of-fold scores and the paired
comparisons (on the fold MAE and CCC, against the best baseline and HILBERT) to
the summary rows, writes ``paired.csv``, ``predicted_vs_true.png`` and
``residuals.png``, and returns the Markdown.  ``docs/cli.md`` explains every number.
"""

import csv

import numpy as np

from .methods import REGRESSION_BASELINES
from .regression_figures import plot_predicted_vs_true, plot_residuals
from .scores import score_regression_fold
from .statistics import ALPHA, compare_methods

HILBERT = "HILBERT"
REFERENCES = ("best_baseline", "hilbert")
#: The fold scores the paired comparison tests (MAE: lower is better; CCC: higher).
PAIRED_SCORES = ("mae", "ccc")


def regression_references(rows):
    """``{"best_baseline": name or None, "hilbert": "HILBERT" or None}``: the best
    baseline is the ridge baseline (not a dummy) with the lowest mean fold MAE.

    Examples
    --------
    >>> from sklearn_hilbert.experiments.regression_report import regression_references
    >>> regression_references([{"method": "Ridge text", "mae_mean": 3.1},
    ...                        {"method": "Ridge audio", "mae_mean": 2.9},
    ...                        {"method": "Dummy (mean)", "mae_mean": 2.0}])
    {'best_baseline': 'Ridge audio', 'hilbert': None}
    """
    ridge = [r for r in rows if r["method"] in REGRESSION_BASELINES[2:]
             and not np.isnan(r["mae_mean"])]
    best = min(ridge, key=lambda r: r["mae_mean"])["method"] if ridge else None
    return {"best_baseline": best,
            "hilbert": HILBERT if any(r["method"] == HILBERT for r in rows) else None}


def _p(v):
    return "n/a" if np.isnan(v) else ("<0.001" if v < 0.001 else f"{v:.3f}")


def _word(c):
    if not c["significant"]:
        return "no difference detectable"
    better = c["mean_diff"] < 0 if c["score"] == "mae" else c["mean_diff"] > 0
    return ("lower" if c["mean_diff"] < 0 else "higher") + (" (better)" if better else
                                                            " (worse)")


def regression_sections(results, rows, out, title="", alpha=ALPHA):
    """Add the regression evidence to ``rows``; write its files in ``out``; return Markdown.

    Columns added to each row: ``mae_oof``, ``ccc_oof`` (all out-of-fold
    predictions pooled, mean over repeats) and, for each reference in
    ``best_baseline``, ``hilbert`` and each score in ``mae``, ``ccc``:
    ``<score>_diff_vs_<ref>``, ``p_corrected_t_<score>_vs_<ref>``,
    ``p_wilcoxon_<score>_vs_<ref>`` (empty for the reference itself).
    """
    references = regression_references(rows)
    n = len(results.y)
    comparisons = [{"reference_role": key, **compare_methods(results.folds, m, ref, n,
                                                             score=score, alpha=alpha)}
                   for key, ref in references.items() if ref is not None
                   for score in PAIRED_SCORES for m in results.methods if m != ref]
    pooled = {m: [score_regression_fold(results.y, p) for p in results.oof[m]]
              for m in results.methods}
    pooled = {m: {k: float(np.mean([s[k] for s in v])) for k in ("mae", "ccc")}
              for m, v in pooled.items()}
    for row in rows:
        m = row["method"]
        row.update(mae_oof=pooled[m]["mae"], ccc_oof=pooled[m]["ccc"])
        for key in REFERENCES:
            for score in PAIRED_SCORES:
                match = [c for c in comparisons if c["method"] == m
                         and c["reference_role"] == key and c["score"] == score]
                c = match[0] if match else {}
                row[f"{score}_diff_vs_{key}"] = c.get("mean_diff", "")
                row[f"p_corrected_t_{score}_vs_{key}"] = c.get("p_corrected_t", "")
                row[f"p_wilcoxon_{score}_vs_{key}"] = c.get("p_wilcoxon", "")
    lines = []
    if comparisons:
        with open(out / "paired.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(comparisons[0]))
            writer.writeheader()
            writer.writerows(comparisons)
        n_folds = results.n_splits * results.n_repeats
        lines += ["## Paired comparison", "",
                  f"Each method against the best baseline ({references['best_baseline']}, the "
                  f"ridge baseline with the lowest MAE) and against {HILBERT}, on the same "
                  f"{n_folds} folds, for the fold MAE (lower is better) and the fold CCC "
                  "(higher is better). Difference: method minus reference. Corrected t-test "
                  "(Nadeau & Bengio, as for the AUC of a classification) and Wilcoxon "
                  f"signed-rank test; verdict at alpha={alpha} from the corrected t-test.", ""]
        headline = [c for c in comparisons if c["method"] == HILBERT
                    and c["reference_role"] == "best_baseline"]
        lines += [f"**{c['sentence']}**" for c in headline] + ([""] if headline else [])
        lines += ["| Method | Reference | Score | Difference | corrected t-test p | Wilcoxon p "
                  "| Verdict |", "|---|---|---|---:|---:|---:|---|"]
        lines += [f"| {c['method']} | {c['reference']} | {c['score'].upper()} | "
                  f"{c['mean_diff']:+.3f} | {_p(c['p_corrected_t'])} | {_p(c['p_wilcoxon'])} "
                  f"| {_word(c)} |" for c in comparisons]
        lines.append("")
    first = {m: results.oof[m][0] for m in results.methods}
    plot_predicted_vs_true(results.y, first, out / "predicted_vs_true.png",
                           title=f"{title}: out-of-fold predictions (repeat 1)",
                           scores={m: score_regression_fold(results.y, p)
                                   for m, p in first.items()})
    plot_residuals(results.y, first, out / "residuals.png",
                   title=f"{title}: residuals (repeat 1)")
    lines += ["## Predictions against true scores", "",
              "Out-of-fold predictions of the first repeat, every document once. **Pooled "
              "MAE / CCC** (`mae_oof`, `ccc_oof` in `results.csv`): over all documents at once, "
              "mean over repeats.", "",
              "| Method | pooled MAE | pooled CCC |", "|---|---:|---:|"]
    lines += [f"| {m} | {pooled[m]['mae']:.3f} | "
              f"{'n/a' if np.isnan(pooled[m]['ccc']) else format(pooled[m]['ccc'], '.3f')} |"
              for m in results.methods]
    lines += ["", "![predicted against true](predicted_vs_true.png)", "",
              "On the dotted diagonal a prediction is exact. A mean predictor is a horizontal "
              "line (CCC 0); predictions squeezed towards the mean (a common result on small "
              "data) lie on a line flatter than the diagonal.", "",
              "![residuals](residuals.png)", "",
              "Residual = predicted - true. A slope down to the right means high scores are "
              "under-predicted and low ones over-predicted (regression to the mean).", ""]
    return lines
