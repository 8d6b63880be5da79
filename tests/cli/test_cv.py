"""``hilbert cv`` protocols: scores (regression), groups, the official split, several labels,
subgroups, one speaker's segments.  Cheap methods on the tiny corpus's cached encodings."""

import csv

import numpy as np
import pytest

from sklearn_hilbert._cli import main

pytestmark = pytest.mark.usefixtures("one_thread")

REGRESSION = "dummy (mean),dummy (median),ridge text"


def _read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _cv(manifest, cache_dir, out, *options):
    return main(["cv", str(manifest), *options, "--cache", str(cache_dir), "-o", str(out), "-q"])


@pytest.fixture(scope="module")
def regression_report(protocol_manifest, cache_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("regression")
    assert _cv(protocol_manifest, cache_dir, out, "--label", "score", "--folds", "3",
               "--groups", "speaker_id", "--subgroups", "site", "--methods", REGRESSION) == 0
    return out


def test_a_score_is_cross_validated_as_a_regression(regression_report):
    rows = {r["method"]: r for r in _read(regression_report / "results.csv")}
    assert list(rows) == ["Dummy (mean)", "Dummy (median)", "Ridge text"]
    mean = rows["Dummy (mean)"]
    assert float(mean["ccc_mean"]) == pytest.approx(0.0)  # a constant prediction
    assert float(mean["r2_mean"]) <= 0.0 and float(mean["mae_mean"]) > 0
    # the fold scores are those of the out-of-fold predictions
    preds = [r for r in _read(regression_report / "oof_predictions.csv")
             if r["method"] == "Ridge text"]
    folds = {r["doc_id"]: int(r["fold"]) for r in _read(regression_report / "folds.csv")}
    errors = {}
    for r in preds:
        errors.setdefault(folds[r["doc_id"]], []).append(
            abs(float(r["prediction"]) - float(r["label"])))
    fold_mae = [np.mean(errors[f]) for f in sorted(errors)]
    assert float(rows["Ridge text"]["mae_mean"]) == pytest.approx(np.mean(fold_mae), rel=1e-5)
    paired = _read(regression_report / "paired.csv")
    assert {(p["method"], p["score"]) for p in paired} == {
        (m, s) for m in ("Dummy (mean)", "Dummy (median)") for s in ("mae", "ccc")}
    assert all(p["reference"] == "Ridge text" for p in paired)
    md = (regression_report / "results.md").read_text()
    assert "| Method | MAE | RMSE | Pearson r | CCC | R^2 | Fit s/fold |" in md
    for figure in ("predicted_vs_true.png", "residuals.png"):
        assert (regression_report / figure).read_bytes()[:4] == b"\x89PNG"
        assert f"({figure})" in md


def test_groups_never_straddle_training_and_test(regression_report):
    assignment = _read(regression_report / "folds.csv")
    assert len(assignment) == 24 and list(assignment[0]) == ["doc_id", "repeat", "fold", "group"]
    fold_of_group = {}
    for r in assignment:
        fold_of_group.setdefault(r["group"], set()).add(r["fold"])
    assert len(fold_of_group) == 6
    assert all(len(folds) == 1 for folds in fold_of_group.values())  # a group: one test fold
    md = (regression_report / "results.md").read_text()
    assert ("Group 3-fold CV x 1 repeat(s) over the 6 groups of `speaker_id`: checked, no group "
            "is in both the training and the test documents of any fold") in md


def test_subgroup_scores_match_the_predictions(regression_report):
    rows = _read(regression_report / "subgroups.csv")
    assert {(r["method"], r["subgroup"], r["n"]) for r in rows} == {
        (m, s, "12") for m in ("Dummy (mean)", "Dummy (median)", "Ridge text") for s in "AB"}
    preds = {r["doc_id"]: r for r in _read(regression_report / "oof_predictions.csv")
             if r["method"] == "Ridge text"}
    site_a = [p for d, p in preds.items() if int(d[1:]) % 2 == 0]
    mae_a = np.mean([abs(float(p["prediction"]) - float(p["label"])) for p in site_a])
    (row,) = [r for r in rows if r["method"] == "Ridge text" and r["subgroup"] == "A"]
    assert float(row["mae"]) == pytest.approx(mae_a, rel=1e-5)
    md = (regression_report / "results.md").read_text()
    assert "## Subgroups" in md and "| Method | A (n=12) | B (n=12) |" in md


def test_several_labels_one_encoding_one_summary(protocol_manifest, cache_dir, tmp_path, capsys):
    code = _cv(protocol_manifest, cache_dir, tmp_path, "--label", "sentiment,score",
               "--binarize", "score>=10", "--folds", "2",
               "--methods", "dummy (prior),logreg text,dummy (mean),ridge text")
    assert code == 0
    for folder in ("sentiment", "score", "score_ge_10"):
        assert (tmp_path / folder / "results.md").is_file()
    summary = _read(tmp_path / "summary.csv")
    cells = {(r["label"], r["method"], r["score"]): r for r in summary}
    assert set(cells) == {("sentiment", "Dummy (prior)", "auc"),
                          ("sentiment", "LogReg text", "auc"),
                          ("score>=10", "Dummy (prior)", "auc"),
                          ("score>=10", "LogReg text", "auc"),
                          *{("score", m, s) for m in ("Dummy (mean)", "Ridge text")
                            for s in ("mae", "ccc")}}
    results = {r["method"]: r for r in _read(tmp_path / "sentiment" / "results.csv")}
    assert float(cells[("sentiment", "LogReg text", "auc")]["mean"]) == pytest.approx(
        float(results["LogReg text"]["auc_mean"]))
    assert cells[("sentiment", "LogReg text", "auc")]["verdict"] == "ref."
    assert cells[("score", "Ridge text", "mae")]["verdict"] == "ref."
    assert cells[("score", "Dummy (mean)", "mae")]["reference"] == "Ridge text"
    assert float(cells[("score", "Dummy (mean)", "ccc")]["mean"]) == 0.0  # constant prediction
    best_mae = min(("Dummy (mean)", "Ridge text"),
                   key=lambda m: float(cells[("score", m, "mae")]["mean"]))
    assert cells[("score", best_mae, "mae")]["best"] == "True"
    md = (tmp_path / "summary.md").read_text()
    assert "| Method | sentiment (AUC) | score (MAE) | score (CCC) | score>=10 (AUC) |" in md
    assert "# Summary over labels" in capsys.readouterr().out


def test_official_split_fits_on_train_and_reports_dev_and_test(protocol_manifest, cache_dir,
                                                               tmp_path):
    assert _cv(protocol_manifest, cache_dir, tmp_path, "--label", "sentiment", "--split", "part",
               "--groups", "speaker_id", "--subgroups", "site",
               "--methods", "dummy (prior),logreg text") == 0
    rows = _read(tmp_path / "results.csv")
    assert [(r["method"], r["part"], r["n"]) for r in rows] == [
        ("Dummy (prior)", "dev", "4"), ("Dummy (prior)", "test", "4"),
        ("LogReg text", "dev", "4"), ("LogReg text", "test", "4")]
    assert float(rows[0]["auc"]) == pytest.approx(0.5)
    preds = _read(tmp_path / "predictions.csv")
    assert len(preds) == 2 * 8 and {p["part"] for p in preds} == {"dev", "test"}
    md = (tmp_path / "results.md").read_text()
    assert "fitted once on the 16 training documents" in md and "## test (4 documents)" in md
    # speakers 2..5 have documents in train and in dev/test: said, not hidden
    assert "Warning: 4 group(s) of `speaker_id` are in both the training" in md
    assert (tmp_path / "subgroups_test.csv").is_file()


def test_split_errors_name_the_document(protocol_manifest, cache_dir, tmp_path, capsys):
    text = protocol_manifest.read_text().splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([text[0], text[1].replace(",train", ",validation"), *text[2:]]))
    assert _cv(bad, cache_dir, tmp_path / "r", "--label", "sentiment", "--split", "part") == 1
    assert ("'part' column: document 'd00' has 'validation'; the values must be train, dev or "
            "test") in capsys.readouterr().err
    bad.write_text("\n".join([text[0], text[1].replace(",train", ","), *text[2:]]))
    assert _cv(bad, cache_dir, tmp_path / "r", "--label", "sentiment", "--split", "part") == 1
    assert "label 'part' of document 'd00' is empty" in capsys.readouterr().err


