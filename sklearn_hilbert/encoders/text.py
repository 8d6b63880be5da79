"""Text encoders: sentence-transformers models, and users' own objects."""

import contextlib

import numpy as np

from .base import Encoder, check_embeddings, length_batches, progress_bar

__all__ = ["SentenceTransformerEncoder", "CustomTextEncoder", "quiet_transformers"]


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


class SentenceTransformerEncoder(Encoder):
    """A sentence-transformers model in a local directory, with its own pooling.

    Parameters
    ----------
    directory : str
        The model's directory (``SentenceTransformer.save`` layout).
    cache_key : str
        Identity of the model files.
    device : str
        Torch device.
    """

    kind = "text"

    def __init__(self, directory, cache_key, device="cpu"):
        super().__init__()
        self.directory = directory
        self.cache_key = cache_key
        self.device = device

    def _load(self):
        from sentence_transformers import SentenceTransformer

        with quiet_transformers():
            model = SentenceTransformer(str(self.directory), device=self.device,
                                        local_files_only=True)
        model.eval()
        return model

    def encode(self, texts, batch_size=32, progress=False):
        """Embed texts; returns ``(len(texts), d)`` float32.

        sentence-transformers sorts the texts by length and batches them.
        """
        model = self._ensure_loaded()
        out = model.encode(list(texts), batch_size=batch_size, show_progress_bar=progress,
                           convert_to_numpy=True)
        return check_embeddings(out, len(texts), f"text encoder {self.directory!r}")


class CustomTextEncoder(Encoder):
    """Adapter for a user's object with ``encode(list_of_str) -> (n, d) array``."""

    kind = "text"

    def __init__(self, obj, cache_key):
        super().__init__()
        self.obj = obj
        self.cache_key = cache_key

    def _load(self):
        return self.obj

    def encode(self, texts, batch_size=32, progress=False):
        obj = self._ensure_loaded()
        texts = list(texts)
        out = [None] * len(texts)
        with progress_bar(len(texts), "text", progress) as bar:
            for batch in length_batches([len(t) for t in texts], batch_size):
                emb = check_embeddings(obj.encode([texts[i] for i in batch]), len(batch),
                                       f"text encoder {type(obj).__name__}.encode")
                for row, i in zip(emb, batch):
                    out[i] = row
                bar.update(len(batch))
        return np.stack(out) if out else np.zeros((0, 0), np.float32)

    def __getstate__(self):  # the user's object is a parameter: keep it
        return self.__dict__.copy()
