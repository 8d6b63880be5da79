import csv
import os
import shutil

import numpy as np
import pytest
import soundfile as sf

from sklearn_hilbert.datasets import _corpus, _espeak
from sklearn_hilbert.datasets.spoken_reviews import (VOICE_WEIGHTS, VOICES, _plan,
                                                     build_spoken_reviews, fetch_spoken_reviews)

from support import N_DOCS, N_SEG


def _rows(manifest):
    with open(manifest, newline="") as f:
        return list(csv.DictReader(f))


def test_manifest_layout(tiny_corpus):
    rows = _rows(tiny_corpus.manifest)
    assert list(rows[0]) == ["doc_id", "audio_path", "start", "end", "text",
                             "sentiment", "voice", "joint"]
    assert len(rows) == N_DOCS * N_SEG
    assert len({r["doc_id"] for r in rows}) == N_DOCS
    for r in rows:
        assert not os.path.isabs(r["audio_path"]) and r["text"].strip()
        assert float(r["end"]) > float(r["start"]) >= 0


def test_wavs_are_16k_and_segments_fit(tiny_corpus):
    root = tiny_corpus.manifest.parent
    rows = _rows(tiny_corpus.manifest)
    by_doc = {}
    for r in rows:
        by_doc.setdefault(r["audio_path"], []).append((float(r["start"]), float(r["end"])))
    for path, bounds in by_doc.items():
        info = sf.info(root / path)
        assert info.samplerate == 16000 and info.channels == 1
        assert bounds[-1][1] <= info.duration + 1e-3
        starts, ends = np.array(bounds).T
        assert np.all(starts[1:] >= ends[:-1])  # ordered, no overlap
        # ~17 words at 150-200 wpm: every segment lasts seconds, as in the paper (6.5 s)
        assert np.all((ends - starts > 0.5) & (ends - starts < 15))


def test_documents_and_labels(tiny_corpus):
    docs = tiny_corpus.documents
    assert len(docs) == N_DOCS and all(len(d) == N_SEG for d in docs)
    wave = docs[0].segments[1].load_audio()
    wave = wave[0] if isinstance(wave, tuple) else wave
    seg = docs[0].segments[1]
    assert abs(len(wave) - (seg.end - seg.start) * 16000) <= 2
    assert np.abs(wave).max() > 0.05  # speech, not silence
    t = tiny_corpus.targets
    assert sorted(np.unique(t["sentiment"])) == ["negative", "positive"]
    assert np.sum(t["sentiment"] == "positive") == N_DOCS // 2  # alternating order
    group = {v.name: v.group for v in VOICES}
    assert list(t["joint"]) == [f"{s}-{group[v]}" for s, v in zip(t["sentiment"], t["voice"])]
    assert list(tiny_corpus.target) == list(t["sentiment"])
    assert tiny_corpus.doc_ids[0] == docs[0].doc_id


def test_reused_and_prefix_of_larger_corpus(tiny_corpus, data_home):
    wavs = sorted((tiny_corpus.manifest.parent / "wav").glob("*.wav"))
    mtimes = [w.stat().st_mtime_ns for w in wavs]
    again = fetch_spoken_reviews(n_docs=N_DOCS, max_segments=N_SEG, data_home=data_home,
                                 progress=False, task="voice")
    assert [w.stat().st_mtime_ns for w in wavs] == mtimes  # nothing re-synthesised
    assert list(again.target) == list(tiny_corpus.targets["voice"])
    smaller = build_spoken_reviews(data_home, n_docs=4, max_segments=N_SEG, progress=False)
    assert [r["doc_id"] for r in _rows(smaller)] == [
        r["doc_id"] for r in _rows(tiny_corpus.manifest)][: 4 * N_SEG]


def test_voice_plan_follows_weights():
    reviews = [("text", "positive" if i % 2 else "negative") for i in range(1500)]
    order, voices = _plan(reviews, random_state=0)
    assert sorted(order) == list(range(1500))
    freq = np.array([np.mean([v.name == w.name for v in voices]) for w in VOICES])
    np.testing.assert_allclose(freq, VOICE_WEIGHTS, atol=0.03)
    # jittered speakers: pitch and rate vary within an accent
    us = [v for v in voices if v.name == "us"]
    assert len({v.pitch for v in us}) > 5 and len({v.rate for v in us}) > 5


def test_bad_arguments(data_home):
    with pytest.raises(ValueError, match="task"):
        fetch_spoken_reviews(n_docs=2, data_home=data_home, task="mood")
    with pytest.raises(ValueError, match="n_docs"):
        build_spoken_reviews(data_home, n_docs=0)


def test_missing_espeak_says_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="apt-get install espeak-ng"):
        _espeak.espeak_path()


def test_missing_corpus_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(_corpus, "corpus_candidates", lambda home: [tmp_path / "none.csv"])
    with pytest.raises(OSError, match="python3-pattern"):
        _corpus.find_corpus(tmp_path, download_if_missing=False)


def test_corpus_reader_names_bad_record(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text('"1","fine review"\n"2","what label is this"\n')
    with pytest.raises(ValueError, match="record 2"):
        _corpus.read_reviews(bad)
