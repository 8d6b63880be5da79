"""Scale: a 1000-segment document trains and predicts; the transformer streams file audio."""

import tracemalloc

import numpy as np
import soundfile as sf

from sklearn_hilbert import Document, FrozenEncoderTransformer, Segment

from .conftest import SR, WordCounts, make_pipe, tone


def test_document_with_1000_segments_trains_and_predicts():
    rng = np.random.default_rng(0)
    docs, y = [], []
    for i in range(8):
        n = 1000 if i == 0 else int(rng.integers(3, 12))
        freq = 200 if i % 2 == 0 else 800
        segs = [Segment(f"turn {k} of {i}", tone(freq + k % 50, 0.05), SR) for k in range(n)]
        docs.append(Document(segs, doc_id=f"d{i}"))
        y.append(i % 2)
    pipe = make_pipe(max_epochs=1, batch_size=4).fit(docs, y)
    Xt = pipe[0].transform(docs)
    assert Xt["audio"].shape[:2] == (8, 1000) and Xt["mask"].sum(axis=1)[0] == 1000
    proba = pipe.predict_proba(docs)
    assert proba.shape == (8, 2) and np.isfinite(proba).all()
    weights = pipe[-1].attention_weights(Xt)
    for w in weights.values():
        np.testing.assert_allclose(w.sum(axis=1), 1, atol=1e-5)
        assert (w[1:, 20:] == 0).all()  # padding of the short documents gets no attention
    # the long document alone, without padding, gets the same probabilities
    np.testing.assert_allclose(pipe.predict_proba(docs[:1]), proba[:1], atol=1e-5)


def test_transform_streams_file_audio(tmp_path):
    """Encoding 24 one-minute file-backed documents never holds more than a small look-ahead
    of waveforms: the traced peak stays far below the corpus' audio as float32."""
    for k in range(4):
        sf.write(tmp_path / f"f{k}.wav", tone(150 + 100 * k, 60.5, seed=k), SR)
    docs = []
    for i in range(24):
        off = (i // 4) * 0.05  # every document its own slices
        docs.append(Document([Segment(f"part {j}", path=tmp_path / f"f{i % 4}.wav",
                                      start=off + 2 * j, end=off + 2 * j + 2) for j in range(30)],
                             doc_id=f"d{i}"))
    audio_bytes = 24 * 60 * SR * 4  # 92 MB
    t = FrozenEncoderTransformer(text_encoder=WordCounts(), batch_size=8, progress=False)
    t.transform(docs[:1])  # warm-up
    tracemalloc.start()
    try:
        Xt = t.transform(docs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert Xt["mask"].sum() == 24 * 30
    assert peak < audio_bytes / 8, f"peak {peak / 2**20:.1f} MiB"
