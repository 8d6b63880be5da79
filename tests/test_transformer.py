"""FrozenEncoderTransformer: contract, caching, scikit-learn conventions, errors."""

import pickle
import time

import numpy as np
import pytest
import soundfile as sf
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.validation import check_is_fitted
from skorch.helper import SliceDict

from sklearn_hilbert.audio_io import resample
from sklearn_hilbert.documents import Document, DocumentError, Segment
from sklearn_hilbert.manifest import load_manifest
from sklearn_hilbert.encoders.audio import LogMelEncoder
from sklearn_hilbert.encoders.hub import ModelNotAvailableError
from sklearn_hilbert.pooling import SegmentPooler
from sklearn_hilbert.transformer import FrozenEncoderTransformer

from support import SR, CountingAudioEncoder, HashingTextEncoder, noise, tone


def _docs(n_docs=6, seed=0):
    """In-memory documents of 1-4 segments; segment k of every document is the same clip."""
    rng = np.random.default_rng(seed)
    clips = [tone(200 + 100 * k, 0.5 + 0.1 * k) + noise(0.5 + 0.1 * k, seed=k) for k in range(4)]
    docs = []
    for i in range(n_docs):
        n = 1 + i % 4
        segs = [Segment(f"shared sentence {k}", clips[k], SR) for k in range(n - 1)]
        segs.append(Segment(f"own words of {i}", noise(0.3 + 0.05 * i, seed=100 + i), SR))
        docs.append(Document(segs, doc_id=f"doc{i}"))
    rng.shuffle(docs)
    return docs


def _distinct(docs, max_segments=None):
    audio, text = set(), set()
    for d in docs:
        for s in d.segments[:max_segments]:
            audio.add(s.load_audio()[0].tobytes())
            text.add(s.text)
    return len(audio), len(text)


def test_output_contract_on_wav_manifest(wav_corpus, hashing_text):
    docs, _ = load_manifest(wav_corpus)
    docs[1] = Document(docs[1].segments[:2], doc_id="b")  # shorter: padded
    Xt = FrozenEncoderTransformer(text_encoder=hashing_text).fit_transform(docs)
    assert isinstance(Xt, SliceDict) and sorted(Xt.keys()) == ["audio", "mask", "text"]
    assert Xt["audio"].shape == (4, 3, 256) and Xt["audio"].dtype == np.float32
    assert Xt["text"].shape == (4, 3, 16) and Xt["text"].dtype == np.float32
    assert Xt["mask"].dtype == bool and Xt["mask"].sum(1).tolist() == [3, 2, 3, 3]
    assert not Xt["audio"][1, 2].any() and not Xt["text"][1, 2].any()  # padding is zeros
    # the stereo 44.1 kHz document is mixed to mono, resampled, then encoded
    seg = docs[3][1]
    samples, rate = seg.load_audio()
    expected = LogMelEncoder().encode([resample(samples, rate, SR)])[0]
    np.testing.assert_allclose(Xt["audio"][3, 1], expected, atol=1e-5)
    np.testing.assert_array_equal(Xt["text"][0, 2],
                                  HashingTextEncoder().encode([docs[0][2].text])[0])


def test_list_and_object_array_give_the_same_tensors(hashing_text):
    docs = _docs()
    t = FrozenEncoderTransformer(text_encoder=hashing_text)
    a, b = t.transform(docs), t.transform(np.array(docs, dtype=object))
    for key in ("audio", "text", "mask"):
        np.testing.assert_array_equal(a[key], b[key])
    # slicing the output like a CV splitter slices the input
    sub = t.transform([docs[i] for i in (4, 1)])
    S = sub["mask"].shape[1]
    np.testing.assert_allclose(sub["audio"], a["audio"][[4, 1], :S], atol=1e-6)


def test_each_distinct_segment_is_encoded_once(hashing_text, counting_audio):
    docs = _docs()
    t = FrozenEncoderTransformer(text_encoder=hashing_text, audio_encoder=counting_audio)
    first = t.transform(docs)
    n_audio, n_text = _distinct(docs)
    assert sum(CountingAudioEncoder.calls) == n_audio < sum(len(d) for d in docs)
    assert sum(HashingTextEncoder.calls) == n_text
    again = t.transform(docs[::-1])  # in-memory cache, no file or model touched
    assert sum(CountingAudioEncoder.calls) == n_audio and sum(HashingTextEncoder.calls) == n_text
    np.testing.assert_array_equal(again["audio"][::-1], first["audio"])


def test_max_segments_truncates_with_a_warning(hashing_text, counting_audio):
    docs = _docs()
    t = FrozenEncoderTransformer(text_encoder=hashing_text, audio_encoder=counting_audio,
                                 max_segments=2)
    with pytest.warns(UserWarning, match=r"2 of 6 document\(s\) have more than max_segments=2"):
        Xt = t.transform(docs)
    assert Xt["mask"].shape == (6, 2)
    assert sum(CountingAudioEncoder.calls) == _distinct(docs, 2)[0]  # dropped ones not encoded
    short = [d for d in docs if len(d) == 1][:1]
    assert t.transform(short)["mask"].shape == (1, 2)  # fixed width whatever the call


