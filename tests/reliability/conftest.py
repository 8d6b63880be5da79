"""Fixtures of the reliability tests: WAV files, manifests, a cheap text encoder, tiny models.

Everything is small so that the whole folder runs in about a minute on a shared 2-core
machine with one torch thread.
"""

import numpy as np
import pytest
import soundfile as sf

from sklearn_hilbert import Document, FrozenEncoderTransformer, HilbertClassifier, Segment

SR = 16000

#: a network small enough for many fits
TINY = dict(d_model=16, n_heads=2, proj_dim=16, n_experts=4, max_epochs=2, batch_size=16)


def tone(freq, seconds, sr=SR, amplitude=0.3, seed=None):
    t = np.arange(int(round(seconds * sr))) / sr
    wave = amplitude * np.sin(2 * np.pi * freq * t)
    if seed is not None:
        wave = wave + 0.02 * np.random.default_rng(seed).normal(size=t.size)
    return wave.astype(np.float32)


class WordCounts:
    """Cheap deterministic text encoder (character counts hashed into 8 bins), picklable
    by reference so loky workers and fresh processes can load it."""

    cache_key = "reliability-wordcounts-v1"

    def encode(self, texts):
        out = np.zeros((len(texts), 8), np.float32)
        for i, text in enumerate(texts):
            for ch in text:
                out[i, ord(ch) % 8] += 1.0
        return out


def make_docs(n=8, n_segments=3, seconds=0.3):
    """In-memory documents whose label (i % 2) shows in pitch and words."""
    docs = []
    for i in range(n):
        label = i % 2
        segs = [Segment(f"{'calm' if label == 0 else 'tense'} words {i} {k}",
                        tone((200 if label == 0 else 800) + 10 * i + 5 * k, seconds, seed=10 * i + k),
                        SR) for k in range(n_segments)]
        docs.append(Document(segs, doc_id=f"p{i:02d}"))
    return docs, np.array([i % 2 for i in range(n)])


def make_pipe(**clf):
    from sklearn.pipeline import make_pipeline

    return make_pipeline(FrozenEncoderTransformer(text_encoder=WordCounts(), progress=False),
                         HilbertClassifier(random_state=0, **{**TINY, **clf}))


@pytest.fixture(scope="module")
def corpus():
    return make_docs()


@pytest.fixture(scope="module")
def fitted(corpus):
    """A fitted tiny pipeline (cheap text encoder + logmel)."""
    docs, y = corpus
    return make_pipe().fit(docs, y)


@pytest.fixture(scope="module")
def wav_dir(tmp_path_factory):
    """Six 3-second 16 kHz WAV interviews and a manifest with two label columns."""
    root = tmp_path_factory.mktemp("wavs")
    rows = ["doc_id,audio_path,start,end,text,mood,site"]
    for i in range(6):
        label = "calm" if i % 2 == 0 else "tense"
        sf.write(root / f"int{i}.wav", tone(200 if label == "calm" else 700, 3.0, seed=i), SR)
        for k in range(3):
            rows.append(f"int{i},int{i}.wav,{k}.0,{k + 1}.0,{label} answer {k} of {i},{label},s1")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root
