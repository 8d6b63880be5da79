"""Synthetic task families with a known oracle, for judging a model on many tasks at once.

Each family draws documents of 12-40 segments with an audio and a text
embedding per segment, three classes in proportions 0.6/0.3/0.1, Gaussian noise
on every segment and a per-document "speaker" offset shared by its segments
(what lets a network memorise documents instead of learning from segments).
Where the label lives differs:

===================  ==========================================================  ==========
family               the label is carried by                                     level
===================  ==========================================================  ==========
``prototypes``       which discrete audio state co-occurs with which text state  segment
                     in a segment (``make_segment_data(signal="joint")``'s rule)
``cooccurrence``     how often an audio event and a text event fall in the same  segment
                     segment (events: shifts along a random direction; each
                     modality's event rate is the same in every class)
``imbalance``        the same with 256-d audio and 40-d text (the paper's        segment
                     "dimensional imbalance")
``order``            whether the audio event burst comes before, after or with   segment
                     the text event burst (10 % of labels resampled)
``nuisance``         the rate of text events; the audio carries strong,          pooled
                     label-free structure
``pooled``           a class-dependent shift of every segment of a document      pooled
                     (logistic regression on pooled means is near optimal)
===================  ==========================================================  ==========

Every generator also returns the *oracle*: the Bayes posterior of the class
given the latent events (states, event indicators, burst positions or, for
``pooled``, the observed segment means), computed from the generating model.
Its AUC bounds what a model that must first detect the events can reach.
"""

from numbers import Integral

import numpy as np
from scipy.special import logsumexp, softmax
from skorch.helper import SliceDict
from sklearn.utils import check_random_state

#: Task families, in table order, and whether the label lives inside segments.
FAMILIES = {
    "prototypes": "segment",
    "cooccurrence": "segment",
    "imbalance": "segment",
    "order": "segment",
    "nuisance": "pooled",
    "pooled": "pooled",
}
PRIOR = np.array([0.6, 0.3, 0.1])
SEGMENTS = (12, 40)
NOISE, SPEAKER = 1.0, 0.5
#: Size of an event's shift along its direction (noise has sd 1 per feature), per family.
AMPLITUDE = {"cooccurrence": 4.0, "imbalance": 4.0, "order": 3.0, "nuisance": 2.0}


