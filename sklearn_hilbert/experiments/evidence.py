"""Evidence sections of the ``hilbert cv`` report: paired comparison, per-class AUC, calibration,
segment attributions.

:func:`evidence_sections` adds the columns of :mod:`~sklearn_hilbert.experiments.statistics`
to the summary rows (``results.csv``), writes ``paired.csv``, ``per_class.csv`` and
``calibration.png`` and returns the Markdown; :func:`attribution_section` draws
``attributions/<doc>.png``.  ``docs/cli.md`` explains every number.
"""

import csv

import numpy as np

from .methods import BASELINES
from .evidence_figures import plot_reliability, plot_segment_attributions
from .statistics import (ALPHA, bootstrap_auc, calibration_scores, compare_methods,
                         per_class_scores)

HILBERT = "HILBERT"
REFERENCES = ("best_baseline", "hilbert")


def _write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def reference_methods(rows):
    """``{"best_baseline": name or None, "hilbert": "HILBERT" or None}`` among the summary rows.

    The best baseline is the baseline (not the prior) with the highest mean fold AUC.

    Examples
    --------
    >>> from sklearn_hilbert.experiments.evidence import reference_methods
    >>> reference_methods([{"method": "LogReg text", "auc_mean": .7},
    ...                    {"method": "LogReg audio", "auc_mean": .8}])
    {'best_baseline': 'LogReg audio', 'hilbert': None}
    """
    baselines = [r for r in rows if r["method"] in BASELINES[1:] and not np.isnan(r["auc_mean"])]
    best = max(baselines, key=lambda r: r["auc_mean"])["method"] if baselines else None
    return {"best_baseline": best,
            "hilbert": HILBERT if any(r["method"] == HILBERT for r in rows) else None}


def paired_comparisons(results, references, alpha=ALPHA):
    """Every method against each reference (not itself), on the same folds (fold AUCs)."""
    out = []
    for key, ref in references.items():
        if ref is None:
            continue
        for method in results.methods:
            if method != ref:
                row = compare_methods(results.folds, method, ref, len(results.y), alpha=alpha)
                out.append({"reference_role": key, **row})
    return out


def _oof(results, method):
    return results.oof[method]  # (n_repeats, n, n_classes)


def _fmt(v, digits=3):
    return "n/a" if v is None or np.isnan(v) else f"{v:.{digits}f}"


def _p(v):
    return "n/a" if np.isnan(v) else ("<0.001" if v < 0.001 else f"{v:.3f}")


def _paired_lines(results, comparisons, references, alpha):
    n_folds = results.n_splits * results.n_repeats
    lines = ["## Paired comparison", "",
             f"Each method against the best baseline ({references['best_baseline']}) and "
             f"against {HILBERT}, on the same {results.n_splits} folds x {results.n_repeats} "
             f"repeat(s) ({n_folds} paired fold AUCs). Difference: method minus reference, "
             "mean over folds. **Corrected t-test**: Nadeau & Bengio's corrected resampled "
             "t-test as used for repeated k-fold by Bouckaert & Frank (2004): variance of the "
             f"fold differences times (1/{n_folds} + n_test/n_train) instead of 1/{n_folds}, "
             f"t with {n_folds - 1} degrees of freedom (the folds share training documents; the "
             "plain paired t-test would be overconfident). **Wilcoxon**: signed-rank test "
             "on the same differences (scipy; it ignores that overlap). Two-sided p-values; "
             f"verdict at alpha={alpha} from the corrected t-test. `paired.csv` has t and "
             "the degrees of freedom.", ""]
    headline = [c for c in comparisons
                if c["method"] == HILBERT and c["reference_role"] == "best_baseline"]
    if headline:
        lines += [f"**{headline[0]['sentence']}**", ""]
    lines += ["| Method | Reference | AUC difference | corrected t-test p | Wilcoxon p "
              "| Verdict |",
              "|---|---|---:|---:|---:|---|"]
    for c in comparisons:
        word = ("no difference detectable" if not c["significant"]
                else ("higher" if c["mean_diff"] > 0 else "lower"))
        lines.append(f"| {c['method']} | {c['reference']} | {c['mean_diff']:+.3f} | "
                     f"{_p(c['p_corrected_t'])} | {_p(c['p_wilcoxon'])} | {word} |")
    return lines + [""]


