"""The summary table of a run over several labels."""

import numpy as np

from sklearn_hilbert.experiments.summary import summary_rows, write_summary


def _entries():
    cls = [{"method": "Dummy (prior)", "auc_mean": 0.5, "auc_std": 0.0,
            "auc_diff_vs_best_baseline": -0.2, "p_corrected_t_vs_best_baseline": 0.01},
           {"method": "LogReg text", "auc_mean": 0.7, "auc_std": 0.1,
            "auc_diff_vs_best_baseline": "", "p_corrected_t_vs_best_baseline": ""},
           {"method": "HILBERT", "auc_mean": 0.72, "auc_std": 0.1,
            "auc_diff_vs_best_baseline": 0.02, "p_corrected_t_vs_best_baseline": 0.6}]
    reg = [{"method": "Ridge text", "mae_mean": 3.0, "mae_std": 0.2, "ccc_mean": 0.4,
            "ccc_std": 0.1},
           {"method": "HILBERT", "mae_mean": 2.5, "mae_std": 0.2, "ccc_mean": 0.3,
            "ccc_std": 0.1, "mae_diff_vs_best_baseline": -0.5,
            "p_corrected_t_mae_vs_best_baseline": 0.001, "ccc_diff_vs_best_baseline": -0.1,
            "p_corrected_t_ccc_vs_best_baseline": 0.3}]
    return [{"label": "dx", "task": "classification", "protocol": "cv", "rows": cls},
            {"label": "phq8", "task": "regression", "protocol": "cv", "rows": reg}]


def test_best_is_marked_and_verdicts_follow_the_paired_tests(tmp_path):
    rows = {(r["label"], r["method"], r["score"]): r for r in summary_rows(_entries())}
    assert rows[("dx", "HILBERT", "auc")]["best"] and rows[("dx", "HILBERT", "auc")]["verdict"] \
        == "n.s."
    assert rows[("dx", "Dummy (prior)", "auc")]["verdict"] == "lower"
    assert rows[("dx", "LogReg text", "auc")]["verdict"] == "ref."
    assert rows[("phq8", "HILBERT", "mae")]["best"] and rows[("phq8", "HILBERT", "mae")][
        "verdict"] == "lower"
    assert rows[("phq8", "Ridge text", "ccc")]["best"]
    text = write_summary(_entries(), tmp_path)
    assert "| Method | dx (AUC) | phq8 (MAE) | phq8 (CCC) |" in text
    assert "| HILBERT | **0.720** (n.s.) | **2.500** (lower) | 0.300 (n.s.) |" in text
    assert "| Ridge text |  | 3.000 (ref.) | **0.400** (ref.) |" in text
    assert len((tmp_path / "summary.csv").read_text().splitlines()) == 1 + 3 + 4


def test_split_protocol_cells_hold_test_scores_without_verdict():
    rows = [{"method": "m", "part": "dev", "auc": 0.9}, {"method": "m", "part": "test",
                                                         "auc": 0.6}]
    (row,) = summary_rows([{"label": "dx", "task": "classification", "protocol": "split",
                            "rows": rows}])
    assert row["mean"] == 0.6 and row["verdict"] == "" and np.isnan(row["std"])
