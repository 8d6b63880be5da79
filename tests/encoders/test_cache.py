"""The content-addressed embedding cache: round trips, corruption, concurrent writers."""

import multiprocessing
import os

import numpy as np

from sklearn_hilbert.encoders.cache import EmbeddingCache, content_key


def test_round_trip_across_instances(tmp_path):
    cache = EmbeddingCache(tmp_path / "c")
    vec = np.random.default_rng(0).normal(size=384).astype(np.float32)
    key = content_key("enc", "text", "hello")
    assert cache.get(key) is None
    cache.put(key, vec)
    other = EmbeddingCache(tmp_path / "c")
    np.testing.assert_array_equal(other.get(key), vec)
    assert os.path.isfile(tmp_path / "c" / key[:2] / f"{key}.emb")
    memory_only = EmbeddingCache()
    memory_only.put(key, vec)
    assert memory_only.get(key) is vec or np.array_equal(memory_only.get(key), vec)


def test_keys_depend_on_encoder_kind_and_content():
    keys = {content_key("a", "text", "x"), content_key("b", "text", "x"),
            content_key("a", "audio", "x"), content_key("a", "text", "y"),
            content_key("a", "text", b"x\x00")}
    assert len(keys) == 5
    assert content_key("a", "text", "x") == content_key("a", "text", b"x")


def test_corrupt_entries_are_detected_and_dropped(tmp_path):
    cache = EmbeddingCache(tmp_path)
    vec = np.arange(16, dtype=np.float32)
    for key in ("aa01", "aa02", "aa03"):
        cache.put(key, vec)
    path = lambda k: tmp_path / k[:2] / f"{k}.emb"  # noqa: E731
    blob = path("aa01").read_bytes()
    path("aa01").write_bytes(blob[:-7])  # truncated write
    flipped = bytearray(path("aa02").read_bytes())
    flipped[-1] ^= 0xFF  # bit rot in the payload
    path("aa02").write_bytes(bytes(flipped))
    fresh = EmbeddingCache(tmp_path)
    assert fresh.get("aa01") is None and fresh.get("aa02") is None
    assert fresh.corrupt == 2
    assert not path("aa01").exists() and not path("aa02").exists()
    np.testing.assert_array_equal(fresh.get("aa03"), vec)


def _writer(directory, seed):
    cache = EmbeddingCache(directory)
    for rep in range(3):
        for k in range(150):
            cache.put(content_key("enc", "text", str(k)), np.full(256, k, np.float32))


def test_two_processes_share_a_directory(tmp_path):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), s)) for s in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    cache = EmbeddingCache(tmp_path)
    for k in range(150):
        np.testing.assert_array_equal(cache.get(content_key("enc", "text", str(k))),
                                      np.full(256, k, np.float32))
    assert cache.corrupt == 0
    leftovers = [f for _, _, files in os.walk(tmp_path) for f in files if f.startswith(".tmp")]
    assert leftovers == []


def test_unwritable_directory_warns_once_and_keeps_working(tmp_path, monkeypatch):
    import warnings

    import pytest

    from sklearn_hilbert.encoders import cache as cache_module

    filled = EmbeddingCache(tmp_path)
    filled.put("aa01", np.ones(4, np.float32))

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cache_module.tempfile, "mkstemp", refuse)
    cache = EmbeddingCache(tmp_path)
    with pytest.warns(UserWarning, match="is not writable \\(Permission denied\\)"):
        cache.put("bb01", np.zeros(4, np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cache.put("bb02", np.zeros(4, np.float32))  # no second warning
    np.testing.assert_array_equal(cache.get("bb01"), np.zeros(4))  # kept in memory
    np.testing.assert_array_equal(cache.get("aa01"), np.ones(4))  # still read from disk
