"""Segments to cache keys: reading, hashing and batching the segments of documents.

:class:`~sklearn_hilbert.FrozenEncoderTransformer` calls
:func:`encode_audio_segments` and :func:`encode_text_segments`; each returns
the cache key of every (document, segment) and leaves the embeddings in the
:class:`~sklearn_hilbert.encoders.cache.EmbeddingCache`, encoding only what the
cache does not hold yet.
"""

import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..audio_io import AudioError, audio_info, n_samples_of, resample, resampled_length
from ..documents import DocumentError
from .base import progress_bar
from .cache import content_key

__all__ = ["encode_audio_segments", "encode_text_segments"]

# waveforms held in memory at once while encoding cache misses (float32 samples)
_AUDIO_BUDGET_SAMPLES = 32_000_000


def encode_text_segments(docs, n_keep, encoder, cache, batch_size, progress):
    """Encode every segment text that is not cached yet; return its cache key per (doc, segment).

    A text said in several segments is encoded once.
    """
    keys = {(i, j): content_key(encoder.cache_key, "text", doc[j].text)
            for i, doc in enumerate(docs) for j in range(n_keep[i])}
    todo = {}
    for (i, j), key in keys.items():
        if key not in todo and cache.get(key) is None:
            todo[key] = docs[i][j].text
    if todo:
        emb = encoder.encode(list(todo.values()), batch_size=batch_size,
                             progress=progress)
        for key, vec in zip(todo, emb):
            cache.put(key, vec)
    return keys


def encode_audio_segments(docs, n_keep, encoder, cache, batch_size, progress):
    """Read, hash and encode every segment's audio; return its cache key per (doc, segment).

    Segments go through shortest first, so batches hold similar lengths.  A
    few threads read and hash the next segments (soundfile, numpy and
    hashlib release the GIL) while the encoder runs on the current group, so
    hashing costs almost no wall time.  A file-backed slice whose file is
    unchanged since an earlier run is not read at all: its digest is
    remembered in the cache.  Only a bounded look-ahead of waveforms is held
    in memory, whatever the size of the corpus.
    """
    where = [(i, j) for i in range(len(docs)) for j in range(n_keep[i])]
    order = sorted(where, key=lambda ij: _duration(docs[ij[0]][ij[1]]))

    def digest(ij):
        i, j = ij
        seg = docs[i][j]
        memo = _file_version(seg)
        record = None if memo is None else cache.get_record(memo)
        if record is not None:
            samples = None
            dig, n, rate = record["digest"], record["n"], record["rate"]
        else:
            samples, rate = _load(seg, docs[i], i, j)
            dig, n = content_key("", f"sr={rate}", samples.data), int(samples.size)
            if memo is not None:
                cache.put_record(memo, {"digest": dig, "n": n, "rate": int(rate)})
        length = resampled_length(n, rate, encoder.sample_rate)
        if length < encoder.min_samples:
            raise DocumentError(
                f"the audio lasts {n / rate:.4f} s, shorter than the "
                f"{encoder.min_samples / encoder.sample_rate:.4f} s the audio encoder needs",
                doc_id=docs[i].doc_id, doc_index=i, segment_index=j)
        key = content_key(encoder.cache_key, "audio", dig)
        if cache.get(key) is not None:
            samples = None  # a hit: the waveform is not needed
        return key, samples, rate

    keys, group, size = {}, {}, 0

    def flush():
        if group:
            emb = encoder.encode([w for w, _ in group.values()], batch_size=batch_size,
                                 progress=False)
            for key, vec in zip(group, emb):
                cache.put(key, vec)
            bar.update(sum(c for _, c in group.values()))
            group.clear()

    lookahead = 4 * batch_size
    with progress_bar(len(order), "audio", progress) as bar, \
            ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:
        futures = deque(pool.submit(digest, ij) for ij in order[:lookahead])
        for pos, (i, j) in enumerate(order):
            if pos + lookahead < len(order):
                futures.append(pool.submit(digest, order[pos + lookahead]))
            key, samples, rate = futures.popleft().result()
            keys[i, j] = key
            if key in group:
                group[key][1] += 1
            elif cache.get(key) is not None:
                bar.update()
            else:
                if samples is None:  # known slice, but its embedding is missing
                    samples, rate = _load(docs[i][j], docs[i], i, j)
                wave = resample(samples, rate, encoder.sample_rate)
                group[key] = [wave, 1]
                size += wave.size
                if len(group) >= batch_size or size >= _AUDIO_BUDGET_SAMPLES:
                    flush()
                    size = 0
        flush()
    return keys


def _duration(seg):
    """Duration of a segment in seconds, without reading its audio when it can be helped."""
    if seg.audio is not None:
        return n_samples_of(np.shape(seg.audio)) / float(seg.sample_rate)
    if seg.end is not None:
        return float(seg.end) - float(seg.start or 0.0)
    try:
        n, rate = audio_info(seg.path)
    except AudioError:
        return 0.0  # reported with its document and segment when read
    return n / rate - float(seg.start or 0.0)


def _file_version(seg):
    """Key naming a file-backed segment's samples while the file is unchanged.

    Built from the file's absolute path, size and modification time (as make and
    rsync judge changes) and the slice, so a cached run reads no audio at all.
    """
    if seg.path is None:
        return None
    try:
        st = os.stat(seg.path)
    except OSError:
        return None
    return content_key("audio-file-v1", "slice", f"{os.path.abspath(seg.path)}\0{st.st_size}\0"
                       f"{st.st_mtime_ns}\0{seg.start!r}\0{seg.end!r}")


def _load(seg, doc, i, j, check=True):
    try:
        return seg.load_audio(check=check)
    except (AudioError, ValueError, TypeError) as exc:
        raise DocumentError(str(exc), doc_id=doc.doc_id, doc_index=i, segment_index=j) from None

