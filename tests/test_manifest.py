"""Manifests: CSV, TSV and JSONL round trips, labels, errors naming the line."""

import json

import pytest
import soundfile as sf

from sklearn_hilbert.documents import DocumentError
from sklearn_hilbert.manifest import load_manifest, save_manifest

from support import SR, noise


def test_manifest_csv_and_jsonl_round_trip(wav_corpus, tmp_path):
    docs, y = load_manifest(wav_corpus, label="label")
    assert [d.doc_id for d in docs] == ["a", "b", "c", "d"]
    assert y.tolist() == ["calm", "calm", "tense", "tense"]
    assert [len(d) for d in docs] == [3, 3, 3, 3]
    assert docs[0][1].start == 1.2 and docs[0][1].end == 2.0
    assert docs[0].metadata == {"label": "calm", "speaker": "spk0"}
    assert docs[0][0].path == str(wav_corpus.parent / "audio" / "a.wav")  # relative to manifest

    for suffix in (".jsonl", ".csv", ".tsv"):
        out = tmp_path / f"copy{suffix}"
        save_manifest(out, docs, y=y, label="label")
        docs2, y2 = load_manifest(out, label="label")
        assert [d.segments for d in docs2] == [d.segments for d in docs]
        assert y2.tolist() == y.tolist()
    first = json.loads((tmp_path / "copy.jsonl").read_text().splitlines()[0])
    assert first == {"doc_id": "a", "audio_path": "audio/a.wav", "start": 0.0, "end": 1.2,
                     "text": "calm words a 0", "speaker": "spk0", "label": "calm"}


def test_speaker_column_is_a_segment_field_and_round_trips(wav_corpus, tmp_path):
    rows = wav_corpus.read_text().splitlines()
    rows[2] = rows[2].replace(",spk0", ",interviewer")  # one segment of document a
    rows[3] = rows[3].replace(",spk0", ",")  # no speaker given
    changed = tmp_path / "speakers.csv"
    changed.write_text("\n".join(rows).replace("audio/", f"{wav_corpus.parent}/audio/") + "\n")
    docs, y = load_manifest(changed, label="label")
    assert [s.speaker for s in docs[0]] == ["spk0", "interviewer", None]
    assert [s.speaker for s in docs[1]] == ["spk1"] * 3
    assert docs[0].metadata["speaker"] == "spk0"  # and the document's first row, as before
    for suffix in (".csv", ".jsonl"):
        out = tmp_path / f"copy{suffix}"
        assert save_manifest(out, docs, y=y, label="label") == []
        again, _ = load_manifest(out, label="label")
        assert [[s.speaker for s in d] for d in again] == [[s.speaker for s in d] for d in docs]
    assert (tmp_path / "copy.csv").read_text().splitlines()[0] == \
        "doc_id,audio_path,start,end,text,speaker,label"


def test_save_manifest_writes_columns_of_another_table(wav_corpus, tmp_path):
    docs, _ = load_manifest(wav_corpus)
    out = tmp_path / "sub" / "m.tsv"
    missing = save_manifest(out, docs, columns={"a": {"dx": "mdd", "site": 1},
                                                "c": {"dx": "hc", "site": 2}})
    assert missing == ["b", "d"]  # written with empty cells
    header, first = out.read_text().splitlines()[:2]
    assert header.split("\t")[-2:] == ["dx", "site"] and first.endswith("\tmdd\t1")
    again, _ = load_manifest(out)
    assert [d.metadata["dx"] for d in again] == ["mdd", "", "hc", ""]
    assert again[2].metadata["site"] == 2 and again[0][0].path == docs[0][0].path


def test_manifest_numeric_and_multiple_labels(tmp_path):
    sf.write(tmp_path / "a.wav", noise(2.0), SR)
    (tmp_path / "m.csv").write_text("doc_id,audio_path,start,end,text,score,group\n"
                                    "x,a.wav,0,1,hi,3,g1\nx,a.wav,1,2,there,3,g1\n"
                                    "z,a.wav,,,whole file,7,g2\n")
    docs, y = load_manifest(tmp_path / "m.csv", label="score")
    assert y.tolist() == [3, 7] and y.dtype.kind == "i"
    assert docs[1][0].start is None and docs[1][0].load_audio()[0].size == 2 * SR
    _, y2 = load_manifest(tmp_path / "m.csv", label=["score", "group"])
    assert y2.shape == (2, 2) and y2[1].tolist() == ["7", "g2"]
    docs3, y3 = load_manifest(tmp_path / "m.csv")
    assert y3 is None and len(docs3) == 2


def test_manifest_errors_name_the_line(tmp_path):
    sf.write(tmp_path / "a.wav", noise(2.0), SR)
    bad = tmp_path / "bad.csv"
    bad.write_text("doc_id,audio_path,start,end,text,label\nx,a.wav,0,1,hi,0\nx,a.wav,1,2,yo,1\n")
    with pytest.raises(ValueError, match=r"line 3: label 'label' of document 'x' is 1 here"):
        load_manifest(bad, label="label")
    bad.write_text("doc_id,audio_path,start,end\nx,a.wav,0,1\n")
    with pytest.raises(ValueError, match=r"line 2: missing column\(s\) \['text'\]"):
        load_manifest(bad)
    bad.write_text("doc_id,audio_path,start,end,text\nx,a.wav,0,1,hi\nx,a.wav,1,2,\n")
    with pytest.raises(DocumentError, match=r"Document 'x', segment 1: text is empty.*line 3\)"):
        load_manifest(bad)
    bad.write_text("doc_id,audio_path,start,end,text\nx,a.wav,1,0.5,hi\n")
    with pytest.raises(DocumentError, match=r"segment 0: end=0.5 s is not after start=1.0"):
        load_manifest(bad)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_manifest(tmp_path / "nope.csv")
    (tmp_path / "m.txt").write_text("x")
    with pytest.raises(ValueError, match="unknown manifest format"):
        load_manifest(tmp_path / "m.txt")


def test_manifest_encoding_and_empty_labels(tmp_path):
    sf.write(tmp_path / "a.wav", noise(2.0), SR)
    path = tmp_path / "latin1.csv"
    path.write_bytes("doc_id,audio_path,start,end,text,mood\nx,a.wav,0,1,hi,calm\n"
                     "y,a.wav,0,1,caf\u00e9,tense\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1.csv, line 3: not valid UTF-8"):
        load_manifest(path, label="mood")
    path = tmp_path / "nolabel.csv"
    path.write_text("doc_id,audio_path,start,end,text,mood\nx,a.wav,0,1,hi,calm\ny,a.wav,0,1,yo,\n")
    with pytest.raises(ValueError, match=r"nolabel.csv, line 3: label 'mood' of document 'y' "
                                         r"is empty"):
        load_manifest(path, label="mood")
    assert len(load_manifest(path)[0]) == 2  # fine when the label is not asked for
