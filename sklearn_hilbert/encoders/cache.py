"""Content-addressed embedding cache: in memory, and optionally on disk.

A key is a hex digest of the encoder's identity (model, weights, settings) and
the segment's content (its audio samples or its text), so a segment is encoded
once whatever document, fold or grid-search candidate it appears in.

On disk each embedding is one small file ``<dir>/<key[:2]>/<key>.emb``: a magic
header, the payload's length and BLAKE2 checksum, then float32 values.  Small
JSON records (``.json``) remember the content digest of an audio slice under the
file's path, size and modification time, so a cached run reads no audio.  Writes go
to a temporary file in the same directory followed by :func:`os.replace`, which
is atomic, so several processes (``n_jobs=2``) can share a directory; a
truncated or otherwise corrupt file fails its checksum, is deleted and
recomputed.
"""

import hashlib
import json
import os
import struct
import tempfile
import warnings

import numpy as np

__all__ = ["EmbeddingCache", "content_key"]

_MAGIC = b"SKHEMB2\n"
_HEADER = struct.Struct("<8sQ16s")  # magic, payload bytes, blake2b-128 of the payload


def content_key(encoder_key, kind, payload):
    """Hex digest naming one embedding.

    Parameters
    ----------
    encoder_key : str
        The encoder's identity and settings.
    kind : {"text", "audio"}
    payload : bytes or str
        The text, or the audio samples (bytes) prefixed by their sample rate.
    """
    h = hashlib.sha256()
    for part in (encoder_key, kind):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    h.update(payload.encode("utf-8") if isinstance(payload, str) else payload)
    return h.hexdigest()


class EmbeddingCache:
    """Embeddings by key, in memory and (when ``directory`` is set) on disk.

    Parameters
    ----------
    directory : str or path-like, default=None
        Where to store embeddings; ``~`` is expanded and the directory created
        on first write.  ``None`` keeps them in memory only.

    Attributes
    ----------
    corrupt : int
        Disk entries found corrupt (deleted, so they are recomputed).

    Examples
    --------
    >>> import numpy as np, tempfile
    >>> from sklearn_hilbert.encoders.cache import EmbeddingCache
    >>> cache = EmbeddingCache(tempfile.mkdtemp())
    >>> cache.put("ab12", np.arange(3, dtype=np.float32))
    >>> EmbeddingCache(cache.directory).get("ab12")
    array([0., 1., 2.], dtype=float32)
    """

    def __init__(self, directory=None):
        self.directory = (None if directory is None
                          else os.path.abspath(os.path.expanduser(os.fspath(directory))))
        self._memory = {}
        self._records = {}
        self._read_only = False  # set when a write fails: warn once, then memory only
        self.corrupt = 0

    def __len__(self):
        return len(self._memory)

    def _path(self, key, suffix=".emb"):
        return os.path.join(self.directory, key[:2], key + suffix)

    def get(self, key):
        """Return the embedding stored under ``key``, or ``None``."""
        vec = self._memory.get(key)
        if vec is None and self.directory is not None:
            payload = self._read(self._path(key))
            if payload is not None:
                vec = self._memory[key] = np.frombuffer(payload, dtype="<f4").astype(np.float32)
        return vec

    def put(self, key, vector):
        """Store one embedding (a 1-D float32 array) under ``key``."""
        vector = np.ascontiguousarray(vector, dtype=np.float32).reshape(-1)
        self._memory[key] = vector
        if self.directory is not None:
            self._write(self._path(key), vector.astype("<f4").tobytes())

    def get_record(self, key):
        """Return the small JSON record stored under ``key`` (see :meth:`put_record`), or None."""
        rec = self._records.get(key)
        if rec is None and self.directory is not None:
            payload = self._read(self._path(key, ".json"))
            if payload is not None:
                try:
                    rec = self._records[key] = json.loads(payload.decode("utf-8"))
                except ValueError:
                    rec = None
        return rec

    def put_record(self, key, record):
        """Store a small JSON-serialisable record, e.g. the content digest of an audio slice
        under a key naming the file's version, so a later run need not read the audio."""
        self._records[key] = record
        if self.directory is not None:
            self._write(self._path(key, ".json"), json.dumps(record).encode("utf-8"))

    def _read(self, path):
        try:
            with open(path, "rb") as fh:
                blob = fh.read()
        except OSError:  # missing (the usual miss) or unreadable
            return None
        try:
            magic, n, digest = _HEADER.unpack_from(blob)
            payload = blob[_HEADER.size:]
            if (magic != _MAGIC or len(payload) != n
                    or hashlib.blake2b(payload, digest_size=16).digest() != digest):
                raise ValueError("corrupt")
        except (struct.error, ValueError):
            self.corrupt += 1
            try:
                os.remove(path)
            except OSError:
                pass
            return None
        return payload

    def _write(self, path, payload):
        if self._read_only:
            return
        folder = os.path.dirname(path)
        checksum = hashlib.blake2b(payload, digest_size=16).digest()
        header = _HEADER.pack(_MAGIC, len(payload), checksum)
        try:
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        except OSError as exc:  # read-only directory or file system: keep working in memory
            self._read_only = True
            warnings.warn(f"The embedding cache directory {self.directory!r} is not writable "
                          f"({exc.strerror or exc}); its entries are still read, but new "
                          "embeddings are kept in memory only.", UserWarning, stacklevel=4)
            return
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(header + payload)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.remove(tmp)
            except OSError:
                pass
            raise
