"""Documents, segments, manifests and audio reading."""

import json

import numpy as np
import pytest
import soundfile as sf

from sklearn_hilbert.audio_io import AudioError, read_audio, resample, resampled_length, to_mono
from sklearn_hilbert.documents import (Document, DocumentError, Segment, load_manifest,
                                       save_manifest)

from .conftest import SR, noise, tone


def test_segment_from_array_and_file(tmp_path):
    y = tone(300, 2.0)
    sf.write(tmp_path / "x.wav", y, SR)
    in_memory = Segment("hello", y, SR)
    from_file = Segment("hello", path=tmp_path / "x.wav", start=0.5, end=1.5)
    samples, sr = from_file.load_audio()
    assert sr == SR and samples.dtype == np.float32 and samples.shape == (SR,)
    np.testing.assert_allclose(samples, y[SR // 2:3 * SR // 2], atol=1e-4)  # 16-bit PCM
    np.testing.assert_array_equal(in_memory.load_audio()[0], y)


@pytest.mark.parametrize("fmt, subtype", [("WAV", "FLOAT"), ("FLAC", "PCM_16"),
                                          ("OGG", "VORBIS"), ("MP3", "MPEG_LAYER_III")])
def test_reads_common_formats(tmp_path, fmt, subtype):
    y = tone(440, 1.0)
    path = tmp_path / f"x.{fmt.lower()}"
    sf.write(path, y, SR, format=fmt, subtype=subtype)
    samples, sr = read_audio(path, 0.25, 0.75)
    assert sr == SR
    assert abs(samples.size - SR // 2) <= 1152  # MP3 frames may shift the slice slightly
    # a lossy codec keeps the tone: energy at 440 Hz dominates
    spectrum = np.abs(np.fft.rfft(samples))
    peak_hz = np.argmax(spectrum) * sr / samples.size
    assert abs(peak_hz - 440) < 10


def test_stereo_is_mixed_to_mono_and_resampled(tmp_path):
    left, right = tone(440, 1.0, 44100), -tone(440, 1.0, 44100)
    sf.write(tmp_path / "s.wav", np.stack([left, right + 0.2], axis=1), 44100, subtype="FLOAT")
    samples, sr = read_audio(tmp_path / "s.wav")
    assert sr == 44100
    np.testing.assert_allclose(samples, 0.1, atol=1e-6)  # (l + r) / 2
    out = resample(tone(440, 1.0, 44100), 44100, SR)
    assert out.shape == (resampled_length(44100, 44100, SR),) == (SR,)
    spectrum = np.abs(np.fft.rfft(out))
    assert abs(np.argmax(spectrum) - 440) <= 1  # 1 Hz bins for 1 s
    # channels-first arrays (torchaudio style) are recognised too
    assert to_mono(np.stack([np.ones(100), np.zeros(100)])).shape == (100,)


def test_from_audio_file(tmp_path):
    sf.write(tmp_path / "talk.flac", noise(4.0), SR)
    doc = Document.from_audio_file(tmp_path / "talk.flac",
                                   [(0, 1.5, "one"), {"start": 1.5, "end": 4.0, "text": "two"}])
    assert doc.doc_id == "talk" and len(doc) == 2
    assert [s.text for s in doc] == ["one", "two"]
    assert doc[1].load_audio()[0].shape == (int(2.5 * SR),)


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
                     "text": "calm words a 0", "label": "calm"}


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


@pytest.mark.parametrize("segments, message", [
    ([], r"Document 'd': the document has no segment"),
    ([Segment("", np.ones(400), SR)], r"Document 'd', segment 0: text is empty"),
    ([Segment("ok", np.ones(400), SR), Segment(3.5, np.ones(400), SR)],
     r"Document 'd', segment 1: text must be a string, got float"),
    ([Segment(None, np.ones(400), SR)], r"segment 0: text must be a string, got NoneType"),
    ([Segment("x", np.r_[np.zeros(500), np.nan], SR)],
     r"segment 0: the audio holds 1 NaN or infinite sample"),
    ([Segment("x", np.array([0.1, np.inf] * 200), SR)], r"segment 0: the audio holds 200 NaN"),
    ([Segment("x", np.ones(400))], r"segment 0: sample_rate must be a positive integer"),
    ([Segment("x")], r"segment 0: give exactly one of `audio`"),
    (["not a segment"], r"segment 0: expected a Segment, got str"),
])
def test_document_errors_name_document_and_segment(segments, message):
    with pytest.raises(DocumentError, match=message):
        Document(segments, doc_id="d")


def test_audio_file_errors(tmp_path):
    sf.write(tmp_path / "a.wav", noise(2.0), SR)
    with pytest.raises(AudioError,
                       match=r"end=2.5 s is past the end of .*a.wav', which lasts 2.000"):
        read_audio(tmp_path / "a.wav", 1.0, 2.5)
    assert read_audio(tmp_path / "a.wav", 1.0, 2.005)[0].size == SR  # rounding tolerance
    with pytest.raises(AudioError, match=r"end=1 s is not after start=1 s"):
        read_audio(tmp_path / "a.wav", 1.0, 1.0)
    with pytest.raises(AudioError, match=r"missing.wav' does not exist"):
        read_audio(tmp_path / "missing.wav")
    (tmp_path / "junk.wav").write_bytes(b"RIFF not really a wav file" * 10)
    with pytest.raises(AudioError, match=r"junk.wav' cannot be read by soundfile"):
        read_audio(tmp_path / "junk.wav")


def test_documents_pickle_and_compare(tmp_path):
    import pickle

    doc = Document([Segment("a", tone(200, 0.5), SR), Segment("b", path="x.wav", start=0, end=1)],
                   doc_id="p", metadata={"label": 1})
    assert pickle.loads(pickle.dumps(doc)) == doc
    assert repr(doc) == "Document('p', 2 segments)"


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
