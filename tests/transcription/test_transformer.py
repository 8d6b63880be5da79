import pickle
import time
import warnings

import numpy as np
import pytest
import soundfile as sf
from sklearn.base import clone

from sklearn_hilbert import DocumentError
from sklearn_hilbert.encoders import ModelNotAvailableError
from sklearn_hilbert.transcription import WhisperTranscriber, word_error_rate

from .conftest import SENTENCES, SR, TEXT


def _text(doc):
    return " ".join(s.text for s in doc)


def test_transcribes_and_segments_a_recording(transcriber, audio_dir):
    (doc,) = transcriber.transform([str(audio_dir / "review.wav")])
    assert doc.doc_id == "review"
    assert word_error_rate(TEXT, _text(doc)) < 0.15
    bounds = [(s.start, s.end) for s in doc]
    assert all(b > a for a, b in bounds)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(bounds, bounds[1:]))
    assert all(1.0 < b - a < 10.5 for a, b in bounds)
    assert bounds[0][0] >= 0.6  # the leading second of silence is skipped
    assert doc.metadata["asr_confidence"] > 0.7 and doc.metadata["language"] == "en"
    assert doc.metadata["speech_seconds"] < doc.metadata["duration"]
    # every word of the transcript lies inside its segment's slice
    words = transcriber.transcripts_[str(audio_dir / "review.wav")].words
    k = 0
    for seg in doc:
        for _ in seg.text.split():
            assert seg.start <= words[k].start and words[k].end <= seg.end + 1e-9
            k += 1
    # the segments are real slices of the file: their audio reads back
    samples, rate = doc[0].load_audio()
    assert rate == SR and samples.size == pytest.approx((bounds[0][1] - bounds[0][0]) * SR, abs=2)


def test_second_run_is_served_by_the_cache(transcriber, audio_dir):
    path = str(audio_dir / "review.wav")
    first = transcriber.transform([path])
    again = clone(transcriber)  # a fresh instance: only the disk cache is shared
    start = time.perf_counter()
    second = again.transform([path])
    assert time.perf_counter() - start < 1.0
    assert again._runner()._model is None  # no model loaded
    assert [(s.start, s.end, s.text) for s in second[0]] == \
        [(s.start, s.end, s.text) for s in first[0]]
    # other segment lengths re-cut the cached words: still no model
    shorter = clone(transcriber).set_params(target_duration=2.5, min_duration=1.0,
                                            max_duration=4.0)
    docs = shorter.transform([path])
    assert len(docs[0]) > len(first[0]) and shorter._runner()._model is None


@pytest.mark.parametrize("name", ["stereo.flac", "stereo.mp3"])
def test_stereo_44k_flac_and_mp3(transcriber, audio_dir, name):
    (doc,) = transcriber.transform([str(audio_dir / name)])
    assert word_error_rate(SENTENCES[2], _text(doc)) < 0.2
    assert doc.metadata["duration"] == pytest.approx(sf.info(audio_dir / name).duration, abs=0.06)


def test_silence_noise_and_corrupt_files_are_named(transcriber, audio_dir):
    for name, why in [("silence.wav", "holds no speech"), ("corrupt.wav", "cannot be read"),
                      ("missing.wav", "does not exist")]:
        with pytest.raises(DocumentError, match=rf"{name}.*{why}"):
            transcriber.transform([str(audio_dir / name)])
    # noise: the VAD finds no speech in it
    with pytest.raises(DocumentError, match="noise.wav.*no speech"):
        transcriber.transform([str(audio_dir / "noise.wav")])


def test_skip_mode_keeps_the_good_files(transcriber, audio_dir):
    skipper = clone(transcriber).set_params(errors="skip")
    paths = [str(audio_dir / n) for n in ("silence.wav", "review.wav", "corrupt.wav")]
    with pytest.warns(UserWarning, match="Skipped"):
        docs = skipper.transform(paths)
    assert [d.doc_id for d in docs] == ["review"]
    assert [p for p, _ in skipper.failures_] == [paths[0], paths[2]]


def test_non_english_recording(transcriber, audio_dir):
    path = str(audio_dir / "german.wav")
    with pytest.warns(UserWarning, match="german.wav.*confidence.*language='en'"):
        (doc,) = transcriber.transform([path])
    assert doc.metadata["asr_confidence"] < 0.55
    with pytest.raises(ValueError, match="English-only.*language='de'"):
        clone(transcriber).set_params(language="de", cache=None).transform([path])


def test_estimator_contract(transcriber, audio_dir):
    est = WhisperTranscriber(model="tiny.en", cache=None)
    assert clone(est).get_params() == est.get_params()
    assert est.fit([str(audio_dir / "review.wav")]) is est
    pickle.loads(pickle.dumps(transcriber))  # no model inside
    with pytest.raises(TypeError, match="single path"):
        est.transform(str(audio_dir / "review.wav"))
    with pytest.raises(ValueError, match="errors"):
        WhisperTranscriber(errors="ignore").fit(["a.wav"])
    with pytest.raises(ValueError, match="no-such-model"):
        WhisperTranscriber(model="./no-such-model").transform(["a.wav"])
    # another faster-whisper size: not shipped, and this suite runs with HF_HUB_OFFLINE=1
    with pytest.raises(ModelNotAvailableError, match="faster-whisper-base.*local"):
        WhisperTranscriber(model="base").transform(["a.wav"])


def test_pipeline_head(transcriber, audio_dir):
    from sklearn.pipeline import make_pipeline

    from sklearn_hilbert import FrozenEncoderTransformer

    class Lengths:  # cheap stand-ins for the frozen encoders
        cache_key = "lengths-v1"

        def encode(self, items, sample_rate=None):
            return np.array([[len(x), 1.0] for x in items], np.float32)

    pipe = make_pipeline(clone(transcriber),
                         FrozenEncoderTransformer(text_encoder=Lengths(),
                                                  audio_encoder=Lengths(), progress=False))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        Xt = pipe.fit_transform([str(audio_dir / "review.wav"), str(audio_dir / "stereo.flac")])
    assert Xt["audio"].shape[0] == 2 and Xt["mask"][1].sum() == 1
    assert Xt["mask"][0].sum() >= 2


@pytest.mark.parametrize("check", [
    "check_estimator_cloneable", "check_estimator_repr", "check_no_attributes_set_in_init",
    "check_do_not_raise_errors_in_init_or_set_params", "check_mixin_order",
    "check_get_params_invariance", "check_set_params", "check_parameters_default_constructible",
    "check_valid_tag_types"])
def test_scikit_learn_api_checks(check):
    from sklearn.utils import estimator_checks

    getattr(estimator_checks, check)("WhisperTranscriber", WhisperTranscriber())