def _per_class_lines(results, per_class):
    classes = list(results.classes)
    counts = {c: int(np.sum(results.y == c)) for c in classes}
    lines = ["## Per-class AUC", "",
             "For each class: one-vs-rest ROC AUC (the class against all others, scored by its "
             "out-of-fold probability) / recall (share of its documents whose most probable "
             "class is it), from the pooled out-of-fold predictions (mean over repeats). n: "
             "documents of the class. A rare class with a high AUC but a low recall is ranked "
             "well but rarely predicted.", "",
             "| Method | " + " | ".join(f"{c} (n={counts[c]}) AUC / recall" for c in classes)
             + " |",
             "|---|" + "---:|" * len(classes)]
    for method in results.methods:
        cells = [f"{_fmt(r['auc'])} / {_fmt(r['recall'])}" for r in per_class[method]]
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return lines + [""]


def _calibration_lines(results, calibration, intervals):
    lines = ["## Calibration and pooled out-of-fold AUC", "",
             "From the out-of-fold probabilities (every document predicted once per repeat by a "
             "model that did not see it; mean over repeats). **OOF AUC**: macro one-vs-rest AUC "
             "of the pooled predictions, with a 95 % bootstrap interval over documents (1000 "
             "resamples; it reflects which documents were sampled, not retraining). **Brier**: "
             "mean squared error of the probabilities (binary: (p - y)^2; 0 is perfect, 0.25 "
             "is a constant 0.5). **Log-loss**: mean -log p(true class). Lower is better for "
             "both; they reward calibrated *and* sharp probabilities.", "",
             "| Method | OOF AUC [95 % CI] | Brier | Log-loss |", "|---|---:|---:|---:|"]
    for method in results.methods:
        auc, low, high = intervals[method]
        lines.append(f"| {method} | {_fmt(auc)} [{_fmt(low)}, {_fmt(high)}] | "
                     f"{_fmt(calibration[method]['brier'])} | "
                     f"{_fmt(calibration[method]['log_loss'])} |")
    lines += ["", "![Reliability diagram](calibration.png)", "",
              "A curve on the diagonal is calibrated: of the documents given probability 0.7, "
              "70 % are of the class; a curve flatter than the diagonal with many predictions "
              "near 0 and 1 is over-confident (a log-loss above the prior's shows it too). "
              "HILBERT and the logistic baselines also train with balanced class weights, which "
              "push probabilities towards the rare classes. Read such probabilities as scores, "
              "or calibrate them with "
              "`CalibratedClassifierCV(pipeline, method=\"sigmoid\", cv=3)` "
              "(see `docs/cli.md`).", ""]
    return lines