def make_task(family, n_docs=400, random_state=None):
    """Draw a data set of one task family, with the oracle's class probabilities.

    Parameters
    ----------
    family : str
        One of :data:`FAMILIES` (see the module docstring).
    n_docs : int, default=400
        Number of documents (at least 3).
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    X : skorch.helper.SliceDict
        ``audio (n_docs, S, d_a)``, ``text (n_docs, S, d_t)`` float32, ``mask (n_docs, S)``.
    y : ndarray of shape (n_docs,)
        Labels 0, 1, 2 in proportions 0.6/0.3/0.1.
    oracle : ndarray of shape (n_docs, 3)
        The Bayes posterior of each class given the latent events.

    Examples
    --------
    >>> from sklearn_hilbert.datasets.tasks import make_task
    >>> X, y, oracle = make_task("cooccurrence", n_docs=20, random_state=0)
    >>> X["audio"].shape[0], oracle.shape, sorted(set(y.tolist()))
    (20, (20, 3), [0, 1, 2])
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {sorted(FAMILIES)}, got {family!r}.")
    if not isinstance(n_docs, Integral) or n_docs < 3:
        raise ValueError(f"n_docs must be an int >= 3, got {n_docs!r}.")
    rng = check_random_state(random_state)
    y = _labels(n_docs, rng)
    lengths = rng.randint(SEGMENTS[0], SEGMENTS[1] + 1, size=n_docs)
    mask = np.arange(lengths.max())[None, :] < lengths[:, None]
    audio, text, log_lik = _GENERATORS[family](y, mask, rng)
    audio[~mask] = 0.0
    text[~mask] = 0.0
    oracle = softmax(log_lik + np.log(PRIOR), axis=1)
    return SliceDict(audio=audio.astype(np.float32), text=text.astype(np.float32), mask=mask), y, oracle


def _labels(n_docs, rng):
    counts = np.maximum(1, np.round(PRIOR * n_docs).astype(int))
    counts[0] = n_docs - counts[1:].sum()
    return rng.permutation(np.repeat(np.arange(3), counts))


def _background(n_docs, S, dim, rng, speaker=SPEAKER):
    return NOISE * rng.randn(n_docs, S, dim) + speaker * rng.randn(n_docs, 1, dim)


def _direction(dim, rng):
    u = rng.randn(dim)
    return u / np.linalg.norm(u)


def _paired_events(y, mask, rng, d_audio, d_text, q=0.35, rho=(0.0, 0.35, 0.7)):
    """Audio/text event pairs per segment: both rates ``q``, P(both) = q^2 + rho_c q (1 - q)."""
    r = q**2 + np.asarray(rho) * q * (1 - q)
    cells = np.stack([r, q - r, q - r, 1 - 2 * q + r], axis=1)  # 11, 10, 01, 00 per class
    u = rng.rand(*mask.shape)
    cum = np.cumsum(cells[y], axis=1)  # (n, 4)
    cell = (u[:, :, None] > cum[:, None, :]).sum(axis=2)  # 0..3
    e_a = np.isin(cell, (0, 1))
    e_t = np.isin(cell, (0, 2))
    n, S = mask.shape
    amp = AMPLITUDE["cooccurrence"]
    audio = _background(n, S, d_audio, rng) + amp * e_a[..., None] * _direction(d_audio, rng)
    text = _background(n, S, d_text, rng) + amp * e_t[..., None] * _direction(d_text, rng)
    counts = np.stack([((cell == k) & mask).sum(axis=1) for k in range(4)], axis=1)  # (n, 4)
    return audio, text, counts @ np.log(cells).T


def _cooccurrence(y, mask, rng):
    return _paired_events(y, mask, rng, d_audio=32, d_text=48)


def _imbalance(y, mask, rng):
    return _paired_events(y, mask, rng, d_audio=256, d_text=40)


def _prototypes(y, mask, rng, n_proto=4, strength=0.2, d_audio=32, d_text=48):
    n, S = mask.shape
    a = rng.randint(n_proto, size=(n, S))
    t = rng.randint(n_proto, size=(n, S))
    carries = rng.rand(n, S) < strength
    t = np.where(carries, (a + y[:, None]) % n_proto, t)
    audio = _background(n, S, d_audio, rng) + rng.randn(n_proto, d_audio)[a]
    text = _background(n, S, d_text, rng) + rng.randn(n_proto, d_text)[t]
    # P(t | a, c) = strength [t = a + c mod P] + (1 - strength) / P, per real segment
    log_lik = np.stack([
        (np.log(strength * (t == (a + c) % n_proto) + (1 - strength) / n_proto) * mask).sum(axis=1)
        for c in range(3)
    ], axis=1)
    return audio, text, log_lik


def _order(y, mask, rng, burst=3, label_noise=0.1, d_audio=32, d_text=48):
    """One audio and one text burst of ``burst`` segments: class 0 audio first, 1 text first,
    2 at the same segments; then 10 % of the labels are redrawn from the prior."""
    n, S = mask.shape
    lengths = mask.sum(axis=1)
    arrangement, arr_given_y = _arrangement_given_label(y, label_noise, rng)
    first = rng.randint(0, lengths - 2 * burst + 1)
    gap = burst + (rng.rand(n) * (lengths - 2 * burst - first + 1)).astype(int)
    second = first + gap
    a_start = np.where(arrangement == 1, second, first)
    t_start = np.where(arrangement == 0, second, first)
    pos = np.arange(S)[None, :]
    e_a = (pos >= a_start[:, None]) & (pos < a_start[:, None] + burst)
    e_t = (pos >= t_start[:, None]) & (pos < t_start[:, None] + burst)
    amp = AMPLITUDE["order"]
    audio = _background(n, S, d_audio, rng) + amp * e_a[..., None] * _direction(d_audio, rng)
    text = _background(n, S, d_text, rng) + amp * e_t[..., None] * _direction(d_text, rng)
    return audio, text, np.log(arr_given_y[arrangement])


def _arrangement_given_label(y, label_noise, rng):
    """Draw the burst arrangement given the label: arrangements follow the prior and the label
    is the arrangement's, redrawn from the prior for a share ``label_noise`` of documents.

    Returns the arrangements ``(n,)`` and ``P(arrangement | label)`` as ``(3 arrangements, 3 labels)``.
    """
    joint = PRIOR[:, None] * ((1 - label_noise) * np.eye(3) + label_noise * PRIOR[None, :])
    given_y = joint / joint.sum(axis=0, keepdims=True)
    u = rng.rand(len(y))
    arrangement = (u[:, None] > np.cumsum(given_y[:, y].T, axis=1)).sum(axis=1).clip(0, 2)
    return arrangement, given_y


def _nuisance(y, mask, rng, rates=(0.2, 0.3, 0.4), d_audio=32, d_text=48, n_nuisance=4):
    n, S = mask.shape
    e_t = rng.rand(n, S) < np.asarray(rates)[y][:, None]
    text = _background(n, S, d_text, rng) + AMPLITUDE["nuisance"] * e_t[..., None] * _direction(d_text, rng)
    # audio: large label-free structure (nuisance events along a few directions, loud speakers)
    weights = 3.0 * rng.randn(n, S, n_nuisance) * (rng.rand(n, S, n_nuisance) < 0.5)
    audio = _background(n, S, d_audio, rng, speaker=2.0) + weights @ rng.randn(n_nuisance, d_audio)
    k = (e_t & mask).sum(axis=1)[:, None]
    m = mask.sum(axis=1)[:, None]
    r = np.asarray(rates)[None, :]
    return audio, text, k * np.log(r) + (m - k) * np.log(1 - r)


def _pooled(y, mask, rng, separation=0.06, d_audio=32, d_text=48):
    n, S = mask.shape
    log_lik = np.zeros((n, 3))
    out = []
    for dim in (d_audio, d_text):
        centres = separation * rng.randn(3, dim)
        x = _background(n, S, dim, rng) + centres[y][:, None, :]
        m = mask.sum(axis=1)
        mean = (x * mask[..., None]).sum(axis=1) / m[:, None]
        var = SPEAKER**2 + NOISE**2 / m  # the document mean's variance per feature
        sq = ((mean[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)  # (n, 3)
        log_lik += -0.5 * sq / var[:, None]
        out.append(x)
    return out[0], out[1], log_lik - logsumexp(log_lik, axis=1, keepdims=True)


_GENERATORS = {
    "prototypes": _prototypes,
    "cooccurrence": _cooccurrence,
    "imbalance": _imbalance,
    "order": _order,
    "nuisance": _nuisance,
    "pooled": _pooled,
}
