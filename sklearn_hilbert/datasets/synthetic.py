"""``make_segment_data``: synthetic segment tensors with a known source of signal."""

from numbers import Integral

import numpy as np
from skorch.helper import SliceDict
from sklearn.utils import check_random_state

SIGNALS = ("audio", "text", "joint")


def make_segment_data(
    n_docs=200,
    n_segments=(10, 40),
    n_classes=2,
    weights=None,
    signal="joint",
    d_audio=32,
    d_text=48,
    n_prototypes=None,
    strength=0.5,
    noise=1.0,
    speaker_noise=0.5,
    random_state=None,
    return_carriers=False,
):
    """Generate segment tensors of documents whose label lives in audio, text or their pairing.

    Every segment has a discrete audio state ``a`` and text state ``t`` among
    ``n_prototypes`` (each state an embedding prototype, plus Gaussian noise
    and a per-document "speaker" offset).  The label ``c`` of a document acts
    on its segments through ``signal``:

    - ``"audio"``: ``a`` is drawn with extra probability ``strength`` on
      prototype ``c``; ``t`` is uniform.  Pooled audio features separate the classes.
    - ``"text"``: the same on ``t``.
    - ``"joint"``: ``a`` and ``t`` are both uniform, so each modality alone has the
      same distribution in every class, but with probability ``strength`` the
      text state of a segment is ``t = (a + c) mod n_prototypes``.  Only which
      audio co-occurs with which text *in the same segment* carries the label:
      pooled per-modality statistics (and logistic regression on them) are
      at chance, a model that looks at segments jointly is not.

    Parameters
    ----------
    n_docs : int, default=200
        Number of documents.
    n_segments : int or (int, int), default=(10, 40)
        Segments per document: a fixed number or an inclusive range drawn uniformly.
    n_classes : int, default=2
        Number of classes.
    weights : sequence of float or None, default=None
        Class proportions (normalised); None is balanced.  Each class gets at
        least one document.
    signal : {"audio", "text", "joint"}, default="joint"
        Where the label lives (see above).
    d_audio, d_text : int, default=32, 48
        Embedding widths.
    n_prototypes : int or None, default=None
        Discrete states per modality; None uses ``max(4, n_classes)``.
    strength : float in [0, 1], default=0.5
        Share of segments that carry the label.
    noise : float, default=1.0
        Standard deviation of per-segment Gaussian noise (prototypes have unit
        variance per dimension).
    speaker_noise : float, default=0.5
        Standard deviation of a per-document offset shared by its segments.
    random_state : int, RandomState instance or None, default=None
    return_carriers : bool, default=False
        Also return which segments hold the evidence for their document's
        label (the ground truth of segment attributions).

    Returns
    -------
    X : skorch.helper.SliceDict
        ``audio`` float32 ``(n_docs, S, d_audio)``, ``text`` float32 ``(n_docs, S, d_text)``,
        ``mask`` bool ``(n_docs, S)``; S is the longest document, padding is zero.
    y : ndarray of shape (n_docs,)
        Integer labels ``0 .. n_classes - 1``.
    carriers : ndarray of bool, shape (n_docs, S)
        Only with ``return_carriers``: True on the real segments that hold
        the label's evidence: signal state equal to the label
        (``"audio"``/``"text"``), or ``t == (a + c) mod n_prototypes``
        (``"joint"``).  Segments drawn uniformly that match by chance count
        too: they carry the same evidence.

    Examples
    --------
    >>> from sklearn_hilbert.datasets import make_segment_data
    >>> X, y = make_segment_data(n_docs=10, n_segments=(3, 5), n_classes=3,
    ...                          weights=[0.6, 0.3, 0.1], random_state=0)
    >>> X["audio"].shape[0], X["text"].shape[2], int(X["mask"].sum(axis=1).min())
    (10, 48, 3)
    >>> sorted(set(y.tolist()))
    [0, 1, 2]
    """
    rng = check_random_state(random_state)
    if signal not in SIGNALS:
        raise ValueError(f"signal must be one of {SIGNALS}, got {signal!r}.")
    if not isinstance(n_classes, Integral) or n_classes < 2:
        raise ValueError(f"n_classes must be an int >= 2, got {n_classes!r}.")
    if not isinstance(n_docs, Integral) or n_docs < n_classes:
        raise ValueError(f"n_docs={n_docs!r} must be an int >= n_classes={n_classes}.")
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"strength must be in [0, 1], got {strength}.")
    lo, hi = (n_segments, n_segments) if isinstance(n_segments, Integral) else n_segments
    if not 1 <= lo <= hi:
        raise ValueError(f"n_segments must be >= 1 (a range lo <= hi), got {n_segments!r}.")
    n_proto = max(4, n_classes) if n_prototypes is None else int(n_prototypes)
    if n_proto < n_classes:
        raise ValueError(f"n_prototypes={n_proto} must be >= n_classes={n_classes}.")

    y = _draw_labels(n_docs, n_classes, weights, rng)
    lengths = rng.randint(lo, hi + 1, size=n_docs)
    S = int(lengths.max())
    mask = np.arange(S)[None, :] < lengths[:, None]

    # discrete states of every (document, segment)
    audio_state = rng.randint(n_proto, size=(n_docs, S))
    text_state = rng.randint(n_proto, size=(n_docs, S))
    carries = rng.rand(n_docs, S) < strength
    label = y[:, None]
    if signal == "audio":
        audio_state = np.where(carries, label, audio_state)
        evidence = audio_state == label
    elif signal == "text":
        text_state = np.where(carries, label, text_state)
        evidence = text_state == label
    else:
        text_state = np.where(carries, (audio_state + label) % n_proto, text_state)
        evidence = text_state == (audio_state + label) % n_proto

    audio = _embed(audio_state, n_proto, d_audio, noise, speaker_noise, rng)
    text = _embed(text_state, n_proto, d_text, noise, speaker_noise, rng)
    audio[~mask] = 0.0
    text[~mask] = 0.0
    X = SliceDict(audio=audio, text=text, mask=mask)
    return (X, y, evidence & mask) if return_carriers else (X, y)


def _draw_labels(n_docs, n_classes, weights, rng):
    if weights is None:
        p = np.full(n_classes, 1.0 / n_classes)
    else:
        p = np.asarray(weights, dtype=float)
        if p.shape != (n_classes,) or (p < 0).any() or p.sum() <= 0:
            raise ValueError(
                f"weights must be {n_classes} non-negative numbers, got {weights!r}."
            )
        p = p / p.sum()
    counts = np.maximum(1, np.round(p * n_docs).astype(int))
    while counts.sum() > n_docs:  # rounding overflow: take from the largest class
        counts[np.argmax(counts)] -= 1
    while counts.sum() < n_docs:
        counts[np.argmax(p * n_docs - counts)] += 1
    y = np.repeat(np.arange(n_classes), counts)
    return y[rng.permutation(n_docs)]


def _embed(states, n_proto, dim, noise, speaker_noise, rng):
    prototypes = rng.randn(n_proto, dim)
    speaker = speaker_noise * rng.randn(states.shape[0], 1, dim)
    x = prototypes[states] + speaker + noise * rng.randn(*states.shape, dim)
    return x.astype(np.float32)