def test_disk_cache_hit_loads_no_model_and_is_fast(tiny_models, tmp_path):
    docs = [Document([Segment(f"sentence number {k} of document {i}", noise(0.4, seed=7 * i + k),
                              SR) for k in range(3)]) for i in range(4)]
    params = dict(audio_encoder=tiny_models["hubert"], cache=tmp_path / "cache")
    cold = FrozenEncoderTransformer(**params)
    t0 = time.perf_counter()
    first = cold.transform(docs)
    t_cold = time.perf_counter() - t0
    text_enc, audio_enc = cold._encoders()
    assert (text_enc.n_loads, audio_enc.n_loads) == (1, 1)

    warm = FrozenEncoderTransformer(**params)  # another instance, e.g. a CV clone
    t0 = time.perf_counter()
    second = warm.transform(docs)
    t_warm = time.perf_counter() - t0
    text_enc, audio_enc = warm._encoders()
    assert (text_enc.n_loads, audio_enc.n_loads) == (0, 0)
    assert not text_enc.loaded and not audio_enc.loaded
    for key in ("audio", "text", "mask"):
        np.testing.assert_array_equal(first[key], second[key])
    assert t_warm < t_cold / 5

    # a corrupt entry is recomputed, not trusted
    entry = next((tmp_path / "cache").rglob("*.emb"))
    entry.write_bytes(entry.read_bytes()[:20])
    third = FrozenEncoderTransformer(**params).transform(docs)
    np.testing.assert_allclose(third["audio"], first["audio"], atol=1e-6)
    np.testing.assert_allclose(third["text"], first["text"], atol=1e-6)


def test_grid_search_encodes_each_distinct_segment_once(hashing_text, counting_audio, tmp_path):
    docs = _docs(n_docs=20)
    y = np.array([i % 2 for i in range(20)])
    pipe = make_pipeline(
        FrozenEncoderTransformer(text_encoder=hashing_text, audio_encoder=counting_audio,
                                 cache=tmp_path / "cache", max_segments=4),
        SegmentPooler(), LogisticRegression(max_iter=200))
    search = GridSearchCV(pipe, {"logisticregression__C": [0.1, 1.0, 10.0]}, cv=5).fit(docs, y)
    assert len(search.cv_results_["params"]) == 3
    n_audio, n_text = _distinct(docs)
    assert sum(CountingAudioEncoder.calls) == n_audio
    assert sum(HashingTextEncoder.calls) == n_text


def test_sklearn_conventions(hashing_text):
    t = FrozenEncoderTransformer(text_encoder=hashing_text, batch_size=-3)  # no check in __init__
    assert t.get_params()["batch_size"] == -3
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        t.fit(_docs())
    t.set_params(batch_size=4)
    check_is_fitted(t)  # stateless
    assert t.fit(_docs()) is t
    assert clone(t).get_params()["batch_size"] == 4
    assert [k for k in vars(t.fit(_docs())) if k.endswith("_")] == []
    with pytest.raises(ValueError, match="progress must be True, False or 'auto'"):
        FrozenEncoderTransformer(progress="yes").fit(_docs())


def test_pickling_drops_loaded_models(tiny_models, hashing_text):
    docs = _docs(3)
    t = FrozenEncoderTransformer(text_encoder=hashing_text, audio_encoder=tiny_models["wav2vec2"])
    before = t.transform(docs)
    blob = pickle.dumps(t)
    assert len(blob) < 20_000  # no weights, no cached vectors
    restored = pickle.loads(blob)
    assert not hasattr(restored, "_resolved")
    np.testing.assert_allclose(restored.transform(docs)["audio"], before["audio"], atol=1e-6)


def test_progress_bars(hashing_text, capsys):
    FrozenEncoderTransformer(text_encoder=hashing_text, progress=True).transform(_docs(2))
    err = capsys.readouterr().err
    assert "audio" in err and "seg" in err  # tqdm bar, counted in segments
    FrozenEncoderTransformer(text_encoder=hashing_text, progress=False).transform(_docs(2))
    FrozenEncoderTransformer(text_encoder=hashing_text).transform(_docs(2))  # auto: not a TTY
    assert capsys.readouterr().err == ""


def _file_doc(path, start, end, doc_id="talk"):
    return Document([Segment("fine", path=path, start=0.0, end=0.5),
                     Segment("the bad one", path=path, start=start, end=end)], doc_id=doc_id)


