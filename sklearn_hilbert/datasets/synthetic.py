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


def make_segment_regression(
    n_docs=200,
    n_segments=(10, 40),
    target="segment",
    d_audio=32,
    d_text=48,
    n_prototypes=4,
    noise=1.0,
    speaker_noise=0.5,
    target_noise=0.1,
    random_state=None,
):
    """Segment tensors with a continuous target that lives in segments or in pooled statistics.

    Segments are drawn as in :func:`make_segment_data` (discrete audio and text
    states, prototype embeddings, noise, a per-document speaker offset).  Each
    document has a latent share ``s ~ U(0, 1)``:

    - ``target="segment"``: in a share ``s`` of its segments the text state is
      ``t = (a + 1) mod n_prototypes``; elsewhere both states are uniform, so
      every modality alone (and so pooled statistics) has the same distribution
      for every ``s``: ridge regression on pooled features is near ``R^2 = 0``,
      a model that pairs each segment's audio with its text is not.
    - ``target="pooled"``: a share ``s`` of its segments has text state 0
      (else uniform): the mean text embedding moves linearly with ``s``, so
      ridge regression on pooled text means is near optimal.

    ``y = s + target_noise * N(0, 1)``.

    Parameters
    ----------
    n_docs : int, default=200
    n_segments : int or (int, int), default=(10, 40)
    target : {"segment", "pooled"}, default="segment"
    d_audio, d_text : int, default=32, 48
    n_prototypes : int, default=4
    noise, speaker_noise : float, default=1.0, 0.5
        As in :func:`make_segment_data`.
    target_noise : float, default=0.1
        Standard deviation of the noise added to ``s``.
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    X : skorch.helper.SliceDict
        Segment tensors, as :func:`make_segment_data` returns them.
    y : ndarray of shape (n_docs,)
        The targets.
    share : ndarray of shape (n_docs,)
        The noiseless ``s`` (its ``R^2`` against ``y`` is the best any model can reach).

    Examples
    --------
    >>> from sklearn_hilbert.datasets import make_segment_regression
    >>> X, y, share = make_segment_regression(n_docs=20, n_segments=(3, 5), random_state=0)
    >>> X["audio"].shape[0], y.shape, bool(((share >= 0) & (share <= 1)).all())
    (20, (20,), True)
    """
    if target not in ("segment", "pooled"):
        raise ValueError(f"target must be 'segment' or 'pooled', got {target!r}.")
    rng = check_random_state(random_state)
    lo, hi = (n_segments, n_segments) if isinstance(n_segments, Integral) else n_segments
    if not 1 <= lo <= hi:
        raise ValueError(f"n_segments must be >= 1 (a range lo <= hi), got {n_segments!r}.")
    share = rng.rand(n_docs)
    lengths = rng.randint(lo, hi + 1, size=n_docs)
    S = int(lengths.max())
    mask = np.arange(S)[None, :] < lengths[:, None]
    audio_state = rng.randint(n_prototypes, size=(n_docs, S))
    text_state = rng.randint(n_prototypes, size=(n_docs, S))
    carries = rng.rand(n_docs, S) < share[:, None]
    planted = (audio_state + 1) % n_prototypes if target == "segment" else 0
    text_state = np.where(carries, planted, text_state)
    audio = _embed(audio_state, n_prototypes, d_audio, noise, speaker_noise, rng)
    text = _embed(text_state, n_prototypes, d_text, noise, speaker_noise, rng)
    audio[~mask] = 0.0
    text[~mask] = 0.0
    y = share + target_noise * rng.randn(n_docs)
    return SliceDict(audio=audio, text=text, mask=mask), y, share