def test_cv_option_errors_are_one_line(protocol_manifest, cache_dir, tmp_path, capsys):
    assert _cv(protocol_manifest, cache_dir, tmp_path, "--label", "score", "--groups",
               "speaker_id", "--folds", "7", "--methods", "dummy (mean)") == 1
    assert "only 6 distinct groups for 7 folds; use at most 6 folds" in capsys.readouterr().err
    assert _cv(protocol_manifest, cache_dir, tmp_path, "--binarize", "sentiment>=1") == 1
    assert ("--binarize 'sentiment>=1': column 'sentiment' is not numeric (document 'd00' has "
            "'negative')") in capsys.readouterr().err
    assert _cv(protocol_manifest, cache_dir, tmp_path, "--label", "score",
               "--methods", "logreg text") == 1
    assert "Unknown method 'logreg text' for regression" in capsys.readouterr().err


def test_keep_speaker_drops_other_speakers_segments(speaker_manifest, cache_dir, tmp_path,
                                                    capsys):
    assert main(["cv", str(speaker_manifest), "--label", "sentiment", "--folds", "2",
                 "--methods", "dummy (prior)", "--keep-speaker", "P", "--cache",
                 str(cache_dir), "-o", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "--keep-speaker 'P': dropped 8 segment(s) of other speakers; 16 left" in err
    assert "segments of speaker `P` only" in (tmp_path / "results.md").read_text()
    assert main(["cv", str(speaker_manifest), "--label", "sentiment", "--keep-speaker", "nobody",
                 "--cache", "none", "-q", "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "Document 'review1185' (index 0 of X): no segment of speaker 'nobody'" in err
    assert "(its speakers: 'I', 'P')" in err


def test_the_papers_rows_cross_validate_a_score(protocol_manifest, cache_dir, tmp_path):
    """HILBERT as HilbertRegressor (one epoch) beside a ridge baseline, with paired tests."""
    assert _cv(protocol_manifest, cache_dir, tmp_path, "--label", "score", "--folds", "2",
               "--methods", "ridge text,HILBERT", "--max-epochs", "1") == 0
    rows = {r["method"]: r for r in _read(tmp_path / "results.csv")}
    assert list(rows) == ["Ridge text", "HILBERT"]
    assert np.isfinite(float(rows["HILBERT"]["mae_mean"]))
    assert rows["HILBERT"]["p_corrected_t_mae_vs_best_baseline"] != ""
    md = (tmp_path / "results.md").read_text()
    assert "**HILBERT vs Ridge text:" in md  # the headline sentence (MAE, then CCC)
