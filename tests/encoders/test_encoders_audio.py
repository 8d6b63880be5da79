"""Audio encoders: log-mel statistics and Hugging Face models built from configs."""

import numpy as np
import pytest
import torch

from sklearn_hilbert.encoders.audio import LogMelEncoder
from sklearn_hilbert.encoders.registry import resolve_audio_encoder

from support import SR, noise, tone


def _mixed_lengths():
    return [tone(300, 0.5), noise(0.8, seed=1), tone(500, 0.8) + noise(0.8, seed=2),
            noise(0.5, seed=3), tone(700, 1.0), noise(0.33, seed=4)]


def test_logmel_separates_tones_and_noise():
    enc = LogMelEncoder()
    low, high, hiss = enc.encode([tone(200, 1.0), tone(3000, 1.0), noise(1.0)])
    n_mels = enc.n_mels
    # the mean log-mel peaks in a higher band for the higher tone
    assert np.argmax(high[:n_mels]) > np.argmax(low[:n_mels]) + 10
    # a steady tone varies little over time; white noise spreads energy over all bands
    spread = lambda v: v[:n_mels].max() - v[:n_mels].min()  # noqa: E731
    assert spread(hiss) < spread(low) / 2
    # deltas of a steady tone are ~0 on average
    assert np.abs(low[n_mels:2 * n_mels]).max() < 0.05
    assert low.shape == (4 * n_mels,) and low.dtype == np.float32


def test_logmel_batch_invariance():
    enc = LogMelEncoder()
    waves = _mixed_lengths() + [tone(300, 0.5)]  # two of equal length share a batch
    together = enc.encode(waves, batch_size=4)
    alone = np.stack([enc.encode([w])[0] for w in waves])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(together[0], together[-1], atol=1e-6)


@pytest.mark.parametrize("name", ["wav2vec2", "hubert", "wavlm", "whisper"])
def test_hf_models_batch_invariance(tiny_models, name):
    enc = resolve_audio_encoder(tiny_models[name])
    waves = _mixed_lengths()
    together = enc.encode(waves, batch_size=4)
    alone = np.stack([enc.encode([w], batch_size=1)[0] for w in waves])
    assert together.shape == (len(waves), 32)
    np.testing.assert_allclose(together, alone, atol=1e-5)
    assert enc.n_loads == 1
    assert np.std(together, axis=0).mean() > 1e-3  # different inputs, different vectors


def test_padding_policy_follows_the_model(tiny_models):
    w2v = resolve_audio_encoder(tiny_models["wav2vec2"])
    hubert = resolve_audio_encoder(tiny_models["hubert"])
    w2v.encode([tone(200, 0.1)]), hubert.encode([tone(200, 0.1)])
    assert not w2v.padded  # group norm: only equal lengths share a batch
    assert hubert.padded  # layer norm + attention mask: padded batches


def test_wav2vec2_mean_pools_real_frames_only(tiny_models):
    enc = resolve_audio_encoder(tiny_models["hubert"])
    model = enc._ensure_loaded()
    wave = tone(440, 0.6) + noise(0.6)
    with torch.inference_mode():
        x = torch.from_numpy(enc._normalise(wave))[None]
        frames = model(x).last_hidden_state[0]
    np.testing.assert_allclose(enc.encode([wave])[0], frames.mean(0).numpy(), atol=1e-5)


def test_chunking_long_segments(tiny_models):
    # the tiny Whisper has a 5 s window: a 12 s segment is cut in 3 chunks of 4 s
    enc = resolve_audio_encoder(tiny_models["whisper"])
    long = noise(12.0, seed=5)
    (vec,) = enc.encode([long])
    chunks = [long[i * 4 * SR:(i + 1) * 4 * SR] for i in range(3)]
    parts = enc.encode(chunks)
    np.testing.assert_allclose(vec, parts.mean(0), atol=1e-5)  # equal frame counts
    # wav2vec2-style models chunk at max_seconds, weighting chunks by their frames
    enc = resolve_audio_encoder(tiny_models["hubert"], max_seconds=0.5)
    wave = noise(1.2, seed=6)
    (vec,) = enc.encode([wave])
    norm = enc._normalise(wave)
    pieces = [norm[:6400], norm[6400:12800], norm[12800:]]
    model = enc._model
    with torch.inference_mode():
        frames = torch.cat([model(torch.from_numpy(p.copy())[None]).last_hidden_state[0]
                            for p in pieces])
    np.testing.assert_allclose(vec, frames.mean(0).numpy(), atol=1e-5)


def test_whisper_pools_only_frames_of_real_audio(tiny_models):
    enc = resolve_audio_encoder(tiny_models["whisper"])
    model = enc._ensure_loaded()
    wave = tone(300, 1.0)
    feats = enc.feature_extractor([wave], sampling_rate=SR, max_length=enc.max_samples,
                                  padding="max_length", return_tensors="pt")["input_features"]
    with torch.inference_mode():
        frames = model(feats).last_hidden_state[0]
    n_real = SR // (2 * 160)  # 1 s: 100 mel frames, 50 encoder frames
    np.testing.assert_allclose(enc.encode([wave])[0], frames[:n_real].mean(0).numpy(),
                               atol=1e-5)
    assert not np.allclose(frames[:n_real].mean(0), frames.mean(0), atol=1e-3)


def test_hf_model_loads_lazily_and_pickles_without_weights(tiny_models):
    import pickle

    enc = resolve_audio_encoder(tiny_models["hubert"])
    assert not enc.loaded and enc.sample_rate == SR
    enc.encode([tone(100, 0.2)])
    assert enc.loaded
    clone = pickle.loads(pickle.dumps(enc))
    assert not clone.loaded and len(pickle.dumps(enc)) < 10_000
    np.testing.assert_allclose(clone.encode([tone(100, 0.2)]), enc.encode([tone(100, 0.2)]))


def test_sample_rate_mismatch_is_an_error(tiny_models):
    with pytest.raises(ValueError, match="sample_rate=8000 but .* expects 16000 Hz"):
        resolve_audio_encoder(tiny_models["wav2vec2"], sample_rate=8000)
