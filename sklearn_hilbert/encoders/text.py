"""Text encoders: sentence-transformers models (users' own objects: :mod:`.custom`)."""

from .._optional import import_optional
from .base import Encoder, check_embeddings, quiet_transformers
from .hub import directory_fingerprint

__all__ = ["SentenceTransformerEncoder"]


class SentenceTransformerEncoder(Encoder):
    """A sentence-transformers model in a local directory, with its own pooling.

    Parameters
    ----------
    directory : str
        The model's directory (``SentenceTransformer.save`` layout); its files'
        fingerprint names the cached embeddings.
    device : str
        Torch device.
    """

    def __init__(self, directory, device="cpu"):
        super().__init__(f"sentence-transformers:{directory_fingerprint(directory)}")
        self.directory = directory
        self.device = device

    def _load(self):
        SentenceTransformer = import_optional(
            "sentence_transformers", "text",
            "A text encoder (sentence-transformers model)").SentenceTransformer
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
