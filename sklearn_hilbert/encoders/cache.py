"""Content-addressed embedding cache: in memory, and optionally on disk.

A key is a hex digest of the encoder's identity (model, weights, settings) and
the segment's content (its audio samples or its text), so a segment is encoded
once whatever document, fold or grid-search candidate it appears in.

On disk each embedding is one small file ``<dir>/<key[:2]>/<key>.emb``: a magic
header, shape, a BLAKE2 checksum of the payload, then float32 values.  Writes go
to a temporary file in the same directory followed by :func:`os.replace`, which
is atomic, so several processes (``n_jobs=2``) can share a directory; a
truncated or otherwise corrupt file fails its checksum, is deleted and
recomputed.
"""

import hashlib
import os
import struct
import tempfile

import numpy as np

__all__ = ["EmbeddingCache", "content_key"]

_MAGIC = b"SKHEMB1\n"
_HEADER = struct.Struct("<8sI16s")  # magic, n_values, blake2b-128 of the payload


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
        self.corrupt = 0

    def __len__(self):
        return len(self._memory)

    def _path(self, key):
        return os.path.join(self.directory, key[:2], key + ".emb")

    def get(self, key):
        """Return the embedding stored under ``key``, or ``None``."""
        vec = self._memory.get(key)
        if vec is None and self.directory is not None:
            vec = self._read(self._path(key))
            if vec is not None:
                self._memory[key] = vec
        return vec

    def put(self, key, vector):
        """Store one embedding (a 1-D float32 array) under ``key``."""
        vector = np.ascontiguousarray(vector, dtype=np.float32).reshape(-1)
        self._memory[key] = vector
        if self.directory is not None:
            self._write(self._path(key), vector)

    def _read(self, path):
        try:
            with open(path, "rb") as fh:
                blob = fh.read()
        except FileNotFoundError:
            return None
        except OSError:
            return None
        try:
            magic, n, digest = _HEADER.unpack_from(blob)
            payload = blob[_HEADER.size:]
            if (magic != _MAGIC or len(payload) != 4 * n
                    or hashlib.blake2b(payload, digest_size=16).digest() != digest):
                raise ValueError("corrupt")
        except (struct.error, ValueError):
            self.corrupt += 1
            try:
                os.remove(path)
            except OSError:
                pass
            return None
        return np.frombuffer(payload, dtype="<f4").astype(np.float32)

    def _write(self, path, vector):
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        payload = vector.astype("<f4").tobytes()
        header = _HEADER.pack(_MAGIC, vector.size, hashlib.blake2b(payload, digest_size=16).digest())
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".emb")
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
