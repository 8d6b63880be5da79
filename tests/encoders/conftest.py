"""Fixtures of the encoder tests: WAV files, tiny Hugging Face models, cheap encoders."""

import hashlib

import numpy as np
import pytest
import soundfile as sf

from ._tiny_models import save_hubert, save_wav2vec2, save_wavlm, save_whisper

SR = 16000


def tone(freq, seconds, sr=SR, amplitude=0.5):
    t = np.arange(int(round(seconds * sr))) / sr
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def noise(seconds, sr=SR, seed=0, scale=0.3):
    return (scale * np.random.default_rng(seed).normal(size=int(round(seconds * sr)))).astype(
        np.float32)


class HashingTextEncoder:
    """Cheap deterministic text encoder: character-trigram counts hashed into 16 bins."""

    cache_key = "hashing-text-v1"
    calls = []

    def encode(self, texts):
        type(self).calls.append(len(texts))
        out = np.zeros((len(texts), 16), np.float32)
        for row, text in enumerate(texts):
            for k in range(len(text) - 2):
                h = int(hashlib.md5(text[k:k + 3].encode()).hexdigest(), 16)
                out[row, h % 16] += 1.0
        return out


class CountingAudioEncoder:
    """Mean, std and energy of the waveform; counts every waveform it encodes (class-wide,
    because clones deep-copy their parameters)."""

    cache_key = "counting-audio-v1"
    sample_rate = SR
    calls = []

    def encode(self, waveforms, sample_rate):
        type(self).calls.append(len(waveforms))
        return np.stack([[w.mean(), w.std(), np.abs(w).max(), len(w) / sample_rate]
                         for w in waveforms]).astype(np.float32)


@pytest.fixture
def counting_audio():
    CountingAudioEncoder.calls.clear()
    yield CountingAudioEncoder()
    CountingAudioEncoder.calls.clear()


@pytest.fixture
def hashing_text():
    HashingTextEncoder.calls.clear()
    yield HashingTextEncoder()
    HashingTextEncoder.calls.clear()


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    """Directories of tiny wav2vec2, HuBERT, WavLM and Whisper models, built once per session."""
    root = tmp_path_factory.mktemp("tiny_models")
    return {"wav2vec2": save_wav2vec2(root / "wav2vec2"), "hubert": save_hubert(root / "hubert"),
            "wavlm": save_wavlm(root / "wavlm"), "whisper": save_whisper(root / "whisper")}


@pytest.fixture
def wav_corpus(tmp_path):
    """Four 3-second WAV interviews (tones, noise, a 44.1 kHz stereo one) and a CSV manifest."""
    rows = ["doc_id,audio_path,start,end,text,label,speaker"]
    specs = [("a", 220, 0, "calm"), ("b", 440, 1, "calm"), ("c", 660, 2, "tense"),
             ("d", 880, 3, "tense")]
    (tmp_path / "audio").mkdir()
    for doc_id, freq, seed, label in specs:
        if doc_id == "d":  # stereo at 44.1 kHz: mixed to mono and resampled
            y = np.stack([tone(freq, 3.0, 44100), noise(3.0, 44100, seed)], axis=1)
            sf.write(tmp_path / "audio" / f"{doc_id}.wav", y, 44100)
        else:
            sf.write(tmp_path / "audio" / f"{doc_id}.wav", tone(freq, 3.0) + noise(3.0, seed=seed),
                     SR)
        for k, (start, end) in enumerate([(0.0, 1.2), (1.2, 2.0), (2.0, 3.0)]):
            rows.append(f"{doc_id},audio/{doc_id}.wav,{start},{end},{label} words {doc_id} {k},"
                        f"{label},spk{seed % 2}")
    path = tmp_path / "manifest.csv"
    path.write_text("\n".join(rows) + "\n")
    return path