def test_audio_errors_name_document_and_segment(tmp_path, hashing_text):
    sf.write(tmp_path / "ok.wav", noise(2.0), SR)
    good = Document([Segment("hi", noise(0.5), SR)], doc_id="good")
    t = FrozenEncoderTransformer(text_encoder=hashing_text)
    cases = [
        (_file_doc(tmp_path / "ok.wav", 1.0, 2.6),
         r"Document 'talk' \(index 1 of X\), segment 1: end=2.6 s is past the end of .*ok.wav', "
         r"which lasts 2.000 s"),
        (_file_doc(tmp_path / "gone.wav", 0.0, 1.0),
         r"Document 'talk' \(index 1 of X\), segment 0: audio file .*gone.wav' does not exist"),
        (_file_doc(tmp_path / "ok.wav", 1.5, 1.51),
         r"segment 1: the audio lasts 0.0100 s, shorter than the 0.0250 s the audio encoder "
         r"needs"),
        (_file_doc(tmp_path / "ok.wav", 1.5, 1.5000001),
         r"segment 1: the slice 1.5-1.5 s of .*ok.wav' holds no sample"),
    ]
    (tmp_path / "junk.wav").write_bytes(b"\x00" * 1000)
    cases.append((_file_doc(tmp_path / "junk.wav", 0, 1),
                  r"'talk' \(index 1 of X\), segment 0: audio file .*junk.wav' cannot be read"))
    bad = noise(1.0)
    bad[100] = np.nan
    sf.write(tmp_path / "nan.wav", bad, SR, subtype="FLOAT")
    cases.append((_file_doc(tmp_path / "nan.wav", 0.5, 1.0),
                  r"segment 0: the audio holds 1 NaN or infinite sample"))
    for doc, message in cases:
        with pytest.raises(DocumentError, match=message):
            t.transform([good, doc])


def test_input_errors(hashing_text):
    t = FrozenEncoderTransformer(text_encoder=hashing_text)
    docs = _docs(2)
    with pytest.raises(TypeError, match="got a single Document; wrap it in a list"):
        t.transform(docs[0])
    with pytest.raises(TypeError, match=r"X\[1\] is a str, not a Document"):
        t.transform([docs[0], "hello"])
    with pytest.raises(ValueError, match="X holds no document"):
        t.transform([])
    docs[1].segments[0].text = "   "  # mutated after construction: caught at transform
    with pytest.raises(DocumentError, match=r"'doc.' \(index 1 of X\), segment 0: text is empty"):
        t.transform(docs)
    docs[1].segments = []
    with pytest.raises(DocumentError, match=r"index 1 of X\): the document has no segment"):
        t.transform(docs)


def test_encoder_name_errors(monkeypatch, hashing_text, tmp_path):
    docs = _docs(1)
    with pytest.raises(ValueError, match=r"Unknown audio encoder 'logmels': expected 'logmel'"):
        FrozenEncoderTransformer(text_encoder=hashing_text,
                                 audio_encoder="logmels").transform(docs)
    with pytest.raises(ValueError, match="there is no model directory at"):
        FrozenEncoderTransformer(text_encoder=hashing_text,
                                 audio_encoder=str(tmp_path / "nope" / "w2v")).transform(docs)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    t0 = time.perf_counter()
    with pytest.raises(ModelNotAvailableError, match=(
            r"(?s)audio_encoder='facebook/wav2vec2-base' is not a local directory and not in the "
            r"local Hugging Face cache.*huggingface-cli download facebook/wav2vec2-base.*"
            r"audio_encoder='./wav2vec2-base'")):
        FrozenEncoderTransformer(text_encoder=hashing_text,
                                 audio_encoder="facebook/wav2vec2-base").transform(docs)
    assert time.perf_counter() - t0 < 5


def test_unreachable_hub_fails_fast(monkeypatch, hashing_text):
    from sklearn_hilbert.encoders import hub

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(hub, "_hub_offline", lambda: False)
    monkeypatch.setattr(hub, "_hub_reachable", lambda timeout=3.0: False)
    with pytest.raises(ModelNotAvailableError, match="cannot be reached \\(no network\\)"):
        FrozenEncoderTransformer(text_encoder="sentence-transformers/paraphrase-TinyBERT-L6-v2"
                                 ).transform(_docs(1))


def test_cached_run_reads_no_audio_but_notices_changed_files(tmp_path, hashing_text,
                                                             counting_audio, monkeypatch):
    import os

    from sklearn_hilbert import documents

    sf.write(tmp_path / "a.wav", noise(2.0, seed=1), SR)
    docs = [Document.from_audio_file(tmp_path / "a.wav", [(0, 1, "one"), (1, 2, "two")])]
    params = dict(text_encoder=hashing_text, audio_encoder=counting_audio, cache=tmp_path / "c")
    first = FrozenEncoderTransformer(**params).transform(docs)

    def no_reading(*args, **kwargs):
        raise AssertionError("audio was read")

    with monkeypatch.context() as m:
        m.setattr(documents, "read_audio", no_reading)
        again = FrozenEncoderTransformer(**params).transform(docs)
    np.testing.assert_array_equal(again["audio"], first["audio"])

    st = os.stat(tmp_path / "a.wav")
    sf.write(tmp_path / "a.wav", noise(2.0, seed=2), SR)  # same size, new content
    os.utime(tmp_path / "a.wav", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    changed = FrozenEncoderTransformer(**params).transform(docs)
    assert not np.allclose(changed["audio"], first["audio"])
    assert CountingAudioEncoder.calls == [2, 2], CountingAudioEncoder.calls
