import csv

import pytest

from sklearn_hilbert._cli import main
from sklearn_hilbert.manifest import load_manifest
from sklearn_hilbert.transcription import word_error_rate

from .conftest import TEXT


def test_hilbert_transcribe_writes_a_manifest_hilbert_cv_reads(transcriber, audio_dir, tmp_path,
                                                              capsys):
    labels = tmp_path / "labels.csv"
    labels.write_text("participant,diagnosis,site\nreview,depressed,A\nstereo,control,B\n")
    out = tmp_path / "sub" / "manifest.csv"
    files = [str(audio_dir / n) for n in ("review.wav", "silence.wav", "corrupt.wav",
                                          "stereo.flac")]
    code = main(["transcribe", *files, "-o", str(out), "--labels", str(labels),
                 "--id-column", "participant", "--cache", str(transcriber.cache), "-q"])
    assert code == 0
    err = capsys.readouterr().err
    assert "left out" in err and "silence.wav" in err and "corrupt.wav" in err
    with open(out, newline="") as fh:
        header = next(csv.reader(fh))
    assert header == ["doc_id", "audio_path", "start", "end", "text", "diagnosis", "site"]
    docs, y = load_manifest(out, label="diagnosis")
    assert [d.doc_id for d in docs] == ["review", "stereo"] and list(y) == ["depressed", "control"]
    assert docs[1].metadata["site"] == "B"
    assert word_error_rate(TEXT, " ".join(s.text for s in docs[0])) < 0.15
    assert docs[0][0].load_audio()[0].size > 0  # paths resolve from the manifest's folder


def test_hilbert_transcribe_reports_when_nothing_is_left(audio_dir, tmp_path, capsys):
    code = main(["transcribe", str(audio_dir / "silence.wav"), "-o", str(tmp_path / "m.csv"),
                 "--cache", "none", "-q"])
    assert code == 1
    err = capsys.readouterr().err
    assert "silence.wav" in err and "none of the 1 recording(s)" in err
    with pytest.raises(SystemExit):
        main(["transcribe", "-o", "m.csv"])  # no audio given: argparse's usage error
    labels = tmp_path / "bad.csv"
    labels.write_text("id,label\nx,1\n")
    assert main(["transcribe", str(audio_dir / "review.wav"), "-o", str(tmp_path / "m.csv"),
                 "--labels", str(labels), "-q"]) == 1
    assert "no column 'doc_id'" in capsys.readouterr().err


@pytest.mark.filterwarnings("ignore:.*mean word confidence")  # short, name-heavy segments
def test_demo_from_audio_reports_wer_and_both_aucs(tmp_path, capsys):
    out = tmp_path / "report"
    code = main(["demo", "--from-audio", "--data-home", str(tmp_path / "data"), "--n-docs", "8",
                 "--max-segments", "1", "--folds", "2", "--methods", "LogReg text", "-o",
                 str(out), "--cache", str(tmp_path / "cache"), "-q"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "word error rate" in printed and "AUC with transcribed vs true text" in printed
    wer = float(printed.split("word error rate ")[1].split()[0])
    assert 0.0 <= wer <= 1.0  # first segments are full of names (quality: test_transformer)
    docs, y = load_manifest(out / "transcribed-manifest.csv", label="sentiment")
    assert len(docs) == 8 and sorted(set(y)) == ["negative", "positive"]
    assert (out / "transcribed" / "results.md").is_file()
    assert (out / "true-text" / "results.md").is_file()
