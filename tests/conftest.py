"""Suite-wide settings (one torch thread: tiny tensors, no oversubscription; hypothesis) and
the fixtures several test folders share: WAV corpora, cheap encoders, a tiny spoken corpus,
small classifiers, tiny Hugging Face models.  Plain helpers live in ``support.py``, the
tiny models' builders in ``tiny_hf_models.py``."""

import os

import numpy as np
import pytest
import soundfile as sf
import torch
from hypothesis import settings
from threadpoolctl import threadpool_limits

from support import (N_DOCS, N_SEG, SR, TINY, CountingAudioEncoder, HashingTextEncoder, noise,
                     tone)

torch.set_num_threads(1)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
settings.register_profile("suite", deadline=None, print_blob=True)
settings.load_profile("suite")


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
    from tiny_hf_models import save_hubert, save_wav2vec2, save_wavlm, save_whisper

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


@pytest.fixture(scope="module")
def one_thread():
    """One BLAS/torch thread: these models are tiny, and spinning threads on a shared
    2-core machine slow them down many times over."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(1):
        yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def data_home(tmp_path_factory):
    """A fresh data folder (the corpus text itself is found where `make system-deps` put it)."""
    return tmp_path_factory.mktemp("hilbert_data")


@pytest.fixture(scope="session")
def tiny_corpus(data_home):
    """8 spoken reviews of 3 segments each, built with espeak-ng."""
    from sklearn_hilbert.datasets.spoken_reviews import fetch_spoken_reviews

    return fetch_spoken_reviews(n_docs=N_DOCS, max_segments=N_SEG, data_home=data_home,
                                progress=False)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    """Embedding cache shared by the CLI tests (each segment is encoded once)."""
    return tmp_path_factory.mktemp("hilbert_cache")


@pytest.fixture
def tiny_clf():
    from sklearn_hilbert import HilbertClassifier

    return HilbertClassifier(random_state=0, **TINY)


@pytest.fixture(scope="session")
def data3():
    from sklearn_hilbert.datasets import make_segment_data

    return make_segment_data(
        n_docs=60, n_segments=(3, 9), n_classes=3, weights=[0.5, 0.3, 0.2],
        d_audio=6, d_text=5, signal="audio", random_state=0,
    )
