"""Helpers shared by the tests: signals, cheap encoders, small settings (import as ``support``)."""

import hashlib

import numpy as np

#: a network small enough for many fits in a test suite
TINY = dict(d_model=16, n_heads=2, proj_dim=16, n_experts=4, max_epochs=3, batch_size=16)

#: size of the tiny spoken corpus (documents, segments each)
N_DOCS, N_SEG = 8, 3

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


def hilbert_module(d_audio, d_text, n_classes, **settings):
    """A ``HilbertModule`` with ``HilbertClassifier``'s default settings (the one owner of the
    defaults), overridden by ``settings``."""
    from sklearn_hilbert import HilbertClassifier
    from sklearn_hilbert.nn import HilbertModule

    defaults = HilbertClassifier().get_params()
    params = {k: defaults[k] for k in ("d_model", "n_heads", "proj_dim", "n_experts",
                                       "expert_hidden", "head_hidden", "head", "dropout",
                                       "segment_dropout", "segment_fusion", "pooled_head",
                                       "segment_interactions", "segment_order")}
    params["project"] = True
    params.update(settings)
    return HilbertModule(d_audio, d_text, n_classes, **params)


def block_modules(monkeypatch, *names):
    """Make ``import name`` (and of its submodules) fail for the test, as if not installed."""
    import sys

    for name in names:
        for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
            monkeypatch.setitem(sys.modules, key, None)
        monkeypatch.setitem(sys.modules, name, None)
