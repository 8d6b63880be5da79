"""Documents and segments: building, checking, comparing, reading their audio."""

import numpy as np
import pytest
import soundfile as sf

from sklearn_hilbert.documents import Document, DocumentError, Segment

from support import SR, noise, tone


def test_segment_from_array_and_file(tmp_path):
    y = tone(300, 2.0)
    sf.write(tmp_path / "x.wav", y, SR)
    in_memory = Segment("hello", y, SR)
    from_file = Segment("hello", path=tmp_path / "x.wav", start=0.5, end=1.5)
    samples, sr = from_file.load_audio()
    assert sr == SR and samples.dtype == np.float32 and samples.shape == (SR,)
    np.testing.assert_allclose(samples, y[SR // 2:3 * SR // 2], atol=1e-4)  # 16-bit PCM
    np.testing.assert_array_equal(in_memory.load_audio()[0], y)


def test_from_audio_file(tmp_path):
    sf.write(tmp_path / "talk.flac", noise(4.0), SR)
    doc = Document.from_audio_file(tmp_path / "talk.flac",
                                   [(0, 1.5, "one"), {"start": 1.5, "end": 4.0, "text": "two"}])
    assert doc.doc_id == "talk" and len(doc) == 2
    assert [s.text for s in doc] == ["one", "two"]
    assert doc[1].load_audio()[0].shape == (int(2.5 * SR),)


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


def test_documents_pickle_and_compare(tmp_path):
    import pickle

    doc = Document([Segment("a", tone(200, 0.5), SR), Segment("b", path="x.wav", start=0, end=1)],
                   doc_id="p", metadata={"label": 1})
    assert pickle.loads(pickle.dumps(doc)) == doc
    assert repr(doc) == "Document('p', 2 segments)"


def test_select_speaker_keeps_one_speakers_segments_in_order():
    import pickle

    from sklearn_hilbert.documents import select_speaker

    def seg(text, speaker):
        return Segment(text, path="a.wav", start=0.0, end=1.0, speaker=speaker)

    docs = [Document([seg("q1", "I"), seg("a1", "P"), seg("q2", "I"), seg("a2", "P")],
                     doc_id="x", metadata={"dx": 1}),
            Document([seg("a", 7), seg("b", None)], doc_id="y")]
    kept, dropped = select_speaker(docs[:1], "P")
    assert [s.text for s in kept[0]] == ["a1", "a2"] and dropped == 2
    assert kept[0].doc_id == "x" and kept[0].metadata == {"dx": 1}
    kept, dropped = select_speaker(docs[1:], 7)  # compared as strings
    assert [s.text for s in kept[0]] == ["a"] and dropped == 1
    with pytest.raises(DocumentError, match=r"Document 'y' \(index 1 of X\): no segment of "
                                            r"speaker 'P' \(its speakers: '7'\)"):
        select_speaker(docs, "P")
    assert seg("a", "P") != seg("a", "I")
    assert "speaker='P'" in repr(seg("a", "P"))
    old = Segment("a", path="a.wav")
    state = old.__getstate__()
    del state["speaker"]  # a segment pickled before the field existed
    fresh = Segment.__new__(Segment)
    fresh.__setstate__(state)
    assert fresh.speaker is None and pickle.loads(pickle.dumps(old)) == old
