"""Adapters for users' own encoders: any object with an ``encode`` method.

A text encoder object has ``encode(list_of_str) -> (n, d) array``; an audio
encoder object ``encode(waveforms, sample_rate) -> (n, d) array`` and, if it
wants them, ``sample_rate`` and ``min_samples`` attributes.  Both adapters run
the same loop: inputs in batches of similar length (shortest first), every
output checked, rows put back in input order.
"""

import uuid

import joblib
import numpy as np

from .base import Encoder, check_embeddings, length_batches, progress_bar

__all__ = ["CustomAudioEncoder", "CustomTextEncoder", "custom_identity"]


def custom_identity(obj):
    """Identity of a user's encoder: its ``cache_key`` attribute, else a hash of its state.

    An object that cannot be hashed (not picklable) gets a random key: its
    embeddings are still cached in memory, but never found again on disk.
    """
    key = getattr(obj, "cache_key", None)
    if key is not None:
        return f"custom:{key}"
    cls = type(obj)
    try:
        state = joblib.hash(obj)
    except Exception:  # unpicklable objects (local classes, open handles...)
        state = "unhashable-" + uuid.uuid4().hex
    return f"custom:{cls.__module__}.{cls.__qualname__}:{state}"


class _CustomEncoder(Encoder):
    """The loop both adapters share; subclasses say how to call the object."""

    modality = None  # "text" or "audio": progress bar and error messages

    def __init__(self, obj, cache_key):
        super().__init__(cache_key)
        self.obj = obj

    def _load(self):
        return self.obj

    def _call(self, batch):  # pragma: no cover - abstract
        raise NotImplementedError

    def encode(self, inputs, batch_size=32, progress=False):
        """Embed texts or waveforms with the user's object; ``(len(inputs), d)`` float32."""
        obj = self._ensure_loaded()
        inputs = list(inputs)
        out = [None] * len(inputs)
        who = f"{self.modality} encoder {type(obj).__name__}.encode"
        with progress_bar(len(inputs), self.modality, progress) as bar:
            for batch in length_batches([len(x) for x in inputs], batch_size):
                emb = check_embeddings(self._call([inputs[i] for i in batch]), len(batch), who)
                for row, i in zip(emb, batch):
                    out[i] = row
                bar.update(len(batch))
        return np.stack(out) if out else np.zeros((0, 0), np.float32)

    def __getstate__(self):  # the user's object is a parameter: keep it
        return self.__dict__.copy()


class CustomTextEncoder(_CustomEncoder):
    """Adapter for a user's object with ``encode(list_of_str) -> (n, d) array``."""

    modality = "text"

    def __init__(self, obj):
        super().__init__(obj, custom_identity(obj))

    def _call(self, texts):
        return self.obj.encode(texts)


class CustomAudioEncoder(_CustomEncoder):
    """Adapter for a user's object with ``encode(waveforms, sample_rate) -> (n, d) array``.

    Waveforms are given in batches of similar length (shortest first).

    Parameters
    ----------
    obj : object
    sample_rate : int
        Rate of the waveforms given to ``obj.encode``.
    """

    modality = "audio"

    def __init__(self, obj, sample_rate):
        self.sample_rate = int(sample_rate)
        self.min_samples = int(getattr(obj, "min_samples", 1))
        super().__init__(obj, f"{custom_identity(obj)}:sr={self.sample_rate}")

    def _call(self, waveforms):
        return self.obj.encode(waveforms, self.sample_rate)