def make_event_share_data(
    n_docs=300,
    n_segments=(20, 60),
    d_audio=32,
    d_text=48,
    n_topics=8,
    rate_range=(0.05, 0.45),
    event_strength=0.5,
    noise=1.0,
    speaker_noise=0.5,
    random_state=None,
    return_carriers=False,
):
    """Two classes of documents told apart by the share of their segments that hold a text event.

    Every segment has a topic (one of ``n_topics`` text prototypes, uniform) and an
    audio state (one of ``n_topics`` audio prototypes, uniform, unrelated to the
    label), plus Gaussian noise and a per-document "speaker" offset, as in
    :func:`make_segment_data`.  Each document draws an event rate
    ``r ~ U(rate_range)``; each of its segments holds a *text event* with
    probability ``r``: a fixed event vector (entries ``N(0, event_strength^2)``,
    drawn once) is added to its text embedding on top of its topic.  The label is 1
    when the document's share of event segments is at least the median share over
    all documents, else 0.  So no single segment decides the label: the evidence
    is how many segments hold the event, relative to the document's length.

    It was written as a test bed for segment attributions that was not used to choose
    them (``docs/decisions.md``, 2026-12-06): its settings were fixed before any
    model was run on it.

    Parameters
    ----------
    n_docs : int, default=300
    n_segments : int or (int, int), default=(20, 60)
        Segments per document: a fixed number or an inclusive range drawn uniformly.
    d_audio, d_text : int, default=32, 48
    n_topics : int, default=8
        Text topics (and audio states).
    rate_range : (float, float), default=(0.05, 0.45)
        Range of the per-document event rate.
    event_strength : float, default=0.5
        Standard deviation of each entry of the event vector (prototypes have unit
        variance per entry).
    noise, speaker_noise : float, default=1.0, 0.5
        As in :func:`make_segment_data`.
    random_state : int, RandomState instance or None, default=None
    return_carriers : bool, default=False
        Also return which real segments hold the event.

    Returns
    -------
    X : skorch.helper.SliceDict
        Segment tensors, as :func:`make_segment_data` returns them.
    y : ndarray of shape (n_docs,)
        1 for documents whose share of event segments is at least the median, else 0.
    carriers : ndarray of bool, shape (n_docs, S)
        Only with ``return_carriers``: the real segments that hold the event (the
        evidence for class 1).

    Examples
    --------
    >>> from sklearn_hilbert.datasets.synthetic import make_event_share_data
    >>> X, y, events = make_event_share_data(n_docs=20, n_segments=(5, 8), random_state=0,
    ...                                      return_carriers=True)
    >>> X["text"].shape[0], sorted(set(y.tolist())), bool((events <= X["mask"]).all())
    (20, [0, 1], True)
    """
    rng = check_random_state(random_state)
    lo, hi = (n_segments, n_segments) if isinstance(n_segments, Integral) else n_segments
    if not 1 <= lo <= hi:
        raise ValueError(f"n_segments must be >= 1 (a range lo <= hi), got {n_segments!r}.")
    if not isinstance(n_docs, Integral) or n_docs < 2:
        raise ValueError(f"n_docs={n_docs!r} must be an int >= 2.")
    r_lo, r_hi = rate_range
    if not 0.0 <= r_lo <= r_hi <= 1.0:
        raise ValueError(f"rate_range must satisfy 0 <= lo <= hi <= 1, got {rate_range!r}.")
    lengths = rng.randint(lo, hi + 1, size=n_docs)
    S = int(lengths.max())
    mask = np.arange(S)[None, :] < lengths[:, None]
    rate = rng.uniform(r_lo, r_hi, size=n_docs)
    events = (rng.rand(n_docs, S) < rate[:, None]) & mask
    share = events.sum(axis=1) / lengths
    y = (share >= np.median(share)).astype(int)
    audio_state = rng.randint(n_topics, size=(n_docs, S))
    topic = rng.randint(n_topics, size=(n_docs, S))
    audio = _embed(audio_state, n_topics, d_audio, noise, speaker_noise, rng)
    text = _embed(topic, n_topics, d_text, noise, speaker_noise, rng)
    event_vector = (event_strength * rng.randn(d_text)).astype(np.float32)
    text = text + events[:, :, None] * event_vector
    audio[~mask] = 0.0
    text[~mask] = 0.0
    X = SliceDict(audio=audio, text=text.astype(np.float32), mask=mask)
    return (X, y, events) if return_carriers else (X, y)
