import csv
import sys
from importlib.metadata import entry_points
from pathlib import Path

import joblib
import numpy as np
import pytest

from sklearn_hilbert._cli import main

pytestmark = pytest.mark.usefixtures("one_thread")

METHODS = "dummy (prior),logreg text,logreg late fusion,HILBERT"


def _read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def cv_report(tiny_corpus, cache_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    code = main(["cv", str(tiny_corpus.manifest), "--label", "sentiment", "--folds", "2",
                 "--methods", METHODS, "--max-epochs", "2", "--cache", str(cache_dir),
                 "--attention-docs", "2", "--output", str(out), "--quiet"])
    assert code == 0
    return out


def test_cv_writes_the_report_folder(cv_report):
    names = {p.relative_to(cv_report).as_posix() for p in cv_report.rglob("*") if p.is_file()}
    assert {"results.md", "results.csv", "folds.csv", "fold_scores.csv", "oof_predictions.csv",
            "roc_curves.png", "calibration.png", "paired.csv", "per_class.csv"} <= names
    for folder in ("attention", "attributions"):
        assert len([n for n in names if n.startswith(f"{folder}/") and n.endswith(".png")]) == 2
    md = (cv_report / "results.md").read_text()
    for heading in ("## Paired comparison", "## Per-class AUC", "## Calibration",
                    "## Which segments drove HILBERT's predictions"):
        assert heading in md
    assert (cv_report / "roc_curves.png").read_bytes()[:4] == b"\x89PNG"


def test_cv_tables_hold_every_method_and_fold(cv_report):
    rows = _read_csv(cv_report / "results.csv")
    assert [r["method"] for r in rows] == ["Dummy (prior)", "LogReg text", "LogReg late fusion",
                                           "HILBERT"]
    for r in rows:
        assert 0 <= float(r["auc_mean"]) <= 1 and float(r["fit_seconds"]) >= 0
    assert float(rows[0]["auc_mean"]) == pytest.approx(0.5)
    folds = _read_csv(cv_report / "fold_scores.csv")
    assert len(folds) == 4 * 2
    assignment = _read_csv(cv_report / "folds.csv")  # each document tested once
    assert sorted(r["fold"] for r in assignment) == ["0"] * 4 + ["1"] * 4
    assert list(assignment[0]) == ["doc_id", "repeat", "fold"]
    preds = _read_csv(cv_report / "oof_predictions.csv")
    assert len(preds) == 4 * 8  # methods x documents (1 repeat)
    p = np.array([[float(r["proba_negative"]), float(r["proba_positive"])] for r in preds])
    np.testing.assert_allclose(p.sum(axis=1), 1, atol=1e-5)
    md = (cv_report / "results.md").read_text()
    assert "| HILBERT |" in md and "![ROC curves](roc_curves.png)" in md
    assert "Which segments HILBERT looked at" in md and "attention/review" in md


def test_cv_prints_the_table(tiny_corpus, cache_dir, tmp_path, capsys):
    code = main(["cv", str(tiny_corpus.manifest), "--label", "voice", "--folds", "2",
                 "--methods", "dummy (prior),logreg audio", "--cache", str(cache_dir),
                 "--output", str(tmp_path), "--quiet"])
    assert code == 0
    out = capsys.readouterr().out
    assert "AUC (macro OvR)" in out and "LogReg audio" in out and "G-mean" in out
    # the voice task has classes with a single document: folds lack them, no crash
    assert len(_read_csv(tmp_path / "fold_scores.csv")) == 4


def test_fit_then_predict(tiny_corpus, cache_dir, tmp_path):
    model, probs = tmp_path / "model.joblib", tmp_path / "probs.csv"
    assert main(["fit", str(tiny_corpus.manifest), "--label", "sentiment", "--max-epochs", "2",
                 "--cache", str(cache_dir), "-o", str(model), "--quiet"]) == 0
    pipe = joblib.load(model)
    assert list(pipe.classes_) == ["negative", "positive"]
    assert main(["predict", str(model), str(tiny_corpus.manifest), "-o", str(probs),
                 "--quiet"]) == 0
    rows = _read_csv(probs)
    assert [r["doc_id"] for r in rows] == list(tiny_corpus.doc_ids)
    assert list(rows[0]) == ["doc_id", "negative", "positive"]
    p = np.array([[float(r["negative"]), float(r["positive"])] for r in rows])
    np.testing.assert_allclose(p, pipe.predict_proba(tiny_corpus.documents), atol=1e-6)


def test_errors_are_one_clear_line(tiny_corpus, tmp_path, capsys):
    assert main(["cv", str(tiny_corpus.manifest), "--label", "mood", "--quiet",
                 "--cache", "none", "--output", str(tmp_path)]) == 1
    assert "missing column(s) ['mood']" in capsys.readouterr().err
    assert main(["cv", str(tiny_corpus.manifest), "--label", "sentiment", "--methods", "svm",
                 "--quiet"]) == 1
    assert "Unknown method 'svm'" in capsys.readouterr().err


def test_console_script_is_installed(capsys):
    (entry,) = [e for e in entry_points(group="console_scripts") if e.name == "hilbert"]
    assert entry.value == "sklearn_hilbert._cli:main"
    assert Path(sys.executable).with_name("hilbert").exists()
    assert main(["methods"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    # 5 baselines, the paper's 4 rows, DualC only, extended, stack; then the regression ones
    assert len(out) == 12 + 2 + 6 and out[12] == ""
    assert out[8].startswith("HILBERT ") and "HilbertClassifier()" in out[8]
    assert out[11].startswith("HILBERT stack") and not any(r.startswith("default") for r in out)
    assert out[14].startswith("Dummy (mean)") and out[-2].startswith("Ridge early fusion")
    assert out[-1].startswith("HILBERT stack") and "HilbertStackingRegressor" in out[-1]


def test_single_class_label_names_the_column_and_value(wav_corpus, tmp_path, capsys):
    one_class = tmp_path / "one_class.csv"
    text = wav_corpus.read_text().replace(",tense,spk", ",calm,spk")
    one_class.write_text(text.replace("audio/", f"{wav_corpus.parent}/audio/"))
    code = main(["cv", str(one_class), "--label", "label", "--methods", "dummy (prior)",
                 "--cache", "none", "-q", "-o", str(tmp_path / "report")])
    err = capsys.readouterr().err
    assert code == 1
    assert "label column 'label'" in err and "single value 'calm' in all 4 documents" in err
    assert "n_splits" not in err


def test_cv_encoder_grid_and_inner_search(tiny_corpus, cache_dir, tiny_models, tmp_path, capsys):
    """Two audio encoders give the paper-style table (one row per pair); --grid searches
    HILBERT's loss weights inside each fold with the stacked engine."""
    code = main(["cv", str(tiny_corpus.manifest), "--label", "sentiment", "--folds", "2",
                 "--methods", "dummy (prior),HILBERT", "--max-epochs", "1",
                 "--audio-encoder", f"logmel,{tiny_models['wav2vec2']}",
                 "--grid", "lambda_cka=0,0.5", "--cache", str(cache_dir),
                 "--output", str(tmp_path), "--quiet"])
    assert code == 0
    table = (tmp_path / "encoders.md").read_text()
    lines = [line for line in table.splitlines() if line.startswith("| all-MiniLM")]
    assert len(lines) == 2 and "| logmel |" in lines[0]
    assert "| text encoder | audio encoder | Dummy (prior) | HILBERT |" in table
    assert len(list(tmp_path.glob("*/results.csv"))) == 2
    assert "0.500 ± 0.000" in capsys.readouterr().out  # the dummy's AUC in the printed table


def test_cv_rejects_a_bad_grid(tiny_corpus, cache_dir, capsys):
    code = main(["cv", str(tiny_corpus.manifest), "--label", "sentiment", "--methods", "HILBERT",
                 "--grid", "lambda_typo=0,1", "--cache", str(cache_dir), "--quiet"])
    assert code == 1
    assert "unknown HilbertClassifier parameters ['lambda_typo']" in capsys.readouterr().err
