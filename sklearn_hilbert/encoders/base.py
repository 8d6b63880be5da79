"""What every encoder provides, and helpers they share (batching, progress, output checks).

An encoder turns a list of segment texts, or of mono float32 waveforms at its
``sample_rate``, into a ``(n, d)`` float32 array, one row per input.  Built-in
encoders load their model on the first :meth:`Encoder.encode` call, never
before, so computing ``cache_key`` (the identity that names cached embeddings)
is free.
"""

import contextlib
import sys
from abc import ABC, abstractmethod

import numpy as np
from tqdm.auto import tqdm

__all__ = ["Encoder", "length_batches", "progress_bar", "check_embeddings",
           "quiet_transformers"]


class Encoder(ABC):
    """The interface of every encoder, text or audio.

    Parameters
    ----------
    cache_key : str
        Identity of the encoder and its settings (model files, sample rate...),
        built once by each encoder's constructor.  Two encoders with the same
        key give the same embeddings.

    Attributes
    ----------
    cache_key : str
    sample_rate : int or None
        Rate (Hz) of the waveforms an audio encoder takes; None for text.
    min_samples : int
        Fewest samples an audio encoder can embed (at ``sample_rate``).
    n_loads : int
        How many times the model was loaded (0 until the first ``encode``).
    """

    sample_rate = None
    min_samples = 1
    n_loads = 0

    def __init__(self, cache_key):
        self.cache_key = cache_key
        self._model = None

    @abstractmethod
    def encode(self, inputs, batch_size=32, progress=False):
        """Embed texts or waveforms; return a ``(len(inputs), d)`` float32 array."""

    @abstractmethod
    def _load(self):
        """Load and return the model (called once, by the first :meth:`encode`)."""

    @property
    def loaded(self):
        return self._model is not None

    def _ensure_loaded(self):
        if self._model is None:
            self._model = self._load()
            self.n_loads += 1
        return self._model

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_model"] = None  # frozen weights are reloaded by name, never pickled
        return state


@contextlib.contextmanager
def quiet_transformers():
    """Silence the weight-loading progress bar transformers prints on every load."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover
        yield
        return
    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            hf_logging.enable_progress_bar()


def length_batches(lengths, batch_size, exact=False, max_ratio=None):
    """Split indices into batches of similar length, shortest first.

    Parameters
    ----------
    lengths : sequence of int
    batch_size : int
    exact : bool, default=False
        Only put items of exactly the same length together (for models whose
        output would change with padding).
    max_ratio : float, default=None
        Start a new batch when an item is more than ``max_ratio`` times as long
        as the batch's shortest, bounding the compute spent on padding.

    Returns
    -------
    batches : list of ndarray of int

    Examples
    --------
    >>> from sklearn_hilbert.encoders.base import length_batches
    >>> [b.tolist() for b in length_batches([5, 1, 5, 3], batch_size=2)]
    [[1, 3], [0, 2]]
    >>> [b.tolist() for b in length_batches([5, 1, 5, 3], batch_size=2, exact=True)]
    [[1], [3], [0, 2]]
    >>> [b.tolist() for b in length_batches([5, 1, 5, 3], batch_size=4, max_ratio=2)]
    [[1], [3, 0, 2]]
    """
    lengths = np.asarray(lengths)
    order = np.argsort(lengths, kind="stable")
    if not exact and max_ratio is None:
        return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if not exact:
        batches, current = [], []
        for i in order:
            if current and (len(current) == batch_size
                            or lengths[i] > max_ratio * max(lengths[current[0]], 1)):
                batches.append(np.asarray(current))
                current = []
            current.append(i)
        return batches + [np.asarray(current)]
    batches = []
    sorted_lengths = lengths[order]
    bounds = np.flatnonzero(np.diff(sorted_lengths)) + 1
    for group in np.split(order, bounds):
        batches.extend(group[i:i + batch_size] for i in range(0, len(group), batch_size))
    return batches


def progress_bar(total, desc, enabled):
    """A tqdm bar on stderr, or a silent one when ``enabled`` is False."""
    return tqdm(total=total, desc=desc, disable=not enabled, file=sys.stderr, leave=False,
                unit="seg")


def check_embeddings(out, n, who):
    """Check an encoder's output: ``(n, d)`` finite numbers; return float32."""
    if hasattr(out, "detach"):
        out = out.detach().cpu().numpy()
    out = np.asarray(out)
    if out.ndim != 2 or out.shape[0] != n:
        raise ValueError(f"{who} returned an array of shape {out.shape} for {n} inputs; "
                         f"expected ({n}, n_features)")
    if not np.issubdtype(out.dtype, np.number):
        raise ValueError(f"{who} returned non-numeric embeddings (dtype {out.dtype})")
    out = np.ascontiguousarray(out, dtype=np.float32)
    if not np.isfinite(out).all():
        row = int(np.flatnonzero(~np.isfinite(out).all(axis=1))[0])
        raise ValueError(f"{who} returned NaN or infinite values (input {row} of the batch)")
    return out
