"""Validation of segment tensors, the data contract between the encoders and the models.

Segment tensors are a mapping (usually a :class:`skorch.helper.SliceDict`) with

- ``"audio"``: float32 array ``(n_docs, S, d_audio)``,
- ``"text"``: float32 array ``(n_docs, S, d_text)``,
- ``"mask"``: bool array ``(n_docs, S)``, True for a real segment.

Padding rows are zeros with ``mask`` False.  Every error names the offending
document (and segment where there is one).
"""

from collections.abc import Mapping

import numpy as np
from skorch.helper import SliceDict

SEGMENT_KEYS = ("audio", "text", "mask")


def _as_numpy(value):
    if hasattr(value, "detach"):  # torch tensor
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _writable(arr):
    """``arr`` as a C-contiguous array torch can wrap: read-only arrays are copied."""
    arr = np.ascontiguousarray(arr)
    return arr if arr.flags.writeable else arr.copy()


def check_segment_tensors(X, *, modalities=("audio", "text"), allow_empty_documents=False):
    """Validate segment tensors and return them as a :class:`~skorch.helper.SliceDict`.

    Parameters
    ----------
    X : mapping
        Mapping with keys ``"audio"``, ``"text"`` and ``"mask"`` (see module docstring).
    modalities : tuple of str, default=("audio", "text")
        Feature keys that must be present.
    allow_empty_documents : bool, default=False
        Whether a document whose mask is all False is accepted.

    Returns
    -------
    X_checked : SliceDict
        ``audio`` and ``text`` as C-contiguous float32, ``mask`` as bool.

    Raises
    ------
    TypeError
        If ``X`` is not a mapping (for example raw documents given to a model
        that needs a :class:`~sklearn_hilbert.FrozenEncoderTransformer` first).
    ValueError
        For a missing key, wrong number of dimensions, inconsistent shapes,
        non-finite values in a real segment, an empty batch, or a document with
        no real segment.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert._validation import check_segment_tensors
    >>> X = {"audio": np.zeros((2, 3, 4)), "text": np.ones((2, 3, 5)),
    ...      "mask": np.array([[1, 1, 0], [1, 0, 0]], dtype=bool)}
    >>> check_segment_tensors(X)["audio"].dtype
    dtype('float32')
    """
    if not isinstance(X, Mapping):
        raise TypeError(
            "Expected segment tensors: a mapping with keys 'audio', 'text' and 'mask' "
            f"(as returned by FrozenEncoderTransformer.transform), got {type(X).__name__}. "
            "Raw documents must go through FrozenEncoderTransformer first, e.g. "
            "make_pipeline(FrozenEncoderTransformer(), HilbertClassifier())."
        )
    required = tuple(modalities) + ("mask",)
    missing = [k for k in required if k not in X]
    if missing:
        raise ValueError(
            f"Segment tensors are missing key(s) {missing}; got keys {sorted(X.keys())}. "
            f"Expected {list(required)}."
        )
    mask = _as_numpy(X["mask"])
    if mask.ndim != 2:
        raise ValueError(
            f"'mask' must be 2-D (n_docs, n_segments), got shape {mask.shape}."
        )
    n_docs, n_seg = mask.shape
    if n_docs == 0:
        raise ValueError("Segment tensors hold 0 documents; at least one is required.")
    if n_seg == 0:
        raise ValueError("Segment tensors hold 0 segments per document (S == 0).")
    if mask.dtype != bool:
        if not np.all(np.isin(mask, (0, 1))):
            raise ValueError("'mask' must be boolean (or 0/1); got other values.")
        mask = mask.astype(bool)
    # torch cannot wrap a read-only array (memmaps opened "r"): those are copied
    out = {"mask": _writable(mask)}
    for key in modalities:
        arr = _as_numpy(X[key])
        if arr.ndim != 3:
            raise ValueError(
                f"'{key}' must be 3-D (n_docs, n_segments, n_features), got shape {arr.shape}."
            )
        if arr.shape[:2] != (n_docs, n_seg):
            raise ValueError(
                f"'{key}' has shape {arr.shape} but 'mask' has shape {mask.shape}: "
                "the first two dimensions (documents, segments) must match."
            )
        if arr.shape[2] == 0:
            raise ValueError(f"'{key}' has 0 features per segment.")
        if np.iscomplexobj(arr):
            raise ValueError(f"'{key}' holds {arr.dtype} values. Complex data not supported.")
        if not np.issubdtype(arr.dtype, np.number):
            raise ValueError(f"'{key}' must be real-valued numbers, got dtype {arr.dtype}.")
        arr = np.ascontiguousarray(arr, dtype=np.float32)
        bad = ~np.isfinite(arr).all(axis=2) & mask
        if bad.any():
            doc, seg = map(int, np.argwhere(bad)[0])
            raise ValueError(
                f"'{key}' holds NaN or infinite values in document {doc}, segment {seg} "
                f"({int(bad.sum())} bad segment(s) in all)."
            )
        # padding must not leak: zero it whatever the caller put there, in a copy (the
        # caller's array, possibly read-only, is never written to)
        if np.any(arr[~mask]):
            arr = arr.copy()
            arr[~mask] = 0.0
        arr = _writable(arr)
        out[key] = arr
    if not allow_empty_documents:
        empty = np.flatnonzero(~mask.any(axis=1))
        if empty.size:
            raise ValueError(
                f"Document {int(empty[0])} has no real segment (its mask is all False); "
                f"{empty.size} such document(s) in all. Every document needs at least one segment."
            )
    return SliceDict(**out)


def n_features_of(X):
    """Return ``{"audio": d_audio, "text": d_text}`` for checked segment tensors."""
    return {k: int(X[k].shape[2]) for k in X.keys() if k != "mask"}
