import math
import pickle

import ctranslate2
import numpy as np
import pytest
from faster_whisper.feature_extractor import FeatureExtractor
from sklearn.base import clone

from sklearn_hilbert import FrozenEncoderTransformer
from sklearn_hilbert.documents import Document, Segment
from sklearn_hilbert.encoders import resolve_audio_encoder
from sklearn_hilbert.encoders.whisper_ct2 import WhisperCT2Encoder, log_mel

SR = 16000
#: How far CTranslate2 may move a pooled Whisper vector when it picks another GEMM kernel or
#: summation order (batch size, instruction set).  Measured on the packaged tiny.en, vectors
#: up to |v| = 7.8: batch of 2 vs one by one differed by up to 4.8e-7 on an AVX2-class AMD
#: EPYC (issue 19), 0 on an AVX-512 one; the same batch under CT2_FORCE_CPU_ISA=GENERIC vs
#: the native AVX-512 kernels differed by up to 2.8e-5.  Exact equality across batch sizes
#: is not something CTranslate2 or oneDNN promise; a padding leak moves a vector by > 1e-3.
CT2_ATOL, CT2_RTOL = 5e-5, 1e-5


@pytest.fixture(scope="module")
def whisper():
    """The registered encoder, one CTranslate2 thread, loaded once for the module."""
    enc = resolve_audio_encoder("whisper-tiny.en")
    enc.threads = 1
    return enc


def _speechlike(seconds, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    f0 = 120 + 40 * np.sin(2 * np.pi * 0.7 * t)
    wave = np.sin(2 * np.pi * np.cumsum(f0) / SR) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))
    return (0.3 * wave + 0.01 * rng.normal(size=t.size)).astype(np.float32)


@pytest.mark.parametrize("n", [1, 399, 16000, 104_321, 479_999, 480_000])
def test_log_mel_equals_whispers_padded_window(n):
    wave = np.random.default_rng(n).normal(scale=0.1, size=n).astype(np.float32)
    padded = np.zeros(480_000, np.float32)
    padded[:n] = wave
    ref = FeatureExtractor(feature_size=80)(padded, padding=0)
    np.testing.assert_allclose(log_mel(wave), ref, atol=1e-6)


def test_pools_the_real_frames_of_the_30s_window(whisper):
    wave = _speechlike(6.5, 0)
    vec = whisper.encode([wave])[0]
    frames = np.asarray(whisper._model.encode(
        ctranslate2.StorageView.from_array(log_mel(wave)[None]), to_cpu=True))[0]
    n_real = math.ceil(wave.size / 320)
    assert frames.shape == (1500, 384) and n_real == 325
    np.testing.assert_allclose(vec, frames[:n_real].mean(axis=0), rtol=1e-5, atol=1e-6)
    assert not np.allclose(vec, frames.mean(axis=0), atol=1e-3)  # padding left out


def test_vectors_do_not_depend_on_the_batch(whisper):
    waves = [_speechlike(s, k) for k, s in enumerate([2.0, 6.5, 3.3])]
    together = whisper.encode(waves, batch_size=3)
    alone = np.concatenate([whisper.encode([w], batch_size=1) for w in waves])
    np.testing.assert_allclose(together, alone, rtol=CT2_RTOL, atol=CT2_ATOL)


def test_long_segments_are_chunked_and_pooled_over_all_real_frames(whisper):
    wave = _speechlike(40.0, 1)  # two chunks of 20 s
    a, b = wave[:320_000], wave[320_000:]
    parts = whisper.encode([a, b])
    np.testing.assert_allclose(whisper.encode([wave])[0], parts.mean(axis=0), rtol=1e-5,
                               atol=1e-6)


def test_cropped_variant_is_another_encoder(whisper):
    cropped = resolve_audio_encoder("whisper-tiny.en-cropped")
    cropped.threads = 1
    assert cropped.cache_key != whisper.cache_key
    assert cropped._frames(104_000) == 700 and whisper._frames(104_000) == 3000
    waves = [_speechlike(6.5, 2), _speechlike(6.2, 3)]
    # both 6.x s segments are padded to 7 s: one batch, the vectors of one by one
    np.testing.assert_allclose(cropped.encode(waves, batch_size=2),
                               np.concatenate([cropped.encode([w]) for w in waves]),
                               rtol=CT2_RTOL, atol=CT2_ATOL)


def test_through_the_transformer_with_cache(tmp_path):
    docs = [Document([Segment("one", _speechlike(3.0, 4), SR),
                      Segment("two", _speechlike(5.0, 5), SR)]),
            Document([Segment("three", _speechlike(2.0, 6), SR)])]

    class Text:
        cache_key = "len-v1"

        def encode(self, texts):
            return np.array([[len(t)] for t in texts], np.float32)

    fet = FrozenEncoderTransformer(text_encoder=Text(), audio_encoder="whisper-tiny.en",
                                   cache=tmp_path, progress=False)
    Xt = fet.fit_transform(docs)
    assert Xt["audio"].shape == (2, 2, 384) and Xt["mask"].tolist() == [[True, True],
                                                                       [True, False]]
    assert pickle.loads(pickle.dumps(fet._encoders()[1]))._model is None  # weights not pickled
    again = clone(fet)  # a fresh instance: only the disk cache is shared
    np.testing.assert_array_equal(again.transform(docs)["audio"], Xt["audio"])
    assert not again._encoders()[1].loaded  # all cached: the model was never loaded
    with pytest.raises(ValueError, match="16000"):
        resolve_audio_encoder("whisper-tiny.en", sample_rate=8000)


def test_bad_model_directory_is_reported(tmp_path):
    enc = WhisperCT2Encoder(str(tmp_path), "broken")
    with pytest.raises(ValueError, match="cannot load the Whisper model"):
        enc.encode([np.zeros(1600, np.float32)])
