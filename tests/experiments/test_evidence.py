"""The report's evidence sections: paired comparison, per-class AUC, calibration, attributions."""

import csv

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.metrics import roc_auc_score

from sklearn_hilbert import HilbertClassifier
from sklearn_hilbert.datasets import make_segment_data
from sklearn_hilbert.experiments.runner import cross_validate_methods
from sklearn_hilbert.experiments.evidence import reference_methods
from sklearn_hilbert.experiments.statistics import compare_methods
from sklearn_hilbert.experiments.methods import make_methods
from sklearn_hilbert.experiments.report import write_report


def _read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    X, y = make_segment_data(n_docs=60, n_segments=(3, 6), n_classes=3, weights=[.5, .3, .2],
                             signal="text", strength=0.8, d_audio=6, d_text=6, random_state=0)
    labels = np.array(["calm", "sad", "angry"])[y]
    methods = {"Dummy (prior)": DummyClassifier(),
               **make_methods(["LogReg text"]),
               "HILBERT": HilbertClassifier(d_model=16, n_heads=2, proj_dim=8, n_experts=2,
                                            max_epochs=4, random_state=0)}
    results = cross_validate_methods(methods, X, labels, n_splits=3, n_repeats=2, progress=False)
    texts = [[f"words of segment {k} in doc {i}" for k in range(int(m.sum()))]
             for i, m in enumerate(X["mask"])]
    out = tmp_path_factory.mktemp("report")
    rows = write_report(results, out, doc_ids=[f"d{i}" for i in range(60)], texts=texts,
                        n_attention_docs=2)
    return out, results, rows


def test_paired_comparison_section_and_columns(report):
    out, results, rows = report
    md = (out / "results.md").read_text()
    assert "## Paired comparison" in md and "Nadeau & Bengio" in md and "Bouckaert & Frank" in md
    assert "3 folds x 2 repeat(s) (6 paired fold AUCs)" in md
    assert "**HILBERT vs LogReg text:" in md or "**HILBERT has a" in md
    assert reference_methods(rows) == {"best_baseline": "LogReg text", "hilbert": "HILBERT"}
    table = {r["method"]: r for r in _read(out / "results.csv")}
    expected = compare_methods(results.folds, "HILBERT", "LogReg text", 60)
    assert float(table["HILBERT"]["p_corrected_t_vs_best_baseline"]) == pytest.approx(
        expected["p_corrected_t"])
    assert float(table["HILBERT"]["p_wilcoxon_vs_best_baseline"]) == pytest.approx(
        expected["p_wilcoxon"])
    assert table["HILBERT"]["p_corrected_t_vs_hilbert"] == ""  # not against itself
    paired = _read(out / "paired.csv")
    assert len(paired) == 2 + 2 and {p["df"] for p in paired} == {"5"}


def test_oof_auc_interval_per_class_and_calibration(report):
    out, results, _ = report
    table = {r["method"]: r for r in _read(out / "results.csv")}
    classes = list(results.classes)
    for method, row in table.items():
        oof = results.oof[method]
        aucs = [roc_auc_score(results.y, p, multi_class="ovr", labels=classes) for p in oof]
        assert float(row["auc_oof"]) == pytest.approx(np.mean(aucs))
        low, high = float(row["auc_oof_ci_low"]), float(row["auc_oof_ci_high"])
        assert low <= float(row["auc_oof"]) <= high
        assert 0 <= float(row["brier"]) <= 2 and float(row["log_loss"]) > 0
    per_class = _read(out / "per_class.csv")
    assert len(per_class) == 3 * 3
    assert {(r["class"], r["n"]) for r in per_class} == {("calm", "30"), ("sad", "18"),
                                                         ("angry", "12")}
    md = (out / "results.md").read_text()
    assert "## Per-class AUC" in md and "angry (n=12) AUC / recall" in md
    assert "![Reliability diagram](calibration.png)" in md and "CalibratedClassifierCV" in md
    assert (out / "calibration.png").read_bytes()[:4] == b"\x89PNG"


def test_attribution_figures_with_the_words_of_the_top_segments(report):
    out, results, _ = report
    figures = sorted(p.name for p in (out / "attributions").glob("*.png"))
    assert len(figures) == 2
    md = (out / "results.md").read_text()
    assert "## Which segments drove HILBERT's predictions" in md
    for name in figures:
        assert f"![attributions of {name[:-4]}](attributions/{name})" in md
    section = md.split("## Which segments drove")[1]
    assert section.count("| words of segment") == 6  # top 3 segments of 2 documents