def evidence_sections(results, rows, out, title="", alpha=ALPHA):
    """Add the evidence columns to ``rows``, write ``paired.csv``, ``per_class.csv``,
    ``calibration.png`` in ``out``; return the Markdown lines.

    Columns added to each row: ``auc_oof``, ``auc_oof_ci_low``, ``auc_oof_ci_high``,
    ``brier``, ``log_loss`` and, for each reference in ``best_baseline``, ``hilbert``:
    ``auc_diff_vs_<ref>``, ``p_corrected_t_vs_<ref>``, ``p_wilcoxon_vs_<ref>`` (empty
    for the reference itself).
    """
    classes = list(results.classes)
    references = reference_methods(rows)
    comparisons = paired_comparisons(results, references, alpha)
    per_class = {m: per_class_scores(results.y, _oof(results, m), classes)
                 for m in results.methods}
    calibration = {m: calibration_scores(results.y, _oof(results, m), classes)
                   for m in results.methods}
    intervals = {m: bootstrap_auc(results.y, _oof(results, m), classes) for m in results.methods}
    for row in rows:
        m = row["method"]
        row.update(auc_oof=intervals[m][0], auc_oof_ci_low=intervals[m][1],
                   auc_oof_ci_high=intervals[m][2], **calibration[m])
        for key in REFERENCES:
            match = [c for c in comparisons if c["method"] == m and c["reference_role"] == key]
            c = match[0] if match else {}
            row[f"auc_diff_vs_{key}"] = c.get("mean_diff", "")
            row[f"p_corrected_t_vs_{key}"] = c.get("p_corrected_t", "")
            row[f"p_wilcoxon_vs_{key}"] = c.get("p_wilcoxon", "")
    lines = []
    if comparisons:
        _write_csv(out / "paired.csv", comparisons)
        lines += _paired_lines(results, comparisons, references, alpha)
    _write_csv(out / "per_class.csv", [{"method": m, **r} for m in results.methods
                                       for r in per_class[m]])
    lines += _per_class_lines(results, per_class)
    plot_reliability(results.y, {m: _oof(results, m)[0] for m in results.methods}, classes,
                     out / "calibration.png", scores=calibration,
                     title=f"{title}: calibration of the out-of-fold probabilities (repeat 1)")
    lines += _calibration_lines(results, calibration, intervals)
    return lines


def _fold_model(results, i):
    for test, model in results.attention_models:
        if i in set(np.asarray(test).tolist()):
            return model
    return None


def attribution_section(results, out, doc_ids, texts, chosen, safe_name):
    """Occlusion attributions of the documents ``chosen``: figures, top segments and their words.

    Uses the model of the fold (first repeat) where each document was in the test split.
    """
    models = getattr(results, "attention_models", None)
    if not models or not hasattr(models[0][1], "segment_attributions"):
        return []
    name = results.attention_method
    folder = out / "attributions"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    lines = [f"## Which segments drove {name}'s predictions", "",
             "Occlusion: each segment is hidden in turn and the drop of the predicted class's "
             "log-odds (log p/(1-p), nats) recorded "
             "(`HilbertClassifier.segment_attributions`): **segment** = "
             "the segment removed, **audio** / **text** = only that modality of it replaced by "
             "the training-mean embedding. Positive (red): the segment supported the "
             "prediction; negative (blue): it argued against it; near 0: the prediction did "
             "not depend on it. Unlike attention weights, these measure the effect on the "
             "output; in log-odds a confident prediction still shows its evidence. For a "
             "label that is a share of segments, the segments of the other class's evidence "
             "argue against a prediction of the low class: read blue bars there. Same "
             "documents and folds as above; top segments by the segment attribution:", ""]
    for i in chosen:
        model = _fold_model(results, i)
        if model is None:
            continue
        x = results.X[[i]]
        n_seg = int(np.asarray(x["mask"]).sum())
        att = {k: v[0, :n_seg] for k, v in model.segment_attributions(x).items()}
        proba = model.predict_proba(x)[0]
        pred = model.classes_[int(np.argmax(proba))]
        doc = doc_ids[i]
        title = f"{doc}: true {results.y[i]}, predicted {pred} (p={proba.max():.2f})"
        short = None
        if texts is not None:
            short = [f"{k}: " + " ".join(t.split()[:3]) for k, t in enumerate(texts[i][:n_seg])]
        fname = f"attributions/{safe_name(doc)}.png"
        plot_segment_attributions(att, out / fname, title=title, segment_labels=short)
        lines += [f"### {title}", "", f"![attributions of {doc}]({fname})", "",
                  "| segment | hide segment | hide audio | hide text | words |",
                  "|---:|---:|---:|---:|---|"]
        for k in np.argsort(-att["segment"], kind="stable")[:3]:
            words = texts[i][k].replace("|", "/") if texts is not None else ""
            lines.append(f"| {k} | {att['segment'][k]:+.4f} | {att['audio'][k]:+.4f} | "
                         f"{att['text'][k]:+.4f} | {words} |")
        lines.append("")
    return lines
